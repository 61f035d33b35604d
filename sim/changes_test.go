package sim_test

import (
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// changeFrom is smallConfig with one dated change at month 6 that keeps
// the policy and sets the keys given outside it.
func changeFrom(intake, population, state map[string]float64) sim.Config {
	cfg := smallConfig()
	cfg.Changes = []sim.Change{{FromMonth: 6, Policy: cfg.Policy, Intake: intake, Population: population, State: state}}
	return cfg
}

// TestDatedSameValueChangesNothing: a dated change that sets keys to the
// values they already have gives, record for record, the run without it:
// applying a change draws nothing and redraws nothing.
func TestDatedSameValueChangesNothing(t *testing.T) {
	plain := smallConfig()
	wantTot, want := run(t, &plain, seed)
	cfg := changeFrom(map[string]float64{"scale": plain.Intake.Scale},
		map[string]float64{"frl_share": plain.Population.FRLShare, "family_share": plain.Population.FamilyShare},
		map[string]float64{"find_rate": plain.State.FindRate, "vbl_months": float64(plain.State.VBLMonths)})
	gotTot, got := run(t, &cfg, seed)
	compareRuns(t, "same values", got, want, gotTot, wantTot)
}

// TestDatedChangesTakeEffect: keys set by a dated change are in force from
// its month on, and not before. With no intake and no finds from month 6,
// the police and the Marechaussee open no file from then on (their files
// are intake and finds), though finds drawn before the change were due
// later (the change redraws them); with no one placed in the VBL from month
// 6, the VBL is empty once the longest stay has passed. Before month 6
// every month is the run without the change.
func TestDatedChangesTakeEffect(t *testing.T) {
	plain := smallConfig()
	_, base := run(t, &plain, seed)
	cfg := changeFrom(map[string]float64{"scale": 0}, map[string]float64{"frl_share": 0}, map[string]float64{"find_rate": 0})
	_, got := run(t, &cfg, seed)
	for i, m := range got.months {
		switch {
		case m.Month < 6:
			if m != base.months[i] {
				t.Fatalf("month %d differs from the run without the change, before it", m.Month)
			}
		default:
			if n := m.OpenedBy[agents.Police] + m.OpenedBy[agents.KMar]; n > 0 {
				t.Errorf("month %d: %d files opened by the police and the Marechaussee, want 0 with no intake and no finds", m.Month, n)
			}
			if m.Month >= 6+plain.State.VBLMonths && m.Places[agents.VBL] > 0 {
				t.Errorf("month %d: %d in the VBL, want 0 once the last placed has stayed %d months", m.Month, m.Places[agents.VBL], plain.State.VBLMonths)
			}
		}
	}
	var before, after int
	for _, m := range base.months {
		if m.Month >= 6 {
			after += m.OpenedBy[agents.Police] + m.OpenedBy[agents.KMar]
			before += m.Places[agents.VBL]
		}
	}
	if after == 0 || before == 0 {
		t.Fatalf("without the change: %d police and Marechaussee files and %d VBL person-months from month 6; the test needs both", after, before)
	}
}

// TestDatedKeyLeavesTheRestToTheConfig: a change sets only its own keys;
// a key it leaves keeps the configuration's value in every month, so a
// sweep or a posterior draw of it reaches the months after the change.
func TestDatedKeyLeavesTheRestToTheConfig(t *testing.T) {
	a := changeFrom(nil, map[string]float64{"frl_share": 0}, nil)
	b := changeFrom(nil, map[string]float64{"frl_share": 0}, nil)
	b.State.ForcedRate *= 3
	_, ra := run(t, &a, seed)
	_, rb := run(t, &b, seed)
	var fa, fb int
	for i := range ra.months {
		if ra.months[i].Month >= 6 {
			fa += ra.months[i].Closed[agents.Forced]
			fb += rb.months[i].Closed[agents.Forced]
		}
	}
	if fb <= fa {
		t.Errorf("forced returns after the change: %d with three times state.forced_rate, %d without; want more", fb, fa)
	}
}
