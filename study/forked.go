package study

import (
	"context"
	"errors"
	"fmt"

	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/internal/tasks"
	"github.com/returnsim/returnsim/results"
	"github.com/returnsim/returnsim/scenarios"
)

// ForkOptions say how a Forked is built: as Options say it of Run.
type ForkOptions struct {
	Seed       int64 // the run seed, 0 or more
	Replicates int   // histories built, at least 1
	Workers    int   // goroutines that simulate, at least 1
	// Posterior, when not nil, gives replicate r of every scenario the
	// parameter set Run would give it (Options.Posterior).
	Posterior *calibrate.Posterior
	Progress  func() // called after each replicate's history and baseline, on one goroutine
}

// A Forked is a study's shared histories, each replicate's baseline up
// to the fork, built once and kept, with the baseline continued from
// each: from it a scenario that differs from the baseline only in its
// policy from the fork on runs in the time of its continuations alone
// (Run), and a study of such scenarios runs without building histories
// again (Options.Histories). Its figures are those Run writes: the same
// code pairs and summarises both.
//
// A Forked's methods may be called from several goroutines at once; Close
// it when no Run is in flight.
type Forked struct {
	ru      *runner
	workers int
	study   string              // the study's name
	bl      *baseline           // the baseline's pairing, by replicate
	base    []paired            // the baseline's replicates
	groups  []results.Group     // the baseline's groups
	rules   []RuleSelected      // what the baseline's group rules selected
	scen    *scenarios.Scenario // the baseline
}

// Outcome is what Run writes of one scenario run from a Forked, with the
// baseline's rows beside it.
type Outcome struct {
	Baseline, Scenario string
	Replicates         int
	// Rows are summary.csv's rows of the baseline, then of the scenario.
	Rows []results.SummaryRow
	// Yearly are yearly.csv's rows of the two (in a projection), Groups
	// groups-summary.csv's.
	Yearly []results.YearlyRow
	Groups []results.GroupSummaryRow
	// Metrics are the scenario's rows of replicates.csv, by replicate, in
	// the order of results.MetricNamesOf.
	Metrics [][]float64
	// Rules is what each of the scenario's group rules selected when it
	// came into force (rules.csv).
	Rules []RuleSelected
}

// Fork builds the shared history of each of opt.Replicates replicates of
// st, which must have a fork, continues its baseline (scenario 0) from
// each, and keeps both. Only the baseline of st is used; cancelling ctx
// stops it soon, with ctx's error.
func Fork(ctx context.Context, st *scenarios.Study, opt ForkOptions) (*Forked, error) {
	switch {
	case len(st.Scenarios) == 0:
		return nil, errors.New("study: no scenario to fork")
	case st.Fork == "":
		return nil, fmt.Errorf("study %s has no fork: a what-if continues the months before a fork, shared by every scenario; give the study fork = \"YYYY-MM\"", st.Name)
	case opt.Replicates < 1:
		return nil, fmt.Errorf("study: %d replicates: want at least 1", opt.Replicates)
	case opt.Seed < 0:
		return nil, fmt.Errorf("study: seed %d: want 0 or more", opt.Seed)
	case opt.Workers < 1:
		return nil, fmt.Errorf("study: %d workers: want at least 1", opt.Workers)
	}
	base := st.Scenarios[0]
	one := *st
	one.Scenarios = []scenarios.Scenario{base}
	if opt.Posterior != nil {
		if err := opt.Posterior.Check(&base.Config, base.Name); err != nil {
			return nil, err
		}
		if err := checkUncertain(st, opt.Posterior); err != nil {
			return nil, err
		}
	}
	// with a posterior, the study's unconstrained assumptions are drawn
	// too, as run draws them (its held columns are run's alone)
	ru := newRunner(&one, opt.Seed, opt.Replicates, false, opt.Posterior, true)
	ru.hist.keep = true
	f := &Forked{ru: ru, workers: opt.Workers, study: st.Name, bl: newBaseline(opt.Replicates), base: make([]paired, opt.Replicates),
		groups: results.GroupsOf(&ru.base.Config, ru.projection), scen: ru.base}
	do := func(ctx context.Context, r int) ([]byte, error) { return ru.replicate(ctx, ru.base, true, r) }
	emit := func(r int, b []byte) error {
		p, err := ru.pair(f.bl, ru.base.Name, true, r, b, len(f.groups))
		if err != nil {
			return err
		}
		p.rec.series, p.rec.cases, p.rec.persons = nil, nil, nil // only the numbers are kept
		f.base[r] = p
		for _, c := range p.rec.rules {
			f.rules = addSelected(f.rules, ru.base.Name, opt.Replicates, r, &ru.base.Config, &c)
		}
		if opt.Progress != nil {
			opt.Progress()
		}
		return nil
	}
	if err := tasks.Ordered(ctx, opt.Replicates, opt.Workers, do, emit); err != nil {
		return nil, err // replicates still in flight hold the histories: they go with f
	}
	return f, nil
}

// Close lets the histories go; f must not be used after.
func (f *Forked) Close() { f.ru.hist.release() }

// Baseline is the study's baseline, from whose histories f continues.
func (f *Forked) Baseline() *scenarios.Scenario { return f.scen }

