package calibrate

import (
	"context"
	"fmt"
	"math"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/internal/tasks"
	"github.com/returnsim/returnsim/sim"
)

// The study's conclusion (seed 000, seed 001) is a pattern, not a number:
// counselling and reintegration support play a limited role in return
// decisions next to conditions in the origin country, family, and support
// networks in the Netherlands. The model is held to it as a comparison of
// paired changes: each factor moved over a range the targets file gives,
// with everything else and every random stream the same (common random
// numbers), and the change in verified departures per 1,000 persons who
// entered in the recorded months read off.

// patternStatistic is the statistic of the pattern: the largest policy
// change over the smallest context change.
const patternStatistic = "policy_vs_context"

// PatternSpec sets the ranges of the factors ([pattern] in a targets
// file). The policy factors are switched off against what is given; the
// context factors are set low and high for every person.
type PatternSpec struct {
	// Scale is the share of the intake (and of the counselling capacity
	// and any initial stock) at which the paired runs are made: the
	// changes are per 1,000 persons, so a smaller run measures them with
	// more noise but not with bias.
	Scale      float64 `toml:"scale"`
	Replicates int     `toml:"replicates"` // paired replicates, seeds fixed
	// ReintegrationEUR is the cash package set against none.
	ReintegrationEUR float64 `toml:"reintegration_eur"`
	// Conditions sets every origin's conditions index (0-1) low, high.
	Conditions []float64 `toml:"conditions"`
	// FamilyPull and Network set population.pull_mean and
	// population.network_mean low, high.
	FamilyPull []float64 `toml:"family_pull"`
	Network    []float64 `toml:"network"`
}

// Pattern is the change in verified departures per 1,000 persons, as an
// absolute value, from each factor over its range; the mean over the
// paired replicates.
type Pattern struct {
	Counselling   float64 // the policy in force against no counselling
	Reintegration float64 // a package of ReintegrationEUR against none
	Conditions    float64
	Family        float64
	Network       float64
}

// patternFloor is the smallest context change a ratio divides by: a tenth
// of a departure per 1,000 persons, below what the paired runs can tell.
const patternFloor = 0.1

// Ratio is the largest policy change over the smallest context change:
// the study's conclusion holds when it is below 1.
func (p *Pattern) Ratio() float64 {
	return math.Max(p.Counselling, p.Reintegration) / math.Max(patternFloor, math.Min(p.Conditions, math.Min(p.Family, p.Network)))
}

// check validates a [pattern] table; key names the table in errors.
func (ps *PatternSpec) check(add func(key, msg string)) {
	if !(ps.Scale > 0 && ps.Scale <= 1) {
		add("pattern.scale", fmt.Sprintf("%v: want a share above 0, at most 1", ps.Scale))
	}
	if ps.Replicates < 1 || ps.Replicates > 100 {
		add("pattern.replicates", fmt.Sprintf("%d: want 1 to 100", ps.Replicates))
	}
	if !(ps.ReintegrationEUR > 0 && ps.ReintegrationEUR <= 100000) {
		add("pattern.reintegration_eur", fmt.Sprintf("%v: want EUR above 0, at most 100000", ps.ReintegrationEUR))
	}
	for _, r := range []struct {
		key string
		v   []float64
	}{{"pattern.conditions", ps.Conditions}, {"pattern.family_pull", ps.FamilyPull}, {"pattern.network", ps.Network}} {
		if len(r.v) != 2 || !(r.v[0] >= 0.01 && r.v[0] < r.v[1] && r.v[1] <= 0.99) {
			add(r.key, fmt.Sprintf("%v: want [low, high] with 0.01 <= low < high <= 0.99", r.v))
		}
	}
}

// verifiedPer1000 is the share of persons who entered in the recorded
// months that left verifiably by the horizon, per 1,000.
func verifiedPer1000(t *sim.Totals) float64 {
	if t.Persons == 0 {
		return math.NaN()
	}
	n := 0
	for f := agents.FateAVR; f <= agents.FateForced; f++ {
		n += t.Fates[f]
	}
	return 1000 * float64(n) / float64(t.Persons)
}

// eachPolicy applies f to the policy and to every policy change of cfg,
// after copying the changes so that cfg shares nothing with its source.
func eachPolicy(cfg *sim.Config, f func(*agents.Policy)) {
	cfg.Changes = append([]sim.Change(nil), cfg.Changes...)
	f(&cfg.Policy)
	for i := range cfg.Changes {
		f(&cfg.Changes[i].Policy)
	}
}

