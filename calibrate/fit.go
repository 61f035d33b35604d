package calibrate

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/internal/tasks"
	"github.com/returnsim/returnsim/sim"
	"gonum.org/v1/gonum/optimize"
	"gonum.org/v1/gonum/stat"
)

// Problem is a calibration: a baseline configuration whose free parameters
// the spec names, fitted to the spec's targets.
type Problem struct {
	Base sim.Config // the baseline; each evaluation sets the free parameters on a copy
	Spec *Spec
	Seed uint64 // seeds of the replicates, the same at every evaluation

	// Batches, when set, journals every evaluation, so that an
	// interrupted calibration resumes where it stopped and ends in the
	// same bytes, and carries the context that stops the evaluations (an
	// evaluation then fails with its error). A restored evaluation has no
	// Stats. Nil: evaluations run to the end, unjournalled.
	Batches *tasks.Batches
	// Progress, when set, hears of each ABC generation: its number, the
	// generation, and the simulations ABC has spent so far.
	Progress func(g int, gen Generation, spent int)
}

// Evaluation is one simulated parameter set.
type Evaluation struct {
	Phase    string // "start", "fit" or "abc-G"
	Theta    []float64
	Distance float64
	// LowerBound marks a distance without the pattern's part: the other
	// targets alone put it beyond the tolerance of an ABC move, so the
	// pattern's paired runs were skipped (see EvaluateWithin).
	LowerBound bool
	// Rows is the fit table at Theta, on the evaluation's replicates
	// pooled: the simulated statistics (the pattern's row NaN when it was
	// skipped). Nil for an ABC run on a distance function alone.
	Rows []Row
}

// Config returns the baseline with the free parameters set to theta,
// validated. It shares nothing mutable with Base. The study's statistics
// by calendar year take recorded month 0 for January 2017: a baseline that
// starts elsewhere is refused. A baseline whose horizon lies after the
// last year of DT&V's published figures (a projection's) ends there.
func (p *Problem) Config(theta []float64) (sim.Config, error) {
	c := p.Base
	c.Changes = append([]sim.Change(nil), p.Base.Changes...)
	if n, ok := publishedMonths(c.Start); ok && c.Months > n {
		// a projection's baseline (the default study runs to 2030) is
		// calibrated on the months of the published data, as it always
		// was: every statistic, and the pattern's persons, count them
		c.Months = n
	}
	for i, q := range p.Spec.Parameters {
		if err := agents.SetFloat(&c, q.Key, theta[i]); err != nil {
			return c, err
		}
	}
	if err := c.Prepare(); err != nil {
		return c, err
	}
	if d := c.Date(0); d != studyStart {
		return c, fmt.Errorf("start = %q: the study's statistics count calendar years from %s; want start = %q", d, studyStart, studyStart)
	}
	return c, nil
}

// studyStart is the first month of the study's files, January 2017.
const studyStart = "2017-01"

// publishedMonths is the number of months from start to the end of the
// last year of DT&V's published figures (DTVYears): the horizon a
// calibration simulates at most. ok is false for a start that is not a
// month, which Config then refuses.
func publishedMonths(start string) (n int, ok bool) {
	m, err := sim.ParseMonth(start)
	if err != nil {
		return 0, false
	}
	ys := DTVYears()
	return 12*(ys[len(ys)-1].Year+1) - m, true
}

// Detail is one evaluation with its fit table and the Monte Carlo error of
// every row: how much the simulated value moves between replicates.
type Detail struct {
	Distance   float64
	LowerBound bool   // Distance leaves out the pattern's part (see EvaluateWithin)
	Stats      *Stats // of the pooled replicates
	Rows       []Row  // Table(targets, Stats)
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
	return p.evaluateOne(theta, workers, p.Spec.Method.TableReplicates, true, math.Inf(1))
}

// evaluateOne is evaluateAll of one parameter set.
func (p *Problem) evaluateOne(theta []float64, workers, R int, detail bool, eps float64) (*Detail, error) {
	ds, err := p.evaluateAll([][]float64{theta}, workers, R, detail, eps)
	if err != nil {
		return nil, err
	}
	return ds[0], nil
}

// evaluateAll evaluates each of thetas on R replicates (evaluate), as one
// batch of p.Batches when it is set. One parameter set runs its replicates
// on workers goroutines; more run workers evaluations at once, each on
// one. Either way the results are the same.
func (p *Problem) evaluateAll(thetas [][]float64, workers, R int, detail bool, eps float64) ([]*Detail, error) {
	outer, inner := workers, 1
	if len(thetas) == 1 {
		outer, inner = 1, workers
	}
	out := make([]*Detail, len(thetas))
	if p.Batches == nil {
		err := tasks.Ordered(context.Background(), len(thetas), outer, func(ctx context.Context, i int) (*Detail, error) {
			return p.evaluate(ctx, thetas[i], inner, R, detail, eps)
		}, func(i int, d *Detail) error {
			out[i] = d
			return nil
		})
		return out, err
	}
	err := p.Batches.Run(len(thetas), outer, func(ctx context.Context, i int) ([]byte, error) {
		d, err := p.evaluate(ctx, thetas[i], inner, R, detail, eps)
		if err != nil {
			return nil, err
		}
		return encodeDetail(thetas[i], d)
	}, func(i int, rec []byte) error {
		var err error
		out[i], err = decodeDetail(rec, thetas[i])
		return err
	})
	return out, err
}

