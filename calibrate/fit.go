package calibrate

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Problem is a calibration: a baseline configuration whose free parameters
// the spec names, fitted to the spec's targets.
type Problem struct {
	Base sim.Config // the baseline; each evaluation sets the free parameters on a copy
	Spec *Spec
	Seed uint64 // seeds of the replicates, the same at every evaluation
}

// Evaluation is one simulated parameter set.
type Evaluation struct {
	Phase    string // "start", "fit" or "abc-G"
	Theta    []float64
	Distance float64
}

// Config returns the baseline with the free parameters set to theta,
// validated. It shares nothing mutable with Base. The study's statistics
// by calendar year take recorded month 0 for January 2017: a baseline that
// starts elsewhere is refused.
func (p *Problem) Config(theta []float64) (sim.Config, error) {
	c := p.Base
	c.Changes = append([]sim.Change(nil), p.Base.Changes...)
	for i, q := range p.Spec.Parameters {
		if err := agents.SetFloat(&c, q.Key, theta[i]); err != nil {
			return c, err
		}
	}
	if err := c.Validate(); err != nil {
		return c, err
	}
	if d := c.Date(0); d != studyStart {
		return c, fmt.Errorf("start = %q: the study's statistics count calendar years from %s; want start = %q", d, studyStart, studyStart)
	}
	return c, nil
}

// studyStart is the first month of the study's files, January 2017.
const studyStart = "2017-01"

// Evaluate runs the spec's replicates of the baseline at theta with the
// problem's seeds, on up to workers goroutines, and returns the distance
// to the targets and the statistics of the pooled files (with the
// pattern's changes when a target compares them).
func (p *Problem) Evaluate(theta []float64, workers int) (float64, *Stats, error) {
	d, err := p.evaluate(theta, workers, p.Spec.Method.Replicates, false)
	if err != nil {
		return math.Inf(1), nil, err
	}
	return d.Distance, d.Stats, nil
}

// Detail is one evaluation with its fit table and the Monte Carlo error of
// every row: how much the simulated value moves between replicates.
type Detail struct {
	Distance float64
	Stats    *Stats // of the pooled replicates
	Rows     []Row  // Table(targets, Stats)
	// MCSE is, per row, the standard error of the row's simulated value:
	// the standard deviation of its value over the replicates (each one
	// run, with the pattern's own replicates) over the square root of
	// their number. NaN with a single replicate.
	MCSE []float64
	// PerReplicate is the fit table of each replicate alone (the
	// pattern's row, which has replicates of its own, is the pooled one).
	PerReplicate [][]Row
}

// Detail evaluates theta on the method's table replicates (the first of
// them the seeds of every evaluation) and adds the Monte Carlo error of
// each row of the fit table.
func (p *Problem) Detail(theta []float64, workers int) (*Detail, error) {
	return p.evaluate(theta, workers, p.Spec.Method.TableReplicates, true)
}

