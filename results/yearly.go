package results

import (
	"bufio"
	"fmt"
	"strconv"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// yearly.csv is a projection's series by calendar year: the files closed
// in each year of the recorded months by the departures DT&V publishes
// (verified, of them assisted and forced, and without supervision), each
// scenario's mean over replicates with its 95% interval, the paired
// difference from the baseline, and the spread of the replicates' values.
// A year whose recorded months all fall before the fork is history: the
// baseline's, shared by every scenario, so its differences are exactly 0.

// YearlyMetrics are yearly.csv's metrics, files closed in the year: by a
// verified departure (AVR, independent, forced), by AVR, by forced return,
// and by departure to an unknown destination (DT&V: without supervision).
var YearlyMetrics = []string{"verified", "avr", "forced", "unsupervised"}

// YearlyHeader is yearly.csv's header.
const YearlyHeader = "scenario,year,months,part,metric,mean,ci_low,ci_high,diff_vs_baseline,diff_ci_low,diff_ci_high,reps_q05,reps_q95"

// YearTally counts a replicate's files closed in each calendar year of its
// recorded months, by YearlyMetrics.
type YearTally struct {
	Counts [][4]int // by year from the first recorded month's

	start int // the first recorded month, in months since January of year 0
}

// NewYearTally returns an empty tally for the recorded months of cfg.
func NewYearTally(cfg *sim.Config) *YearTally {
	start, _ := sim.ParseMonth(cfg.Start)
	first, last := floorDiv(start, 12), floorDiv(start+cfg.Months-1, 12)
	return &YearTally{Counts: make([][4]int, last-first+1), start: start}
}

func (y *YearTally) add(c *sim.MonthCounts) {
	k := floorDiv(y.start+c.Month, 12) - floorDiv(y.start, 12)
	n := &y.Counts[k]
	n[0] += c.Closed[agents.AVR] + c.Closed[agents.Independent] + c.Closed[agents.Forced]
	n[1] += c.Closed[agents.AVR]
	n[2] += c.Closed[agents.Forced]
	n[3] += c.Closed[agents.Absconded]
}

// Flat is the tally's counts, year after year, for a replicate's record.
func (y *YearTally) Flat() []int {
	out := make([]int, 0, 4*len(y.Counts))
	for _, c := range y.Counts {
		out = append(out, c[:]...)
	}
	return out
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// YearlyRow is one line of yearly.csv.
type YearlyRow struct {
	Scenario string
	Year     int
	Months   int    // recorded months in the year
	Part     string // history (every month before the fork) or projection
	Metric   string
	Value    Interval           // of the mean over replicates
	Diff     Interval           // of the mean paired difference from the baseline
	Reps     PredictiveInterval // the 5% and 95% of the replicates' values (Predictive)
}

// SummarizeYearly makes yearly.csv's rows from counts[s][r], the Flat
// tallies of replicate r of scenario s (scenario 0 the baseline), of a
// projection with configuration cfg forked at recorded month fork.
func SummarizeYearly(scenarios []string, cfg *sim.Config, fork int, counts [][][]int) ([]YearlyRow, error) {
	start, err := sim.ParseMonth(cfg.Start)
	if err != nil {
		return nil, err
	}
	first := floorDiv(start, 12)
	years := floorDiv(start+cfg.Months-1, 12) - first + 1
	months := make([]int, years)
	history := make([]bool, years)
	for k := range history {
		history[k] = true
	}
	for t := range cfg.Months {
		k := floorDiv(start+t, 12) - first
		months[k]++
		if t >= fork {
			history[k] = false
		}
	}
	for s := range counts {
		for r := range counts[s] {
			if len(counts[s][r]) != 4*years {
				return nil, fmt.Errorf("results: replicate %d of scenario %s: %d yearly counts, want %d", r, scenarios[s], len(counts[s][r]), 4*years)
			}
		}
	}
	var rows []YearlyRow
	for s, name := range scenarios {
		for k := range years {
			part := "projection"
			if history[k] {
				part = "history"
			}
			for j, metric := range YearlyMetrics {
				xs := make([]float64, len(counts[s]))
				ds := make([]float64, len(counts[s]))
				for r := range counts[s] {
					xs[r] = float64(counts[s][r][4*k+j])
					ds[r] = xs[r] - float64(counts[0][r][4*k+j])
				}
				rows = append(rows, YearlyRow{Scenario: name, Year: first + k, Months: months[k], Part: part, Metric: metric,
					Value: MeanCI(xs), Diff: MeanCI(ds), Reps: Predictive(xs)})
			}
		}
	}
	return rows, nil
}

// WriteYearly writes yearly.csv's rows, in the columns of YearlyHeader.
func WriteYearly(w *bufio.Writer, rows []YearlyRow) error {
	for _, r := range rows {
		if _, err := fmt.Fprintf(w, "%s,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", r.Scenario, r.Year, strconv.Itoa(r.Months), r.Part, r.Metric,
			FormatFixed(r.Value.Mean), FormatFixed(r.Value.Low), FormatFixed(r.Value.High),
			FormatFixed(r.Diff.Mean), FormatFixed(r.Diff.Low), FormatFixed(r.Diff.High),
			FormatFixed(r.Reps.Low), FormatFixed(r.Reps.High)); err != nil {
			return err
		}
	}
	return nil
}
