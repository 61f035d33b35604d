package calibrate

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/returnsim/returnsim/sim"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distmv"
)

// Particle is one posterior draw.
type Particle struct {
	Theta    []float64
	Weight   float64
	Distance float64
}

// ABC samples the posterior by ABC-SMC (population Monte Carlo, Beaumont
// et al. 2009) with an adaptive tolerance and the optimal local covariance
// kernel of Filippi et al. (2013).
//
// Generation 0 draws its proposals from the uniform priors or, given a
// start (the point fit), from a defensive mixture (Hesterberg 1995): a
// share method.start_prior from the priors, the rest from a Gaussian at the
// start with standard deviations of method.start_spread prior SDs, both
// kept inside the bounds. Its importance weights, prior over mixture
// density, are at most 1/start_prior, so the start changes where the
// budget is spent, not what is estimated.
//
// Every generation's tolerance is the method.keep quantile of distances:
// generation 0's of its own proposals, each later one's of the particles
// accepted before it. A later generation moves a particle drawn by weight
// with a Gaussian whose covariance is the weighted second moment, about
// that particle, of the previous particles that already meet the new
// tolerance: the kernel looks where the next posterior lies and follows
// the correlations between parameters. Moves outside the bounds are drawn
// again. Weights are prior density over the proposal mixture.
//
// The evaluations of a generation run in parallel, one replicate set
// each; draws come from src. A particle whose statistics are undefined
// (an infinite distance) is never accepted.
//
// It refuses a posterior, with an error of type *RefusedError and the
// particles it would have written, when its particles lie above the
// method's max_distance.
func (p *Problem) ABC(budget, workers int, start []float64, src *sim.Source, record func(Evaluation)) ([]Particle, *ABCReport, error) {
	m := p.Spec.Method
	n := budget / m.Generations
	if n < 2*len(p.Spec.Parameters) {
		return nil, nil, fmt.Errorf("an ABC budget of %d over %d generations gives %d particles each: want at least %d", budget, m.Generations, n, 2*len(p.Spec.Parameters))
	}
	if len(start) > 0 && len(start) != len(p.Spec.Parameters) {
		return nil, nil, fmt.Errorf("an ABC start of %d values for %d free parameters", len(start), len(p.Spec.Parameters))
	}
	rng := rand.New(src)
	var pop []Particle
	rep := &ABCReport{}
	for g := 0; g < m.Generations; g++ {
		var (
			prop *proposal
			eps  = math.Inf(1)
		)
		if g == 0 {
			prop = p.startProposal(start)
		} else {
			eps = quantileDistance(m.Keep, pop)
			if prop = p.olcm(pop, eps); prop == nil {
				break // no particle of the generation before meets its own quantile
			}
		}
		props := make([][]float64, n)
		for i := range props {
			props[i] = p.draw(rng, prop)
		}
		dists := make([]float64, n)
		var firstErr error
		phase := fmt.Sprintf("abc-%d", g)
		type result struct {
			d   float64
			err error
		}
		err := sim.Parallel(n, workers, func(i int) result {
			d, _, err := p.Evaluate(props[i], 1)
			return result{d, err}
		}, func(i int, r result) error {
			if r.err != nil && firstErr == nil {
				firstErr = r.err
			}
			dists[i] = r.d
			record(Evaluation{Phase: phase, Theta: props[i], Distance: r.d})
			return nil
		})
		if err = errors.Join(err, firstErr); err != nil {
			return nil, nil, err
		}
		if g == 0 {
			all := make([]Particle, n)
			for i := range all {
				all[i] = Particle{Distance: dists[i]}
			}
			eps = quantileDistance(m.Keep, all)
		}
		next := make([]Particle, 0, n)
		for i := range props {
			if dists[i] <= eps && !math.IsInf(dists[i], 1) {
				// Weight holds the log weight until the generation is complete
				next = append(next, Particle{Theta: props[i], Distance: dists[i], Weight: -prop.logDensity(props[i])})
			}
		}
		gen := Generation{Tolerance: eps, Proposed: n, Accepted: len(next), Shift: math.NaN()}
		if len(next) < 2 {
			rep.Generations = append(rep.Generations, gen)
			break // keep the generation before: too few fell below the tolerance
		}
		top := math.Inf(-1)
		for _, q := range next {
			top = math.Max(top, q.Weight)
		}
		for i := range next {
			next[i].Weight = math.Exp(next[i].Weight - top)
		}
		normalise(next)
		if pop != nil {
			gen.Shift = p.shift(pop, next)
		}
		pop = next
		gen.ESS = ess(pop)
		rep.Generations = append(rep.Generations, gen)
	}
	if pop == nil {
		return nil, rep, fmt.Errorf("ABC accepted fewer than 2 of %d draws in generation 0: the targets' statistics are undefined almost everywhere in the priors", n)
	}
	for _, q := range pop {
		rep.Final = math.Max(rep.Final, q.Distance)
	}
	rep.ESS = ess(pop)
	if rep.Final > m.MaxDistance {
		return pop, rep, &RefusedError{Final: rep.Final, Max: m.MaxDistance, Particles: len(pop)}
	}
	return pop, rep, nil
}