// scaled is cfg at a share of its intake, counselling capacity and
// initial stock.
func scaled(cfg sim.Config, share float64) sim.Config {
	cfg.Intake.Scale *= share
	cfg.Intake.InitialStock = int(math.Round(float64(cfg.Intake.InitialStock) * share))
	eachPolicy(&cfg, func(p *agents.Policy) {
		if p.Counselling.Counsellors > 0 {
			p.Counselling.Counsellors = max(1, int(math.Round(float64(p.Counselling.Counsellors)*share)))
		}
	})
	return cfg
}

// contrasts are the paired runs of a pattern: a name and how it changes
// the configuration.
func (ps *PatternSpec) contrasts() []func(*sim.Config) error {
	set := func(key string, v float64) func(*sim.Config) error {
		return func(c *sim.Config) error { return agents.SetFloat(c, key, v) }
	}
	conditions := func(v float64) func(*sim.Config) error {
		return func(c *sim.Config) error {
			c.Origins = append([]agents.Origin(nil), c.Origins...)
			for i := range c.Origins {
				c.Origins[i].Conditions = v
			}
			return nil
		}
	}
	package_ := func(eur float64) func(*sim.Config) error {
		return func(c *sim.Config) error {
			eachPolicy(c, func(p *agents.Policy) { p.Reintegration.CashEUR, p.Reintegration.InKindEUR = eur, 0 })
			return nil
		}
	}
	return []func(*sim.Config) error{
		func(*sim.Config) error { return nil }, // the policy in force
		func(c *sim.Config) error {
			eachPolicy(c, func(p *agents.Policy) { p.Counselling.Timing = agents.NoCounselling })
			return nil
		},
		package_(0), package_(ps.ReintegrationEUR),
		conditions(ps.Conditions[0]), conditions(ps.Conditions[1]),
		set("population.pull_mean", ps.FamilyPull[0]), set("population.pull_mean", ps.FamilyPull[1]),
		set("population.network_mean", ps.Network[0]), set("population.network_mean", ps.Network[1]),
	}
}

// Runs is the number of simulations a pattern costs, at Scale each.
func (ps *PatternSpec) Runs() int { return len(ps.contrasts()) * ps.Replicates }

// Measure runs the pattern's paired contrasts on cfg: replicate r of every
// contrast runs with the same seed, sim.StreamSeed(seed, r, "pattern",
// true), on up to workers goroutines. It returns the mean of the changes
// over the replicates and each replicate's.
func (ps *PatternSpec) Measure(cfg sim.Config, seed uint64, workers int) (*Pattern, []Pattern, error) {
	base := scaled(cfg, ps.Scale)
	cs := ps.contrasts()
	cfgs := make([]sim.Config, len(cs))
	for i, f := range cs {
		cfgs[i] = base
		cfgs[i].Changes = append([]sim.Change(nil), base.Changes...)
		if err := f(&cfgs[i]); err != nil {
			return nil, nil, err
		}
		if err := cfgs[i].Prepare(); err != nil {
			return nil, nil, fmt.Errorf("pattern contrast %d: %w", i, err)
		}
	}
	v := make([][]float64, ps.Replicates)
	for r := range v {
		v[r] = make([]float64, len(cs))
	}
	n := len(cs) * ps.Replicates
	err := tasks.Ordered(context.Background(), n, workers, func(_ context.Context, i int) (float64, error) {
		c, r := i%len(cs), i/len(cs)
		t := sim.Run(&cfgs[c], sim.StreamSeed(seed, r, "pattern", true), sim.Discard{})
		return verifiedPer1000(&t), nil
	}, func(i int, x float64) error {
		v[i/len(cs)][i%len(cs)] = x
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var mean Pattern
	reps := make([]Pattern, len(v))
	k := float64(len(v))
	for r, x := range v {
		reps[r] = Pattern{
			Counselling:   math.Abs(x[0] - x[1]),
			Reintegration: math.Abs(x[3] - x[2]),
			Conditions:    math.Abs(x[5] - x[4]),
			Family:        math.Abs(x[7] - x[6]),
			Network:       math.Abs(x[9] - x[8]),
		}
		mean.Counselling += reps[r].Counselling / k
		mean.Reintegration += reps[r].Reintegration / k
		mean.Conditions += reps[r].Conditions / k
		mean.Family += reps[r].Family / k
		mean.Network += reps[r].Network / k
	}
	return &mean, reps, nil
}
