package sensitivity

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// Interval is an estimate with its bootstrap 95% percentile interval.
type Interval struct{ Value, Low, High float64 }

// SobolIndex is the first- and total-order Sobol index of one factor.
type SobolIndex struct {
	S1, ST Interval
}

// ErrNoVariance is returned when the outputs do not vary: every index
// would be 0/0. A metric that no factor moves (under common random
// numbers, for instance the intake when only behaviour varies) has it.
var ErrNoVariance = errors.New("sobol: the outputs do not vary: no index is defined")

// Sobol estimates first- and total-order indices of k factors from y, the
// outputs in SALib's layout (see the package comment), with resamples
// bootstrap resamples drawn from src. It fails if len(y) is not a multiple
// of k+2, if there are fewer than two base samples or if the outputs do not
// vary.
func Sobol(y []float64, k, resamples int, src rand.Source) ([]SobolIndex, error) {
	if k < 1 {
		return nil, fmt.Errorf("sobol: %d factors: want at least 1", k)
	}
	if len(y)%(k+2) != 0 || len(y) < 2*(k+2) {
		return nil, fmt.Errorf("sobol: %d outputs: want a multiple of %d (k+2) for %d factors, and at least two base samples", len(y), k+2, k)
	}
	if src == nil {
		return nil, errors.New("sobol: no random source for the bootstrap")
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("sobol: output %d is %v", i, v)
		}
	}
	n := len(y) / (k + 2)
	all := make([]int, n)
	for j := range all {
		all[j] = j
	}
	s1, st, ok := sobolOn(y, k, all)
	if !ok {
		return nil, ErrNoVariance
	}
	out := make([]SobolIndex, k)
	for i := range out {
		out[i].S1.Value, out[i].ST.Value = s1[i], st[i]
	}
	if resamples < 1 {
		for i := range out {
			out[i].S1.Low, out[i].S1.High = math.NaN(), math.NaN()
			out[i].ST.Low, out[i].ST.High = math.NaN(), math.NaN()
		}
		return out, nil
	}
	rng := rand.New(src)
	bs1 := make([][]float64, k)
	bst := make([][]float64, k)
	idx := make([]int, n)
	for b := 0; b < resamples; b++ {
		for j := range idx {
			idx[j] = rng.IntN(n)
		}
		s1, st, ok := sobolOn(y, k, idx)
		if !ok {
			continue // a resample without variance says nothing
		}
		for i := 0; i < k; i++ {
			bs1[i] = append(bs1[i], s1[i])
			bst[i] = append(bst[i], st[i])
		}
	}
	for i := range out {
		out[i].S1.Low, out[i].S1.High = percentileInterval(bs1[i])
		out[i].ST.Low, out[i].ST.High = percentileInterval(bst[i])
	}
	return out, nil
}

// sobolOn computes the indices over the base samples idx (repeats allowed).
func sobolOn(y []float64, k int, idx []int) (s1, st []float64, ok bool) {
	w := k + 2
	// pooled variance of f(A) and f(B), with the population denominator
	// as in SALib
	var sum, sum2 float64
	for _, j := range idx {
		a, b := y[j*w], y[j*w+k+1]
		sum += a + b
		sum2 += a*a + b*b
	}
	m := float64(2 * len(idx))
	mean := sum / m
	v := sum2/m - mean*mean
	if !(v > 0) {
		return nil, nil, false
	}
	s1 = make([]float64, k)
	st = make([]float64, k)
	for i := 0; i < k; i++ {
		var f, t float64
		for _, j := range idx {
			a, ab, b := y[j*w], y[j*w+1+i], y[j*w+k+1]
			// f(B) centred: the estimator's expectation is the same for
			// any shift, its variance smallest near the mean (SALib
			// standardises the outputs for the same reason); without it
			// an output whose mean is large against its spread, like a
			// rate, gets first-order intervals wider than [0, 1]
			f += (b - mean) * (ab - a)
			t += (a - ab) * (a - ab)
		}
		nn := float64(len(idx))
		s1[i] = f / nn / v
		st[i] = t / (2 * nn) / v
	}
	return s1, st, true
}

// percentileInterval returns the 2.5% and 97.5% points of xs (sorted in
// place), by the nearest-rank definition; NaN when xs is empty.
func percentileInterval(xs []float64) (lo, hi float64) {
	if len(xs) == 0 {
		return math.NaN(), math.NaN()
	}
	sort.Float64s(xs)
	return quantile(xs, 0.025), quantile(xs, 0.975)
}

// quantile is the nearest-rank quantile of sorted xs: the smallest x with at
// least a share p of xs at or below it.
func quantile(sorted []float64, p float64) float64 {
	r := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(r, 0), len(sorted)-1)]
}
