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

// A Collector receives a run's output; its statistics are compared with the
// study's in a fit table. This run is a toy: one file closes in each of 12 months, and every
// file number and both origins have an AVR share of 1/4.
func ExampleTable() {
	origins := []agents.Origin{
		{Code: "NG", Class: agents.CoopHigh},
		{Code: "IQ", Class: agents.CoopLow},
	}
	c := calibrate.NewCollector(origins)
	outcomes := []agents.Outcome{agents.AVR, agents.Absconded, agents.Forced, agents.Absconded}
	for m := 0; m < 12; m++ {
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
	fmt.Printf("%-31s %10s %10s %7s %s\n", "statistic", "observed", "simulated", "error", "within")
	for _, r := range calibrate.Table(calibrate.DefaultTargets(), s) {
		fmt.Printf("%-31s %10.3f %10.3f %7.2f %v\n", r.Statistic, r.Observed, r.Simulated, r.Error, r.Within)
	}
	fmt.Printf("distance %.1f\n", calibrate.Distance(calibrate.DefaultTargets(), s))
	// Output:
	// statistic                         observed  simulated   error within
	// avr_by_file: file 1                  0.190      0.250    1.41 false
	// avr_by_file: file 3                  0.090      0.250    4.86 false
	// avr_by_file: file 6                  0.020      0.250   11.17 false
	// avr_by_cooperation: high             0.110      0.250    3.97 false
	// avr_by_cooperation: low              0.050      0.250    7.38 false
	// avr_nigeria_iraq: NG < IQ            0.000      0.000    0.00 false
	// return_rate: highest year            0.340      0.250    0.00 true
	// departure_mix: avr+independent       0.253      0.250   -0.11 true
	// departure_mix: forced                0.180      0.250    2.78 false
	// departure_mix: absconded             0.567      0.500   -1.80 false
	// closed_files: per 84 months     118000.000     84.000 -144.95 false
	// distance 10594.5
}