// journalRecord is an evaluation as the journal keeps it: a Detail
// without its Stats, and the parameters it was made at.
type journalRecord struct {
	Theta        []float64
	Distance     float64
	LowerBound   bool
	Rows         []Row
	MCSE         []float64
	PerReplicate [][]Row
}

func encodeDetail(theta []float64, d *Detail) ([]byte, error) {
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(journalRecord{theta, d.Distance, d.LowerBound, d.Rows, d.MCSE, d.PerReplicate})
	return b.Bytes(), err
}

// decodeDetail reads back a journalled evaluation, which must have been
// made at theta: a resumed calibration asks for the evaluations of the
// interrupted one in the same order.
func decodeDetail(rec []byte, theta []float64) (*Detail, error) {
	var r journalRecord
	if err := gob.NewDecoder(bytes.NewReader(rec)).Decode(&r); err != nil {
		return nil, fmt.Errorf("resume: a journalled evaluation is unreadable: %w", err)
	}
	if !slices.Equal(r.Theta, theta) {
		return nil, fmt.Errorf("resume: the journal holds an evaluation at %v where this calibration asks for %v: it was written by another version of the program; rerun without --resume", r.Theta, theta)
	}
	return &Detail{Distance: r.Distance, LowerBound: r.LowerBound, Rows: r.Rows, MCSE: r.MCSE, PerReplicate: r.PerReplicate}, nil
}

