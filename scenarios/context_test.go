package scenarios

import (
	"reflect"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// TestDefaultStudyKeepsContext checks that every scenario of the default
// study compares a policy against the same context: in every recorded
// month the capacities (places, removals) it runs with are the
// baseline's, but for the ones it changes on purpose, from the fork. A
// variant that gives its own policy_changes replaces the base's array,
// and so must restate the base's dated capacities (the LVV from 2019-04);
// one that forgot them would count the lost places as part of its
// policy's effect. Before the fork every scenario runs the baseline's
// history (sim.History), whatever its own configuration says of those
// months.
func TestDefaultStudyKeepsContext(t *testing.T) {
	st, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	base := &st.Scenarios[0].Config
	fork := 0
	if st.Fork != "" {
		fork = st.ForkMonth
	}
	// the capacities a scenario changes on purpose, from the fork
	onPurpose := map[string]func(c *agents.Capacity){
		"removals-doubled":                func(c *agents.Capacity) { c.RemovalsMonth *= 2 },
		"removals-doubled-no-counselling": func(c *agents.Capacity) { c.RemovalsMonth *= 2 },
	}
	seen := 0
	for _, sc := range st.Scenarios[1:] {
		change := onPurpose[sc.Name]
		if change != nil {
			seen++
		}
		for m := range base.Months {
			want, got := capacityAt(base, m), capacityAt(base, m)
			if m >= fork {
				got = capacityAt(&sc.Config, m)
				if change != nil {
					change(&want)
				}
			}
			if got != want {
				t.Errorf("%s: month %d (%s): capacities %+v, want %+v", sc.Name, m, base.Date(m), got, want)
				break
			}
		}
	}
	if seen != len(onPurpose) {
		t.Errorf("%d of the scenarios that change a capacity on purpose are in the default study, want %d: update onPurpose", seen, len(onPurpose))
	}
}

// TestDefaultStudyIsTheProjection: the default study is the planner's
// projection: its history runs to December 2024 with the base's real
// policy changes (the July 2017 package, the LVV from April 2019) and the
// spring 2020 restrictions, it forks in January 2025 and its horizon is
// December 2030; every variant's policy differs from the baseline's from
// the fork (a variant that did not would compare nothing), and among them
// are group rules for long-stayers (36 months or more without status) and
// for families.
func TestDefaultStudyIsTheProjection(t *testing.T) {
	st, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	base := &st.Scenarios[0].Config
	if st.Fork != "2025-01" || base.Date(st.ForkMonth) != "2025-01" || base.Date(base.Months-1) != "2030-12" {
		t.Fatalf("fork %q (month %d), horizon %s: want a fork at 2025-01 and a horizon at 2030-12", st.Fork, st.ForkMonth, base.Date(base.Months-1))
	}
	var dates []string
	for _, c := range base.Changes {
		dates = append(dates, c.From)
	}
	if !reflect.DeepEqual(dates, []string{"2017-07", "2019-04"}) || base.Changes[0].Reintegration.CashEUR != 300 || base.Changes[1].Capacity.LVVPlaces != 1000 {
		t.Errorf("the base's changes %v: want the July 2017 package (300 EUR cash) and the LVV from 2019-04 (1,000 places)", dates)
	}
	def := sim.DefaultConfig().Restrictions
	if len(base.Restrictions) == 0 || len(base.Restrictions) != len(def) || base.Restrictions[0].From != def[0].From || base.Restrictions[0].From[:4] != "2020" {
		t.Errorf("the base's restrictions %+v: want the defaults, from spring 2020", base.Restrictions)
	}
	atFork := policyAt(base, st.ForkMonth)
	var long, families bool
	for _, sc := range st.Scenarios[1:] {
		p := policyAt(&sc.Config, st.ForkMonth)
		if reflect.DeepEqual(p, atFork) {
			t.Errorf("%s: its policy at the fork is the baseline's: it compares nothing", sc.Name)
		}
		for _, r := range p.Groups {
			long = long || r.For.MinMonths == 36
			families = families || r.For.Household != nil && *r.For.Household == agents.Family
		}
	}
	if !long || !families {
		t.Errorf("group rules for long-stayers (36 months) %t, for families %t: want both", long, families)
	}
}

// capacityAt is the policy's capacity in force in recorded month m.
func capacityAt(cfg *sim.Config, m int) agents.Capacity { return policyAt(cfg, m).Capacity }

// policyAt is the policy of cfg in force in recorded month m.
func policyAt(cfg *sim.Config, m int) agents.Policy {
	p := cfg.Policy
	for _, ch := range cfg.Changes {
		if ch.FromMonth <= m {
			p = ch.Policy
		}
	}
	return p
}
