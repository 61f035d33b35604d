package calibrate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/returnsim/returnsim/sim"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// Particle is one posterior draw.
type Particle struct {
	Theta    []float64
	Weight   float64
	Distance float64
}

// ABC samples the posterior by ABC-SMC with resample-move steps (Del Moral,
// Doucet and Jasra 2012; the replenishment scheme of Drovandi and Pettitt
// 2011), which keeps its particles' weights equal after every generation
// and so does not degenerate in many dimensions as importance weights over
// a kernel mixture do.
//
// The budget buys n = budget / (1 + generations x moves) particles, and
// generations go on while the budget holds another's moves (moves outside
// the bounds cost no simulation). With method.unmoved = c, a generation
// makes as many moves as leave a particle unmoved with a chance below c at
// the acceptance rate of its first round of moves (Drovandi and Pettitt
// 2011), at least method.moves and at most what the budget affords (the
// last generation's rate decides whether it can start): as the tolerance
// falls and fewer moves are accepted, each generation moves more, so that
// the copies its resampling makes part, and fewer generations fit the
// budget. What budget is left when another generation's moves no longer
// fit moves the last generation's particles on at its tolerance, without
// a cut. Generation 0
// draws them from the uniform priors or, given a start (the point fit),
// from a defensive mixture (Hesterberg 1995): a share method.start_prior
// from the priors, the rest uniformly from a box at the start whose draws
// have standard deviations of method.start_spread prior SDs, clipped to
// the bounds. Its
// importance weights, prior over mixture density, are at most
// 1/start_prior, so the start changes where the budget is spent, not what
// is estimated. Each later generation
//
//  1. sets its tolerance to the method.keep quantile of the particles'
//     distances and gives weight 0 to those above it (the effective
//     sample size reported is of these weights, 1 / Σ w²);
//  2. resamples n particles from the rest by weight (systematic);
//  3. moves each by that many Metropolis-Hastings steps whose invariant
//     law is the prior restricted to distances within the tolerance: a
//     Gaussian random walk with 2.38²/k times the covariance of the
//     survivors (Roberts, Gelman and Gilks 1997), accepted when the move
//     stays inside the bounds and its simulated distance is within the
//     tolerance.
//
// The evaluations of a generation run in parallel, one replicate set each;
// draws come from src. A particle whose statistics are undefined (an
// infinite distance) is never kept. The posterior is the last generation,
// identical particles merged; its ESS is that of the merged weights, so
// copies that no move has separated are not counted twice.
//
// It refuses a posterior, with an error of type *RefusedError and the
// particles it would have written, when its particles lie above the
// method's max_distance.
//
// After each generation it calls p.Progress, when set, with the generation,
// its number and the simulations spent so far.
func (p *Problem) ABC(budget, workers int, start []float64, src *sim.Stream, record func(Evaluation)) ([]Particle, *ABCReport, error) {
	batch := func(thetas [][]float64, eps float64) ([]*Detail, error) {
		return p.evaluateAll(thetas, workers, p.Spec.Method.Replicates, false, eps)
	}
	return abcRun(p.Spec.Parameters, p.Spec.Method, budget, start, src, record, batch, p.Progress)
}