func (p *Problem) evaluate(theta []float64, workers, R int, detail bool) (*Detail, error) {
	cfg, err := p.Config(theta)
	if err != nil {
		return nil, err
	}
	reps := make([]*Collector, R)
	all := NewCollector(cfg.Origins)
	err = sim.Parallel(R, workers, func(r int) *Collector {
		c := NewCollector(cfg.Origins)
		sim.Run(&cfg, sim.StreamSeed(p.Seed, r, "", true), c)
		return c
	}, func(r int, c *Collector) error {
		all.Add(c)
		reps[r] = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	s, err := all.Stats()
	if err != nil {
		return nil, err
	}
	var patterns []Pattern
	if p.Spec.needsPattern() {
		if s.Pattern, patterns, err = p.Spec.Pattern.Measure(cfg, p.Seed, workers); err != nil {
			return nil, err
		}
	}
	d := &Detail{Distance: Distance(p.Spec.Targets, s), Stats: s}
	if !detail {
		return d, nil
	}
	d.Rows = Table(p.Spec.Targets, s)
	per := make([][]Row, R)
	for r, c := range reps {
		sr, err := c.Stats()
		if err != nil {
			return nil, fmt.Errorf("replicate %d: %w", r, err)
		}
		sr.Pattern = s.Pattern
		per[r] = Table(p.Spec.Targets, sr)
	}
	d.PerReplicate = per
	d.MCSE = make([]float64, len(d.Rows))
	for i, row := range d.Rows {
		xs := make([]float64, R)
		for r := range per {
			xs[r] = per[r][i].Simulated
		}
		if strings.HasPrefix(row.Statistic, patternStatistic+": ") {
			// the pattern's row: the error of its own replicates
			xs = make([]float64, len(patterns))
			for j := range patterns {
				xs[j] = patterns[j].Ratio()
			}
		}
		d.MCSE[i] = standardError(xs)
	}
	return d, nil
}

// standardError is the standard error of the mean of xs, NaN for fewer
// than two values.
func standardError(xs []float64) float64 {
	if len(xs) < 2 {
		return math.NaN()
	}
	return stat.StdDev(xs, nil) / math.Sqrt(float64(len(xs)))
}

// Start returns the baseline's values of the free parameters, moved inside
// their bounds.
func (p *Problem) Start() []float64 {
	theta := make([]float64, len(p.Spec.Parameters))
	for i, q := range p.Spec.Parameters {
		v, _ := agents.GetFloat(&p.Base, q.Key)
		theta[i] = math.Min(math.Max(v, q.Lower), q.Upper)
	}
	return theta
}

// toZ and fromZ map bounded parameters to the real line and back, so that
// an unconstrained optimiser never leaves the bounds:
// theta = lower + (upper-lower) x logistic(z).
func (p *Problem) fromZ(z []float64) []float64 {
	theta := make([]float64, len(z))
	for i, q := range p.Spec.Parameters {
		theta[i] = q.Lower + (q.Upper-q.Lower)*agents.Logistic(z[i])
	}
	return theta
}

func (p *Problem) toZ(theta []float64) []float64 {
	z := make([]float64, len(theta))
	for i, q := range p.Spec.Parameters {
		u := (theta[i] - q.Lower) / (q.Upper - q.Lower)
		u = math.Min(math.Max(u, 1e-3), 1-1e-3)
		z[i] = math.Log(u / (1 - u))
	}
	return z
}

// Fit minimises the distance with Nelder-Mead from the baseline's values,
// spending at most budget evaluations; every evaluation goes to record.
// Because the seeds are fixed, the distance is a deterministic function of
// the parameters.
func (p *Problem) Fit(budget, workers int, record func(Evaluation)) (best []float64, dist float64, err error) {
	if budget < len(p.Spec.Parameters)+2 {
		return nil, 0, fmt.Errorf("a budget of %d cannot build a Nelder-Mead simplex of %d parameters: want at least %d", budget, len(p.Spec.Parameters), len(p.Spec.Parameters)+2)
	}
	var evalErr error
	best, dist = p.Start(), math.Inf(1)
	f := func(z []float64) float64 {
		theta := p.fromZ(z)
		d := math.Inf(1)
		r, err := p.evaluate(theta, workers, p.Spec.Method.FitReplicates, false)
		if err == nil {
			d = r.Distance
		} else if evalErr == nil {
			evalErr = err
		}
		record(Evaluation{Phase: "fit", Theta: theta, Distance: d})
		if d < dist {
			best, dist = theta, d
		}
		return d
	}
	settings := &optimize.Settings{FuncEvaluations: budget, Converger: &optimize.FunctionConverge{Absolute: 1e-4, Iterations: 5 * len(p.Spec.Parameters)}}
	// running out of evaluations is a status, not an error: it is how a
	// budgeted fit ends
	_, err = optimize.Minimize(optimize.Problem{Func: f}, p.toZ(p.Start()), settings, &optimize.NelderMead{SimplexSize: 1})
	return best, dist, errors.Join(err, evalErr)
}

// Particle is one posterior draw.
type Particle struct {
	Theta    []float64
	Weight   float64
	Distance float64
}

// ABC samples the posterior by ABC-SMC (population Monte Carlo, Beaumont
// et al. 2009) with an adaptive tolerance: generation 0 draws n particles
// from the uniform priors; each later generation's tolerance is the Keep
// quantile of the accepted distances before it, and its n proposals move
// particles drawn by weight with a Gaussian kernel of twice their weighted
// variance, rejecting moves outside the bounds. Weights are prior density
// over the kernel mixture. The evaluations of a generation run in
// parallel, one replicate set each; draws come from src.
//
// It refuses a posterior, with an error of type *RefusedError and the
// particles it would have written, when its particles lie above the
// method's max_distance.
func (p *Problem) ABC(budget, workers int, src *sim.Source, record func(Evaluation)) ([]Particle, *ABCReport, error) {
	m := p.Spec.Method
	n := budget / m.Generations
	if n < 2*len(p.Spec.Parameters) {
		return nil, nil, fmt.Errorf("an ABC budget of %d over %d generations gives %d particles each: want at least %d", budget, m.Generations, n, 2*len(p.Spec.Parameters))
	}
	rng := rand.New(src)
	k := len(p.Spec.Parameters)
	var pop []Particle
	eps := math.Inf(1)
	rep := &ABCReport{}
	for g := 0; g < m.Generations; g++ {
		var tau []float64
		if g > 0 {
			tau = kernelScale(pop, k)
		}
		props := make([][]float64, n)
		for i := range props {
			props[i] = p.propose(rng, pop, tau)
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
		next := make([]Particle, 0, n)
		for i := range props {
			// a particle whose statistics are undefined (an infinite
			// distance) is never accepted, even under generation 0's
			// infinite tolerance
			if dists[i] <= eps && !math.IsInf(dists[i], 1) {
				// Weight holds the log weight until the generation is complete
				next = append(next, Particle{Theta: props[i], Distance: dists[i], Weight: p.logWeight(props[i], pop, tau)})
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
		ds := make([]float64, len(pop))
		for i := range pop {
			ds[i] = pop[i].Distance
		}
		sort.Float64s(ds)
		eps = stat.Quantile(m.Keep, stat.Empirical, ds, nil)
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

// Generation is one ABC-SMC generation: the tolerance its proposals had to
// meet (+Inf for the first, drawn from the prior), how many were proposed
// and accepted, and the effective sample size of the accepted, weighted
// particles, 1 / Σ w² (0 when too few were accepted and the generation
// before was kept).
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

func (p *Problem) propose(rng *rand.Rand, pop []Particle, tau []float64) []float64 {
	qs := p.Spec.Parameters
	theta := make([]float64, len(qs))
	if pop == nil {
		for i, q := range qs {
			theta[i] = q.Lower + (q.Upper-q.Lower)*rng.Float64()
		}
		return theta
	}
	for tries := 0; ; tries++ {
		u, j := rng.Float64(), 0
		for j < len(pop)-1 && u >= pop[j].Weight {
			u -= pop[j].Weight
			j++
		}
		inside := true
		for i, q := range qs {
			theta[i] = pop[j].Theta[i] + tau[i]*rng.NormFloat64()
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

// kernelScale is the kernel's standard deviation in each dimension:
// sqrt(2 x weighted variance), the choice of Beaumont et al. (2009).
func kernelScale(pop []Particle, k int) []float64 {
	tau := make([]float64, k)
	xs, ws := make([]float64, len(pop)), make([]float64, len(pop))
	for i := 0; i < k; i++ {
		for j := range pop {
			xs[j], ws[j] = pop[j].Theta[i], pop[j].Weight
		}
		_, v := meanVar(xs, ws)
		tau[i] = math.Sqrt(2*v) + 1e-12
	}
	return tau
}

// logWeight is the log importance weight of theta: its uniform prior
// density (a constant, dropped) over the density of the proposal mixture,
// in log space with log-sum-exp, since in many dimensions the kernel
// densities underflow.
func (p *Problem) logWeight(theta []float64, pop []Particle, tau []float64) float64 {
	if pop == nil {
		return 0
	}
	terms := make([]float64, len(pop))
	for j, q := range pop {
		l := math.Log(q.Weight)
		for i := range theta {
			l += distuv.Normal{Mu: q.Theta[i], Sigma: tau[i]}.LogProb(theta[i])
		}
		terms[j] = l
	}
	return -floats.LogSumExp(terms)
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

// Identification says how well the targets pin a parameter down: the
// posterior's standard deviation against the prior's.
type Identification struct {
	Key             string
	PriorSD, PostSD float64
	PostMean        float64
	Ratio           float64 // PostSD / PriorSD
	Verdict         string
}

// Identify compares the posterior's spread with the uniform prior's
// ((upper-lower)/sqrt 12) for each parameter: a ratio under 0.5 is
// "identified", under 0.8 "weakly identified", otherwise "not identified
// by these targets".
func Identify(params []Parameter, post []Particle) []Identification {
	out := make([]Identification, len(params))
	xs, ws := make([]float64, len(post)), make([]float64, len(post))
	for i, q := range params {
		for j := range post {
			xs[j], ws[j] = post[j].Theta[i], post[j].Weight
		}
		mean, v := meanVar(xs, ws)
		sd := math.Sqrt(v)
		prior := (q.Upper - q.Lower) / math.Sqrt(12)
		r := sd / prior
		verdict := "not identified by these targets"
		switch {
		case r < 0.5:
			verdict = "identified"
		case r < 0.8:
			verdict = "weakly identified"
		}
		out[i] = Identification{Key: q.Key, PriorSD: prior, PostSD: sd, PostMean: mean, Ratio: r, Verdict: verdict}
	}
	return out
}

// Influence is how much the targets move with each free parameter near a
// point: the change of each target's error, in tolerances, when the
// parameter moves by one standard deviation of its prior, estimated by a
// central difference over a tenth of the prior's range with common random
// numbers (the same seeds at both ends). A target's error is the largest
// of its rows'; for an inequality that holds on both sides it is 0.
type Influence struct {
	Key     string
	Targets []string  // in the order of the spec's targets
	Change  []float64 // per target, in tolerances per prior SD
}

// MovedBy lists the targets whose error changes by at least min
// tolerances per prior SD, the largest first.
func (in *Influence) MovedBy(min float64) []string {
	idx := make([]int, 0, len(in.Targets))
	for i, c := range in.Change {
		if math.Abs(c) >= min {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return math.Abs(in.Change[idx[a]]) > math.Abs(in.Change[idx[b]]) })
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = in.Targets[j]
	}
	return out
}

// Influences estimates each free parameter's Influence at theta, with one
// replicate (and the pattern) at each end: 2 x parameters evaluations.
func (p *Problem) Influences(theta []float64, workers int) ([]Influence, error) {
	errs := func(th []float64) ([]float64, error) {
		d, err := p.evaluate(th, workers, 1, false)
		if err != nil {
			return nil, err
		}
		out := make([]float64, len(p.Spec.Targets))
		for i := range p.Spec.Targets {
			for _, r := range p.Spec.Targets[i].rows(d.Stats) {
				if math.Abs(r.Error) > math.Abs(out[i]) {
					out[i] = r.Error
				}
			}
		}
		return out, nil
	}
	names := make([]string, len(p.Spec.Targets))
	for i := range p.Spec.Targets {
		names[i] = p.Spec.Targets[i].Name
	}
	out := make([]Influence, len(p.Spec.Parameters))
	for i, q := range p.Spec.Parameters {
		h := (q.Upper - q.Lower) / 20
		lo, hi := append([]float64(nil), theta...), append([]float64(nil), theta...)
		lo[i] = math.Max(q.Lower, theta[i]-h)
		hi[i] = math.Min(q.Upper, theta[i]+h)
		a, err := errs(lo)
		if err != nil {
			return nil, err
		}
		b, err := errs(hi)
		if err != nil {
			return nil, err
		}
		sd := (q.Upper - q.Lower) / math.Sqrt(12)
		ch := make([]float64, len(a))
		for j := range a {
			ch[j] = (b[j] - a[j]) / (hi[i] - lo[i]) * sd
		}
		out[i] = Influence{Key: q.Key, Targets: names, Change: ch}
	}
	return out, nil
}
