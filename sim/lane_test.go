package sim

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/agents"
)

// drawRanges sets every numeric field of the struct v points to that
// declares a range (agents.Specs) to a uniform draw inside it. A field
// added to the struct is drawn too, without editing a test.
func drawRanges(t *testing.T, v any, r *rand.Rand) {
	t.Helper()
	for _, s := range agents.Specs(v) {
		lo, hi, ok := strings.Cut(s.Range, ",")
		if !ok {
			continue
		}
		a, err1 := strconv.ParseFloat(lo, 64)
		b, err2 := strconv.ParseFloat(hi, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: range %q", s.Key, s.Range)
		}
		if err := agents.SetFloat(v, s.Key, a+(b-a)*r.Float64()); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBoundHolds: for persons in every stage with drawn attributes, under
// parameters drawn over their declared ranges (every field of Params and
// of the state's parameters, so a new parameter is tried without editing
// this test), the bound that engine.bound draws up at month 0 lies above
// the month's total event probability, computed exactly as step does (the
// state's events plus the four hazards), in every month of its interval as
// the person ages; and with periodic counselling no month of the interval
// asks for a routine session. This is the claim stepAll's shortcut rests on
// (the comment at the top of lane.go). Counselling boosts of either sign
// are drawn, so that each term's direction is tried. Every other set has
// group rules, with thresholds of months without status, each with its
// own enforcement, package and counselling: the policy in force for the
// person (agents.Policy.For) must stay the same over the interval, and
// the bound must hold under it.
func TestBoundHolds(t *testing.T) {
	shelters := []agents.Shelter{agents.Reception, agents.NoShelter, agents.VBL, agents.FamilyLocation, agents.Detention}
	timings := []agents.Timing{agents.AtFinalDecision, agents.Periodic}
	r := rand.New(rand.NewPCG(5, 6))
	sets, persons := 300, 60
	if testing.Short() {
		sets = 60
	}
	for set := range sets {
		cfg := DefaultConfig()
		drawRanges(t, &cfg.Params, r)
		drawRanges(t, &cfg.State, r)
		cfg.Policy.Enforcement = 3 * r.Float64()
		cfg.Policy.Counselling.Timing = timings[set%len(timings)]
		cfg.Policy.Counselling.PeriodMonths = 1 + r.IntN(12)
		if set%2 == 1 {
			fam, high := agents.Family, agents.CoopHigh
			rule := func(s agents.Selector) agents.Rule {
				enf, cash, period := 3*r.Float64(), 5000*r.Float64(), 1+r.IntN(12)
				timing := timings[r.IntN(len(timings))]
				return agents.Rule{For: s, Enforcement: &enf, Reintegration: agents.RuleReintegration{CashEUR: &cash},
					Counselling: agents.RuleCounselling{Timing: &timing, PeriodMonths: &period}}
			}
			cfg.Policy.Groups = []agents.Rule{
				rule(agents.Selector{MinMonths: 1 + r.IntN(150)}),
				rule(agents.Selector{Household: &fam, MinMonths: r.IntN(60)}),
				rule(agents.Selector{Cooperation: &high}),
				rule(agents.Selector{MinMonths: r.IntN(100)}),
			}
		}
		if err := cfg.Prepare(); err != nil {
			t.Fatalf("parameter set %d: %v", set, err)
		}
		e := newEngine(&cfg, 0, nil)
		p := &cfg.Params
		for i := range persons {
			a := agents.Agent{
				Origin: r.IntN(len(cfg.Origins)), FamilyPull: r.Float64(), FamilyPressure: r.Float64(),
				Network: r.Float64(), Sensitivity: r.Float64(), Hope: r.Float64(), Trust: r.Float64(), HealthWorse: r.IntN(5) == 0,
				Shelter: shelters[i%len(shelters)], MonthsIrregular: r.IntN(200), MonthsOpen: r.IntN(30),
				MonthsSinceFinal: r.IntN(60), CounselAVR: 3*r.Float64() - 1, CounselLegal: 2*r.Float64() - 0.5,
			}
			if r.IntN(10) < 3 {
				a.Household = agents.Family
			}
			if a.Shelter == agents.Reception {
				a.MonthsSinceFinal = -1
			}
			b, until := e.bound(&a, 0)
			if until <= 0 && cfg.Policy.Counselling.Timing != agents.Periodic {
				t.Fatalf("parameter set %d, person %d (%v): no interval", set, i, a.Shelter)
			}
			x := a
			o := &cfg.Origins[x.Origin]
			pol := e.pol.For(&a)
			for m := 0; m < int(until); m++ {
				if got := e.pol.For(&x); got != pol {
					t.Fatalf("parameter set %d, person %d (%v, %d months without status): the policy in force changes in month %d, inside the interval to %d", set, i, a.Shelter, a.MonthsIrregular, m, until)
				}
				ev := e.stateEvents(&x, o, pol)
				h := agents.Predict(&x, o, pol, p).Hazards(e.travel(x.Origin))
				total := ev.total() + h.AVR + h.Independent + h.Absconded + h.NewProcedure
				if total > float64(roundUp32(b)) {
					t.Fatalf("parameter set %d, person %d (%v), month %d of %d: total %v above the bound %v\nparams %+v",
						set, i, a.Shelter, m, until, total, b, *p)
				}
				agents.Age(&x, 1, p)
				if c := &pol.Counselling; c.Timing == agents.Periodic && x.MonthsOpen%c.PeriodMonths == 0 {
					t.Fatalf("parameter set %d, person %d: a routine session falls in month %d, inside the interval to %d", set, i, m, until)
				}
			}
		}
		e.returnBuffers()
	}
}

// TestCatchUpIsAge: replaying n months of ageing at once leaves every
// field as n calls of agents.Age do, bit for bit, in every stage, and
// counts the recorded months' places.
func TestCatchUpIsAge(t *testing.T) {
	cfg := DefaultConfig()
	if err := cfg.Prepare(); err != nil {
		t.Fatal(err)
	}
	e := newEngine(&cfg, 0, nil)
	defer e.returnBuffers()
	for _, s := range []agents.Shelter{agents.Reception, agents.NoShelter, agents.VBL, agents.Detention} {
		for _, n := range []int{1, 7, 60} {
			a := agents.Agent{Shelter: s, Hope: 0.7, Trust: 0.6, CounselAVR: 0.9, CounselLegal: 0.3, MonthsIrregular: 5, MonthsOpen: 2, MonthsSinceFinal: 3}
			want := a
			for range n {
				agents.Age(&want, 1, &cfg.Params)
			}
			f := file{a: a, synced: 10}
			e.catchUp(&f, 10+n)
			if f.a != want || f.synced != 10+n {
				t.Errorf("catchUp(%v, %d months) = %+v, want %+v", s, n, f.a, want)
			}
		}
	}
	if tot := e.totals; tot.MonthsReception != 68 || tot.MonthsVBL != 68 || tot.MonthsDetention != 68 {
		t.Errorf("catchUp counted %d, %d, %d months in reception, the VBL, detention; want 68 each (1+7+60)", tot.MonthsReception, tot.MonthsVBL, tot.MonthsDetention)
	}
}

// TestStateEventsAgeing: of the fields that ageing changes, the state's
// events read only CounselLegal, so bound compares them at the interval's
// two ends only when it moved. Moving every other ageing field, in every
// stage, leaves them as they were.
func TestStateEventsAgeing(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Params.Dynamics.HopeDecay, cfg.Params.Dynamics.TrustDecay = 0.1, 0.1
	if err := cfg.Prepare(); err != nil {
		t.Fatal(err)
	}
	e := newEngine(&cfg, 0, nil)
	defer e.returnBuffers()
	r := rand.New(rand.NewPCG(12, 13))
	for i := range 2000 {
		a := agents.Agent{Origin: r.IntN(len(cfg.Origins)), Shelter: agents.Shelter(r.IntN(5)), Hope: r.Float64(), Trust: r.Float64(),
			MonthsIrregular: r.IntN(200), MonthsOpen: r.IntN(30), MonthsSinceFinal: r.IntN(60), CounselAVR: r.Float64(), CounselLegal: r.Float64()}
		end := a
		agents.Age(&end, 1+r.IntN(60), &cfg.Params)
		end.CounselLegal = a.CounselLegal
		o := &cfg.Origins[a.Origin]
		if x, y := e.stateEvents(&a, o, e.pol), e.stateEvents(&end, o, e.pol); x != y {
			t.Fatalf("person %d (%v): the state's events move with an ageing field other than CounselLegal: %v, then %v", i, a.Shelter, x, y)
		}
	}
}
