package sim_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// TestRestriction checks a restriction in force from July to September
// 2017 (months 6 to 8): with no travel, no file closes by AVR, independent
// departure or forced return in those months, though files do in the
// months around them; and with reception kept, no departure period ends in
// them, so persons whose deadline fell in them lose shelter in month 9 and
// are registered as departed without supervision in month 10.
func TestRestriction(t *testing.T) {
	stop := []sim.Restriction{{From: "2017-07", To: "2017-09", Travel: 0, KeepShelter: true}}
	t.Run("travel", func(t *testing.T) {
		cfg := smallConfig()
		cfg.Restrictions = stop
		_, r := run(t, &cfg, seed)
		for _, m := range r.months {
			n := m.Closed[agents.AVR] + m.Closed[agents.Independent] + m.Closed[agents.Forced]
			in := m.Month >= 6 && m.Month <= 8
			if in && n != 0 {
				t.Errorf("month %d: %d departures that need travel, want 0 under the restriction", m.Month, n)
			}
			if (m.Month == 5 || m.Month == 9) && n == 0 {
				t.Errorf("month %d: no departure that needs travel outside the restriction: the test checks little", m.Month)
			}
		}
	})
	t.Run("shelter kept", func(t *testing.T) {
		cfg := quietConfig(agents.IND)
		cfg.Restrictions = stop
		_, r := run(t, &cfg, seed)
		n := 0
		for _, k := range r.cases {
			o := k.OpenedMonth
			if k.Source != agents.IND || k.FileNumber != 1 || o < 0 || o+2 >= cfg.Months {
				continue
			}
			n++
			want := o + 2 // final decision in month o, the departure period in o+1
			if o+1 >= 6 && o+1 <= 8 {
				want = 10 // the departure period held open until month 9
			}
			if k.Outcome != agents.Absconded || k.ClosedMonth != want {
				t.Errorf("file %d opened in month %d: closed %s in month %d, want absconded in month %d", k.CaseID, o, k.Outcome, k.ClosedMonth, want)
			}
		}
		if n < 500 {
			t.Fatalf("%d files, too few to check", n)
		}
	})
}

// TestRestrictionEndsDetention: detention needs a reasonable prospect of
// removal (Return Directive, article 15(4)). With no travel from July to
// September 2017 no one is placed in detention in those months, though
// persons are in the months around them, and nearly everyone detained at
// the end of June is released in July (all but those whose month's draw
// fell on another of the state's events, or a choice of their own).
func TestRestrictionEndsDetention(t *testing.T) {
	cfg := smallConfig()
	cfg.Restrictions = []sim.Restriction{{From: "2017-07", To: "2017-09", Travel: 0, KeepShelter: true}}
	_, r := run(t, &cfg, seed)
	var before int
	for _, m := range r.months {
		in := m.Month >= 6 && m.Month <= 8
		switch {
		case in && m.Detained != 0:
			t.Errorf("month %d: %d placed in detention, want 0 without a prospect of removal", m.Month, m.Detained)
		case (m.Month == 5 || m.Month == 9) && m.Detained == 0:
			t.Errorf("month %d: no one placed in detention outside the restriction: the test checks little", m.Month)
		}
		if m.Month == 5 {
			before = m.Places[agents.Detention]
		}
		if m.Month == 6 && (before < 20 || 50*m.Places[agents.Detention] > before) {
			t.Errorf("in detention: %d at the end of June, %d at the end of July; want at most one in 50 kept", before, m.Places[agents.Detention])
		}
	}
}

