package sim

import (
	"math"
	"testing"

	"github.com/returnsim/returnsim/agents"
)

// TestBoundHolds: for persons in every stage with drawn attributes, the
// bound that engine.bound draws up at month 0 lies above the month's total
// event probability, computed exactly as step does (state events plus the
// four logistic hazards), in every month of its interval as the person
// ages; and with periodic counselling no month of the interval asks for a
// routine session. This is the claim stepAll's shortcut rests on (the
// comment at the top of lane.go); the variants move each input faster, and
// let counselling boosts be negative, so that each term's sign is tried.
func TestBoundHolds(t *testing.T) {
	variants := []struct {
		name string
		set  func(c *Config)
	}{
		{"defaults", func(c *Config) {}},
		{"fast decay, short memory", func(c *Config) {
			c.Params.Dynamics.HopeDecay, c.Params.Dynamics.TrustDecay, c.Params.Counselling.Retention = 0.2, 0.1, 0.5
		}},
		{"strong stay and trust effects", func(c *Config) {
			c.Params.AVR.StayPerYear, c.Params.AVR.Trust, c.Params.Absconding.Trust, c.Params.AVR.Hope = 2, 5, 5, 5
		}},
		{"periodic counselling", func(c *Config) {
			c.Policy.Counselling.Timing, c.Policy.Counselling.PeriodMonths = agents.Periodic, 5
		}},
	}
	shelters := []agents.Shelter{agents.Reception, agents.NoShelter, agents.FRL, agents.Detention}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			cfg := DefaultConfig()
			v.set(&cfg)
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			e := &engine{cfg: &cfg, pol: &cfg.Policy, pows: powTable(&cfg.Params), nextChange: math.MaxInt}
			p := &cfg.Params
			src := personSource(3, 1)
			u := func() float64 { return uniform(&src) }
			for i := range 4000 {
				a := agents.Agent{
					Origin: int(u() * float64(len(cfg.Origins))), FamilyPull: u(), FamilyPressure: u(),
					Network: u(), Sensitivity: u(), Hope: u(), Trust: u(), HealthWorse: u() < 0.2,
					Shelter: shelters[i%len(shelters)], MonthsIrregular: int(u() * 200), MonthsOpen: int(u() * 30),
					MonthsSinceFinal: int(u() * 60), CounselAVR: 3*u() - 1, CounselLegal: 2*u() - 0.5,
				}
				if u() < 0.3 {
					a.Household = agents.Family
				}
				if a.Shelter == agents.Reception {
					a.MonthsSinceFinal = -1
				}
				b, until := e.bound(&a, 0)
				if until <= 0 && cfg.Policy.Counselling.Timing != agents.Periodic {
					t.Fatalf("person %d (%v): no interval", i, a.Shelter)
				}
				x := a
				o := &cfg.Origins[x.Origin]
				for m := 0; m < int(until); m++ {
					ev := e.stateEvents(&x, o, x.CounselLegal)
					h := agents.Decide(&x, o, e.pol, p)
					total := ev[0] + ev[1] + ev[2] + ev[3] + ev[4] + h.AVR + h.Independent + h.Absconded + h.NewProcedure
					if total > float64(roundUp32(b)) {
						t.Fatalf("person %d (%v), month %d of %d: total %v above the bound %v", i, a.Shelter, m, until, total, b)
					}
					agents.Age(&x, p)
					if c := &e.pol.Counselling; c.Timing == agents.Periodic && x.MonthsOpen%c.PeriodMonths == 0 {
						t.Fatalf("person %d: a routine session falls in month %d, inside the interval to %d", i, m, until)
					}
				}
			}
		})
	}
}

// TestCatchUpIsAge: replaying n months of ageing at once leaves every
// field as n calls of agents.Age do, bit for bit, in every stage.
func TestCatchUpIsAge(t *testing.T) {
	cfg := DefaultConfig()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	e := &engine{cfg: &cfg}
	for _, s := range []agents.Shelter{agents.Reception, agents.NoShelter, agents.FRL, agents.Detention} {
		for _, n := range []int{1, 7, 60} {
			a := agents.Agent{Shelter: s, Hope: 0.7, Trust: 0.6, CounselAVR: 0.9, CounselLegal: 0.3, MonthsIrregular: 5, MonthsOpen: 2, MonthsSinceFinal: 3}
			want := a
			for range n {
				agents.Age(&want, &cfg.Params)
			}
			f := file{a: a, synced: 10}
			e.catchUp(&f, 10+n)
			if f.a != want || f.synced != 10+n {
				t.Errorf("catchUp(%v, %d months) = %+v, want %+v", s, n, f.a, want)
			}
		}
	}
}
