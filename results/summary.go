package results

import (
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Interval is a mean with its 95% interval over replicates.
type Interval struct{ Mean, Low, High float64 }

// MeanCI returns the mean of xs and its 95% Student-t interval. With one
// value the bounds are NaN: one replicate says nothing of the spread.
func MeanCI(xs []float64) Interval {
	n := float64(len(xs))
	mean, sd := stat.MeanStdDev(xs, nil)
	if len(xs) < 2 {
		return Interval{mean, math.NaN(), math.NaN()}
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}.Quantile(0.975)
	h := t * sd / math.Sqrt(n)
	return Interval{mean, mean - h, mean + h}
}

// SummaryRow is one line of summary.csv.
type SummaryRow struct {
	Scenario, Metric string
	Value, Diff      Interval // Diff: paired difference from the baseline
}

// Summarize aggregates metrics[s][r][m] (scenario, replicate, metric in
// the order of MetricNames) into rows; scenario 0 is the baseline and the
// differences are paired by replicate.
func Summarize(scenarios []string, metrics [][][]float64) []SummaryRow {
	var rows []SummaryRow
	for s, name := range scenarios {
		for m, metric := range MetricNames {
			xs := make([]float64, len(metrics[s]))
			ds := make([]float64, len(metrics[s]))
			for r := range metrics[s] {
				xs[r] = metrics[s][r][m]
				ds[r] = xs[r] - metrics[0][r][m]
			}
			rows = append(rows, SummaryRow{Scenario: name, Metric: metric, Value: MeanCI(xs), Diff: MeanCI(ds)})
		}
	}
	return rows
}
