package calibrate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/returnsim/returnsim/sim"
	"gonum.org/v1/gonum/stat"
)

// boxParams are free parameters on unequal boxes of volume 12, so that a
// density off by the volume shows.
func boxParams() []Parameter {
	return []Parameter{
		{Key: "a", Lower: -7, Upper: 3},
		{Key: "b", Lower: 0, Upper: 0.06},
		{Key: "c", Lower: 1, Upper: 21},
	}
}

// checkImportance draws n points from prop, weights each by prior density
// over proposal density, and checks that the weighted mean and variance
// of every parameter are the uniform prior's: a proposal whose draws and
// density disagree (a wrong normaliser, a missed component, truncation
// not accounted for) fails. The tolerance is 4 standard errors of the
// self-normalised importance-sampling estimate, computed from the draws.
func checkImportance(t *testing.T, qs []Parameter, prop *proposal, n int, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	xs := make([][]float64, n)
	ws := make([]float64, n)
	var sum float64
	for i := range xs {
		xs[i] = drawInside(rng, qs, prop)
		ws[i] = math.Exp(-prop.logDensity(xs[i]))
		sum += ws[i]
	}
	var w2 float64
	for i := range ws {
		ws[i] /= sum
		w2 += ws[i] * ws[i]
	}
	for j, q := range qs {
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
	qs, m := boxParams(), DefaultMethod()
	prop := startProposal(qs, m, []float64{-6.5, 0.01, 19})
	if prop.prior != m.StartPrior || prop.lo == nil {
		t.Fatalf("a start gives the priors' share %v and a box %v, want %v and one", prop.prior, prop.lo != nil, m.StartPrior)
	}
	checkImportance(t, qs, prop, 40000, 1)
	// no start: the priors alone, every weight equal
	if prop := startProposal(qs, m, nil); prop.prior != 1 || prop.lo != nil || prop.logDensity([]float64{-5, 0.03, 2}) != 0 {
		t.Errorf("no start: want the priors alone with log density 0, got share %v and a box %v", prop.prior, prop.lo != nil)
	}
}

// In 24 dimensions, as in the shipped calibration, the draws near the
// start carry equal weights, so a cut that keeps only them keeps as many
// effective particles as it keeps draws. (A Gaussian start, as before,
// gave these draws weights spread over a factor of about exp(±3.5), and
// an effective sample size of a few.) Prior draws, which land in the box
// with a chance of 0.1^24, weigh 1 / start_prior each, relative to the
// priors' density, against far less for the box's.
func TestStartProposalEvenWeights(t *testing.T) {
	qs := make([]Parameter, 24)
	start := make([]float64, len(qs))
	for i := range qs {
		qs[i] = Parameter{Key: fmt.Sprint("p", i), Lower: float64(-i), Upper: 1 + float64(i)}
		start[i] = float64(i) / 2 // near the upper bound for large i: clipped there
	}
	m := DefaultMethod()
	m.StartSpread = 0.1
	prop := startProposal(qs, m, start)
	rng := rand.New(rand.NewPCG(3, 5))
	var near []Particle
	for i := 0; i < 2000; i++ {
		theta := drawInside(rng, qs, prop)
		w := -prop.logDensity(theta)
		if prop.inBox(theta) {
			near = append(near, Particle{Theta: theta, Weight: w})
		} else if math.Abs(w+math.Log(m.StartPrior)) > 1e-12 {
			t.Fatalf("a prior draw outside the box has log weight %v, want log(1/start_prior) = %v", w, -math.Log(m.StartPrior))
		}
	}
	want := (1 - m.StartPrior) * 2000
	if se := math.Sqrt(2000 * m.StartPrior * (1 - m.StartPrior)); math.Abs(float64(len(near))-want) > 4*se {
		t.Fatalf("%d of 2,000 draws in the start's box, want %.0f ± %.0f", len(near), want, 4*se)
	}
	expNormalise(near)
	if e := ess(near); math.Abs(e-float64(len(near))) > 1e-6*float64(len(near)) {
		t.Errorf("the effective sample size of the %d draws near the start is %.1f, want %d", len(near), e, len(near))
	}
}

// TestABCKnownPosterior runs the ABC on a distance with a known ABC
// posterior: d(θ) = Σ ((θ_i - c_i)/s_i)² under uniform priors whose box
// (c_i ± 6 s_i) holds the ellipsoid d <= ε whole (ε <= 36), so the
// posterior at the final tolerance ε is uniform on that ellipsoid, with
// mean c and variance s_i² ε / (k + 2) in each coordinate. In 3 and in 11
// dimensions, from the priors and from a start off the centre, it runs 20
// independent calibrations (seeds 1-20) and checks, in every coordinate,
// the average over the runs of the posterior mean against c and of the
// posterior variance over its known value against 1, each within 4
// standard errors of that average (the spread over the runs over √20):
// a biased or too narrow sampler fails, whatever the particles' weights
// claim. Each run's effective sample size must stay above a fifth of its
// particles: an SMC in many dimensions must not collapse onto a few.
func TestABCKnownPosterior(t *testing.T) {
	const runs, n = 20, 800
	for _, k := range []int{3, 11} {
		for _, fromStart := range []bool{false, true} {
			for _, unmoved := range []float64{0, 0.5} {
				if unmoved > 0 && !fromStart {
					continue // the adaptive moves, in the calibration's own setting
				}
				t.Run(fmt.Sprintf("k=%d/start=%v/unmoved=%v", k, fromStart, unmoved), func(t *testing.T) {
					qs := make([]Parameter, k)
					c, s := make([]float64, k), make([]float64, k)
					var start []float64
					for i := range qs {
						c[i], s[i] = float64(i), 0.1*float64(i+1)
						qs[i] = Parameter{Key: fmt.Sprint(i), Lower: c[i] - 6*s[i], Upper: c[i] + 6*s[i]}
						if fromStart {
							start = append(start, c[i]+0.5*s[i])
						}
					}
					dist := func(th []float64, _ float64) (float64, bool, error) {
						var d float64
						for i := range th {
							z := (th[i] - c[i]) / s[i]
							d += z * z
						}
						return d, true, nil
					}
					m := DefaultMethod()
					m.Generations, m.MaxDistance, m.Unmoved = 12, math.Inf(1), unmoved // the default keep
					means := make([][]float64, k)                                      // per coordinate, per run: (mean - c) / s
					ratios := make([][]float64, k)                                     // per coordinate, per run: variance / known variance
					for r := 1; r <= runs; r++ {
						post, rep, err := abcSMC(qs, m, n*(1+m.Generations*m.Moves), 2, start, sim.NewStream(uint64(r)), func(Evaluation) {}, dist)
						if err != nil {
							t.Fatal(err)
						}
						eps := rep.Generations[len(rep.Generations)-1].Tolerance
						if eps > 36 {
							t.Fatalf("run %d: final tolerance %v: the ellipsoid d <= ε leaves the box (half-width 6 s_i) beyond 36, so its posterior is not the known one", r, eps)
						}
						if rep.Final > eps {
							t.Errorf("run %d: a particle at %v above the final tolerance %v", r, rep.Final, eps)
						}
						if rep.ESS < n/5 {
							t.Errorf("run %d: posterior ESS %.0f of %d particles: collapsed", r, rep.ESS, n)
						}
						for i := range qs {
							xs, ws := make([]float64, len(post)), make([]float64, len(post))
							for j := range post {
								xs[j], ws[j] = post[j].Theta[i], post[j].Weight
							}
							mean, v := meanVar(xs, ws)
							means[i] = append(means[i], (mean-c[i])/s[i])
							ratios[i] = append(ratios[i], v/(s[i]*s[i]*eps/float64(k+2)))
						}
					}
					for i := range qs {
						mm, ms := stat.MeanStdDev(means[i], nil)
						rm, rs := stat.MeanStdDev(ratios[i], nil)
						if se := ms / math.Sqrt(runs); math.Abs(mm) > 4*se {
							t.Errorf("θ%d: posterior mean off the centre by %.3g s on average over %d runs: %.1f standard errors", i, mm, runs, math.Abs(mm)/se)
						}
						if se := rs / math.Sqrt(runs); math.Abs(rm-1) > 4*se {
							t.Errorf("θ%d: posterior variance %.3g times the known one on average over %d runs: %.1f standard errors from 1", i, rm, runs, math.Abs(rm-1)/se)
						}
					}
				})
			}
		}
	}
}

// TestMovesAt: with method.unmoved the moves of a generation are the
// fewest that leave a particle unmoved with a chance below it at the last
// generation's acceptance rate, and never fewer than method.moves.
func TestMovesAt(t *testing.T) {
	m := Method{Moves: 2, Unmoved: 0.1}
	for _, c := range []struct {
		acc  float64
		want int
	}{
		{-1, 2},   // no moves yet
		{0.9, 2},  // 0.1^1 <= 0.1: one would do, the floor is 2
		{0.5, 4},  // 0.5^3 = 0.125 > 0.1, 0.5^4 = 0.0625
		{0.2, 11}, // 0.8^10 = 0.107, 0.8^11 = 0.086
		{0, math.MaxInt32},
	} {
		if got := m.movesAt(c.acc); got != c.want {
			t.Errorf("movesAt(%v) = %d, want %d", c.acc, got, c.want)
		}
	}
	if got := (Method{Moves: 3}).movesAt(0.2); got != 3 {
		t.Errorf("without unmoved: movesAt(0.2) = %d, want method.moves, 3", got)
	}
}

// TestABCLowerBound: an evaluation that stops at a lower bound above the
// tolerance (EvaluateWithin) changes nothing in the posterior: a particle
// beyond the tolerance is rejected either way. Here the distance is the
// known ellipsoid's, and the bounded evaluation leaves out the second half
// of its terms whenever the first half alone exceeds the tolerance.
func TestABCLowerBound(t *testing.T) {
	const k, n = 6, 200
	qs := make([]Parameter, k)
	for i := range qs {
		qs[i] = Parameter{Key: fmt.Sprint(i), Lower: -6, Upper: 6}
	}
	part := func(th []float64, from, to int) float64 {
		d := 0.0
		for i := from; i < to; i++ {
			d += th[i] * th[i]
		}
		return d
	}
	full := func(th []float64, _ float64) (float64, bool, error) {
		return part(th, 0, k), true, nil
	}
	var bounded, cut atomic.Int64 // evaluations run side by side
	bound := func(th []float64, eps float64) (float64, bool, error) {
		bounded.Add(1)
		if d := part(th, 0, k/2); d > eps {
			cut.Add(1)
			return d, false, nil
		}
		return part(th, 0, k), true, nil
	}
	var marked int64
	m := DefaultMethod()
	m.MaxDistance = math.Inf(1)
	budget := n * (1 + m.Generations*m.Moves)
	p1, r1, err1 := abcSMC(qs, m, budget, 2, nil, sim.NewStream(5), func(Evaluation) {}, full)
	p2, r2, err2 := abcSMC(qs, m, budget, 2, nil, sim.NewStream(5), func(e Evaluation) {
		if e.LowerBound {
			marked++
		}
	}, bound)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if cut.Load() == 0 || marked != cut.Load() {
		t.Fatalf("%d of %d evaluations stopped at a lower bound, %d recorded as such: want some, all recorded", cut.Load(), bounded.Load(), marked)
	}
	// printed, since a report's NaN shift is not DeepEqual to itself
	if a, b := fmt.Sprintf("%+v %+v", p1, r1), fmt.Sprintf("%+v %+v", p2, r2); a != b {
		t.Errorf("posterior or report differ when %d of %d evaluations stop at a lower bound: want them identical\n%s\n%s", cut.Load(), bounded.Load(), a, b)
	}
}

// TestEvaluateWithin: with a tolerance below the distance of the targets
// other than the pattern's, EvaluateWithin returns that distance, marked
// as a lower bound; with one at or above it, Evaluate's exact distance. The
// problem is the default one at 10% of the intake and a five-year warm-up
// (at 5% no file 6 or later has an AVR, and the distance is infinite), with
// counselling's effect at its upper bound, so that the pattern's ratio
// exceeds its bound and the two differ.
func TestEvaluateWithin(t *testing.T) {
	base, spec := defaultProblem(t)
	base.Intake.Scale, base.Warmup = 0.1, 60
	p := &Problem{Base: base, Spec: spec, Seed: 3}
	theta := p.Start()
	for i, q := range spec.Parameters {
		if q.Key == "params.counselling.effect" {
			theta[i] = q.Upper
		}
	}
	exact, s, err := p.Evaluate(theta, 2)
	if err != nil {
		t.Fatal(err)
	}
	rest := distance(spec.Targets, s, patternStatistic)
	if !(rest < exact) {
		t.Fatalf("distance %v without the pattern, %v with it: want the pattern's part above 0 for this test", rest, exact)
	}
	d, ok, err := p.EvaluateWithin(theta, rest/2, 2)
	if err != nil || ok || d != rest {
		t.Errorf("EvaluateWithin(ε = %v) = %v, exact %v, %v: want %v, a lower bound", rest/2, d, ok, err, rest)
	}
	d, ok, err = p.EvaluateWithin(theta, rest, 2)
	if err != nil || !ok || d != exact {
		t.Errorf("EvaluateWithin(ε = %v) = %v, exact %v, %v: want %v, exact", rest, d, ok, err, exact)
	}
}
