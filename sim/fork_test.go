package sim_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// forkConfigs are a baseline with a dated change before the fork, and a
// variant that differs from it in everything a policy holds that the
// engine reads: counselling at another moment by another provider,
// twice the enforcement (which redraws the schedule of everyone out of
// sight), other capacities, group rules (families counselled periodically,
// long-stayers under more enforcement), and changes of its own: at the
// fork (for a fork after the baseline's change), of keys outside the
// policy (the VBL's rules, finds out of sight, which redraws the schedule
// of everyone away), and after it, of the policy, the VBL share and the
// intake. The baseline's change before the fork sets a state key too.
func forkConfigs(t *testing.T, fork int) (base, variant sim.Config) {
	t.Helper()
	base = smallConfig()
	base.Months = 36
	early := base.Policy
	early.Reintegration.CashEUR = 300
	base.Changes = []sim.Change{{From: "2017-07", Policy: early, State: map[string]float64{"detention_months": 2}}}
	variant = base
	v := func(p agents.Policy) agents.Policy {
		p.Counselling.Timing = agents.AtDeadline
		p.Counselling.Provider = agents.Only(agents.NGO)
		p.Enforcement = 2
		p.Capacity.DetentionPlaces = 40
		p.Capacity.LVVPlaces = 200
		fam, periodic, enf := agents.Family, agents.Periodic, 4.0
		p.Groups = []agents.Rule{
			{For: agents.Selector{Household: &fam}, Counselling: agents.RuleCounselling{Timing: &periodic}},
			{For: agents.Selector{MinMonths: 30}, Enforcement: &enf},
		}
		return p
	}
	variant.Policy = v(base.Policy)
	late := v(early)
	late.Enforcement = 0.5
	variant.Changes = []sim.Change{{From: "2017-07", Policy: v(early), State: base.Changes[0].State}}
	if fork > 6 {
		variant.Changes = append(variant.Changes, sim.Change{From: monthName(fork), Policy: v(early), State: map[string]float64{"vbl_months": 1, "find_rate": 2 * base.State.FindRate}})
	}
	variant.Changes = append(variant.Changes, sim.Change{From: monthName(fork + 7), Policy: late, Population: map[string]float64{"frl_share": 0.9}, Intake: map[string]float64{"scale": 0.3}})
	for _, c := range []*sim.Config{&base, &variant} {
		if err := c.Prepare(); err != nil {
			t.Fatal(err)
		}
	}
	return base, variant
}

// monthName is the calendar month of recorded month t of a run from 2017-01.
func monthName(t int) string { return fmt.Sprintf("%d-%02d", 2017+t/12, t%12+1) }

// TestForkIsADatedChange: continuing a variant from the baseline's history
// at month F gives, record for record, the straight run whose policy is
// the baseline's before F and the variant's from F: the variant's policy
// in force at F as a change dated F, then its own later changes. Every
// person, file, stream and calendar entry carries over exactly, so the
// continuation is the replicate that history would have had.
func TestForkIsADatedChange(t *testing.T) {
	for _, fork := range []int{1, 11, 20} {
		base, variant := forkConfigs(t, fork)
		// the straight run: the baseline's changes before the fork, the
		// variant's policy from it
		straight := base
		straight.Changes = nil
		for _, c := range base.Changes {
			if c.FromMonth < fork {
				straight.Changes = append(straight.Changes, c)
			}
		}
		at := sim.Change{FromMonth: fork, Policy: variant.Policy}
		for _, c := range variant.Changes {
			if c.FromMonth < fork {
				at.Policy = c.Policy
			}
			if c.FromMonth == fork {
				at = c
			}
		}
		straight.Changes = append(straight.Changes, at)
		for _, c := range variant.Changes {
			if c.FromMonth > fork {
				straight.Changes = append(straight.Changes, c)
			}
		}
		for i := range straight.Changes {
			straight.Changes[i].From = "" // FromMonth given: the recorded months may start anywhere
		}
		if err := straight.Prepare(); err != nil {
			t.Fatalf("fork %d: %v", fork, err)
		}
		var want recorder
		wantTot := sim.Run(&straight, seed, &want)

		var got recorder
		h, err := sim.RunHistory(&base, seed, fork, &got)
		if err != nil {
			t.Fatal(err)
		}
		gotTot, err := h.Continue(&variant, &got)
		h.Release()
		if err != nil {
			t.Fatal(err)
		}
		checkForkStays(t, fmt.Sprintf("fork %d", fork), got.persons, fork)
		compareRuns(t, fmt.Sprintf("fork %d", fork), &got, &want, gotTot, wantTot)
	}
}

