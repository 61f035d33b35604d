package agents_test

import (
	"fmt"

	"github.com/returnsim/returnsim/agents"
)

// The worked example of docs/ODD.md (sections 6.3, 7.3, 7.5, 7.6 and 7.8), at
// today's defaults: the ODD shows exactly these numbers, and this Example
// checks them against the code.
//
// Karim, a single man from Iraq, in March 2019 in the default study's
// baseline, on his first file, in the month after the final negative
// decision on his appeal (the departure period), just counselled by the
// government service at that decision at full quality. The policy is the
// baseline's from July 2017: government counselling at the final decision,
// country knowledge 0.3, no partner contact, a package of 300 EUR in cash
// and 1,500 EUR in kind, enforcement 1 (scenarios/default.toml).
func Example_workedExample() {
	p := agents.DefaultParams()
	// Iraq's row of sim/origins.csv (agents does not import sim)
	iraq := agents.Origin{Code: "IQ", Name: "Iraq", Share: 0.08, Cooperation: 0.45, Class: agents.CoopMedium,
		Conditions: 0.5, Distance: 0.5, Eligible: true}
	origins := []agents.Origin{iraq}
	pol := agents.DefaultPolicy()
	pol.Reintegration.CashEUR, pol.Reintegration.InKindEUR = 300, 1500
	if err := pol.Prepare(origins); err != nil {
		panic(err)
	}
	// sim.DefaultConfig's state.find_rate, state.status_out_of_sight and
	// state.request_out_of_sight (scenarios.TestWorkedExampleRates checks
	// that they still are)
	const findRate, statusOutOfSight, requestOutOfSight = 0.016784, 0.0005, 0.0047225

	karim := agents.Agent{FileNumber: 1, Origin: 0, Household: agents.Single, Provider: agents.Government,
		FamilyPull: 0.3, FamilyPressure: 0.35, Network: 0.4, Sensitivity: 0.5, Options: 1, Trust: 0.5,
		Shelter: agents.Departure, MonthsIrregular: 0, MonthsSinceFinal: 0}
	karim.Hope = agents.HopeAt(p.Dynamics.HopeFinal, karim.Options)

	show := func(label string, a *agents.Agent) {
		x := agents.Predict(a, &iraq, &pol, &p)
		fmt.Printf("%s\n", label)
		fmt.Printf("  L_avr %9.5f  h_avr %.5f\n", x.AVR, agents.Logistic(x.AVR))
		fmt.Printf("  L_ind %9.5f  h_ind %.5f\n", x.Independent, agents.Logistic(x.Independent))
		fmt.Printf("  L_abs %9.5f  h_abs %.5f\n", x.Absconded, agents.Logistic(x.Absconded))
		fmt.Printf("  L_np  %9.5f  h_np  %.5f\n", x.NewProcedure, agents.Logistic(x.NewProcedure))
	}

	// 7.3: the first file
	fmt.Printf("drivers %.5f\n", agents.Drivers(&karim, &iraq, pol.Enforcement, &p.AVR))
	fmt.Printf("R %.5f\n", agents.ReintegrationLogOdds(&karim, &iraq, &pol, &p.Reintegrate))
	avr, legal := agents.SessionEffect(&karim, &iraq, agents.MomentFinal, 1, &pol.Counselling, &p)
	fmt.Printf("session %.5f (legal %.5f)\n", avr, legal)
	show("first file, uncounselled:", &karim)
	karim.CounselAVR, karim.Counselled, karim.EverCounselled = avr, true, true
	show("first file, counselled:", &karim)

	// 7.5: had he applied again and been rejected (the session left out)
	second := karim
	second.CounselAVR = 0
	agents.Rejection(&second, &p.Dynamics)
	agents.FinalDecision(&second, &p.Dynamics)
	second.FileNumber = 2
	fmt.Printf("after a rejected application: Options %.2f Hope %.2f\n", second.Options, second.Hope)
	show("second file, departure period, uncounselled:", &second)

	// 7.6: he absconds in the departure period instead, the session's
	// boost still on him; 24 months out of sight, then found by the
	// police and placed without shelter (not detained)
	away := karim
	stay := away.MonthsIrregular
	h := agents.DecideOutOfSight(&away, &iraq, stay, p.AVR.StayCapMonths, &p.OutOfSight)
	find := findRate * pol.Enforcement
	total := find + statusOutOfSight + h.Leave + h.Apply + requestOutOfSight
	fmt.Printf("out of sight: leave %.5f apply %.5f find %.5f status %.5f request %.5f total %.5f mean months %.1f\n",
		h.Leave, h.Apply, find, statusOutOfSight, requestOutOfSight, total, 1/total)
	fmt.Printf("  next event: find %.3f status %.3f leave %.3f apply %.3f request %.3f\n",
		find/total, statusOutOfSight/total, h.Leave/total, h.Apply/total, requestOutOfSight/total)
	away.Place = agents.OutOfSight
	agents.Age(&away, 24, &p)
	agents.PoliceExperience(&away, &p.Dynamics)
	away.Place, away.Shelter, away.FileNumber = agents.InFile, agents.NoShelter, 2
	fmt.Printf("found after 24 months: MonthsIrregular %d MonthsSinceFinal %d Trust %.5f Hope %.2f CounselAVR %.5f pathway %s\n",
		away.MonthsIrregular, away.MonthsSinceFinal, away.Trust, away.Hope, away.CounselAVR, agents.PathwayOf(&away, &iraq, &p.Pathway))
	fmt.Printf("drivers %.5f\n", agents.Drivers(&away, &iraq, pol.Enforcement, &p.AVR))
	show("second file, found, no shelter:", &away)

	// 7.8: under deadline timing, a session at the second file's opening
	gov, _ := agents.SessionEffect(&away, &iraq, agents.MomentDeadline, 1, &pol.Counselling, &p)
	ngoPerson := away
	ngoPerson.Provider = agents.NGO
	ngo, ngoLegal := agents.SessionEffect(&ngoPerson, &iraq, agents.MomentDeadline, 1, &pol.Counselling, &p)
	fmt.Printf("deadline session: government %.5f; NGO %.5f (legal %.5f)\n", gov, ngo, ngoLegal)

	// 6.3: pattern P3's two terms for Nigeria against Iraq, at sensitivity
	// 0.5 and enforcement 1 (Nigeria's row of sim/origins.csv)
	nigeria := agents.Origin{Code: "NG", Name: "Nigeria", Share: 0.06, Cooperation: 0.85, Class: agents.CoopHigh,
		Conditions: 0.25, Distance: 0.9, Eligible: true}
	for _, o := range []agents.Origin{nigeria, iraq} {
		fmt.Printf("%s: conditions term %.5f, threat term %.5f\n", o.Code,
			p.AVR.Conditions*(o.Conditions-0.5), p.AVR.Threat*0.5*o.Cooperation*pol.Enforcement)
	}

	// Output:
	// drivers -0.67971
	// R 0.16613
	// session 1.41139 (legal 0.00000)
	// first file, uncounselled:
	//   L_avr  -4.82188  h_avr 0.00799
	//   L_ind  -4.55333  h_ind 0.01042
	//   L_abs  -4.66120  h_abs 0.00937
	//   L_np   -3.70160  h_np  0.02409
	// first file, counselled:
	//   L_avr  -3.41049  h_avr 0.03197
	//   L_ind  -4.55333  h_ind 0.01042
	//   L_abs  -4.66120  h_abs 0.00937
	//   L_np   -3.70160  h_np  0.02409
	// after a rejected application: Options 0.70 Hope 0.35
	// second file, departure period, uncounselled:
	//   L_avr  -4.59688  h_avr 0.00998
	//   L_ind  -4.41833  h_ind 0.01191
	//   L_abs  -4.66120  h_abs 0.00937
	//   L_np   -4.00160  h_np  0.01796
	// out of sight: leave 0.04474 apply 0.00052 find 0.01678 status 0.00050 request 0.00472 total 0.06727 mean months 14.9
	//   next event: find 0.250 status 0.007 leave 0.665 apply 0.008 request 0.070
	// found after 24 months: MonthsIrregular 24 MonthsSinceFinal 24 Trust 0.31427 Hope 0.50 CounselAVR 0.00667 pathway hopelessness
	// drivers -1.36781
	// second file, found, no shelter:
	//   L_avr  -5.50331  h_avr 0.00406
	//   L_ind  -4.96618  h_ind 0.00692
	//   L_abs  -4.63833  h_abs 0.00958
	//   L_np   -3.70160  h_np  0.02409
	// deadline session: government 0.28388; NGO 1.44526 (legal 0.40000)
	// NG: conditions term -1.82252, threat term 0.15166
	// IQ: conditions term 0.00000, threat term 0.08029
}
