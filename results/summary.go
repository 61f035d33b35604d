package results

import (
	"math"
	"slices"

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
	Value, Diff      Interval // of the mean over replicates; Diff: paired difference from the baseline
	Draws            *Draws   // over parameter draws (run --posterior); nil without them, written NaN
}

// Draws summarises a metric over parameter draws, one per replicate (run
// --posterior draws replicate r's parameters from the posterior, the same
// for every scenario): where the metric itself may lie given what the
// parameters could be, not where its mean lies.
type Draws struct {
	Value, Diff PredictiveInterval // 90% predictive intervals of the value and of the paired difference
	PAbove      float64            // share of draws whose paired difference is above 0, ties half; NaN for the baseline

	// HeldDiff and HeldPAbove are Diff and PAbove over the same draws with
	// the study's unconstrained assumptions held at their values, not
	// drawn (AddHeld); NaN when the study draws none.
	HeldDiff   PredictiveInterval
	HeldPAbove float64
}

// PredictiveInterval is where a metric itself may lie over parameter
// draws, a 90% predictive interval: the 5% and 95% empirical quantiles of
// the draws' values (Predictive). It is not an interval of a mean
// (Interval, MeanCI).
type PredictiveInterval struct{ Low, High float64 }

// Predictive returns the 5% and 95% empirical quantiles of xs (gonum's
// stat.Quantile, stat.Empirical: the lowest value at or above that share
// of the values, no interpolation). Over 10 values that is the least and
// the greatest; over 20, the first and the 19th. With no value, or a NaN
// among them, both bounds are NaN.
func Predictive(xs []float64) PredictiveInterval {
	if len(xs) == 0 || slices.ContainsFunc(xs, math.IsNaN) {
		return PredictiveInterval{math.NaN(), math.NaN()}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return PredictiveInterval{stat.Quantile(0.05, stat.Empirical, s, nil), stat.Quantile(0.95, stat.Empirical, s, nil)}
}

// PAbove returns the share of ds above 0, a 0 counting half, so that the
// share below is exactly 1 - PAbove. With no value, or a NaN among them,
// it is NaN.
func PAbove(ds []float64) float64 {
	if len(ds) == 0 || slices.ContainsFunc(ds, math.IsNaN) {
		return math.NaN()
	}
	var k float64
	for _, d := range ds {
		switch {
		case d > 0:
			k++
		case d == 0:
			k += 0.5
		}
	}
	return k / float64(len(ds))
}

// AddDraws sets the Draws of every row from metrics[s][r][m] (scenario,
// replicate, metric in the order of names; scenario 0 the baseline), each
// replicate being one parameter draw: the predictive intervals of the
// replicates' values and of their paired differences from the baseline,
// and the share of draws above the baseline. A row whose scenario or
// metric is not in scenarios or names is left as it is.
func AddDraws(rows []SummaryRow, scenarios []string, metrics [][][]float64, names []string) {
	for i := range rows {
		s, m := slices.Index(scenarios, rows[i].Scenario), slices.Index(names, rows[i].Metric)
		if s < 0 || m < 0 {
			continue
		}
		xs, ds := paired(metrics, s, m)
		nan := math.NaN()
		d := &Draws{Value: Predictive(xs), Diff: Predictive(ds), PAbove: PAbove(ds), HeldDiff: PredictiveInterval{nan, nan}, HeldPAbove: nan}
		if s == 0 {
			d.PAbove = math.NaN() // the baseline against itself
		}
		rows[i].Draws = d
	}
}

// AddHeld sets, in every row with Draws, HeldDiff and HeldPAbove from the
// row of held (the same study over the same parameter draws, with its
// unconstrained assumptions held at their values) of the same scenario and
// metric: what the predictive interval of the difference would be were
// those assumptions known.
func AddHeld(rows, held []SummaryRow) {
	type key struct{ s, m string }
	by := map[key]*Draws{}
	for i := range held {
		if held[i].Draws != nil {
			by[key{held[i].Scenario, held[i].Metric}] = held[i].Draws
		}
	}
	for i := range rows {
		if d, h := rows[i].Draws, by[key{rows[i].Scenario, rows[i].Metric}]; d != nil && h != nil {
			d.HeldDiff, d.HeldPAbove = h.Diff, h.PAbove
		}
	}
}

// paired returns scenario s's values of metric m by replicate and their
// differences from the baseline's, replicate by replicate.
func paired(metrics [][][]float64, s, m int) (xs, ds []float64) {
	xs = make([]float64, len(metrics[s]))
	ds = make([]float64, len(metrics[s]))
	for r := range metrics[s] {
		xs[r] = metrics[s][r][m]
		ds[r] = xs[r] - metrics[0][r][m]
	}
	return xs, ds
}

// Summarize aggregates metrics[s][r][m] (scenario, replicate, metric in
// the order of MetricNames, or of a projection's MetricNamesOf(true)) into
// rows; scenario 0 is the baseline and the differences are paired by
// replicate.
func Summarize(scenarios []string, metrics [][][]float64) []SummaryRow {
	var rows []SummaryRow
	names := MetricNames
	if len(metrics) > 0 && len(metrics[0]) > 0 {
		names = namesFor(len(metrics[0][0]))
	}
	for s, name := range scenarios {
		for m, metric := range names {
			xs, ds := paired(metrics, s, m)
			rows = append(rows, SummaryRow{Scenario: name, Metric: metric, Value: MeanCI(xs), Diff: MeanCI(ds)})
		}
	}
	return rows
}
