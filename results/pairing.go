package results

import (
	"fmt"
	"math"
)

// Per-person flags, one byte a person: what happened to person i of a
// replicate. Person i is the same person in every scenario of a study
// (every person draws from their own random stream), so the flags of two
// scenarios can be compared person by person.
const (
	FlagVerified    uint8 = 1 << 0 // left verifiably: AVR, independent or forced
	FlagPackagePaid uint8 = 1 << 1 // was paid a reintegration package
)

// Pairing counts, for one replicate, how a scenario's verified departures
// differ person by person from the baseline's.
type Pairing struct {
	Additional int // verified in the scenario, not in the baseline
	Lost       int // verified in the baseline, not in the scenario
	Deadweight int // paid a package in the scenario and verified in the baseline
}

// Pair compares the per-person flags of the baseline and a scenario in one
// replicate. Both must cover the same persons: a length mismatch is an
// error, because it means the persons are not the same. It is a pure
// function.
func Pair(baseline, scenario []uint8) (Pairing, error) {
	if len(baseline) != len(scenario) {
		return Pairing{}, fmt.Errorf("results: pairing %d baseline persons with %d scenario persons: want the same persons", len(baseline), len(scenario))
	}
	var p Pairing
	for i, b := range baseline {
		s := scenario[i]
		bv, sv := b&FlagVerified != 0, s&FlagVerified != 0
		switch {
		case sv && !bv:
			p.Additional++
		case bv && !sv:
			p.Lost++
		}
		if s&FlagPackagePaid != 0 && bv {
			p.Deadweight++
		}
	}
	return p, nil
}

// CostPerAdditionalName is the metric of CostPerAdditional in
// replicates.csv (the replicate's own ratio) and summary.csv (the ratio of
// means).
const CostPerAdditionalName = "cost_per_additional_eur"

// CostPerAdditional is the cost to the state of one additional verified
// departure: (scenario cost - baseline cost) / additional verified
// departures, with replicates paired by index.
//
// The estimator is the ratio of means, R = mean(dCost) / mean(additional),
// not the mean of per-replicate ratios, which a replicate with few
// additional departures would dominate. Its 95% interval is the delta
// method (linearisation): MeanCI of the paired residuals
// z_r = (dCost_r - R*additional_r) / mean(additional), whose mean is 0,
// gives the half-width h, and the interval is R - h to R + h. It is
// reliable when mean(additional) is well away from 0 compared with its
// spread; near 0 the ratio is unstable and the interval says so by its
// width.
//
// It is a gross figure: it ignores the departures the scenario loses
// against the baseline, so a scenario that loses more than it adds still
// gets a cost per additional departure. What a planner buys is CostPerNet,
// which the report shows.
//
// With no additional departures on average (mean 0) there is no such cost:
// every field is NaN, written "NaN" in CSV; never Inf. With one replicate
// the bounds are NaN, as in MeanCI.
func CostPerAdditional(baseCost, scenCost, additional []float64) (Interval, error) {
	return costRatio(baseCost, scenCost, additional, false)
}

// CostPerNetName is the metric of CostPerNet in replicates.csv (the
// replicate's own ratio) and summary.csv (the ratio of means).
const CostPerNetName = "cost_per_net_verified_eur"

// CostPerNet is the cost to the state of one more verified departure on
// balance: (scenario cost - baseline cost) / net, where net is the
// replicate's additional minus lost verified departures (Pairing), with
// replicates paired by index. It is the estimator, and has the interval,
// of CostPerAdditional, with net in place of the gross additional
// departures, which ignore the departures a scenario loses: a scenario
// that adds 500 and loses 1,800 costs nothing "per additional departure"
// that a planner can buy.
//
// Where the mean net change is not above 0 the scenario loses departures
// (or adds none) on balance, and there is no cost per departure it adds:
// every field is NaN, never a negative figure that would read as cheap.
func CostPerNet(baseCost, scenCost, net []float64) (Interval, error) {
	return costRatio(baseCost, scenCost, net, true)
}

