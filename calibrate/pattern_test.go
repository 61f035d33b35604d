package calibrate

import (
	"strconv"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/sim"
)

// patternAt measures the default pattern on the default study's baseline
// with the given effects of counselling and reintegration, at 5% of the
// intake.
func patternAt(t *testing.T, counselling, reintegration float64) *Pattern {
	t.Helper()
	base, spec := defaultProblem(t)
	ps := *spec.Pattern
	ps.Scale = 0.05
	cfg := base
	if err := agents.SetFloat(&cfg, "params.counselling.effect", counselling); err != nil {
		t.Fatal(err)
	}
	if err := agents.SetFloat(&cfg, "params.reintegration.effect", reintegration); err != nil {
		t.Fatal(err)
	}
	p, reps, err := ps.Measure(cfg, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != ps.Replicates {
		t.Fatalf("Measure gave %d replicates, want %d", len(reps), ps.Replicates)
	}
	return p
}

// The pattern's runs are paired: when counselling and a package change
// nothing in anyone's decisions (effects 0), switching them off changes
// no departure at all, since every person draws the same numbers in every
// run. With effects, they do change departures, and a larger counselling
// effect changes more.
func TestPatternPaired(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 60 small simulations")
	}
	none := patternAt(t, 0, 0)
	if none.Counselling != 0 || none.Reintegration != 0 {
		t.Errorf("effects 0: changes from counselling %v and reintegration %v per 1,000: want exactly 0 (common random numbers)", none.Counselling, none.Reintegration)
	}
	if none.Conditions <= 0 || none.Family <= 0 || none.Network <= 0 {
		t.Errorf("context changes %+v: want each above 0", *none)
	}
	weak, strong := patternAt(t, 1, 0.15), patternAt(t, 4, 1)
	if !(weak.Counselling > 0 && weak.Reintegration > 0) {
		t.Errorf("effects 1 and 0.15: changes %+v: want counselling and reintegration above 0", *weak)
	}
	if !(strong.Counselling > weak.Counselling && strong.Reintegration > weak.Reintegration) {
		t.Errorf("counselling %v -> %v, reintegration %v -> %v per 1,000 as their effects grow: want both to grow", weak.Counselling, strong.Counselling, weak.Reintegration, strong.Reintegration)
	}
	if r := (&Pattern{Counselling: 2, Reintegration: 3, Conditions: 10, Family: 6, Network: 12}).Ratio(); r != 0.5 {
		t.Errorf("Ratio = %v, want max(2, 3) / min(10, 6, 12) = 0.5", r)
	}
	t.Logf("effects 0: %+v; 1/0.15: %+v; 4/1: %+v", *none, *weak, *strong)
}

// defaultProblem is the default study's baseline and the embedded
// targets file.
func defaultProblem(t testing.TB) (sim.Config, *Spec) {
	t.Helper()
	st, err := scenarios.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	spec, err := ParseSpec(DefaultTargetsName, DefaultTargetsText())
	if err != nil {
		t.Fatal(err)
	}
	return st.Scenarios[0].Config, spec
}

// TestConfigEndsAtPublished: a calibration simulates at most to the end of
// DT&V's last published year: the default study, a projection to 2030, is
// calibrated on 2017-2024 as it was before it projected (its statistics
// and the pattern's persons count the recorded months); a shorter
// baseline keeps its horizon.
func TestConfigEndsAtPublished(t *testing.T) {
	base, spec := defaultProblem(t)
	ys := DTVYears()
	last := ys[len(ys)-1].Year
	for _, months := range []int{base.Months, 60} {
		b := base
		b.Months = months
		p := &Problem{Base: b, Spec: spec, Seed: 1}
		cfg, err := p.Config(p.Start())
		if err != nil {
			t.Fatal(err)
		}
		want := min(months, 12*(last-2017+1))
		if cfg.Months != want || cfg.Date(cfg.Months - 1)[:4] > strconv.Itoa(last) {
			t.Errorf("a baseline of %d months from 2017-01: Config has %d (to %s), want %d: to the end of %d at most", months, cfg.Months, cfg.Date(cfg.Months-1), want, last)
		}
	}
	if base.Months <= 12*(last-2017+1) {
		t.Errorf("the default study's baseline ends at %s: the test wants one past the published years", base.Date(base.Months-1))
	}
}
