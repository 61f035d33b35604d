package sim_test

import (
	"math"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// quietConfig is smallConfig with every choice of a person and every
// decision of the state but the ones a test needs made (nearly) impossible,
// and intake from source src only: files then move through the stages on
// the clock alone.
func quietConfig(src agents.Source) sim.Config {
	cfg := smallConfig()
	for i := range cfg.Intake.Years {
		y := &cfg.Intake.Years[i]
		for s, v := range []*float64{&y.IND, &y.Police, &y.KMar, &y.Other} {
			if agents.Source(s) != src {
				*v = 0
			}
		}
	}
	p := &cfg.Params
	p.AVR.Base, p.Independent.Base, p.Absconding.Base, p.NewProcedure.Base = -15, -15, -15, -15
	st := &cfg.State
	st.AppealMonths, st.AppealSuccess = 1, 0 // the final decision in the first month
	st.RegularisedRate, st.ForcedRate, st.DetentionRate, st.ForcedDetained = 0, 0, 0, 0
	st.FindRate, st.StatusOutOfSight = 0, 0
	st.UnsupervisedOnLeaving = 1                               // everyone whose shelter ends is registered
	cfg.Params.OutOfSight.ApplyBase = -15                      // no later files from out of sight
	cfg.Params.Dynamics.HealthRate = 0                         // its event would take the month of a decision
	cfg.Population.FamilyShare, cfg.Population.FRLShare = 0, 0 // nobody keeps a place at the deadline
	return cfg
}

// TestRegisteredOnLeaving checks DT&V's registration of a departure without
// supervision when shelter ends without a place: a month after the shelter
// ends, at the deadline or at release from detention, the file closes as
// absconded, for the share state.unsupervised_on_leaving of persons, and
// the others' files stay open.
func TestRegisteredOnLeaving(t *testing.T) {
	// An IND file: the final decision in its first month, the departure
	// period in the second, shelter ends at its end: registered in the third.
	// A police file in detention (every origin cooperating fully, detention
	// on finding certain): released in its first month, registered in the
	// second.
	for _, c := range []struct {
		name  string
		src   agents.Source
		after int // months from opening to registration
	}{{"deadline", agents.IND, 2}, {"release from detention", agents.Police, 1}} {
		for _, share := range []float64{0, 0.5, 1} {
			cfg := quietConfig(c.src)
			cfg.State.UnsupervisedOnLeaving = share
			if c.src == agents.Police {
				cfg.State.DetainOnFind, cfg.State.DetentionMonths = 1, 1
				cfg.Intake.Scale = 1 // the police's first files are fewer
				for i := range cfg.Origins {
					cfg.Origins[i].Cooperation, cfg.Origins[i].Class = 1, agents.CoopHigh
				}
			}
			_, r := run(t, &cfg, seed)
			n, registered := 0, 0
			for _, k := range r.cases {
				if k.Source != c.src || k.FileNumber != 1 || k.OpenedMonth < 0 || k.OpenedMonth+c.after >= cfg.Months {
					continue
				}
				n++
				switch {
				case k.Outcome == agents.Absconded && k.ClosedMonth == k.OpenedMonth+c.after:
					registered++
				case k.Outcome != agents.Open:
					t.Errorf("%s, share %g: file %d opened in month %d closed %s in month %d, want absconded in month %d or open",
						c.name, share, k.CaseID, k.OpenedMonth, k.Outcome, k.ClosedMonth, k.OpenedMonth+c.after)
				}
			}
			if n < 500 {
				t.Fatalf("%s: %d files, too few to check", c.name, n)
			}
			// binomial: 4 standard errors, 0 at shares 0 and 1
			got := float64(registered) / float64(n)
			if se := math.Sqrt(share * (1 - share) / float64(n)); math.Abs(got-share) > 4*se {
				t.Errorf("%s, share %g: %d of %d files registered as departed without supervision (%.3f), want %g within %.3f",
					c.name, share, registered, n, got, share, 4*se)
			}
		}
	}
}
