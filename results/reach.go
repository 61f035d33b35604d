package results

import (
	"fmt"
	"math"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// Whom the per-person metrics count. Without a fork, or with a fork at or
// before the first recorded month, every scenario runs its own policy over
// the whole recorded window, and the per-person metrics count the persons
// who entered in the recorded months (sim.Totals' cohort), as they always
// have. With a fork after the first recorded month (a projection: a
// shared history, then each scenario's policy), most of those persons
// left before any scenario differed, and counting them would dilute every
// difference by the share of persons no policy could reach; the
// per-person metrics then count the persons the policies reach: those in
// the return system at the start of the fork month (in a file, in a
// procedure, out of sight), whenever they entered, and those who first
// enter from the fork on (sim.PersonRecord.Reachable), each by their fate
// at the horizon. The same persons are reachable in every scenario of a
// replicate (the history is shared and intake does not depend on
// policy), so the differences stay paired person by person.

// Cohort is the persons the per-person metrics of a replicate count, by
// their fate at the horizon.
type Cohort struct {
	Persons    int
	Fates      [agents.NumFates]int
	Counselled int // of them, had at least one session by the horizon

	// Of a projection's reachable persons, by window WindowMonths[k]:
	// Observed counts those whose first WindowMonths[k] months from the
	// month they were reached (the fork, or their entry after it) end by
	// the horizon, Verified those of them who left verifiably within those
	// months. A person whose window would end after the horizon is
	// censored: counted in neither, rather than as not leaving.
	Observed, Verified [len(WindowMonths)]int
}

// WindowMonths are the windows, in months from the fork or from a later
// entry, in which a projection counts verified departures.
var WindowMonths = [...]int{12, 24, 36}

// CohortOf is the cohort of a run without a fork: the persons who entered
// in the recorded months (sim.Totals).
func CohortOf(t *sim.Totals) Cohort {
	return Cohort{Persons: t.Persons, Fates: t.Fates, Counselled: t.Counselled}
}

// add counts person p, reached from month from, in a run whose horizon is
// month months (the first month after the last recorded one).
func (c *Cohort) add(p *sim.PersonRecord, from, months int) {
	c.Persons++
	c.Fates[p.Fate]++
	if p.Counselled {
		c.Counselled++
	}
	for k, w := range WindowMonths {
		if from+w > months {
			continue // the window ends after the horizon: censored
		}
		c.Observed[k]++
		if p.Fate.Verified() && p.FateMonth >= 0 && p.FateMonth < from+w {
			c.Verified[k]++
		}
	}
}

// Projection says that a replicate belongs to a study with a fork after
// its first recorded month (Replicate.Project).
type Projection struct {
	Fork int // the fork's recorded month, above 0
	// History says whether the replicate writes its timeseries.csv rows
	// before the fork: the baseline's do, once for every scenario; the
	// others' are only checked against them (Replicate.HistorySum).
	History bool
}

// IsProjection reports whether a study with fork month fork (0 = the first
// recorded month, negative in the warm-up; ok false without a fork) is a
// projection: one whose per-person metrics count the reachable persons,
// whose replicates.csv and summary.csv add the WindowMetrics, whose
// timeseries.csv writes the history once with a part column, and that
// writes yearly.csv. A fork at or before the first recorded month leaves
// nothing recorded to share: the run's outputs are those of a study
// without one.
func IsProjection(fork int, ok bool) bool { return ok && fork > 0 }

// Population says in words whom the per-person metrics of a study with
// configuration cfg count: with fork above 0 (a projection), the persons
// reachable from that recorded month; otherwise those who entered in the
// recorded months.
func Population(cfg *sim.Config, fork int) string {
	if fork <= 0 {
		return fmt.Sprintf("persons who entered in the recorded months (%s to %s), each counted by their fate at the horizon", cfg.Date(0), cfg.Date(cfg.Months-1))
	}
	return fmt.Sprintf("persons the policies can reach: in the return system (a file, a procedure, out of sight) at the start of %s, the fork, or entering it from then to %s, each counted by their fate at the horizon", cfg.Date(fork), cfg.Date(cfg.Months-1))
}

// WindowMetrics are the metrics a projection adds after Metrics: for each
// window of WindowMonths, the reachable persons observed over it and the
// verified departures within it per 1,000 of them.
var WindowMetrics = func() []Metric {
	var m []Metric
	for k, w := range WindowMonths {
		m = append(m,
			Metric{Name: fmt.Sprintf("persons_%dm", w), Count: true,
				Desc:  fmt.Sprintf("reachable persons whose first %d months from the fork, or from their entry after it, end by the horizon (the others are censored)", w),
				Value: func(f *Figures) float64 { return float64(f.People.Observed[k]) }},
			Metric{Name: fmt.Sprintf("verified_within_%dm_per_1000", w),
				Desc: fmt.Sprintf("of them, per 1,000, left verifiably (AVR, independent, forced) within %d months of the fork, or of their entry after it; NaN when no window ends by the horizon", w),
				Value: func(f *Figures) float64 {
					if f.People.Observed[k] == 0 {
						return math.NaN()
					}
					return 1000 * ratio(f.People.Verified[k], f.People.Observed[k])
				}},
		)
	}
	return m
}()