// abcRun is ABC with the distances of a batch of parameter sets computed
// by batch; progress, when not nil, hears of every generation.
func abcRun(qs []Parameter, m Method, budget int, start []float64, src *sim.Stream, record func(Evaluation), batch func(thetas [][]float64, eps float64) ([]*Detail, error), progress func(g int, gen Generation, spent int)) ([]Particle, *ABCReport, error) {
	k := len(qs)
	n := m.Particles(budget)
	if n < 2*k {
		return nil, nil, fmt.Errorf("an ABC budget of %d over the first generation and %d more of %d moves gives %d particles: want at least %d", budget, m.Generations, m.Moves, n, 2*k)
	}
	if len(start) > 0 && len(start) != k {
		return nil, nil, fmt.Errorf("an ABC start of %d values for %d free parameters", len(start), k)
	}
	rng := rand.New(src)
	evaluate := func(phase string, thetas [][]float64, eps float64) ([]float64, error) {
		ds, err := batch(thetas, eps)
		dists := make([]float64, len(thetas))
		for i, d := range ds {
			if d == nil {
				return nil, err // a batch stopped midway: nothing more to record
			}
			dists[i] = d.Distance
			record(Evaluation{Phase: phase, Theta: thetas[i], Distance: d.Distance, LowerBound: d.LowerBound, Rows: d.Rows})
		}
		return dists, err
	}

	prop := startProposal(qs, m, start)
	thetas := make([][]float64, n)
	for i := range thetas {
		thetas[i] = drawInside(rng, qs, prop)
	}
	dists, err := evaluate("abc-0", thetas, math.Inf(1))
	if err != nil {
		return nil, nil, err
	}
	pop := make([]Particle, n)
	finite := 0
	for i := range pop {
		pop[i] = Particle{Theta: thetas[i], Distance: dists[i], Weight: -prop.logDensity(thetas[i])}
		if math.IsInf(dists[i], 1) || math.IsNaN(dists[i]) {
			pop[i].Weight = math.Inf(-1)
		} else {
			finite++
		}
	}
	if finite < 2 {
		return nil, nil, fmt.Errorf("ABC drew %d particles with defined statistics of %d in generation 0: want at least 2; the targets' statistics are undefined almost everywhere in the priors", finite, n)
	}
	expNormalise(pop)
	rep := &ABCReport{Generations: []Generation{{Tolerance: math.Inf(1), Proposed: n, Accepted: finite, ESS: ess(pop), Shift: math.NaN()}}}
	if progress != nil {
		progress(0, rep.Generations[0], n)
	}

	spent := n
	accepted := -1.0 // the share of the last generation's moves accepted; none yet
	eps := math.Inf(1)
	for g := 1; ; g++ {
		moves := m.movesAt(accepted)
		rounds := (budget - spent) / n // rounds of moves the budget surely affords (a move costs a simulation at most)
		last := rounds < moves
		if rounds < 1 || last && g == 1 {
			break
		}
		var gen Generation
		next := pop
		if last {
			// Too little budget for another cut and its moves: the rest
			// moves this generation's particles on at its tolerance,
			// without a cut, so that the copies resampled in it part.
			moves = rounds
			gen = Generation{Tolerance: eps, ESS: ess(pop), Shift: math.NaN()}
		} else {
			eps = quantileDistance(m.Keep, pop)
			next = make([]Particle, 0, n)
			for _, x := range pop {
				if x.Distance <= eps && x.Weight > 0 {
					next = append(next, x)
				}
			}
			normalise(next)
			gen = Generation{Tolerance: eps, ESS: ess(next), Shift: math.NaN()}
		}
		chol, ok := walkFactor(qs, next)
		if !ok {
			rep.Generations = append(rep.Generations, gen)
			break // the survivors span no volume to move in
		}
		if !last {
			next = systematic(rng, next, n)
		} else {
			next = append([]Particle(nil), next...)
		}
		for r := 0; r < moves; r++ {
			if r == 1 && !last {
				// the first round's acceptance, at this generation's
				// tolerance, sets its moves: the last generation's, at a
				// larger tolerance, overstates it
				moves = min(m.movesAt(float64(gen.Accepted)/float64(n)), rounds)
			}
			props := make([][]float64, 0, n)
			who := make([]int, 0, n)
			for i := range next {
				theta := gaussian(rng, next[i].Theta, chol)
				if inside(qs, theta) { // outside the bounds the prior is 0: rejected without a simulation
					props = append(props, theta)
					who = append(who, i)
				}
			}
			dists, err := evaluate(fmt.Sprintf("abc-%d", g), props, eps)
			if err != nil {
				return nil, nil, err
			}
			gen.Proposed += len(props)
			spent += len(props)
			for j, i := range who {
				if dists[j] <= eps {
					next[i] = Particle{Theta: props[j], Distance: dists[j], Weight: next[i].Weight}
					gen.Accepted++
				}
			}
		}
		gen.Moves = moves
		gen.Shift = shift(qs, pop, next)
		rep.Generations = append(rep.Generations, gen)
		if progress != nil {
			progress(g, gen, spent)
		}
		pop = next
		if last {
			break
		}
		// a proposal outside the bounds is a rejected move too
		accepted = float64(gen.Accepted) / float64(n*moves)
	}
	pop = merge(pop)
	for _, q := range pop {
		rep.Final = math.Max(rep.Final, q.Distance)
	}
	rep.ESS = ess(pop)
	if rep.Final > m.MaxDistance {
		return pop, rep, &RefusedError{Final: rep.Final, Max: m.MaxDistance, Particles: len(pop)}
	}
	return pop, rep, nil
}

// movesAt is the number of moves of a generation whose previous one
// accepted a share acc of its moves (negative: none moved yet). With
// method.unmoved = c it is the fewest that leave a particle unmoved with a
// chance below c, ⌈log c / log(1 − acc)⌉ (Drovandi and Pettitt 2011), and
// never fewer than method.moves; without it, method.moves.
func (m Method) movesAt(acc float64) int {
	if m.Unmoved <= 0 || acc < 0 {
		return m.Moves
	}
	if acc <= 0 {
		return math.MaxInt32 // nothing moves: no number of moves is enough
	}
	if acc >= 1 {
		return m.Moves
	}
	return max(m.Moves, int(math.Ceil(math.Log(m.Unmoved)/math.Log(1-acc))))
}

