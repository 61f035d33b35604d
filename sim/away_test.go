package sim

import (
	"math/rand/v2"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"gonum.org/v1/gonum/stat/distuv"
)

// awayOutcome is the month after entry in which a person away has their
// next event, and which event it is.
type awayOutcome struct {
	month int
	kind  awayEvent
}

// TestScheduleIsStepping: drawing the month of a person's next event in a
// procedure or out of sight (schedule, geometric with the monthly total)
// and which event it is (next, by the hazards' shares) gives the same
// distribution of (month, event) as stepping the person month by month,
// each month one uniform against each event's hazard in turn; also when
// enforcement changes in month 6 and reschedule redraws everyone still
// waiting; and when a group rule sets another enforcement for those with
// at least 48 months without status, whom many reach while they wait
// (schedule draws again from that month), in the policy from the start or
// from the change. The two samples of 20,000 persons each are compared by a
// chi-squared test of homogeneity over months 1-24, 25-36 and later, by
// event (cells with fewer than 10 in both samples pooled); it fails at a
// p-value below 0.001, a level fixed before the test was first run.
func TestScheduleIsStepping(t *testing.T) {
	const n, change = 20000, 6
	cases := []struct {
		name  string
		place agents.Place
		enf   float64 // enforcement from month change on (1 before)
		rule  string  // a group rule: "" none, "base" from the start, "later" from the change
	}{
		{"procedure", agents.InProcedure, 1, ""},
		{"out of sight", agents.OutOfSight, 1, ""},
		{"out of sight, enforcement tripled in month 6", agents.OutOfSight, 3, ""},
		{"out of sight, enforcement ended in month 6", agents.OutOfSight, 0, ""},
		{"out of sight, a rule tripling enforcement from 48 months", agents.OutOfSight, 1, "base"},
		{"out of sight, a rule ending enforcement from 48 months, from month 6", agents.OutOfSight, 1, "later"},
	}
	rule := func(enf float64) []agents.Rule {
		return []agents.Rule{{For: agents.Selector{MinMonths: 48}, Enforcement: &enf}}
	}
	for ci, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Warmup, cfg.Months = 0, 600
			cfg.State.FindRate, cfg.State.StatusOutOfSight = 0.04, 0.01
			cfg.Params.OutOfSight.LeaveBase, cfg.Params.OutOfSight.ApplyBase = -3, -3.5
			if c.rule == "base" {
				cfg.Policy.Groups = rule(3)
			}
			if err := cfg.Prepare(); err != nil {
				t.Fatal(err)
			}
			later := cfg.Policy
			later.Enforcement = c.enf
			if c.rule == "later" {
				later.Groups = rule(0)
			}
			if err := later.Prepare(cfg.Origins); err != nil {
				t.Fatal(err)
			}
			e := newEngine(&cfg, 0, nil)
			defer e.returnBuffers()
			r := rand.New(rand.NewPCG(uint64(ci), 11))
			persons := make([]agents.Agent, n)
			for k := range persons {
				persons[k] = agents.Agent{PersonID: k, Place: c.place, Origin: k % len(cfg.Origins), Network: r.Float64(), Hope: r.Float64(),
					MonthsIrregular: r.IntN(100), Shelter: agents.NoShelter}
			}
			// Scheduled, as the engine does: enter at month 0, then at the
			// change everyone whose event lies at or after it is redrawn.
			scheduled := make([]awayOutcome, n)
			e.t = 0
			for k := range n {
				e.away = append(e.away, awaySlot{a: persons[k], src: personStream(1, k), used: true})
				e.enter(int32(k), c.place)
			}
			e.t = change
			e.pol = &later
			e.reschedule(&cfg.Policy, false)
			for k := range n {
				w := &e.away[k]
				kind, _ := w.next(uniform(&w.src))
				scheduled[k] = awayOutcome{w.at, kind}
			}
			// Stepped: each month one uniform against the hazards laid out
			// in the order of next's events.
			stepped := make([]awayOutcome, n)
			for k := range n {
				w := awaySlot{a: persons[k], src: personStream(2, k), stay: persons[k].MonthsIrregular, used: true}
				e.pol = &cfg.Policy
				for m := 1; ; m++ {
					if m == change {
						e.pol = &later
					}
					u := uniform(&w.src)
					if kind, ok := stepOnce(u, e.rates(&w, m)); ok {
						stepped[k] = awayOutcome{m, kind}
						break
					}
					if m > 10000 {
						t.Fatalf("person %d has no event in 10,000 months", k)
					}
				}
			}
			stat, df := homogeneity(scheduled, stepped)
			if pv := (distuv.ChiSquared{K: float64(df)}).Survival(stat); pv < 0.001 {
				t.Errorf("scheduled and stepped (month, event) differ: chi-squared %.1f on %d degrees of freedom, p = %.2g", stat, df, pv)
			}
		})
	}
}

// stepOnce is one month of stepping a person away on draw u: the event
// whose hazard's interval holds u, if any.
func stepOnce(u float64, rates [5]float64) (awayEvent, bool) {
	for k, h := range rates {
		if u < h {
			return awayEvent(k), true
		}
		u -= h
	}
	return 0, false
}

// homogeneity is the chi-squared statistic of two equal-sized samples of
// outcomes binned by month (1-24 each, 25-36, later) and event, with its
// degrees of freedom; cells with fewer than 10 in both samples are pooled.
func homogeneity(x, y []awayOutcome) (stat float64, df int) {
	bin := func(o awayOutcome) int {
		m := o.month
		switch {
		case m > 36:
			m = 26
		case m > 24:
			m = 25
		}
		return 4*m + int(o.kind)
	}
	cx, cy := map[int]float64{}, map[int]float64{}
	for i := range x {
		cx[bin(x[i])]++
		cy[bin(y[i])]++
	}
	var px, py float64
	cells := 0
	for b := range 4 * 27 {
		a, c := cx[b], cy[b]
		if a+c < 10 {
			px, py = px+a, py+c
			continue
		}
		stat += (a - c) * (a - c) / (a + c)
		cells++
	}
	if px+py > 0 {
		stat += (px - py) * (px - py) / (px + py)
		cells++
	}
	return stat, cells - 1
}
