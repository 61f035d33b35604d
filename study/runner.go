package study

import (
	"bytes"
	"context"
	"fmt"

	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/results"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/sim"
)

// runner runs the replicates of a study's scenarios, pairs each with the
// baseline's and summarises them: what Run journals and writes for every
// scenario, and what a Forked gives for one scenario at a time. Both go
// through it, so that a scenario run from a Forked has, to the bit, the
// figures Run writes for it in summary.csv.
type runner struct {
	seed       int64
	reps       int
	crn        bool
	cases      bool
	projection bool
	fork       string // the study's fork, "" for none
	forkMonth  int
	post       *calibrate.Posterior
	draws      []int                 // by replicate, the posterior's row it runs with; nil without one
	uncertain  []scenarios.Uncertain // the study's unconstrained assumptions each replicate draws (with a posterior); nil when held
	uncKeys    []string              // their keys
	base       *scenarios.Scenario   // the baseline, scenario 0
	hist       *histories            // the shared histories; nil without a fork
}

// newRunner is the runner of reps replicates of st's scenarios with the
// run seed seed, keeping cases or not, with a posterior or not, drawing
// the study's unconstrained assumptions (scenarios.Study.Uncertain) with
// it or not. With a fork, its histories are built as scenarios first need
// them; whoever made the runner releases them.
func newRunner(st *scenarios.Study, seed int64, reps int, cases bool, post *calibrate.Posterior, uncertain bool) *runner {
	ru := &runner{
		seed: seed, reps: reps, crn: st.CRN, cases: cases,
		projection: results.IsProjection(st.ForkMonth, st.Fork != ""),
		fork:       st.Fork, forkMonth: st.ForkMonth,
		post: post, draws: drawsOf(post, seed, reps),
		base: &st.Scenarios[0],
	}
	if uncertain && post != nil {
		ru.uncertain = st.Uncertain
		for _, u := range st.Uncertain {
			ru.uncKeys = append(ru.uncKeys, u.Key)
		}
	}
	if st.Fork != "" {
		ru.hist = newHistories(reps, len(st.Scenarios), cases, st.ForkMonth, func(r int) (*sim.Config, uint64, error) {
			cfg, err := ru.configOf(ru.base, r)
			return cfg, ru.seedOf(ru.base.Name, r), err
		})
	}
	return ru
}

// seedOf is the stream seed of replicate r of the scenario named name
// (sim.StreamSeed): the name counts only without common random numbers.
func (ru *runner) seedOf(name string, r int) uint64 {
	return sim.StreamSeed(uint64(ru.seed), r, name, ru.crn)
}

// configOf is scenario sc's configuration in replicate r: with a
// posterior, with that replicate's draw, and of the unconstrained
// assumptions it draws.
func (ru *runner) configOf(sc *scenarios.Scenario, r int) (*sim.Config, error) {
	if ru.post == nil {
		return &sc.Config, nil
	}
	own := sc.Config
	own.Changes = append([]sim.Change(nil), sc.Config.Changes...)
	if err := ru.post.Apply(&own, &ru.post.Particles[ru.draws[r]]); err != nil {
		return nil, fmt.Errorf("scenario %s with a posterior draw: %w", sc.Name, err)
	}
	if ru.uncertain != nil {
		var err error
		if own, err = scenarios.Set(own, ru.uncKeys, uncertainOf(ru.uncertain, ru.seed, r)); err != nil {
			return nil, fmt.Errorf("scenario %s with the draw of its unconstrained assumptions: %w", sc.Name, err)
		}
	}
	return &own, nil
}