// quantileDistance is the q quantile of the finite distances in pop
// (+Inf when none is finite).
func quantileDistance(q float64, pop []Particle) float64 {
	ds := make([]float64, 0, len(pop))
	for _, x := range pop {
		if !math.IsInf(x.Distance, 1) && !math.IsNaN(x.Distance) {
			ds = append(ds, x.Distance)
		}
	}
	if len(ds) == 0 {
		return math.Inf(1)
	}
	sort.Float64s(ds)
	return stat.Quantile(q, stat.Empirical, ds, nil)
}

// proposal is a mixture of Gaussians (and, with weight prior, of the
// uniform priors) restricted to the priors' box: the density a generation
// draws its proposals from.
type proposal struct {
	prior   float64      // weight of the uniform priors
	weights []float64    // of the Gaussians, summing to 1 - prior
	comps   []*component // the Gaussians
	logVol  float64      // log volume of the priors' box
}

type component struct {
	mu   []float64
	l    *mat.TriDense // Cholesky factor of the covariance
	dist *distmv.Normal
}

func newComponent(mu []float64, cov *mat.SymDense) (*component, bool) {
	var ch mat.Cholesky
	if !ch.Factorize(cov) {
		return nil, false
	}
	var l mat.TriDense
	ch.LTo(&l)
	return &component{mu: mu, l: &l, dist: distmv.NewNormalChol(mu, &ch, nil)}, true
}

// startProposal is generation 0's proposal: the priors alone without a
// start, the defensive mixture around it with one.
func (p *Problem) startProposal(start []float64) *proposal {
	qs := p.Spec.Parameters
	prop := &proposal{prior: 1}
	for _, q := range qs {
		prop.logVol += math.Log(q.Upper - q.Lower)
	}
	if len(start) == 0 {
		return prop
	}
	m := p.Spec.Method
	cov := mat.NewSymDense(len(qs), nil)
	for i, q := range qs {
		s := m.StartSpread * (q.Upper - q.Lower) / math.Sqrt(12)
		cov.SetSym(i, i, s*s)
	}
	c, _ := newComponent(append([]float64(nil), start...), cov) // a positive diagonal always factorises
	prop.prior = m.StartPrior
	prop.weights = []float64{1 - m.StartPrior}
	prop.comps = []*component{c}
	return prop
}

// olcm is a later generation's proposal: a Gaussian at each particle of
// pop, weighted as the particle, with the optimal local covariance for
// tolerance eps (Filippi et al. 2013): Σ_j = Σ_k w̃_k (θ_k - θ_j)(θ_k -
// θ_j)ᵀ over the particles k of pop within eps, their weights w̃
// renormalised, plus a ridge of 1e-6 prior variances that keeps it
// positive definite when fewer particles than parameters qualify. Nil when
// no particle is within eps.
func (p *Problem) olcm(pop []Particle, eps float64) *proposal {
	qs := p.Spec.Parameters
	k := len(qs)
	var near []Particle
	var total float64
	for _, x := range pop {
		if x.Distance <= eps {
			near = append(near, x)
			total += x.Weight
		}
	}
	if len(near) == 0 || total == 0 {
		return nil
	}
	prop := &proposal{}
	for _, q := range qs {
		prop.logVol += math.Log(q.Upper - q.Lower)
	}
	d := make([]float64, k)
	for _, x := range pop {
		cov := mat.NewSymDense(k, nil)
		for _, y := range near {
			w := y.Weight / total
			for i := range d {
				d[i] = y.Theta[i] - x.Theta[i]
			}
			for i := 0; i < k; i++ {
				for j := i; j < k; j++ {
					cov.SetSym(i, j, cov.At(i, j)+w*d[i]*d[j])
				}
			}
		}
		for i, q := range qs {
			r := (q.Upper - q.Lower) * (q.Upper - q.Lower) / 12 * 1e-6
			cov.SetSym(i, i, cov.At(i, i)+r)
		}
		c, ok := newComponent(x.Theta, cov)
		if !ok {
			continue // numerically singular even with the ridge: this particle proposes nothing
		}
		prop.comps = append(prop.comps, c)
		prop.weights = append(prop.weights, x.Weight)
	}
	if len(prop.comps) == 0 {
		return nil
	}
	s := floats.Sum(prop.weights)
	floats.Scale(1/s, prop.weights)
	return prop
}

