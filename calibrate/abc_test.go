package calibrate

import (
	"math"
	"math/rand/v2"
	"testing"
)

// boxProblem is a problem with three free parameters on unequal boxes and
// nothing to simulate: enough for the proposals, which only read bounds.
func boxProblem() *Problem {
	m := DefaultMethod()
	return &Problem{Spec: &Spec{Method: m, Parameters: []Parameter{
		{Key: "a", Lower: -7, Upper: 3},
		{Key: "b", Lower: 0, Upper: 0.06},
		{Key: "c", Lower: 1, Upper: 21},
	}}}
}

// checkImportance draws n points from prop, weights each by prior density
// over proposal density, and checks that the weighted mean and variance
// of every parameter are the uniform prior's: a proposal whose draws and
// density disagree (a wrong normaliser, a missed component, truncation
// not accounted for) fails. The tolerance is 4 standard errors of the
// self-normalised importance-sampling estimate, computed from the draws.
func checkImportance(t *testing.T, p *Problem, prop *proposal, n int, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	xs := make([][]float64, n)
	ws := make([]float64, n)
	var sum float64
	for i := range xs {
		xs[i] = p.draw(rng, prop)
		ws[i] = math.Exp(-prop.logDensity(xs[i]))
		sum += ws[i]
	}
	var w2 float64
	for i := range ws {
		ws[i] /= sum
		w2 += ws[i] * ws[i]
	}
	for j, q := range p.Spec.Parameters {
		mid, pv := (q.Lower+q.Upper)/2, (q.Upper-q.Lower)*(q.Upper-q.Lower)/12
		var mean, v, seMean, seVar float64
		for i := range xs {
			mean += ws[i] * xs[i][j]
			v += ws[i] * (xs[i][j] - mid) * (xs[i][j] - mid)
		}
		for i := range xs {
			d := xs[i][j] - mid
			seMean += ws[i] * ws[i] * d * d
			seVar += ws[i] * ws[i] * (d*d - pv) * (d*d - pv)
		}
		seMean, seVar = math.Sqrt(seMean), math.Sqrt(seVar)
		if math.Abs(mean-mid) > 4*seMean {
			t.Errorf("parameter %d: weighted mean %.5g, the prior's %.5g: %.1f standard errors off (ESS %.0f of %d)", j, mean, mid, math.Abs(mean-mid)/seMean, 1/w2, n)
		}
		if math.Abs(v-pv) > 4*seVar {
			t.Errorf("parameter %d: weighted variance %.5g, the prior's %.5g: %.1f standard errors off (ESS %.0f of %d)", j, v, pv, math.Abs(v-pv)/seVar, 1/w2, n)
		}
	}
}

// Generation 0 started at a point near a corner of the box: its draws,
// weighted, are the uniform prior.
func TestStartProposalWeights(t *testing.T) {
	p := boxProblem()
	prop := p.startProposal([]float64{-6.5, 0.01, 5.5})
	if prop.prior != p.Spec.Method.StartPrior || len(prop.comps) != 1 {
		t.Fatalf("a start gives the priors' share %v and %d Gaussians, want %v and 1", prop.prior, len(prop.comps), p.Spec.Method.StartPrior)
	}
	checkImportance(t, p, prop, 40000, 1)
	// no start: the priors alone, every weight equal
	if prop := p.startProposal(nil); prop.prior != 1 || len(prop.comps) != 0 || prop.logDensity([]float64{-5, 0.03, 2}) != 0 {
		t.Errorf("no start: want the priors alone with log density 0, got share %v, %d Gaussians", prop.prior, len(prop.comps))
	}
}

// A later generation's kernels, built by olcm from a correlated population
// whose particles straddle a tolerance, weighted by prior over proposal,
// give back the prior too; and each kernel's covariance is the weighted
// second moment of the particles within the tolerance about its centre.
func TestOLCMProposal(t *testing.T) {
	p := boxProblem()
	rng := rand.New(rand.NewPCG(3, 4))
	pop := make([]Particle, 40)
	for i := range pop {
		u := rng.Float64()
		pop[i] = Particle{
			Theta:    []float64{-6 + 2*u + 0.2*rng.Float64(), 0.01 + 0.03*u, 2 + rng.Float64()},
			Weight:   0.5 + rng.Float64(),
			Distance: float64(i),
		}
	}
	normalise(pop)
	const eps = 19.5 // the first 20 particles are within it
	prop := p.olcm(pop, eps)
	if prop == nil || len(prop.comps) != len(pop) {
		t.Fatalf("olcm gave %v kernels, want one per particle (%d)", prop, len(pop))
	}
	// the covariance of particle 30's kernel, from its Cholesky factor,
	// against the formula computed here
	var total float64
	for _, x := range pop[:20] {
		total += x.Weight
	}
	c := prop.comps[30]
	for i := 0; i < 3; i++ {
		for j := 0; j <= i; j++ {
			var want, got float64
			for _, x := range pop[:20] {
				want += x.Weight / total * (x.Theta[i] - pop[30].Theta[i]) * (x.Theta[j] - pop[30].Theta[j])
			}
			for l := 0; l <= j; l++ {
				got += c.l.At(i, l) * c.l.At(j, l)
			}
			q := p.Spec.Parameters[i]
			ridge := 0.0
			if i == j {
				ridge = (q.Upper - q.Lower) * (q.Upper - q.Lower) / 12 * 1e-6
			}
			if math.Abs(got-want-ridge) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Errorf("kernel 30's covariance [%d,%d] = %.6g, want %.6g", i, j, got, want+ridge)
			}
		}
	}
	if p.olcm(pop, -1) != nil {
		t.Errorf("olcm with no particle within the tolerance: want nil")
	}
	// a proposal concentrated in a corner is still an exact importance
	// sampler of the prior once a share of the priors is mixed in
	prop.prior = 0.3
	for j := range prop.weights {
		prop.weights[j] *= 0.7
	}
	checkImportance(t, p, prop, 40000, 2)
}
