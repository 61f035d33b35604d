package calibrate

import (
	"fmt"
	"math"
)

// Helpers of the simulation-based check of a calibration (recover_test.go),
// here because only tests use them: simulate at known parameters,
// put the simulated statistics in place of the targets' values, calibrate
// to them, and see whether the posterior covers the known values. A
// method that does not recover what it was given cannot be trusted with
// the study's figures.

// Observe returns a copy of the problem's spec whose equals targets take
// the values that the model gives at theta on one run (with the pattern's
// paired runs when a target needs them) at seed, a seed the calibration
// does not use: synthetic data from known parameters. Bounds (at_most) and
// orders are kept as they are.
func (p *Problem) Observe(theta []float64, seed uint64, workers int) (*Spec, error) {
	q := *p
	q.Seed = seed
	d, err := q.evaluateOne(theta, workers, 1, false, math.Inf(1))
	if err != nil {
		return nil, err
	}
	spec := *p.Spec
	spec.Targets = append([]Target(nil), p.Spec.Targets...)
	for i := range spec.Targets {
		t := &spec.Targets[i]
		if t.Kind != Equals {
			continue
		}
		v := findStatistic(t.Statistic).values(d.Stats)
		t.Value = append([]float64(nil), v...)
		for k, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) || x <= 0 {
				return nil, fmt.Errorf("target %q: the model gives %v for component %d at theta: no synthetic value", t.Name, x, k)
			}
		}
	}
	return &spec, nil
}