// TestForkInWarmup: a history forked inside the warm-up records nothing,
// and its continuations under the baseline and under a variant are each
// reproducible from the same history (the copy leaves the history as it
// was), and the baseline's equals its straight run.
func TestForkInWarmup(t *testing.T) {
	base, variant := forkConfigs(t, 6) // the variant's own change at month 13
	var none recorder
	h, err := sim.RunHistory(&base, seed, -20, &none)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	if len(none.months)+len(none.cases)+len(none.persons) > 0 {
		t.Fatalf("a history in the warm-up recorded %d months, %d cases, %d persons; want none", len(none.months), len(none.cases), len(none.persons))
	}
	var v1, v2, b1, b2 recorder
	t1, _ := h.Continue(&variant, &v1)
	tb1, _ := h.Continue(&base, &b1)
	t2, _ := h.Continue(&variant, &v2)
	tb2, _ := h.Continue(&base, &b2)
	compareRuns(t, "variant twice", &v2, &v1, t2, t1)
	compareRuns(t, "baseline twice", &b2, &b1, tb2, tb1)
	var straight recorder
	ts := sim.Run(&base, seed, &straight)
	compareRuns(t, "baseline from the fork", &b1, &straight, tb1, ts)
	if reflect.DeepEqual(v1.months, b1.months) {
		t.Errorf("the variant's months equal the baseline's: the variant's policy did not take over at the fork")
	}
}

