package sim_test

import (
	"math"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// TestFamiliesAsTheLawTreatsThem: at the defaults, with the family values
// the sources give (docs/ODD.md, section 7.15), families leave with
// assistance less
// often than single persons and are removed by force much less often, per
// month they spend in a file (the hazard, not the share of persons: single
// persons leave the files sooner, many out of sight). Dutch research on
// families with children in return procedures finds both. Rates are
// counted over the files of the recorded months of four replicates at a
// quarter of the intake (paired: the same seeds for both households); each
// comparison must hold by three Poisson standard errors of the difference,
// fixed before the test was first run.
func TestFamiliesAsTheLawTreatsThem(t *testing.T) {
	if testing.Short() {
		t.Skip("runs four replicates of the default scenario at a quarter of the intake")
	}
	var months, avr, forced [2]float64 // by household
	for rep := range 4 {
		cfg := sim.DefaultConfig()
		cfg.Intake.Scale = 0.25
		if err := cfg.Prepare(); err != nil {
			t.Fatal(err)
		}
		var r recorder
		sim.Run(&cfg, sim.StreamSeed(7, rep, "", true), &r)
		for _, c := range r.cases {
			closed := c.ClosedMonth
			if closed < 0 {
				closed = cfg.Months
			}
			months[c.Household] += float64(closed - max(c.OpenedMonth, 0))
			switch c.Outcome {
			case agents.AVR:
				avr[c.Household]++
			case agents.Forced:
				forced[c.Household]++
			}
		}
	}
	s, f := agents.Single, agents.Family
	rate := func(n [2]float64, h agents.Household) float64 { return n[h] / months[h] }
	se := func(n [2]float64) float64 { return math.Sqrt(n[s]/(months[s]*months[s]) + n[f]/(months[f]*months[f])) }
	t.Logf("per 1,000 file-months: AVR single %.2f family %.2f; forced single %.2f family %.2f (file-months %v)",
		1000*rate(avr, s), 1000*rate(avr, f), 1000*rate(forced, s), 1000*rate(forced, f), months)
	if d := rate(avr, s) - rate(avr, f); d < 3*se(avr) {
		t.Errorf("AVR per file-month: single %.5f, family %.5f: families should leave with assistance less often, by 3 SE (%.5f)", rate(avr, s), rate(avr, f), se(avr))
	}
	// much less: at most a quarter of the single persons' rate
	seQuarter := math.Sqrt(forced[s]/(16*months[s]*months[s]) + forced[f]/(months[f]*months[f]))
	if d := rate(forced, s)/4 - rate(forced, f); d < 3*seQuarter {
		t.Errorf("forced returns per file-month: single %.5f, family %.5f: families should be removed by force at most a quarter as often, by 3 SE", rate(forced, s), rate(forced, f))
	}
}
