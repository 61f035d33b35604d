package agents_test

import (
	"fmt"

	"github.com/returnsim/returnsim/agents"
)

// A migrant with some pull to family abroad, a modest network in the
// Netherlands and high hope while the appeal is pending; then the same
// person after the deadline, without shelter and with little hope left.
func ExampleLogOdds_Hazards() {
	// Hand-made parameters: intercepts and a few effects; the rest are zero.
	var p agents.Params
	p.AVR.Base, p.AVR.FamilyPull, p.AVR.Hope, p.AVR.Pending, p.AVR.StayCapMonths = -3, 1.2, 1.5, -1, 120
	p.Independent.Base, p.Independent.Weight = -4, 0.5
	p.Absconding.Base, p.Absconding.Network, p.Absconding.NoShelter = -2.5, 1, 0.6
	p.NewProcedure.Base, p.NewProcedure.Hope = -4, 2

	o := agents.Origin{Code: "IQ", Name: "Iraq", Cooperation: 0.45, Class: agents.CoopMedium, Conditions: 0.5}
	var pol agents.Policy // no reintegration package, no counselling
	a := agents.Agent{FileNumber: 1, FamilyPull: 0.5, Network: 0.5, Hope: 0.9, Shelter: agents.Reception, MonthsSinceFinal: -1}

	for _, stage := range []struct {
		shelter agents.Shelter
		hope    float64
	}{{agents.Reception, 0.9}, {agents.NoShelter, 0.3}} {
		a.Shelter, a.Hope = stage.shelter, stage.hope
		h := agents.Predict(&a, &o, &pol, &p).Hazards(1)
		fmt.Printf("%-10s AVR %.4f  independent %.4f  absconded %.4f  new procedure %.4f\n",
			a.Shelter, h.AVR, h.Independent, h.Absconded, h.NewProcedure)
	}
	// Output:
	// reception  AVR 0.0086  independent 0.0124  absconded 0.1192  new procedure 0.0000
	// no-shelter AVR 0.0547  independent 0.0194  absconded 0.1978  new procedure 0.0323
}

func ExamplePathwayOf() {
	p := agents.PathwayParams{HighAgencyPull: 0.7, AcceptanceMonths: 6, HopelessMonths: 24}
	georgia := agents.Origin{Code: "GE", Cooperation: 0.9, Class: agents.CoopHigh}
	for _, c := range []struct {
		label string
		a     agents.Agent
	}{
		{"in detention", agents.Agent{Shelter: agents.Detention, MonthsSinceFinal: 10, MonthsIrregular: 30}},
		{"in a location, deportation imminent", agents.Agent{Shelter: agents.VBL, MonthsSinceFinal: 10, MonthsIrregular: 30}},
		{"health deteriorated", agents.Agent{Shelter: agents.NoShelter, HealthWorse: true, MonthsSinceFinal: 10, MonthsIrregular: 30}},
		{"two months after the final decision", agents.Agent{Shelter: agents.NoShelter, MonthsSinceFinal: 2, MonthsIrregular: 2}},
		{"three years without status", agents.Agent{Shelter: agents.NoShelter, MonthsSinceFinal: 36, MonthsIrregular: 36}},
	} {
		fmt.Printf("%-36s %s\n", c.label, agents.PathwayOf(&c.a, &georgia, &p))
	}
	// Output:
	// in detention                         coercion
	// in a location, deportation imminent  coercion
	// health deteriorated                  high_agency
	// two months after the final decision  acceptance
	// three years without status           hopelessness
}