// Particles is how many particles an ABC budget buys:
// budget / (1 + generations x moves), one simulation each in generation 0
// and per move after it. A budget must buy at least two per free
// parameter.
func (m Method) Particles(budget int) int {
	return budget / (1 + m.Generations*m.Moves)
}

// expNormalise turns log weights into weights that sum to 1 (a log weight
// of -Inf is a weight of 0).
func expNormalise(pop []Particle) {
	top := math.Inf(-1)
	for _, q := range pop {
		top = math.Max(top, q.Weight)
	}
	for i := range pop {
		pop[i].Weight = math.Exp(pop[i].Weight - top)
	}
	normalise(pop)
}

// quantileDistance is the q quantile of the distances of pop's particles
// of positive weight, each counted once: after generation 0 the weights
// are equal and it is their weighted quantile; in generation 0 it puts
// the first tolerance where the draws around the start lie, not where the
// priors' do (the priors' share carries most of the importance weight).
func quantileDistance(q float64, pop []Particle) float64 {
	ds := make([]float64, 0, len(pop))
	for _, x := range pop {
		if x.Weight > 0 {
			ds = append(ds, x.Distance)
		}
	}
	sort.Float64s(ds)
	return stat.Quantile(q, stat.Empirical, ds, nil)
}

// walkFactor is the Cholesky factor of the random walk's covariance:
// 2.38²/k times the covariance of pop's particles, each counted once
// whatever its weight, plus a ridge of 1e-8 prior variances that keeps it
// positive definite when the particles lie in a subspace. False when it
// does not factorise even so. The walk is symmetric whatever its
// covariance, so any choice keeps the moves exact; the particles'
// unweighted spread is the region within the tolerance, where a weighted
// one shrinks to nothing when one importance weight dominates (as in
// generation 0, started at the fit, where the priors' share carries most
// of the weight).
func walkFactor(qs []Parameter, pop []Particle) (*mat.TriDense, bool) {
	k := len(qs)
	if len(pop) < 2 {
		return nil, false
	}
	x := mat.NewDense(len(pop), k, nil)
	for i, q := range pop {
		x.SetRow(i, q.Theta)
	}
	cov := mat.NewSymDense(k, nil)
	stat.CovarianceMatrix(cov, x, nil)
	c := 2.38 * 2.38 / float64(k)
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			cov.SetSym(i, j, c*cov.At(i, j))
		}
		r := (qs[i].Upper - qs[i].Lower) * (qs[i].Upper - qs[i].Lower) / 12 * 1e-8
		cov.SetSym(i, i, cov.At(i, i)+r)
	}
	var ch mat.Cholesky
	if !ch.Factorize(cov) {
		return nil, false
	}
	var l mat.TriDense
	ch.LTo(&l)
	return &l, true
}

// gaussian draws from the Gaussian with mean mu and covariance L Lᵀ.
func gaussian(rng *rand.Rand, mu []float64, l *mat.TriDense) []float64 {
	z := make([]float64, len(mu))
	for i := range z {
		z[i] = rng.NormFloat64()
	}
	out := make([]float64, len(mu))
	for i := range out {
		out[i] = mu[i]
		for j := 0; j <= i; j++ {
			out[i] += l.At(i, j) * z[j]
		}
	}
	return out
}

// inside reports whether theta lies within the priors' bounds.
func inside(qs []Parameter, theta []float64) bool {
	for i, q := range qs {
		if theta[i] < q.Lower || theta[i] > q.Upper {
			return false
		}
	}
	return true
}

// systematic resamples n particles from pop (weights summing to 1) by
// systematic resampling, each with weight 1/n.
func systematic(rng *rand.Rand, pop []Particle, n int) []Particle {
	out := make([]Particle, n)
	u := rng.Float64() / float64(n)
	j, cum := 0, pop[0].Weight
	for i := range out {
		for u > cum && j < len(pop)-1 {
			j++
			cum += pop[j].Weight
		}
		out[i] = Particle{Theta: pop[j].Theta, Distance: pop[j].Distance, Weight: 1 / float64(n)}
		u += 1 / float64(n)
	}
	return out
}

// merge adds up the weights of identical particles (copies that no move
// has separated), keeping the first one's place.
func merge(pop []Particle) []Particle {
	out := make([]Particle, 0, len(pop))
	seen := map[string]int{}
	for _, q := range pop {
		key := fmt.Sprint(q.Theta)
		if i, ok := seen[key]; ok {
			out[i].Weight += q.Weight
			continue
		}
		seen[key] = len(out)
		out = append(out, q)
	}
	return out
}