// Replicates is the number of histories f holds.
func (f *Forked) Replicates() int { return f.ru.reps }

// Seed is the run seed of f's histories.
func (f *Forked) Seed() int64 { return f.ru.seed }

// Fork is the study's fork, YYYY-MM.
func (f *Forked) Fork() string { return f.ru.fork }

// Check reports why scenario sc cannot run from f, or nil if it can: it
// must differ from the baseline only in its policy (sim.History.Forkable),
// be another scenario than the baseline by name, and take every key of
// f's posterior, if any.
func (f *Forked) Check(sc *scenarios.Scenario) error {
	if sc.Name == f.scen.Name {
		return fmt.Errorf("scenario %s has the baseline's name: give it another", sc.Name)
	}
	if f.ru.post != nil {
		if err := f.ru.post.Check(&sc.Config, sc.Name); err != nil {
			return err
		}
	}
	cfg, err := f.ru.configOf(sc, 0)
	if err != nil {
		return err
	}
	h := &f.ru.hist.slots[0]
	if h.h == nil {
		return fmt.Errorf("study: the history of replicate 0 is gone: %v", h.err)
	}
	if err := h.h.Forkable(cfg); err != nil {
		return fmt.Errorf("scenario %s: %w", sc.Name, err)
	}
	return nil
}

// Run runs the first reps replicates of scenario sc (all of them when reps
// is 0) from f's histories, on f's workers, and pairs and summarises them
// with the baseline's as Run does: Outcome.Rows are, to the bit, the
// rows of the baseline and of sc in the summary.csv of Run of a study
// with that baseline and sc among its scenarios, with f's seed, reps
// replicates and posterior. Cancelling ctx stops it between two months of
// a continuation, with ctx's error.
func (f *Forked) Run(ctx context.Context, sc *scenarios.Scenario, reps int) (*Outcome, error) {
	ru := f.ru
	if reps == 0 {
		reps = ru.reps
	}
	if reps < 1 || reps > ru.reps {
		return nil, fmt.Errorf("study: %d replicates: want 1 to %d, the histories held", reps, ru.reps)
	}
	if err := f.Check(sc); err != nil {
		return nil, err
	}
	groups := results.GroupsOf(&sc.Config, ru.projection)
	own := make([]paired, reps)
	var rules []RuleSelected
	do := func(ctx context.Context, r int) ([]byte, error) { return ru.replicate(ctx, sc, false, r) }
	emit := func(r int, b []byte) error {
		p, err := ru.pair(f.bl, sc.Name, false, r, b, len(groups))
		if err != nil {
			return err
		}
		for _, c := range p.rec.rules {
			rules = addSelected(rules, sc.Name, reps, r, &sc.Config, &c)
		}
		p.rec.series = nil
		own[r] = p
		return nil
	}
	if err := tasks.Ordered(ctx, reps, f.workers, do, emit); err != nil {
		return nil, err
	}
	names := []string{f.scen.Name, sc.Name}
	metrics, years, values := make([][][]float64, 2), make([][][]int, 2), make([][][]float64, 2)
	for i, ps := range [][]paired{f.base[:reps], own} {
		for _, p := range ps {
			metrics[i] = append(metrics[i], p.metrics)
			years[i] = append(years[i], p.rec.years)
			values[i] = append(values[i], p.groups)
		}
	}
	sum, err := ru.summarize(names, metrics, years, [][]results.Group{f.groups, groups}, values)
	if err != nil {
		return nil, err
	}
	return &Outcome{Baseline: f.scen.Name, Scenario: sc.Name, Replicates: reps, Rows: sum.rows, Yearly: sum.yearly, Groups: sum.groups, Metrics: metrics[1], Rules: rules}, nil
}

// serves reports why f's histories cannot serve Run of st with opt, or
// nil if they can: the same baseline, fork, seed and posterior, no more
// replicates than f holds, and no cases (f's histories kept none of the
// records before the fork that cases.csv and persons.csv need).
func (f *Forked) serves(st *scenarios.Study, opt *Options) error {
	ru := f.ru
	postSHA := func(p *calibrate.Posterior) string {
		if p == nil {
			return ""
		}
		return p.SHA256
	}
	why := ""
	switch {
	case st.Fork != ru.fork:
		why = fmt.Sprintf("the study forks at %q, the histories at %q", st.Fork, ru.fork)
	case st.Scenarios[0].ConfigSHA256() != ru.base.ConfigSHA256():
		why = fmt.Sprintf("the study's baseline, %s, is not the histories' %s", st.Scenarios[0].Name, ru.base.Name)
	case opt.Seed != ru.seed:
		why = fmt.Sprintf("seed %d, the histories' %d", opt.Seed, ru.seed)
	case opt.Replicates > ru.reps:
		why = fmt.Sprintf("%d replicates, more than the %d histories held", opt.Replicates, ru.reps)
	case postSHA(opt.Posterior) != postSHA(ru.post):
		why = "another posterior than the histories'"
	case opt.Cases:
		why = "cases: the histories kept no case records"
	case !st.CRN:
		why = "no common random numbers"
	}
	if why != "" {
		return fmt.Errorf("study: Options.Histories cannot serve this run: %s", why)
	}
	return nil
}
