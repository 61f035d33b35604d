package calibrate

import (
	"context"
	"errors"
	"math"

	"github.com/returnsim/returnsim/internal/tasks"
	"github.com/returnsim/returnsim/sim"
)

// Test helpers: one evaluation at a time, and ABC over any distance, on
// the same code paths the command runs (evaluateOne, abcRun).

// Evaluate runs the spec's replicates of the baseline at theta with the
// problem's seeds, on up to workers goroutines, and returns the distance
// to the targets and the statistics of the pooled files (with the
// pattern's changes when a target compares them).
func (p *Problem) Evaluate(theta []float64, workers int) (float64, *Stats, error) {
	d, err := p.evaluateOne(theta, workers, p.Spec.Method.Replicates, false, math.Inf(1))
	if err != nil {
		return math.Inf(1), nil, err
	}
	return d.Distance, d.Stats, nil
}

// EvaluateWithin is Evaluate for a caller that needs the distance only
// when it is at most eps, as an ABC move does. Every term of the distance
// is at least 0, so when the targets other than the pattern's already put
// theta beyond eps it skips the pattern's paired runs (as costly as a
// replicate) and returns that partial distance, a lower bound above eps,
// with exact false. Otherwise it returns Evaluate's distance, exact.
func (p *Problem) EvaluateWithin(theta []float64, eps float64, workers int) (d float64, exact bool, err error) {
	det, err := p.evaluateOne(theta, workers, p.Spec.Method.Replicates, false, eps)
	if err != nil {
		return math.Inf(1), true, err
	}
	return det.Distance, !det.LowerBound, nil
}

// abcSMC is ABC with the distance computed by eval, on workers goroutines.
func abcSMC(qs []Parameter, m Method, budget, workers int, start []float64, src *sim.Stream, record func(Evaluation), eval func(theta []float64, eps float64) (float64, bool, error)) ([]Particle, *ABCReport, error) {
	batch := func(thetas [][]float64, eps float64) ([]*Detail, error) {
		out := make([]*Detail, len(thetas))
		var firstErr error
		type result struct {
			d   *Detail
			err error
		}
		err := tasks.Ordered(context.Background(), len(thetas), workers, func(_ context.Context, i int) (result, error) {
			d, exact, err := eval(thetas[i], eps)
			return result{&Detail{Distance: d, LowerBound: !exact}, err}, nil // every evaluation is recorded; the first error is returned after
		}, func(i int, r result) error {
			if r.err != nil && firstErr == nil {
				firstErr = r.err
			}
			out[i] = r.d
			return nil
		})
		return out, errors.Join(err, firstErr)
	}
	return abcRun(qs, m, budget, start, src, record, batch, nil)
}