// proposal is generation 0's: with probability prior a draw from the
// uniform priors, otherwise (none without a start) a uniform draw from a
// box around the start, clipped to the priors' bounds.
//
// A box, not a Gaussian: in k dimensions a Gaussian's density varies
// across its own draws by a factor of about exp(±√(k/2)), so the
// importance weights prior / proposal of draws from it vary as much, and
// the first cut's resampling collapses onto the few draws farthest from
// the start (with 24 free parameters, an effective sample size of 3.4 of
// the 65 particles that survived a calibration's first cut, and a full-size
// simulation-based check whose tolerance stalled: docs/calibration.md).
// A uniform box has one density, so all its draws inside the priors weigh
// the same, and the weights stay exact: no truncation to renormalise.
type proposal struct {
	prior  float64   // share of the uniform priors
	lo, hi []float64 // the box around the start (nil without a start)
	logVol float64   // log volume of the priors' box
	logBox float64   // log volume of the start's box
}

// startProposal is generation 0's proposal: the priors alone without a
// start, the defensive mixture around it with one. The start's box has
// half-width √3 × method.start_spread prior SDs (method.start_spread × half
// the prior's width) in each parameter, so that its draws have an SD of
// start_spread prior SDs where no bound clips it.
func startProposal(qs []Parameter, m Method, start []float64) *proposal {
	prop := &proposal{prior: 1}
	for _, q := range qs {
		prop.logVol += math.Log(q.Upper - q.Lower)
	}
	if len(start) == 0 {
		return prop
	}
	prop.prior = m.StartPrior
	prop.lo, prop.hi = make([]float64, len(qs)), make([]float64, len(qs))
	for i, q := range qs {
		h := m.StartSpread * (q.Upper - q.Lower) / 2
		c := math.Min(math.Max(start[i], q.Lower), q.Upper)
		prop.lo[i] = math.Max(q.Lower, c-h)
		prop.hi[i] = math.Min(q.Upper, c+h)
		prop.logBox += math.Log(prop.hi[i] - prop.lo[i])
	}
	return prop
}

// drawInside is one draw from prop, inside the priors' box: from the
// priors with probability prop.prior, else from the start's box.
func drawInside(rng *rand.Rand, qs []Parameter, prop *proposal) []float64 {
	fromPrior := prop.lo == nil || rng.Float64() < prop.prior
	theta := make([]float64, len(qs))
	for i, q := range qs {
		lo, hi := q.Lower, q.Upper
		if !fromPrior {
			lo, hi = prop.lo[i], prop.hi[i]
		}
		theta[i] = lo + (hi-lo)*rng.Float64()
	}
	return theta
}

// inBox reports whether theta lies in the start's box.
func (prop *proposal) inBox(theta []float64) bool {
	for i, x := range theta {
		if x < prop.lo[i] || x > prop.hi[i] {
			return false
		}
	}
	return true
}

// logDensity is the log density of prop at theta relative to the uniform
// prior (whose density is exp(-logVol)), with log-sum-exp, since in many
// dimensions the box's density relative to the priors' overflows a
// float64's exponent. The importance weight of theta is its negative's
// exponential.
func (prop *proposal) logDensity(theta []float64) float64 {
	if prop.lo == nil || !prop.inBox(theta) {
		return math.Log(prop.prior)
	}
	return floats.LogSumExp([]float64{math.Log(prop.prior), math.Log(1-prop.prior) + prop.logVol - prop.logBox})
}

// Generation is one ABC-SMC generation. For generation 0: tolerance +Inf,
// the particles drawn (Proposed) and those with defined statistics
// (Accepted), and the effective sample size of their importance weights.
// For a later one: its tolerance, the effective sample size 1 / Σ w² of
// the weights left once the particles above it are dropped, and how many
// Metropolis-Hastings moves were simulated (Proposed; moves outside the
// bounds are rejected unsimulated) and accepted.
//
// Shift is how far the posterior moved from the generation before: the
// largest, over the parameters, of the change of the weighted mean in
// standard deviations of the prior (NaN for the first). A posterior that
// still moves by a tenth of a prior SD a generation has not settled.
type Generation struct {
	Tolerance          float64
	Moves              int // rounds of moves: each particle proposed a move this many times
	Proposed, Accepted int
	ESS                float64
	Shift              float64
}

// shift is Generation.Shift between populations a and b.
func shift(qs []Parameter, a, b []Particle) float64 {
	m := 0.0
	for i, q := range qs {
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

// Draws resamples n equal-weight draws from the posterior's particles (whose
// weights sum to 1) by systematic resampling with a uniform from src: the
// posterior as tools that take a sample, not weights, read it. Each draw
// is a particle's parameters, shared, not copied.
func Draws(post []Particle, n int, src *sim.Stream) [][]float64 {
	if len(post) == 0 || n < 1 {
		return nil
	}
	out := make([][]float64, n)
	for i, q := range systematic(rand.New(src), post, n) {
		out[i] = q.Theta
	}
	return out
}
