package calibrate

import (
	"testing"

	"github.com/returnsim/returnsim/scenarios"
)

// TestShippedPosterior: calibrate/posterior.csv, the posterior the
// calibration in docs/calibration.md wrote, parses whole, names the free
// parameters of the embedded targets file in their order, holds no
// particle above the file's max_distance (the rule by which calibrate
// refuses a posterior), and fits every scenario of the default study.
func TestShippedPosterior(t *testing.T) {
	p, err := ReadPosterior("posterior.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, spec := defaultProblem(t)
	if len(p.Keys) != len(spec.Parameters) {
		t.Fatalf("posterior.csv has %d keys, the targets file %d free parameters", len(p.Keys), len(spec.Parameters))
	}
	for i, q := range spec.Parameters {
		if p.Keys[i] != q.Key {
			t.Errorf("column %d is %s, want %s", i+1, p.Keys[i], q.Key)
		}
	}
	for i, q := range p.Particles {
		if q.Distance > spec.Method.MaxDistance {
			t.Errorf("particle %d at distance %v: above max_distance %v", i, q.Distance, spec.Method.MaxDistance)
		}
	}
	st, err := scenarios.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	for i := range st.Scenarios {
		if err := p.Check(&st.Scenarios[i].Config, st.Scenarios[i].Name); err != nil {
			t.Error(err)
		}
	}
}