// TestForkAtWarmupStartIsRun: a fork at the first month of the warm-up
// shares nothing, and each continuation is exactly the scenario's own
// straight run, as before histories were shared.
func TestForkAtWarmupStartIsRun(t *testing.T) {
	base, variant := forkConfigs(t, 6)
	h, err := sim.RunHistory(&base, seed, -base.Warmup, sim.Discard{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	var got, want recorder
	gotTot, err := h.Continue(&variant, &got)
	if err != nil {
		t.Fatal(err)
	}
	wantTot := sim.Run(&variant, seed, &want)
	compareRuns(t, "fork at the warm-up's start", &got, &want, gotTot, wantTot)
}

// TestForkRefuses: a scenario that differs from the history in more than
// its policy cannot continue it, and a fork outside the run is refused.
func TestForkRefuses(t *testing.T) {
	base, _ := forkConfigs(t, 6)
	h, err := sim.RunHistory(&base, seed, 6, sim.Discard{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	other := base
	other.Params.AVR.Threat *= 2
	if _, err := h.Continue(&other, sim.Discard{}); err == nil || !strings.Contains(err.Error(), "params") {
		t.Errorf("Continue with other params = %v, want an error naming params", err)
	}
	for _, fork := range []int{-base.Warmup - 1, base.Months + 1} {
		if _, err := sim.RunHistory(&base, seed, fork, sim.Discard{}); err == nil {
			t.Errorf("RunHistory at month %d = nil error, want one: outside the run", fork)
		}
	}
}

func compareRuns(t *testing.T, what string, got, want *recorder, gotTot, wantTot sim.Totals) {
	t.Helper()
	if len(got.months) != len(want.months) {
		t.Fatalf("%s: %d months recorded, want %d", what, len(got.months), len(want.months))
	}
	for i := range want.months {
		if got.months[i] != want.months[i] {
			t.Fatalf("%s: month %d differs:\n got %+v\nwant %+v", what, i, got.months[i], want.months[i])
		}
	}
	if !reflect.DeepEqual(got.cases, want.cases) {
		t.Errorf("%s: %d case records, want %d, or they differ", what, len(got.cases), len(want.cases))
	}
	// a continuation's records say how long each person had been without
	// status at the fork (checkForkStays); a straight run's do not
	mask := func(ps []sim.PersonRecord) []sim.PersonRecord {
		ps = slices.Clone(ps)
		for i := range ps {
			ps[i].ForkStay = -1
		}
		return ps
	}
	if !reflect.DeepEqual(mask(got.persons), mask(want.persons)) {
		t.Errorf("%s: %d person records, want %d, or they differ", what, len(got.persons), len(want.persons))
	}
	gotTot.Stepped, gotTot.Exact, wantTot.Stepped, wantTot.Exact = 0, 0, 0, 0 // bounds are redrawn at the fork: more exact steps, the same results
	if gotTot != wantTot {
		t.Errorf("%s: totals\n got %+v\nwant %+v", what, gotTot, wantTot)
	}
}

// checkForkStays checks the months without status at the fork of the
// person records of a continuation from fork: given (0 or more) exactly
// for the persons in the return system then, those who entered before the
// fork and left in its month or later, or are there at the horizon; at
// most their months without status at the end, and at least those at
// their entry.
func checkForkStays(t *testing.T, what string, persons []sim.PersonRecord, fork int) {
	t.Helper()
	n := 0
	for _, p := range persons {
		there := p.FirstMonth < fork && p.Reachable(fork)
		switch {
		case there != (p.ForkStay >= 0):
			t.Fatalf("%s: person %d (entered %d, fate month %d): months without status at the fork %d", what, p.PersonID, p.FirstMonth, p.FateMonth, p.ForkStay)
		case there && (p.ForkStay > p.MonthsIrregular || p.ForkStay < p.EntryStay):
			t.Fatalf("%s: person %d: %d months without status at the fork, %d at entry, %d at the end", what, p.PersonID, p.ForkStay, p.EntryStay, p.MonthsIrregular)
		}
		if there {
			n++
		}
	}
	if n == 0 {
		t.Fatalf("%s: no person in the return system at the fork", what)
	}
}

// TestReachable: the persons a policy taking over at the fork can reach,
// PersonRecord.Reachable, are the persons in the return system at the
// start of the fork month (the files open, the persons out of sight and
// in a procedure at the end of the month before: one file at most per
// person) and those who first enter from it on; each is sent once, after
// the history, by the continuation. The records of the others, who left
// before the fork, are the history's.
func TestReachable(t *testing.T) {
	base, variant := forkConfigs(t, 11)
	for _, fork := range []int{1, 11, 20} {
		var hist, cont recorder
		h, err := sim.RunHistory(&base, seed, fork, &hist)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.Continue(&variant, &cont); err != nil {
			t.Fatal(err)
		}
		h.Release()
		last := hist.months[fork-1]
		present := last.Active + last.OutOfSight + last.InProcedure
		stock, entrants := 0, 0
		for _, p := range hist.persons {
			if p.Reachable(fork) {
				t.Errorf("fork %d: person %d left in month %d, before the fork, and is reachable", fork, p.PersonID, p.FateMonth)
			}
		}
		seen := map[int]bool{}
		for _, p := range cont.persons {
			if !p.Reachable(fork) {
				t.Errorf("fork %d: person %d, recorded after the fork (fate month %d), is not reachable", fork, p.PersonID, p.FateMonth)
			}
			if seen[p.PersonID] {
				t.Errorf("fork %d: person %d recorded twice", fork, p.PersonID)
			}
			seen[p.PersonID] = true
			switch from := p.ReachedFrom(fork); {
			case p.FirstMonth < fork && from == fork:
				stock++
			case p.FirstMonth >= fork && from == p.FirstMonth:
				entrants++
			default:
				t.Errorf("fork %d: person %d first entered in month %d, reached from %d", fork, p.PersonID, p.FirstMonth, from)
			}
		}
		if stock != present || present == 0 {
			t.Errorf("fork %d: %d reachable persons entered before the fork, want the %d in the return system at its start (files, out of sight, in a procedure)", fork, stock, present)
		}
		if entrants == 0 {
			t.Errorf("fork %d: no reachable person entered after the fork", fork)
		}
	}
}

// cancelAfter is a recorder that cancels its context after n months.
type cancelAfter struct {
	recorder
	n      int
	cancel func()
}

func (c *cancelAfter) Month(m *sim.MonthCounts) {
	c.recorder.Month(m)
	if len(c.months) == c.n {
		c.cancel()
	}
}

// TestContinueContext: a continuation stops at the month after its
// context is cancelled, with the context's error, and a cancelled one
// leaves the history as it was: the next continuation is the one an
// uncancelled context gives.
func TestContinueContext(t *testing.T) {
	base, variant := forkConfigs(t, 11)
	h, err := sim.RunHistory(&base, seed, 11, sim.Discard{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	ctx, cancel := context.WithCancel(context.Background())
	rec := &cancelAfter{n: 3, cancel: cancel}
	if _, err := h.ContinueContext(ctx, &variant, rec); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled continuation: error %v, want context.Canceled", err)
	}
	if len(rec.months) != 3 {
		t.Errorf("cancelled after 3 months: it recorded %d months, want 3", len(rec.months))
	}
	if _, err := h.ContinueContext(ctx, &variant, &recorder{}); !errors.Is(err, context.Canceled) {
		t.Errorf("continuation with a done context: error %v, want context.Canceled", err)
	}
	var got, want recorder
	gotTot, err := h.ContinueContext(context.Background(), &variant, &got)
	if err != nil {
		t.Fatal(err)
	}
	wantTot, _ := h.Continue(&variant, &want)
	compareRuns(t, "after a cancelled continuation", &got, &want, gotTot, wantTot)
}