// costRatio is mean(scenCost - baseCost) / mean(counts) with the
// delta-method interval (CostPerAdditional); NaN when mean(counts) is 0,
// or, with positive, not above 0.
func costRatio(baseCost, scenCost, counts []float64, positive bool) (Interval, error) {
	n := len(counts)
	if len(baseCost) != n || len(scenCost) != n {
		return Interval{}, fmt.Errorf("results: cost per departure from %d baseline costs, %d scenario costs, %d counts: want one of each per replicate", len(baseCost), len(scenCost), n)
	}
	nan := Interval{math.NaN(), math.NaN(), math.NaN()}
	if n == 0 {
		return nan, nil
	}
	var sumD, sumA float64
	for r := range counts {
		sumD += scenCost[r] - baseCost[r]
		sumA += counts[r]
	}
	meanA := sumA / float64(n)
	if meanA == 0 || math.IsNaN(meanA) || math.IsInf(meanA, 0) || (positive && meanA < 0) {
		return nan, nil
	}
	ratio := (sumD / float64(n)) / meanA
	if math.IsInf(ratio, 0) || math.IsNaN(ratio) {
		return nan, nil
	}
	z := make([]float64, n)
	for r := range counts {
		z[r] = (scenCost[r] - baseCost[r] - ratio*counts[r]) / meanA
	}
	ci := MeanCI(z)
	h := ci.High - ci.Mean
	return Interval{ratio, ratio - h, ratio + h}, nil
}

// ReplicateCostPerAdditional is one replicate's own ratio for
// replicates.csv: NaN when the replicate has no additional departure.
func ReplicateCostPerAdditional(baseCost, scenCost, additional float64) float64 {
	if additional == 0 {
		return math.NaN()
	}
	return (scenCost - baseCost) / additional
}

// ReplicateCostPerNet is one replicate's own ratio for replicates.csv:
// NaN when the replicate's net change in verified departures is not above
// 0.
func ReplicateCostPerNet(baseCost, scenCost, net float64) float64 {
	if !(net > 0) {
		return math.NaN()
	}
	return (scenCost - baseCost) / net
}

// CostPerAdditionalRows are summary.csv's rows of cost_per_additional_eur,
// one per scenario, from metrics[s][r][m] as Summarize takes them, with
// names the metric names of its columns (they must include cost_total_eur
// and additional_verified). Summarize's generic row for the metric would
// be the mean of per-replicate ratios; these are the ratio of means with
// the delta-method interval of CostPerAdditional. The difference columns
// are NaN: the metric is itself a comparison with the baseline. The
// baseline's own row is NaN (it adds nothing to itself).
func CostPerAdditionalRows(scenarios []string, metrics [][][]float64, names []string) ([]SummaryRow, error) {
	return costRatioRows(scenarios, metrics, names, CostPerAdditionalName, "additional_verified", CostPerAdditional)
}

// CostPerNetRows are summary.csv's rows of cost_per_net_verified_eur, as
// CostPerAdditionalRows makes those of cost_per_additional_eur, from the
// metrics cost_total_eur and net_verified: the ratio of means of
// CostPerNet, NaN where a scenario does not add departures on balance.
func CostPerNetRows(scenarios []string, metrics [][][]float64, names []string) ([]SummaryRow, error) {
	return costRatioRows(scenarios, metrics, names, CostPerNetName, "net_verified", CostPerNet)
}

func costRatioRows(scenarios []string, metrics [][][]float64, names []string, metric, count string, ratio func(base, scen, counts []float64) (Interval, error)) ([]SummaryRow, error) {
	cost, add := -1, -1
	for i, n := range names {
		switch n {
		case "cost_total_eur":
			cost = i
		case count:
			add = i
		}
	}
	if cost < 0 || add < 0 {
		return nil, fmt.Errorf("results: %s needs the metrics cost_total_eur and %s", metric, count)
	}
	col := func(s, m int) []float64 {
		xs := make([]float64, len(metrics[s]))
		for r := range xs {
			xs[r] = metrics[s][r][m]
		}
		return xs
	}
	nan := Interval{math.NaN(), math.NaN(), math.NaN()}
	rows := make([]SummaryRow, len(scenarios))
	base := col(0, cost)
	for s, name := range scenarios {
		v, err := ratio(base, col(s, cost), col(s, add))
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", name, err)
		}
		if s == 0 {
			v = nan
		}
		rows[s] = SummaryRow{Scenario: name, Metric: metric, Value: v, Diff: nan}
	}
	return rows, nil
}

// ReplaceRows returns rows with each row of repl put in place of the row
// of the same scenario and metric; rows of repl not found are appended.
func ReplaceRows(rows, repl []SummaryRow) []SummaryRow {
	out := append([]SummaryRow(nil), rows...)
	for _, r := range repl {
		found := false
		for i := range out {
			if out[i].Scenario == r.Scenario && out[i].Metric == r.Metric {
				out[i], found = r, true
				break
			}
		}
		if !found {
			out = append(out, r)
		}
	}
	return out
}