// TestRemovalsLost: a restriction that loses every removal from July to
// September 2017, travel kept, stops forced returns in those months, and
// only them: AVR and independent departures go on, and so do placements
// in detention, which need a prospect of removal, not a removal this
// month. The months around it have forced returns.
func TestRemovalsLost(t *testing.T) {
	cfg := smallConfig()
	cfg.Restrictions = []sim.Restriction{{From: "2017-07", To: "2017-09", Travel: 1, RemovalsLost: 1}}
	_, r := run(t, &cfg, seed)
	for _, m := range r.months {
		in := m.Month >= 6 && m.Month <= 8
		switch {
		case in && m.Closed[agents.Forced] != 0:
			t.Errorf("month %d: %d forced returns, want 0 with every removal lost", m.Month, m.Closed[agents.Forced])
		case in && (m.Closed[agents.AVR]+m.Closed[agents.Independent] == 0 || m.Detained == 0):
			t.Errorf("month %d: %d AVRs and independent departures, %d placed in detention: want both to go on when only removals are lost", m.Month, m.Closed[agents.AVR]+m.Closed[agents.Independent], m.Detained)
		case (m.Month == 5 || m.Month == 9) && m.Closed[agents.Forced] == 0:
			t.Errorf("month %d: no forced return outside the restriction: the test checks little", m.Month)
		}
	}
}

// TestRestrictionByOrigin: a restriction of one origin's persons limits
// theirs and no one else's, and in force with a restriction of every origin
// it does not lift that one's limit: the shares multiply. No one travels in
// June to August 2017 (months 5 to 7), and the first origin's removals are
// lost in July to September (months 6 to 8). So in months 5 to 7 no one
// leaves by AVR, independent departure or forced return, the first origin's
// persons included; in month 8 the first origin's persons have no forced
// return but do leave by AVR and independently, and the others are removed.
func TestRestrictionByOrigin(t *testing.T) {
	cfg := smallConfig()
	first := cfg.Origins[0].Code
	cfg.Restrictions = []sim.Restriction{
		{From: "2017-06", To: "2017-08", Travel: 0},
		{From: "2017-07", To: "2017-09", Travel: 1, RemovalsLost: 1, Origins: []string{first}},
	}
	_, r := run(t, &cfg, seed)
	var forced, own [2][12]int // by first origin or not, month: forced returns, AVR and independent departures
	for _, k := range r.cases {
		m := k.ClosedMonth
		if m < 0 || m >= 12 {
			continue
		}
		g := 1
		if k.Origin == 0 {
			g = 0
		}
		switch k.Outcome {
		case agents.Forced:
			forced[g][m]++
		case agents.AVR, agents.Independent:
			own[g][m]++
		}
	}
	for m := 5; m <= 7; m++ {
		for g := range 2 {
			if n := forced[g][m] + own[g][m]; n != 0 {
				t.Errorf("month %d: %d departures that need travel (first origin: %v), want 0 while no one travels", m, n, g == 0)
			}
		}
	}
	if forced[0][8] != 0 || own[0][8] == 0 || forced[1][8] == 0 {
		t.Errorf("month 8: %d forced returns and %d AVR and independent departures of %s's persons, %d forced returns of others: want 0, some and some", forced[0][8], own[0][8], first, forced[1][8])
	}
	if forced[0][4] == 0 || forced[0][9] == 0 {
		t.Errorf("%s's persons: %d and %d forced returns in months 4 and 9: the test checks little", first, forced[0][4], forced[0][9])
	}
}