// evaluate runs R replicates at theta; with a finite eps it may skip the
// pattern, as EvaluateWithin says.
func (p *Problem) evaluate(ctx context.Context, theta []float64, workers, R int, detail bool, eps float64) (*Detail, error) {
	cfg, err := p.Config(theta)
	if err != nil {
		return nil, err
	}
	reps := make([]*Collector, R)
	all := NewCollector(cfg.Origins)
	err = tasks.Ordered(ctx, R, workers, func(_ context.Context, r int) (*Collector, error) {
		c := NewCollector(cfg.Origins)
		sim.Run(&cfg, sim.StreamSeed(p.Seed, r, "", true), c)
		return c, nil
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
		if d := distance(p.Spec.Targets, s, patternStatistic); d > eps {
			return &Detail{Distance: d, LowerBound: true, Stats: s, Rows: Table(p.Spec.Targets, s)}, nil
		}
		if s.Pattern, patterns, err = p.Spec.Pattern.Measure(cfg, p.Seed, workers); err != nil {
			return nil, err
		}
	}
	d := &Detail{Distance: Distance(p.Spec.Targets, s), Stats: s, Rows: Table(p.Spec.Targets, s)}
	if !detail {
		return d, nil
	}
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
		r, err := p.evaluateOne(theta, workers, p.Spec.Method.FitReplicates, false, math.Inf(1))
		var rows []Row
		if err == nil {
			d, rows = r.Distance, r.Rows
		} else if evalErr == nil {
			evalErr = err
		}
		record(Evaluation{Phase: "fit", Theta: theta, Distance: d, Rows: rows})
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

// PointFit is a point fit's outcome: the start and Fit's best point, each
// evaluated on the method's table replicates (Detail), with common random
// numbers, and the better of the two kept. Nelder-Mead compares points on
// fit_replicates only: a point that wins there may lose on more
// replicates, and a fit worse than where it started is no fit.
type PointFit struct {
	Theta      []float64 // the kept point: Fit's unless the start is closer on the table's replicates
	Detail     *Detail   // of Theta
	Start, Fit *Detail   // of the start and of Fit's best point, on the same replicates
	KeptStart  bool      // the start was at most as far as the fit: Theta is the start
}

// PointFit evaluates the start on the table's replicates, runs Fit with
// budget evaluations, evaluates its best point on the same replicates and
// keeps the closer of the two (the start on a tie). Every evaluation goes
// to record: the start's as phase "start", the fit's table as "final".
func (p *Problem) PointFit(budget, workers int, record func(Evaluation)) (*PointFit, error) {
	start := p.Start()
	d0, err := p.Detail(start, workers)
	if err != nil {
		return nil, err
	}
	record(Evaluation{Phase: "start", Theta: start, Distance: d0.Distance, Rows: d0.Rows})
	best, _, err := p.Fit(budget, workers, record)
	if err != nil {
		return nil, err
	}
	d1, err := p.Detail(best, workers)
	if err != nil {
		return nil, err
	}
	record(Evaluation{Phase: "final", Theta: best, Distance: d1.Distance, Rows: d1.Rows})
	pf := &PointFit{Theta: best, Detail: d1, Start: d0, Fit: d1}
	if !(d1.Distance < d0.Distance) {
		pf.Theta, pf.Detail, pf.KeptStart = start, d0, true
	}
	return pf, nil
}

// Identification says how well the targets pin a parameter down: the
// posterior's standard deviation against the prior's, with the Monte
// Carlo error of a posterior of ESS effective particles.
type Identification struct {
	Key             string
	PriorSD, PostSD float64
	PostMean        float64
	Ratio           float64 // PostSD / PriorSD
	// RatioLow and RatioHigh bound Ratio by two Monte Carlo standard
	// errors: Ratio x (1 ∓ 2 / sqrt(2 (ESS − 1))), the standard error of a
	// standard deviation estimated from ESS draws of a normal law.
	RatioLow, RatioHigh float64
	// MeanSE is the Monte Carlo standard error of PostMean, PostSD /
	// sqrt(ESS): two calibrations with the same targets and other seeds
	// differ in their means by noise alone when the difference is within
	// about two of sqrt(MeanSE₁² + MeanSE₂²).
	MeanSE  float64
	Verdict string
}

// Identification's verdicts.
const (
	Identified    = "identified"
	WeaklyID      = "weakly identified"
	NotIdentified = "not identified by these targets"
	Undecided     = "undecided at this ESS"
)

// MinESS is the effective sample size below which a posterior is flagged
// as too small to read: at 100, each tail of a 90% interval holds 5
// effective particles, and the ratio of posterior to prior SD is known to
// about ±14% (two standard errors, 2 / sqrt(2 × 99)). The shipped
// calibration's ESS was below it (docs/calibration.md).
const MinESS = 100

// Identify compares the posterior's spread with the uniform prior's
// ((upper-lower)/sqrt 12) for each parameter, and judges it against the
// Monte Carlo noise of a posterior of its effective sample size (see
// Identification): "identified" when RatioHigh is under 0.5, "weakly
// identified" when RatioLow is at least 0.5 and RatioHigh under 0.8, "not
// identified by these targets" when RatioLow is at least 0.8, and
// "undecided at this ESS" when the interval straddles 0.5 or 0.8, so that
// a verdict never rests on noise of more than two standard errors.
func Identify(params []Parameter, post []Particle) []Identification {
	out := make([]Identification, len(params))
	xs, ws := make([]float64, len(post)), make([]float64, len(post))
	n := ess(post)
	rel := math.Inf(1) // relative error of an SD, two standard errors
	if n > 1 {
		rel = 2 / math.Sqrt(2*(n-1))
	}
	for i, q := range params {
		for j := range post {
			xs[j], ws[j] = post[j].Theta[i], post[j].Weight
		}
		mean, v := meanVar(xs, ws)
		sd := math.Sqrt(v)
		prior := (q.Upper - q.Lower) / math.Sqrt(12)
		r := sd / prior
		lo, hi := math.Max(0, r*(1-rel)), r*(1+rel)
		verdict := Undecided
		switch {
		case hi < 0.5:
			verdict = Identified
		case lo >= 0.8:
			verdict = NotIdentified
		case lo >= 0.5 && hi < 0.8:
			verdict = WeaklyID
		}
		out[i] = Identification{Key: q.Key, PriorSD: prior, PostSD: sd, PostMean: mean, Ratio: r, RatioLow: lo, RatioHigh: hi, MeanSE: sd / math.Sqrt(n), Verdict: verdict}
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
	names := make([]string, len(p.Spec.Targets))
	for i := range p.Spec.Targets {
		names[i] = p.Spec.Targets[i].Name
	}
	// each target's error: the largest of its rows', in the targets' order
	errs := func(d *Detail) []float64 {
		out := make([]float64, len(names))
		t := 0
		for _, r := range d.Rows {
			for names[t] != r.Target {
				t++
			}
			if math.Abs(r.Error) > math.Abs(out[t]) {
				out[t] = r.Error
			}
		}
		return out
	}
	// both ends of every parameter, in one batch
	ends := make([][]float64, 0, 2*len(p.Spec.Parameters))
	for i, q := range p.Spec.Parameters {
		h := (q.Upper - q.Lower) / 20
		lo, hi := append([]float64(nil), theta...), append([]float64(nil), theta...)
		lo[i] = math.Max(q.Lower, theta[i]-h)
		hi[i] = math.Min(q.Upper, theta[i]+h)
		ends = append(ends, lo, hi)
	}
	ds, err := p.evaluateAll(ends, workers, 1, false, math.Inf(1))
	if err != nil {
		return nil, err
	}
	out := make([]Influence, len(p.Spec.Parameters))
	for i, q := range p.Spec.Parameters {
		lo, hi := ends[2*i], ends[2*i+1]
		a, b := errs(ds[2*i]), errs(ds[2*i+1])
		sd := (q.Upper - q.Lower) / math.Sqrt(12)
		ch := make([]float64, len(a))
		for j := range a {
			ch[j] = (b[j] - a[j]) / (hi[i] - lo[i]) * sd
		}
		out[i] = Influence{Key: q.Key, Targets: names, Change: ch}
	}
	return out, nil
}
