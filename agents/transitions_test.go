package agents

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomAgent is a person in any place and stage with every ageing field
// drawn, counselling boosts of either sign included.
func randomAgent(r *rand.Rand) Agent {
	a := Agent{
		Place: Place(r.IntN(3)), Shelter: Shelter(r.IntN(5)), Household: Household(r.IntN(2)),
		FamilyPull: r.Float64(), FamilyPressure: r.Float64(), Network: r.Float64(), Sensitivity: r.Float64(),
		Hope: r.Float64(), Trust: r.Float64(), HealthWorse: r.IntN(5) == 0,
		MonthsIrregular: r.IntN(200), MonthsOpen: r.IntN(30), MonthsSinceFinal: r.IntN(60),
		CounselAVR: 3*r.Float64() - 1, CounselLegal: 2*r.Float64() - 0.5,
	}
	if a.Shelter == Reception {
		a.MonthsSinceFinal = -1
	}
	return a
}

// TestAgeAtOnce: ageing n months in one call leaves every field bit for bit
// as n calls of one month do, in every place and stage; this is what lets
// the engine replay skipped months at once.
func TestAgeAtOnce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	p := DefaultParams()
	p.Dynamics.HopeDecay, p.Dynamics.TrustDecay, p.Counselling.Retention = 0.07, 0.03, 0.9
	for i := range 2000 {
		a := randomAgent(r)
		n := 1 + r.IntN(60)
		want := a
		for range n {
			Age(&want, 1, &p)
		}
		got := a
		Age(&got, n, &p)
		if got != want {
			t.Fatalf("agent %d (%v, %v): Age(%d months) = %+v, want %+v", i, a.Place, a.Shelter, n, got, want)
		}
	}
}

// TestAgeingFields: the fields moveAgeing lists are every field Age
// changes, so that PredictBound moves each of them: copying the listed
// fields from an aged agent to the original gives the aged agent.
func TestAgeingFields(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	p := DefaultParams()
	for i := range 500 {
		a := randomAgent(r)
		end := a
		Age(&end, 1+r.IntN(24), &p)
		got := a
		for k := range numAgeing {
			moveAgeing(&got, &end, k)
		}
		if got != end {
			t.Fatalf("agent %d (%v, %v): Age changes a field that ageing does not list: %+v, want %+v", i, a.Place, a.Shelter, got, end)
		}
	}
}

// TestPredictIgnores: moving a field that predictIgnores marks, from a
// random agent to a random other, never changes Predict, under random
// parameters: so PredictBound may leave it where it is. A term added to
// Predict that reads such a field fails this test.
func TestPredictIgnores(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	o := Origin{Code: "IQ", Cooperation: 0.45, Class: CoopMedium, Conditions: 0.4, Distance: 0.5, Eligible: true}
	for i := range 2000 {
		p := DefaultParams()
		p.AVR.StayPerYear, p.AVR.Hope, p.AVR.Trust = 5*r.Float64(), 5*r.Float64(), 5*r.Float64()
		pol := DefaultPolicy()
		if err := pol.Prepare([]Origin{o}); err != nil {
			t.Fatal(err)
		}
		a, other := randomAgent(r), randomAgent(r)
		x := Predict(&a, &o, &pol, &p)
		for k := range numAgeing {
			if !predictIgnores[k] {
				continue
			}
			b := a
			moveAgeing(&b, &other, k)
			if y := Predict(&b, &o, &pol, &p); y != x {
				t.Fatalf("agent %d: moving ageing field %d changes Predict from %+v to %+v: it is read, so predictIgnores must not mark it", i, k, x, y)
			}
		}
	}
}

// TestAgeFar: AgeFar leaves the counts as Age does and every decaying field
// within a relative 1e-13 of Age's month-by-month value: far inside the
// 1e-9 that PredictBound allows for rounding.
func TestAgeFar(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	p := DefaultParams()
	for i := range 2000 {
		p.Dynamics.HopeDecay, p.Dynamics.TrustDecay, p.Counselling.Retention = 0.2*r.Float64(), 0.2*r.Float64(), r.Float64()
		a := randomAgent(r)
		n := 1 + r.IntN(60)
		want, got := a, a
		Age(&want, n, &p)
		AgeFar(&got, n, &p)
		near := func(x, y float64) bool { return math.Abs(x-y) <= 1e-13*math.Abs(y) }
		if got.MonthsOpen != want.MonthsOpen || got.MonthsIrregular != want.MonthsIrregular || got.MonthsSinceFinal != want.MonthsSinceFinal ||
			!near(got.Hope, want.Hope) || !near(got.Trust, want.Trust) || !near(got.CounselAVR, want.CounselAVR) || !near(got.CounselLegal, want.CounselLegal) {
			t.Fatalf("agent %d (%v, %v): AgeFar(%d months) = %+v, want about %+v", i, a.Place, a.Shelter, n, got, want)
		}
	}
}