// draw is one proposal from prop inside the priors' box: a component drawn
// by weight, then a point from it, again from the start when the point
// falls outside. The density of the result is prop's restricted to the
// box, up to a constant that the weights' normalisation removes.
func (p *Problem) draw(rng *rand.Rand, prop *proposal) []float64 {
	qs := p.Spec.Parameters
	theta := make([]float64, len(qs))
	z := make([]float64, len(qs))
	for tries := 0; ; tries++ {
		u := rng.Float64()
		if u < prop.prior || len(prop.comps) == 0 {
			for i, q := range qs {
				theta[i] = q.Lower + (q.Upper-q.Lower)*rng.Float64()
			}
			return theta
		}
		u -= prop.prior
		j := 0
		for j < len(prop.comps)-1 && u >= prop.weights[j] {
			u -= prop.weights[j]
			j++
		}
		c := prop.comps[j]
		for i := range z {
			z[i] = rng.NormFloat64()
		}
		inside := true
		for i, q := range qs {
			theta[i] = c.mu[i]
			for l := 0; l <= i; l++ {
				theta[i] += c.l.At(i, l) * z[l]
			}
			inside = inside && theta[i] >= q.Lower && theta[i] <= q.Upper
		}
		if inside || tries == 1000 {
			for i, q := range qs { // after 1000 tries, clamp: never loop forever
				theta[i] = math.Min(math.Max(theta[i], q.Lower), q.Upper)
			}
			return theta
		}
	}
}

// logDensity is the log density of prop at theta relative to the uniform
// prior (whose density is exp(-logVol)), with log-sum-exp, since in many
// dimensions the Gaussians' densities underflow. The importance weight of
// theta is its negative's exponential.
func (prop *proposal) logDensity(theta []float64) float64 {
	terms := make([]float64, 0, len(prop.comps)+1)
	if prop.prior > 0 {
		terms = append(terms, math.Log(prop.prior))
	}
	for j, c := range prop.comps {
		terms = append(terms, math.Log(prop.weights[j])+prop.logVol+c.dist.LogProb(theta))
	}
	return floats.LogSumExp(terms)
}

// Generation is one ABC-SMC generation: the tolerance its proposals had to
// meet, how many were proposed and accepted, and the effective sample size
// of the accepted, weighted particles, 1 / Σ w² (0 when too few were
// accepted and the generation before was kept).
//
// Shift is how far the posterior moved from the generation before: the
// largest, over the parameters, of the change of the weighted mean in
// standard deviations of the prior (NaN for the first). A posterior that
// still moves by a tenth of a prior SD a generation has not settled.
type Generation struct {
	Tolerance          float64
	Proposed, Accepted int
	ESS                float64
	Shift              float64
}

// shift is Generation.Shift between populations a and b.
func (p *Problem) shift(a, b []Particle) float64 {
	m := 0.0
	for i, q := range p.Spec.Parameters {
		mean := func(pop []Particle) float64 {
			var s float64
			for _, x := range pop {
				s += x.Weight * x.Theta[i]
			}
			return s
		}
		m = math.Max(m, math.Abs(mean(b)-mean(a))/((q.Upper-q.Lower)/math.Sqrt(12)))
	}
	return m
}

// ABCReport is how an ABC-SMC run went: its generations, the largest
// distance among the posterior's particles (the final tolerance it meets)
// and their effective sample size.
type ABCReport struct {
	Generations []Generation
	Final       float64
	ESS         float64
}

// RefusedError is an ABC posterior whose particles lie too far from the
// targets to be read as a posterior of the model given the targets.
type RefusedError struct {
	Final, Max float64
	Particles  int
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("posterior refused: its %d particles lie at distances up to %.3g, above method.max_distance %.3g (the targets are missed by more than their tolerances allow); spend a larger --budget, or change the model or the targets", e.Particles, e.Final, e.Max)
}

// ess is the effective sample size of weights that sum to 1.
func ess(pop []Particle) float64 {
	var s float64
	for _, q := range pop {
		s += q.Weight * q.Weight
	}
	if s == 0 {
		return 0
	}
	return 1 / s
}

// meanVar is the weighted mean and variance of xs under importance
// weights ws that sum to 1. (gonum's stat.Variance reads weights as
// frequencies and divides by their sum less one: zero here.)
func meanVar(xs, ws []float64) (mean, v float64) {
	for i, x := range xs {
		mean += ws[i] * x
	}
	for i, x := range xs {
		v += ws[i] * (x - mean) * (x - mean)
	}
	return mean, v
}

// normalise scales weights to sum to 1.
func normalise(pop []Particle) {
	var s float64
	for _, q := range pop {
		s += q.Weight
	}
	for i := range pop {
		pop[i].Weight /= s
	}
}