// replicate runs replicate r of scenario sc, from the replicate's shared
// history if the study has a fork, and returns its record
// (encodeReplicate); in a projection the record's timeseries rows hold
// the months before the fork when history is set (the baseline's, which
// timeseries.csv holds once).
func (ru *runner) replicate(ctx context.Context, sc *scenarios.Scenario, history bool, r int) ([]byte, error) {
	seed := ru.seedOf(sc.Name, r)
	cfg, err := ru.configOf(sc, r)
	if err != nil {
		return nil, err
	}
	rec := results.NewReplicate(sc.Name, r, seed, cfg, ru.cases)
	if ru.projection {
		rec.Project(results.Projection{Fork: ru.forkMonth, History: history})
	}
	if ru.hist == nil {
		rec.Totals = sim.Run(cfg, seed, rec)
	} else if rec.Totals, err = ru.hist.continueAs(ctx, r, cfg, rec); err != nil {
		return nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
	}
	return encodeReplicate(rec, rec.OwnMetrics(cfg.Costs), ru.cases)
}

// baseline is what pairing a replicate with the baseline's needs, by
// replicate: the baseline's persons' flags, its total cost and, in a
// projection, the sum of its months before the fork.
type baseline struct {
	flags   [][]uint8
	cost    []float64
	history [][]byte
}

func newBaseline(reps int) *baseline {
	return &baseline{flags: make([][]uint8, reps), cost: make([]float64, reps), history: make([][]byte, reps)}
}

// paired is one replicate of a scenario, paired with the baseline's.
type paired struct {
	rec     replicateRecord
	metrics []float64 // replicates.csv's: its own metrics, then the pairing (results.Complete)
	groups  []float64 // its values by group (results.GroupValues)
}

// pair decodes record b of replicate r of the scenario named name, whose
// groups number groups (the baseline's when base, which bl then keeps),
// checks that a projection's months before the fork are the baseline's,
// and completes its metrics with the pairing with the baseline's persons.
// The baseline's replicate r must be paired before any other scenario's.
func (ru *runner) pair(bl *baseline, name string, base bool, r int, b []byte, groups int) (paired, error) {
	rr, err := decodeReplicate(b, ru.cases, ru.projection)
	if err != nil {
		return paired{}, fmt.Errorf("replicate %d of scenario %s: %w", r, name, err)
	}
	if base {
		bl.flags[r], bl.cost[r], bl.history[r] = rr.flags, results.OwnCost(rr.own), rr.history
	} else if ru.projection && !bytes.Equal(rr.history, bl.history[r]) {
		// timeseries.csv has the history's rows once, the baseline's:
		// they must be every scenario's
		return paired{}, fmt.Errorf("replicate %d of scenario %s: its months before the fork, %s, differ from the baseline's: the history was not shared", r, name, ru.fork)
	}
	m, err := results.Complete(rr.own, rr.flags, bl.flags[r], bl.cost[r])
	if err != nil {
		return paired{}, fmt.Errorf("replicate %d of scenario %s: %w", r, name, err)
	}
	if len(rr.groups) != groups*results.NumGroupCounts {
		return paired{}, fmt.Errorf("replicate %d of scenario %s: %d counts by group, want %d", r, name, len(rr.groups), groups*results.NumGroupCounts)
	}
	return paired{rec: rr, metrics: m, groups: results.GroupValues(rr.groups)}, nil
}

// summaries are the rows of summary.csv, yearly.csv (in a projection) and
// groups-summary.csv of a set of scenarios.
type summaries struct {
	rows   []results.SummaryRow
	yearly []results.YearlyRow
	groups []results.GroupSummaryRow
}

// summarize makes the summaries of the scenarios names (scenario 0 the
// baseline) from their replicates' metrics[s][r], files closed by year
// years[s][r] (in a projection) and values by group values[s][r] of the
// groups groups[s]. Each scenario's rows depend on its own replicates
// and the baseline's alone, so that they are the same whichever other
// scenarios are summarised with it.
func (ru *runner) summarize(names []string, metrics [][][]float64, years [][][]int, groups [][]results.Group, values [][][]float64) (*summaries, error) {
	rows, err := summaryRows(names, metrics, ru.post != nil, ru.projection)
	if err != nil {
		return nil, err
	}
	sum := &summaries{rows: rows, groups: results.SummarizeGroups(names, groups, values)}
	if ru.projection {
		if sum.yearly, err = results.SummarizeYearly(names, &ru.base.Config, ru.forkMonth, years); err != nil {
			return nil, err
		}
	}
	return sum, nil
}