// TestRestrictionErrors checks that restrictions out of order, in force
// together for the same origins, with months that are not months or
// origins that are not origins are refused with the key at fault; and that
// two in force together for different origins are not.
func TestRestrictionErrors(t *testing.T) {
	for _, c := range []struct {
		rs  []sim.Restriction
		key string
	}{
		{[]sim.Restriction{{From: "2020-13", To: "2020-06", Travel: 1}}, "restrictions[0].from"},
		{[]sim.Restriction{{From: "2020-04", To: "2020-03", Travel: 1}}, "restrictions[0].to"},
		{[]sim.Restriction{{From: "2020-04", To: "2020-06", Travel: 1}, {From: "2020-06", To: "2020-08", Travel: 1}}, "restrictions[1].from"},
		{[]sim.Restriction{{From: "2020-04", To: "2020-06", Travel: 1.5}}, "restrictions[0].travel"},
		{[]sim.Restriction{{From: "2020-04", To: "2020-06", Travel: 1, RemovalsLost: -0.1}}, "restrictions[0].removals_lost"},
		{[]sim.Restriction{{From: "2020-04", To: "2020-06", Travel: 1, Origins: []string{"ma"}}}, "restrictions[0].origins[0]"},
		{[]sim.Restriction{{From: "2020-04", To: "2020-06", Travel: 0, KeepShelter: true, Origins: []string{"MA"}}}, "restrictions[0].keep_shelter"},
		{[]sim.Restriction{{From: "2020-04", To: "2020-06", Travel: 0, Origins: []string{"MA", "DZ"}}, {From: "2020-06", To: "2020-08", Travel: 0, Origins: []string{"DZ"}}}, "restrictions[1].from"},
		{[]sim.Restriction{{From: "2020-04", To: "2020-06", Travel: 0}, {From: "2020-03", To: "2020-03", Travel: 0, Origins: []string{"MA"}}}, "restrictions[1].from"},
	} {
		cfg := sim.DefaultConfig()
		cfg.Restrictions = c.rs
		err := cfg.Validate()
		found := false
		for _, fe := range agents.FieldErrors(err) {
			found = found || fe.Key == c.key
		}
		if !found {
			t.Errorf("%+v: Validate() = %v, want an error at %s", c.rs, err, c.key)
		}
	}
}

// TestRestrictionsTogether: restrictions of different origins may be in
// force together, and so may one of some origins with one of every origin;
// two of every origin may not, nor two that share an origin.
func TestRestrictionsTogether(t *testing.T) {
	every := sim.Restriction{From: "2020-04", To: "2020-06", Travel: 0.07, KeepShelter: true}
	dz := sim.Restriction{From: "2020-04", To: "2021-05", Travel: 0, Origins: []string{"DZ"}}
	ma := sim.Restriction{From: "2020-05", To: "2020-07", Travel: 0.5, Origins: []string{"MA", "DZ"}}
	for _, c := range []struct {
		rs  []sim.Restriction
		bad bool
	}{
		{[]sim.Restriction{every, dz}, false},
		{[]sim.Restriction{dz, ma}, true},
		{[]sim.Restriction{every, {From: "2020-06", To: "2020-07", Travel: 1}}, true},
	} {
		cfg := sim.DefaultConfig()
		cfg.Restrictions = c.rs
		err := cfg.Validate()
		if bad := err != nil && strings.Contains(err.Error(), "restrictions[1].from"); bad != c.bad {
			t.Errorf("%+v: Validate() = %v, want an error at restrictions[1].from: %v", c.rs, err, c.bad)
		}
	}
	ma.Origins = []string{"MA"}
	cfg := sim.DefaultConfig()
	cfg.Restrictions = []sim.Restriction{dz, ma}
	if err := cfg.Validate(); err != nil {
		t.Errorf("restrictions of DZ and of MA in force together: Validate() = %v, want none", err)
	}
}

// TestValidateCopies prepares copies of one Config side by side, as a
// calibration's workers do: under the race detector (CI's race pass) it
// fails if Prepare writes into a slice the copies share.
func TestValidateCopies(t *testing.T) {
	base := sim.DefaultConfig()
	base.Changes = []sim.Change{{From: "2019-01", Policy: agents.DefaultPolicy()}}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			c := base
			errs <- c.Prepare()
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// TestValidateChangesNothing: Validate leaves a config as it found it,
// unexported fields included, where Prepare resolves the months of its
// policy changes.
func TestValidateChangesNothing(t *testing.T) {
	newConfig := func() sim.Config {
		c := sim.DefaultConfig()
		c.Changes = []sim.Change{{From: "2019-01", Policy: agents.DefaultPolicy()}}
		return c
	}
	c, want := newConfig(), newConfig()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Validate changed the config: %+v, want %+v", c, want)
	}
	if err := c.Prepare(); err != nil {
		t.Fatal(err)
	}
	if c.Changes[0].FromMonth != 24 || want.Changes[0].FromMonth != 0 {
		t.Errorf("Prepare resolved from = 2019-01 to month %d, want 24", c.Changes[0].FromMonth)
	}
}
