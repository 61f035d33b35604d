package sim

import (
	"math"
	"math/rand/v2"
)

// beta draws from a Beta distribution with the given mean and concentration
// from r, exactly as gonum's distuv.Beta{Alpha: mean x conc, Beta: (1-mean)
// x conc, Src: s}.Rand() does when r wraps s: the same draws from the same
// stream, so the same number (TestBetaSameAsGonum).
func beta(mean, conc float64, r *rand.Rand) float64 {
	ga := gamma(mean*conc, r)
	gb := gamma((1-mean)*conc, r)
	return ga / (ga + gb)
}

// gamma draws from a Gamma distribution with shape a and rate 1 from r,
// operation for operation as gonum's distuv.Gamma.Rand (Liu, Martin and
// Syring below shape 0.2, else Marsaglia and Tsang), without what that
// costs at every call: a new generator and three method values on the heap.
func gamma(a float64, r *rand.Rand) float64 {
	const smallAlphaThresh = 0.2
	switch {
	case a <= 0:
		panic("gamma: alpha <= 0")
	case a == 1:
		return r.ExpFloat64()
	case a < smallAlphaThresh:
		lambda := 1/a - 1
		lr := -math.Log1p(1 / lambda / math.E)
		for {
			e := r.ExpFloat64()
			var z float64
			if e >= -lr {
				z = e + lr
			} else {
				z = -r.ExpFloat64() / lambda
			}
			eza := math.Exp(-z / a)
			lh := -z - eza
			var lEta float64
			if z >= 0 {
				lEta = -z
			} else {
				lEta = -1 + lambda*z
			}
			if lh-lEta > -r.ExpFloat64() {
				return eza
			}
		}
	}
	d := a - 1.0/3
	m := 1.0
	if a < 1 {
		d += 1.0
		m = math.Pow(r.Float64(), 1/a)
	}
	c := 1 / (3 * math.Sqrt(d))
	for {
		x := r.NormFloat64()
		v := 1 + x*c
		if v <= 0.0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1.0-0.0331*(x*x)*(x*x) {
			return m * d * v
		}
		if math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return m * d * v
		}
	}
}
