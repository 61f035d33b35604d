package sim

import (
	"math"
	"testing"

	"github.com/returnsim/returnsim/agents"
)

// TestRequests: a person whose first file from others was opened at their
// own request leaves verifiably, each month out of detention, with chance
// 1 / state.request_months (docs/ODD.md, section 7.7). Only others open
// files, and a person's own independent departure is switched off
// (params.independent.base -15, the key's least value), so every
// independent departure is a request's. With every such file a request,
// the independent departures of the month over the requested files open
// out of detention at its start lie within four binomial standard errors
// of 1/3 (request_months 3); with none a request (the same persons: the
// request is drawn either way), no file ends in an independent departure.
func TestRequests(t *testing.T) {
	for _, share := range []float64{0, 1} {
		cfg := DefaultConfig()
		cfg.Start, cfg.Months, cfg.Warmup = "2017-01", 36, 24 // before the restrictions of 2020
		cfg.Intake.Years = []IntakeYear{{Year: 2017, Other: 3000}}
		cfg.Intake.NewShare = SourceShares{IND: 1, Police: 1, KMar: 1, Other: 1}
		cfg.Params.Independent.Base = -15
		cfg.Population.RequestShare = share
		cfg.State.RequestMonths = 3
		cfg.State.RequestOutOfSight = 0 // requests of persons out of sight: TestRequestsOutOfSight
		waiting := map[int]int{}        // month: requested files open out of detention at its start
		var r kept
		monthly(t, &cfg, &r, func(e *engine) {
			for _, l := range e.lanes {
				if a := &e.files[l.file].a; a.Requested && a.Shelter != agents.Detention {
					if share == 0 {
						t.Fatalf("month %d: a requested file with request_share 0", e.t-1)
					}
					waiting[e.t]++
				}
			}
		})
		left, at := 0, 0
		for _, c := range r.cases {
			if c.Outcome != agents.Independent {
				continue
			}
			left++
			if c.OpenedMonth < c.ClosedMonth && waiting[c.ClosedMonth] > 0 {
				at++
			}
		}
		if share == 0 {
			if left != 0 {
				t.Errorf("request_share 0: %d independent departures, want none", left)
			}
			continue
		}
		n := 0
		for m, w := range waiting {
			if m >= 0 && m < cfg.Months { // cases are recorded from month 0
				n += w
			}
		}
		if n < 1000 {
			t.Fatalf("%d file-months waiting: too few to test", n)
		}
		p := 1.0 / 3
		se := math.Sqrt(p * (1 - p) / float64(n))
		got := float64(at) / float64(n)
		t.Logf("requested files left at %.4f a month (%d of %d file-months), want 1/3 ± %.4f", got, at, n, 4*se)
		if math.Abs(got-p) > 4*se {
			t.Errorf("requested files left at %.4f a month (%d of %d file-months), want 1/3 ± %.4f", got, at, n, 4*se)
		}
	}
}

// TestRequestsOutOfSight: a person out of sight asks the service for help
// to return with chance state.request_out_of_sight a month, which opens a
// file from others, a request (docs/ODD.md, section 7.6). With no intake
// from others, every file from others is such a request: those opened in
// a recorded month lie within four binomial standard errors of the chance
// times the persons out of sight at the end of the month before; each is
// a later file, a request, without shelter; and with the chance 0 none
// opens.
func TestRequestsOutOfSight(t *testing.T) {
	for _, r := range []float64{0, 0.02} {
		cfg := DefaultConfig()
		cfg.Start, cfg.Months, cfg.Warmup = "2017-01", 36, 60
		cfg.Intake.Scale = 0.25
		for i := range cfg.Intake.Years {
			cfg.Intake.Years[i].Other = 0
		}
		cfg.State.RequestOutOfSight = r
		var k kept
		wrong := 0
		monthly(t, &cfg, &k, func(e *engine) {
			for _, l := range e.lanes {
				if a := &e.files[l.file].a; a.Source == agents.OtherSource && a.OpenedMonth == e.t-1 &&
					(!a.Requested || a.FileNumber < 2 || a.Shelter != agents.NoShelter && a.Shelter != agents.Detention) {
					wrong++
				}
			}
		})
		opened, atRisk := 0, 0
		for i, m := range k.months {
			if m.Month >= 0 && i > 0 {
				opened += m.OpenedBy[agents.OtherSource]
				atRisk += k.months[i-1].OutOfSight
			}
		}
		if wrong > 0 {
			t.Errorf("request_out_of_sight %g: %d files from others opened that were not requests of known persons without shelter", r, wrong)
		}
		if r == 0 {
			if opened != 0 {
				t.Errorf("request_out_of_sight 0: %d files from others, want none", opened)
			}
			continue
		}
		want := r * float64(atRisk)
		se := math.Sqrt(want * (1 - r))
		t.Logf("%d files from others against %.0f expected (± %.0f) of %d person-months out of sight", opened, want, 4*se, atRisk)
		if math.Abs(float64(opened)-want) > 4*se {
			t.Errorf("%d files from others opened, want %.0f ± %.0f", opened, want, 4*se)
		}
	}
}
