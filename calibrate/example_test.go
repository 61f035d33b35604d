package calibrate_test

import (
	"fmt"
	"math"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/sim"
)

// A logistic regression on a 2x2 table, from its counts: 30 AVRs in 100
// first files, 10 in 50 later ones. The fit reproduces the cell shares, and
// its slope is the log odds ratio.
func ExampleFitLogitCounts() {
	x := calibrate.Design([]float64{0, 1}) // intercept, later file
	fit, err := calibrate.FitLogitCounts(x, []float64{30, 10}, []float64{100, 50})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("first files %.2f, later files %.2f\n", fit.Predict([]float64{1, 0}), fit.Predict([]float64{1, 1}))
	fmt.Printf("odds ratio %.4f (7/12), standard error of its log %.4f\n", math.Exp(fit.Coef[1]), fit.SE[1])
	// Output:
	// first files 0.30, later files 0.20
	// odds ratio 0.5833 (7/12), standard error of its log 0.4155
}

// A Collector receives a run's output; its statistics are compared with
// targets in a fit table. This run is a toy: one file closes in each of 84
// months (2017-2023), and every file number and both origins have an AVR
// share of 1/4 (the odds ratio of cooperation is 0.992, not 1, because of
// the half-counts that keep it finite in cells without AVR). The targets
// are a few of the study's, written inline.
func ExampleTable() {
	origins := []agents.Origin{
		{Code: "NG", Class: agents.CoopHigh},
		{Code: "IQ", Class: agents.CoopLow},
	}
	c := calibrate.NewCollector(origins)
	outcomes := []agents.Outcome{agents.AVR, agents.Absconded, agents.Forced, agents.Absconded}
	for m := 0; m < 84; m++ {
		out := outcomes[m%4]
		var mc sim.MonthCounts
		mc.Month, mc.Opened = m, 2
		mc.Closed[out] = 1
		c.Month(&mc)
		c.Case(&sim.CaseRecord{CaseID: m, FileNumber: 1 + m%3, Origin: m / 4 % 2, Outcome: out, ClosedMonth: m})
	}
	s, err := c.Stats()
	if err != nil {
		fmt.Println(err)
		return
	}
	spec, err := calibrate.ParseSpec("example.toml", []byte(`
[[target]]
name = "credibility"
statistic = "avr_odds_ratio_cooperation"
kind = "equals"
value = [2.35]
tolerance = 0.21
weight = 1
source = "seed 001"

[[target]]
name = "Nigeria vs Iraq"
statistic = "avr_nigeria_iraq"
kind = "order"
tolerance = 0.1
weight = 1
source = "seed 001"

[[target]]
name = "return rate"
statistic = "return_rate_by_year"
kind = "at_most"
value = [0.34, 0.34, 0.34, 0.34]
tolerance = 0.1
weight = 1
source = "seed 001"
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	targets := spec.Targets
	fmt.Printf("%-40s %8s %9s %7s %s\n", "statistic", "observed", "simulated", "error", "within")
	for _, r := range calibrate.Table(targets, s) {
		fmt.Printf("%-40s %8.3f %9.3f %7.2f %v\n", r.Statistic, r.Observed, r.Simulated, r.Error, r.Within)
	}
	fmt.Printf("distance %.1f\n", calibrate.Distance(targets, s))
	// Output:
	// statistic                                observed simulated   error within
	// avr_odds_ratio_cooperation: high vs low     2.350     0.992   -4.10 false
	// avr_nigeria_iraq: NG < IQ                   0.000     0.000    0.00 false
	// return_rate_by_year: 2020                   0.340     0.250    0.00 true
	// return_rate_by_year: 2021                   0.340     0.250    0.00 true
	// return_rate_by_year: 2022                   0.340     0.250    0.00 true
	// return_rate_by_year: 2023                   0.340     0.250    0.00 true
	// distance 16.8
}
