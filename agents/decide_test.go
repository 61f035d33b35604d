package agents_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/agents"
)

// tol is the tolerance between a value computed in the test's own arithmetic
// and the package's: both are sums of a few products of numbers below 20 in
// magnitude, so they differ only by rounding, a few ulps (about 1e-15).
const tol = 1e-12

// none is the log-odds of an outcome that cannot happen: its hazard,
// logistic(-Inf) = 1/(1+Inf), is exactly 0.
var none = math.Inf(-1)

// logistic is written out again here so that expected hazards do not come
// from the function under test.
func logistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func near(got, want float64) bool {
	if math.IsInf(want, 0) || want == 0 {
		return got == want
	}
	return math.Abs(got-want) <= tol
}

// testParams are hand-made parameters with intercepts only: every effect is
// zero, so each case sets the one or two effects it checks and the test does
// not change when the defaults are recalibrated. The intercepts are distinct
// arbitrary values, so a term added to the wrong predictor shows.
func testParams() agents.Params {
	var p agents.Params
	p.AVR.Base = -3
	p.AVR.StayCapMonths = 600 // the top of its range: the cap binds only where a case lowers it
	p.Independent.Base = -4
	p.Independent.Weight = 0.5
	p.Absconding.Base = -2
	p.NewProcedure.Base = -5
	return p
}

// stageTerms sets every stage effect at once, each to a distinct value, so a
// case shows that only its own stage's term applies.
func stageTerms(p *agents.Params) {
	p.AVR.Pending = -1.5
	p.AVR.Detained = 1.0
	p.Absconding.Reception = -2.5
	p.Absconding.Departure = 0.8
	p.Absconding.NoShelter = 0.6
	p.Absconding.VBL, p.Absconding.FamilyLoc = -0.8, -0.7
}

// testAgent is a single person on a first file, three months past the
// deadline without shelter, with every driver at zero.
func testAgent() agents.Agent {
	return agents.Agent{
		PersonID: 7, CaseID: 11, FileNumber: 1,
		Shelter: agents.NoShelter, MonthsIrregular: 3, MonthsOpen: 9, MonthsSinceFinal: 3,
	}
}

// testOrigin has conditions at the centre 0.5 (no conditions effect), no
// distance and its own reintegration flag set.
func testOrigin() agents.Origin {
	return agents.Origin{Code: "IQ", Name: "Iraq", Share: 1, Cooperation: 0.5, Class: agents.CoopMedium, Conditions: 0.5, Eligible: true}
}

func TestLogistic(t *testing.T) {
	for _, c := range []struct {
		x, want float64
	}{
		{0, 0.5},
		{math.Log(3), 0.75},  // 1/(1+1/3)
		{-math.Log(3), 0.25}, // 1/(1+3)
		{math.Inf(-1), 0},
		{math.Inf(1), 1},
		{-1000, 0}, // e^1000 overflows to +Inf: no NaN
		{1000, 1},
	} {
		if got := agents.Logistic(c.x); math.Abs(got-c.want) > tol {
			t.Errorf("Logistic(%v) = %v, want %v", c.x, got, c.want)
		}
	}
}

func TestDecide(t *testing.T) {
	for _, c := range []struct {
		name   string
		params func(*agents.Params)
		agent  func(*agents.Agent)
		origin func(*agents.Origin)
		policy func(*agents.Policy)
		// log-odds of AVR, independent departure, absconding and a new
		// procedure; none where the outcome cannot happen
		avr, ind, abs, np float64
	}{
		{
			name: "no shelter, intercepts only",
			avr:  -3, ind: -4, abs: -2, np: -5,
		},

		// Stages: each sets every stage term; only its own applies.
		{
			name:   "reception: pending term, no new procedure",
			params: stageTerms,
			agent:  func(a *agents.Agent) { a.Shelter, a.MonthsSinceFinal = agents.Reception, -1 },
			avr:    -3 + -1.5, // Base + Pending
			ind:    -4,        // Pending is not a driver
			abs:    -2 + -2.5, // Base + Reception
			np:     none,      // the appeal is still pending
		},
		{
			name:   "departure period",
			params: stageTerms,
			agent:  func(a *agents.Agent) { a.Shelter, a.MonthsSinceFinal = agents.Departure, 0 },
			avr:    -3, ind: -4,
			abs: -2 + 0.8, // Base + Departure
			np:  -5,
		},
		{
			name:   "no shelter",
			params: stageTerms,
			avr:    -3, ind: -4,
			abs: -2 + 0.6, // Base + NoShelter
			np:  -5,
		},
		{
			name:   "freedom-restricting location",
			params: stageTerms,
			agent:  func(a *agents.Agent) { a.Shelter = agents.VBL },
			avr:    -3, ind: -4,
			abs: -2 + -0.8, // Base + VBL
			np:  -5,
		},
		{
			name:   "family location",
			params: stageTerms,
			agent:  func(a *agents.Agent) { a.Shelter = agents.FamilyLocation },
			avr:    -3, ind: -4,
			abs: -2 + -0.7, // Base + FamilyLoc
			np:  -5,
		},
		{
			name:   "detention: only AVR and new procedure",
			params: stageTerms,
			agent:  func(a *agents.Agent) { a.Shelter = agents.Detention },
			avr:    -3 + 1.0, // Base + Detained
			ind:    none, abs: none,
			np: -5,
		},
		{
			name: "detention keeps drivers and counselling",
			params: func(p *agents.Params) {
				stageTerms(p)
				p.AVR.FamilyPull = 1.2
			},
			agent: func(a *agents.Agent) {
				a.Shelter, a.FamilyPull, a.CounselAVR, a.CounselLegal = agents.Detention, 0.5, 0.3, 0.2
			},
			avr: -3 + 1.2*0.5 + 0.3 + 1.0, // Base + FamilyPull x pull + counselling + Detained
			ind: none, abs: none,
			np: -5 + 0.2, // Base + legal boost
		},

		// Drivers: the sign of each; independent departure takes Weight (0.5) of them.
		{
			name:   "family pull raises AVR",
			params: func(p *agents.Params) { p.AVR.FamilyPull = 1.2 },
			agent:  func(a *agents.Agent) { a.FamilyPull = 0.5 },
			avr:    -3 + 1.2*0.5, ind: -4 + 0.5*(1.2*0.5), abs: -2, np: -5,
		},
		{
			name:   "family pressure lowers AVR",
			params: func(p *agents.Params) { p.AVR.FamilyPressure = 1.0 },
			agent:  func(a *agents.Agent) { a.FamilyPressure = 0.4 },
			avr:    -3 - 1.0*0.4, ind: -4 + 0.5*(-1.0*0.4), abs: -2, np: -5,
		},
		{
			name: "network lowers AVR, raises absconding and new procedure",
			params: func(p *agents.Params) {
				p.AVR.Network, p.Absconding.Network, p.NewProcedure.Network = 0.8, 1.0, 0.5
			},
			agent: func(a *agents.Agent) { a.Network = 0.5 },
			avr:   -3 - 0.8*0.5, ind: -4 + 0.5*(-0.8*0.5), abs: -2 + 1.0*0.5, np: -5 + 0.5*0.5,
		},
		{
			name:   "stay lowers AVR by the year",
			params: func(p *agents.Params) { p.AVR.StayPerYear = 0.15 },
			agent:  func(a *agents.Agent) { a.MonthsIrregular = 18 },
			avr:    -3 - 0.15*18/12, ind: -4 + 0.5*(-0.15*18/12), abs: -2, np: -5,
		},
		{
			name:   "stay at the cap",
			params: func(p *agents.Params) { p.AVR.StayPerYear, p.AVR.StayCapMonths = 0.15, 120 },
			agent:  func(a *agents.Agent) { a.MonthsIrregular = 120 },
			avr:    -3 - 0.15*120/12, ind: -4 + 0.5*(-0.15*120/12), abs: -2, np: -5,
		},
		{
			name:   "stay beyond the cap grows no further",
			params: func(p *agents.Params) { p.AVR.StayPerYear, p.AVR.StayCapMonths = 0.15, 120 },
			agent:  func(a *agents.Agent) { a.MonthsIrregular = 300 },
			avr:    -3 - 0.15*120/12, ind: -4 + 0.5*(-0.15*120/12), abs: -2, np: -5,
		},
		{
			name:  "the file number has no effect of its own",
			agent: func(a *agents.Agent) { a.FileNumber = 6 },
			avr:   -3, ind: -4, abs: -2, np: -5, // later files differ only through what the person lived
		},
		{
			name:   "hope lowers AVR and raises a new procedure",
			params: func(p *agents.Params) { p.AVR.Hope, p.NewProcedure.Hope = 1.5, 2.0 },
			agent:  func(a *agents.Agent) { a.Hope = 0.4 },
			avr:    -3 - 1.5*0.4, ind: -4 + 0.5*(-1.5*0.4), abs: -2, np: -5 + 2.0*0.4,
		},
		{
			name:   "hope lowers AVR, raises new procedure",
			params: func(p *agents.Params) { p.AVR.Hope, p.NewProcedure.Hope = 1.5, 2.0 },
			agent:  func(a *agents.Agent) { a.Hope = 0.4 },
			avr:    -3 - 1.5*0.4, ind: -4 + 0.5*(-1.5*0.4), abs: -2, np: -5 + 2.0*0.4,
		},
		{
			name:   "trust raises AVR, lowers absconding",
			params: func(p *agents.Params) { p.AVR.Trust, p.Absconding.Trust = 0.6, 1.2 },
			agent:  func(a *agents.Agent) { a.Trust = 0.5 },
			avr:    -3 + 0.6*0.5, ind: -4 + 0.5*(0.6*0.5), abs: -2 - 1.2*0.5, np: -5,
		},
		{
			name:   "threat scales with sensitivity x cooperation x enforcement",
			params: func(p *agents.Params) { p.AVR.Threat = 1.2 },
			agent:  func(a *agents.Agent) { a.Sensitivity = 0.5 },
			origin: func(o *agents.Origin) { o.Cooperation, o.Class = 0.8, agents.CoopHigh },
			avr:    -3 + 1.2*0.5*0.8, ind: -4 + 0.5*(1.2*0.5*0.8), abs: -2, np: -5,
		},
		{
			name:   "full threat",
			params: func(p *agents.Params) { p.AVR.Threat = 1.2 },
			agent:  func(a *agents.Agent) { a.Sensitivity = 1 },
			origin: func(o *agents.Origin) { o.Cooperation, o.Class = 1, agents.CoopHigh },
			avr:    -3 + 1.2, ind: -4 + 0.5*1.2, abs: -2, np: -5,
		},
		{
			name:   "no threat without sensitivity (stigma)",
			params: func(p *agents.Params) { p.AVR.Threat = 1.2 },
			origin: func(o *agents.Origin) { o.Cooperation, o.Class = 1, agents.CoopHigh },
			avr:    -3, ind: -4, abs: -2, np: -5,
		},
		{
			name:   "twice the enforcement, twice the credibility",
			params: func(p *agents.Params) { p.AVR.Threat = 1.2 },
			agent:  func(a *agents.Agent) { a.Sensitivity = 0.5 },
			origin: func(o *agents.Origin) { o.Cooperation, o.Class = 0.8, agents.CoopHigh },
			policy: func(pol *agents.Policy) { pol.Enforcement = 2 },
			avr:    -3 + 1.2*0.5*0.8*2, ind: -4 + 0.5*(1.2*0.5*0.8*2), abs: -2, np: -5,
		},
		{
			name:   "no threat without enforcement",
			params: func(p *agents.Params) { p.AVR.Threat = 1.2 },
			agent:  func(a *agents.Agent) { a.Sensitivity = 1 },
			origin: func(o *agents.Origin) { o.Cooperation, o.Class = 1, agents.CoopHigh },
			policy: func(pol *agents.Policy) { pol.Enforcement = 0 },
			avr:    -3, ind: -4, abs: -2, np: -5,
		},
		{
			name:   "no threat without cooperation",
			params: func(p *agents.Params) { p.AVR.Threat = 1.2 },
			agent:  func(a *agents.Agent) { a.Sensitivity = 1 },
			origin: func(o *agents.Origin) { o.Cooperation, o.Class = 0, agents.CoopLow },
			avr:    -3, ind: -4, abs: -2, np: -5,
		},
		{
			name:   "deteriorated health raises AVR",
			params: func(p *agents.Params) { p.AVR.Health = 1.5 },
			agent:  func(a *agents.Agent) { a.HealthWorse = true },
			avr:    -3 + 1.5, ind: -4 + 0.5*1.5, abs: -2, np: -5,
		},
		{
			name:   "conditions centred at 0.5",
			params: func(p *agents.Params) { p.AVR.Conditions = 1.0 },
			origin: func(o *agents.Origin) { o.Conditions = 0.25 },
			avr:    -3 + 1.0*(0.25-0.5), ind: -4 + 0.5*(1.0*(0.25-0.5)), abs: -2, np: -5,
		},
		{
			name:   "family household",
			params: func(p *agents.Params) { p.AVR.FamilyInNL, p.Absconding.FamilyInNL = -0.3, -0.6 },
			agent:  func(a *agents.Agent) { a.Household = agents.Family },
			avr:    -3 - 0.3, ind: -4 + 0.5*(-0.3), abs: -2 - 0.6, np: -5,
		},
		{
			name:   "single household has no family terms",
			params: func(p *agents.Params) { p.AVR.FamilyInNL, p.Absconding.FamilyInNL = -0.3, -0.6 },
			avr:    -3, ind: -4, abs: -2, np: -5,
		},
		{
			name:  "counselling boosts AVR, not independent departure",
			agent: func(a *agents.Agent) { a.CounselAVR = 0.7 },
			avr:   -3 + 0.7, ind: -4, abs: -2, np: -5,
		},
		{
			name:  "civil-society legal boost raises new procedure",
			agent: func(a *agents.Agent) { a.CounselLegal = 0.4 },
			avr:   -3, ind: -4, abs: -2, np: -5 + 0.4,
		},
		{
			name:   "reintegration package raises AVR only",
			params: func(p *agents.Params) { p.Reintegrate.Effect = 0.15 },
			policy: func(pol *agents.Policy) { pol.Reintegration.CashEUR = 1000 },
			avr:    -3 + 0.15*math.Ln2, // Effect x ln(1 + 1000/1000), distance 0
			ind:    -4, abs: -2, np: -5,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, a, o := testParams(), testAgent(), testOrigin()
			pol := agents.Policy{Enforcement: 1}
			if c.params != nil {
				c.params(&p)
			}
			if c.agent != nil {
				c.agent(&a)
			}
			if c.origin != nil {
				c.origin(&o)
			}
			if c.policy != nil {
				c.policy(&pol)
			}
			if err := p.Validate(); err != nil {
				t.Fatalf("test params invalid: %v", err)
			}
			if err := o.Validate(); err != nil {
				t.Fatalf("test origin invalid: %v", err)
			}
			want := agents.Hazards{AVR: logistic(c.avr), Independent: logistic(c.ind), Absconded: logistic(c.abs), NewProcedure: logistic(c.np)}
			got := agents.Predict(&a, &o, &pol, &p).Hazards(1)
			if !near(got.AVR, want.AVR) || !near(got.Independent, want.Independent) ||
				!near(got.Absconded, want.Absconded) || !near(got.NewProcedure, want.NewProcedure) {
				t.Errorf("Predict(%s).Hazards(1) = %+v, want %+v", a.Shelter, got, want)
			}
		})
	}
}

func TestReintegrationLogOdds(t *testing.T) {
	p := agents.ReintegrateParams{Effect: 0.15, Distance: 0.6, InKindWeight: 0.5}
	origins := []agents.Origin{
		{Code: "MA", Cooperation: 0.1, Class: agents.CoopLow, Distance: 0.3, Eligible: true},
		{Code: "NG", Cooperation: 0.85, Class: agents.CoopHigh, Distance: 0.9, Eligible: false},
		{Code: "TR", Cooperation: 0.7, Class: agents.CoopHigh, Distance: 0, Eligible: true},
		{Code: "AF", Cooperation: 0.1, Class: agents.CoopLow, Distance: 1, Eligible: true},
	}
	const ma, ng, tr, af = 0, 1, 2, 3
	pkg := agents.Reintegration{CashEUR: 500, InKindEUR: 1500}
	listNG := agents.Reintegration{CashEUR: 500, InKindEUR: 1500, Eligible: []string{"NG"}}
	deadline := agents.Reintegration{CashEUR: 500, InKindEUR: 1500, RequireDeadline: true}
	lnv := math.Log(1 + (500+0.5*1500)/1000.0) // ln(1 + value/1000 EUR), in kind at weight 0.5
	for _, c := range []struct {
		name    string
		r       agents.Reintegration
		prepare bool
		origin  int
		shelter agents.Shelter
		want    float64
	}{
		{"origin's own flag, eligible", pkg, false, ma, agents.Departure, 0.15 * lnv * (1 - 0.6*0.3)},
		{"origin's own flag, not eligible", pkg, false, ng, agents.Departure, 0},
		{"own flag after Prepare", pkg, true, ma, agents.Departure, 0.15 * lnv * (1 - 0.6*0.3)},
		{"own flag false after Prepare", pkg, true, ng, agents.Departure, 0},
		{"policy list overrides the flag after Prepare", listNG, true, ng, agents.Departure, 0.15 * lnv * (1 - 0.6*0.9)},
		{"origin off the policy list after Prepare", listNG, true, ma, agents.Departure, 0},
		{"policy list without Prepare matches the code", listNG, false, ng, agents.Departure, 0.15 * lnv * (1 - 0.6*0.9)},
		{"off the policy list without Prepare", listNG, false, ma, agents.Departure, 0},
		{"require deadline, appeal pending", deadline, true, ma, agents.Reception, 0.15 * lnv * (1 - 0.6*0.3)},
		{"require deadline, departure period", deadline, true, ma, agents.Departure, 0.15 * lnv * (1 - 0.6*0.3)},
		{"require deadline, past it without shelter", deadline, true, ma, agents.NoShelter, 0},
		{"require deadline, past it in a location", deadline, true, ma, agents.VBL, 0},
		{"require deadline, past it in detention", deadline, true, ma, agents.Detention, 0},
		{"no deadline requirement, past it", pkg, true, ma, agents.NoShelter, 0.15 * lnv * (1 - 0.6*0.3)},
		{"distance 0 keeps the whole effect", pkg, true, tr, agents.Departure, 0.15 * lnv},
		{"distance 1 takes Distance of it away", pkg, true, af, agents.Departure, 0.15 * lnv * (1 - 0.6)},
		{"no package", agents.Reintegration{}, true, tr, agents.Departure, 0},
		{"in kind only, at its weight", agents.Reintegration{InKindEUR: 2000}, true, tr, agents.Departure, 0.15 * math.Ln2}, // ln(1 + 0.5 x 2000/1000)
	} {
		t.Run(c.name, func(t *testing.T) {
			pol := agents.Policy{Reintegration: c.r}
			if c.prepare {
				if err := pol.Prepare(origins); err != nil {
					t.Fatalf("Prepare: %v", err)
				}
			}
			a := agents.Agent{Origin: c.origin, FileNumber: 1, Shelter: c.shelter}
			got := agents.ReintegrationLogOdds(&a, &origins[c.origin], &pol, &p)
			if !near(got, c.want) {
				t.Errorf("ReintegrationLogOdds(%s, %s) = %v, want %v", origins[c.origin].Code, c.shelter, got, c.want)
			}
		})
	}

	t.Run("distance shrinks the effect", func(t *testing.T) {
		pol := agents.Policy{Reintegration: pkg}
		prev := math.Inf(1)
		for _, d := range []float64{0, 0.25, 0.5, 0.75, 1} {
			o := agents.Origin{Code: "XX", Distance: d, Eligible: true}
			a := agents.Agent{FileNumber: 1, Shelter: agents.Departure}
			got := agents.ReintegrationLogOdds(&a, &o, &pol, &p)
			if got >= prev {
				t.Errorf("ReintegrationLogOdds(distance %v) = %v, want less than %v at a shorter distance", d, got, prev)
			}
			prev = got
		}
	})
}

// counselParams are hand-made counselling parameters with distinct values.
func counselParams() agents.CounsellingParams {
	return agents.CounsellingParams{
		Effect: 0.8, Retention: 0.5,
		MomentFirst: 0.4, MomentFinal: 1.0, MomentDeadline: 0.7, MomentDetention: 0.3, MomentRoutine: 0.5,
		CivilTrust: 0.8, IOMGovWeight: 0.25, Knowledge: 0.3, Partner: 0.2, CivilReturn: 0.6, CivilLegal: 0.9,
	}
}

func TestTrustIn(t *testing.T) {
	p := counselParams()
	a := agents.Agent{Trust: 0.2}
	for _, c := range []struct {
		pr   agents.Provider
		want float64
	}{
		{agents.Government, 0.2},              // the agent's trust in government
		{agents.NGO, 0.8},                     // CivilTrust, whatever the agent's trust in government
		{agents.IOM, 0.25*0.2 + (1-0.25)*0.8}, // IOMGovWeight x trust + (1 - IOMGovWeight) x CivilTrust
	} {
		t.Run(c.pr.String(), func(t *testing.T) {
			if got := agents.TrustIn(&a, c.pr, &p); !near(got, c.want) {
				t.Errorf("TrustIn(trust 0.2, %s) = %v, want %v", c.pr, got, c.want)
			}
		})
	}
}

func TestSessionEffect(t *testing.T) {
	var p agents.Params
	p.Counselling = counselParams()
	p.Counselling.SpectrumHighAgency, p.Counselling.SpectrumAcceptance = 0.3, 1
	p.Counselling.SpectrumHopeless, p.Counselling.SpectrumHopelessCivil = 0.4, 0.9
	p.Pathway = agents.PathwayParams{HighAgencyPull: 0.7, AcceptanceMonths: 6, HopelessMonths: 24}
	o := testOrigin()
	plain := agents.Counselling{}
	// near is a person near the final decision (acceptance: factor 1);
	// highAgency has deteriorated health; longStay is far past the
	// decision after a long irregular stay (hopelessness).
	near0 := func(a *agents.Agent) {}
	highAgency := func(a *agents.Agent) { a.HealthWorse = true }
	longStay := func(a *agents.Agent) { a.Shelter, a.MonthsSinceFinal, a.MonthsIrregular = agents.NoShelter, 30, 30 }
	for _, c := range []struct {
		name       string
		provider   agents.Provider
		moment     agents.Moment
		q          float64
		c          agents.Counselling
		avr, legal float64
		state      func(*agents.Agent)
	}{
		// Effect 0.8 x moment x trust 0.5 (government) x quality x gain
		{"government, first decision", agents.Government, agents.MomentFirst, 1, plain, 0.8 * 0.4 * 0.5, 0, near0},
		{"government, final decision", agents.Government, agents.MomentFinal, 1, plain, 0.8 * 1.0 * 0.5, 0, near0},
		{"government, deadline", agents.Government, agents.MomentDeadline, 1, plain, 0.8 * 0.7 * 0.5, 0, near0},
		{"government, detention", agents.Government, agents.MomentDetention, 1, plain, 0.8 * 0.3 * 0.5, 0, near0},
		{"government, routine", agents.Government, agents.MomentRoutine, 1, plain, 0.8 * 0.5 * 0.5, 0, near0},
		{"half quality halves the effect", agents.Government, agents.MomentFinal, 0.5, plain, 0.8 * 1.0 * 0.5 * 0.5, 0, near0},
		{"country knowledge", agents.Government, agents.MomentFinal, 1, agents.Counselling{CountryKnowledge: 0.5}, 0.8 * 1.0 * 0.5 * (1 + 0.3*0.5), 0, near0},
		{"partner contact", agents.Government, agents.MomentFinal, 1, agents.Counselling{PartnerContact: true}, 0.8 * 1.0 * 0.5 * (1 + 0.2), 0, near0},
		{"knowledge and partner add", agents.Government, agents.MomentFinal, 1, agents.Counselling{CountryKnowledge: 1, PartnerContact: true}, 0.8 * 1.0 * 0.5 * (1 + 0.3 + 0.2), 0, near0},
		// civil society: CivilTrust 0.8 whatever the agent's trust, x CivilReturn for AVR; legal boost CivilLegal x trust x quality
		{"civil society", agents.NGO, agents.MomentFinal, 1, plain, 0.8 * 1.0 * 0.8 * 0.6, 0.9 * 0.8, near0},
		{"civil society at half quality", agents.NGO, agents.MomentDeadline, 0.5, plain, 0.8 * 0.7 * 0.8 * 0.5 * 0.6, 0.9 * 0.8 * 0.5, near0},
		{"civil society with partner", agents.NGO, agents.MomentFinal, 1, agents.Counselling{PartnerContact: true}, 0.8 * 1.0 * 0.8 * (1 + 0.2) * 0.6, 0.9 * 0.8, near0},
		// IOM: weighted trust 0.25 x 0.5 + 0.75 x 0.8, no civil-society factors
		{"IOM", agents.IOM, agents.MomentFinal, 1, plain, 0.8 * 1.0 * (0.25*0.5 + 0.75*0.8), 0, near0},
		// the agency spectrum (seed 001): little at high agency; after a long
		// stay a government session reaches a person at SpectrumHopeless 0.4
		// and through their trust, civil society at SpectrumHopelessCivil 0.9
		{"high agency", agents.Government, agents.MomentFinal, 1, plain, 0.8 * 1.0 * 0.5 * 0.3, 0, highAgency},
		{"long stay, government", agents.Government, agents.MomentFinal, 1, plain, 0.8 * 1.0 * 0.5 * 0.4, 0, longStay},
		{"long stay, civil society", agents.NGO, agents.MomentFinal, 1, plain, 0.8 * 1.0 * 0.8 * 0.6 * 0.9, 0.9 * 0.8, longStay},
		{"long stay, IOM", agents.IOM, agents.MomentFinal, 1, plain, 0.8 * 1.0 * (0.25*0.5 + 0.75*0.8) * 0.4, 0, longStay},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := agents.Agent{Trust: 0.5, Provider: c.provider}
			c.state(&a)
			avr, legal := agents.SessionEffect(&a, &o, c.moment, c.q, &c.c, &p)
			if !near(avr, c.avr) || !near(legal, c.legal) {
				t.Errorf("SessionEffect(%s, moment %d, q %v) = %v, %v, want %v, %v", c.provider, c.moment, c.q, avr, legal, c.avr, c.legal)
			}
		})
	}
}

func TestPathwayOf(t *testing.T) {
	p := agents.PathwayParams{HighAgencyPull: 0.7, AcceptanceMonths: 6, HopelessMonths: 24}
	high := agents.Origin{Code: "GE", Cooperation: 0.9, Class: agents.CoopHigh}
	medium := agents.Origin{Code: "IQ", Cooperation: 0.45, Class: agents.CoopMedium}
	// long is past every threshold of rules 3 and 4: rule 4 would say hopelessness.
	long := agents.Agent{Shelter: agents.NoShelter, MonthsSinceFinal: 30, MonthsIrregular: 30}
	with := func(f func(*agents.Agent)) agents.Agent { a := long; f(&a); return a }
	for _, c := range []struct {
		name   string
		a      agents.Agent
		origin agents.Origin
		want   agents.Pathway
	}{
		{"detention is coercion", with(func(a *agents.Agent) { a.Shelter = agents.Detention }), medium, agents.Coercion},
		{"detention before health (rule 1 before 2)", with(func(a *agents.Agent) { a.Shelter, a.HealthWorse = agents.Detention, true }), medium, agents.Coercion},
		{"location with high cooperation is coercion", with(func(a *agents.Agent) { a.Shelter, a.FamilyPull = agents.FamilyLocation, 0.9 }), high, agents.Coercion},
		{"location with medium cooperation is not", with(func(a *agents.Agent) { a.Shelter = agents.VBL }), medium, agents.Hopelessness},
		{"no shelter with high cooperation is not", long, high, agents.Hopelessness},
		{"health is high agency", with(func(a *agents.Agent) { a.HealthWorse = true }), medium, agents.HighAgency},
		{"pull at the threshold is high agency", with(func(a *agents.Agent) { a.FamilyPull = 0.7 }), medium, agents.HighAgency},
		{"pull below the threshold is not", with(func(a *agents.Agent) { a.FamilyPull = 0.69 }), medium, agents.Hopelessness},
		{"high agency before acceptance (rule 2 before 3)", agents.Agent{Shelter: agents.Reception, MonthsSinceFinal: -1, HealthWorse: true}, medium, agents.HighAgency},
		{"appeal pending is acceptance", agents.Agent{Shelter: agents.Reception, MonthsSinceFinal: -1, MonthsIrregular: 100}, medium, agents.Acceptance},
		{"final decision at the limit is acceptance", with(func(a *agents.Agent) { a.MonthsSinceFinal = 6 }), medium, agents.Acceptance},
		{"acceptance before hopelessness (rule 3 before 4)", with(func(a *agents.Agent) { a.MonthsSinceFinal = 0 }), medium, agents.Acceptance},
		{"irregular stay at the limit is hopelessness", with(func(a *agents.Agent) { a.MonthsSinceFinal, a.MonthsIrregular = 7, 24 }), medium, agents.Hopelessness},
		{"otherwise acceptance (rule 5)", with(func(a *agents.Agent) { a.MonthsSinceFinal, a.MonthsIrregular = 7, 23 }), medium, agents.Acceptance},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := agents.PathwayOf(&c.a, &c.origin, &p); got != c.want {
				t.Errorf("PathwayOf(%s, %s cooperation) = %q, want %q", c.a.Shelter, c.origin.Class, got, c.want)
			}
		})
	}
}

func TestHopeAt(t *testing.T) {
	for _, c := range []struct{ base, options, want float64 }{
		{0.5, 1, 0.5},           // all options left
		{0.5, 0.7, 0.35},        // one rejection at OptionsLost 0.3
		{0.9, 0.7 * 0.7, 0.441}, // two
		{0.9, 0, 0},             // none left
	} {
		if got := agents.HopeAt(c.base, c.options); !near(got, c.want) {
			t.Errorf("HopeAt(%v, %v) = %v, want %v", c.base, c.options, got, c.want)
		}
	}
}

func TestRejection(t *testing.T) {
	p := agents.DynamicsParams{OptionsLost: 0.3}
	a := agents.Agent{Options: 1}
	for i, want := range []float64{0.7, 0.49, 0.343} {
		agents.Rejection(&a, &p)
		if !near(a.Options, want) {
			t.Errorf("after %d rejections options = %v, want %v", i+1, a.Options, want)
		}
	}
}

func TestFinalDecision(t *testing.T) {
	p := agents.DynamicsParams{HopePending: 0.9, HopeFinal: 0.5, OptionsLost: 0.3}
	for _, c := range []struct {
		options, hope float64
	}{
		{1, 0.5},
		{0.49, 0.5 * 0.49}, // two rejected applications
	} {
		t.Run(strconv.FormatFloat(c.options, 'g', -1, 64), func(t *testing.T) {
			a := agents.Agent{FileNumber: 3, Options: c.options, Shelter: agents.Reception, MonthsSinceFinal: -1, Hope: 0.9, MonthsOpen: 5, MonthsIrregular: 12}
			agents.FinalDecision(&a, &p)
			want := agents.Agent{FileNumber: 3, Options: c.options, Shelter: agents.Departure, MonthsSinceFinal: 0, Hope: c.hope, MonthsOpen: 5, MonthsIrregular: 12}
			if !near(a.Hope, want.Hope) {
				t.Errorf("FinalDecision(options %v) hope = %v, want %v", c.options, a.Hope, want.Hope)
			}
			a.Hope = want.Hope
			if a != want {
				t.Errorf("FinalDecision(options %v) = %+v, want %+v", c.options, a, want)
			}
		})
	}
}

func TestDecideOutOfSight(t *testing.T) {
	p := agents.OutOfSightParams{LeaveBase: -3, LeaveConditions: 1, LeaveNetwork: 2, LeaveStay: 0.3, ApplyBase: -5, ApplyHope: 1.5}
	o := testOrigin()
	o.Conditions = 0.8
	a := agents.Agent{Network: 0.25, Hope: 0.4}
	got := agents.DecideOutOfSight(&a, &o, 200, 120, &p) // 200 months of stay, capped at 120
	want := agents.OutOfSightHazards{
		Leave: logistic(-3 + 1*(0.8-0.5) - 2*0.25 + 0.3*120/12),
		Apply: logistic(-5 + 1.5*0.4),
	}
	if !near(got.Leave, want.Leave) || !near(got.Apply, want.Apply) {
		t.Errorf("DecideOutOfSight = %+v, want %+v", got, want)
	}
}

// TestAgeOutOfSight: months out of sight add to irregular stay and to the
// time since the final decision, and fade trust and counselling month by
// month, exactly as that many steps would; hope is held. In a procedure
// only counselling fades.
func TestAgeOutOfSight(t *testing.T) {
	var p agents.Params
	p.Counselling.Retention = 0.5
	p.Dynamics.TrustDecay = 0.1
	p.Dynamics.HopeDecay = 0.2
	start := agents.Agent{Place: agents.OutOfSight, MonthsOpen: 2, MonthsIrregular: 10, MonthsSinceFinal: 4, Trust: 0.5, Hope: 0.3, CounselAVR: 0.8, CounselLegal: 0.4}
	a := start
	agents.Age(&a, 3, &p)
	if a.MonthsIrregular != 13 || a.MonthsSinceFinal != 7 || !near(a.Trust, 0.5*0.9*0.9*0.9) ||
		a.Hope != 0.3 || a.MonthsOpen != 2 || !near(a.CounselAVR, 0.1) || !near(a.CounselLegal, 0.05) {
		t.Errorf("Age(out of sight, 3 months) = %+v", a)
	}
	a = start
	a.Place = agents.InProcedure
	agents.Age(&a, 3, &p)
	want := start
	want.Place, want.CounselAVR, want.CounselLegal = agents.InProcedure, a.CounselAVR, a.CounselLegal
	if a != want || !near(a.CounselAVR, 0.1) || !near(a.CounselLegal, 0.05) {
		t.Errorf("Age(in a procedure, 3 months) = %+v, want %+v with counselling at an eighth", a, want)
	}
}

func TestAge(t *testing.T) {
	var p agents.Params
	p.Counselling.Retention = 0.5
	p.Dynamics.HopeDecay = 0.1
	p.Dynamics.TrustDecay = 0.2
	start := agents.Agent{
		FileNumber: 2, MonthsOpen: 2, MonthsIrregular: 10, MonthsSinceFinal: 3,
		Hope: 0.5, Trust: 0.5, CounselAVR: 0.8, CounselLegal: 0.4,
	}
	type fields struct {
		monthsOpen, irregular, sinceFinal     int
		hope, trust, counselAVR, counselLegal float64
	}
	for _, c := range []struct {
		shelter agents.Shelter
		want    fields
	}{
		// counselling keeps Retention 0.5 in every stage; pending, nothing else moves
		{agents.Reception, fields{3, 10, -1, 0.5, 0.5, 0.4, 0.2}},
		// past the final decision, hope loses HopeDecay 0.1; trust falls by TrustDecay 0.2 only without shelter
		{agents.Departure, fields{3, 11, 4, 0.5 * 0.9, 0.5, 0.4, 0.2}},
		{agents.NoShelter, fields{3, 11, 4, 0.5 * 0.9, 0.5 * 0.8, 0.4, 0.2}},
		{agents.VBL, fields{3, 11, 4, 0.5 * 0.9, 0.5, 0.4, 0.2}},
		{agents.FamilyLocation, fields{3, 11, 4, 0.5 * 0.9, 0.5, 0.4, 0.2}},
		{agents.Detention, fields{3, 11, 4, 0.5 * 0.9, 0.5, 0.4, 0.2}},
	} {
		t.Run(c.shelter.String(), func(t *testing.T) {
			a := start
			a.Shelter = c.shelter
			if c.shelter == agents.Reception {
				a.MonthsSinceFinal = -1
			}
			agents.Age(&a, 1, &p)
			got := fields{a.MonthsOpen, a.MonthsIrregular, a.MonthsSinceFinal, a.Hope, a.Trust, a.CounselAVR, a.CounselLegal}
			w := c.want
			if got.monthsOpen != w.monthsOpen || got.irregular != w.irregular || got.sinceFinal != w.sinceFinal ||
				!near(got.hope, w.hope) || !near(got.trust, w.trust) || !near(got.counselAVR, w.counselAVR) || !near(got.counselLegal, w.counselLegal) {
				t.Errorf("Age(%s) = %+v, want %+v", c.shelter, got, w)
			}
			if a.Shelter != c.shelter || a.FileNumber != start.FileNumber {
				t.Errorf("Age(%s) changed shelter or file: %s, file %d", c.shelter, a.Shelter, a.FileNumber)
			}
		})
	}
}

func TestPoliceExperience(t *testing.T) {
	p := agents.DynamicsParams{PoliceDrop: 0.2}
	a := agents.Agent{Trust: 0.5}
	agents.PoliceExperience(&a, &p)
	if want := 0.5 * (1 - 0.2); !near(a.Trust, want) {
		t.Errorf("PoliceExperience(trust 0.5, drop 0.2) trust = %v, want %v", a.Trust, want)
	}
}

// randomize sets every ranged field of the struct v to a draw inside its
// declared range: a quarter of the time its lower end, a quarter its upper
// end, and otherwise a uniform draw, so the extremes are well covered.
func randomize(v reflect.Value, r *rand.Rand) {
	for i := 0; i < v.NumField(); i++ {
		f, fv := v.Type().Field(i), v.Field(i)
		if fv.Kind() == reflect.Struct {
			randomize(fv, r)
			continue
		}
		a, b, ok := strings.Cut(f.Tag.Get("range"), ",")
		if !ok {
			continue
		}
		lo, err1 := strconv.ParseFloat(a, 64)
		hi, err2 := strconv.ParseFloat(b, 64)
		if err1 != nil || err2 != nil {
			panic(fmt.Sprintf("bad range on %s", f.Name))
		}
		x := lo + (hi-lo)*r.Float64()
		switch r.IntN(4) {
		case 0:
			x = lo
		case 1:
			x = hi
		}
		switch fv.Kind() {
		case reflect.Float64:
			fv.SetFloat(x)
		case reflect.Int:
			fv.SetInt(int64(math.Round(x)))
		}
	}
}

// TestDecideHazardsInUnitInterval draws random parameters inside their
// declared ranges and random states, and checks that every hazard is a
// probability. Seed 1, 2 is arbitrary and fixed; 20,000 states cover each
// shelter about 4,000 times.
func TestDecideHazardsInUnitInterval(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		var p agents.Params
		randomize(reflect.ValueOf(&p).Elem(), r)
		if err := p.Validate(); err != nil {
			t.Fatalf("random params invalid: %v", err)
		}
		coop := r.Float64()
		class := agents.CoopMedium
		switch {
		case coop < 1.0/3:
			class = agents.CoopLow
		case coop >= 2.0/3:
			class = agents.CoopHigh
		}
		o := agents.Origin{Code: "XX", Share: 1, Cooperation: coop, Class: class, Conditions: r.Float64(), Distance: r.Float64(), Eligible: r.IntN(2) == 0}
		pol := agents.Policy{Reintegration: agents.Reintegration{
			CashEUR: 100000 * r.Float64(), InKindEUR: 100000 * r.Float64(), RequireDeadline: r.IntN(2) == 0,
		}}
		a := agents.Agent{
			FileNumber: 1 + r.IntN(20), Household: agents.Household(r.IntN(2)),
			FamilyPull: r.Float64(), FamilyPressure: r.Float64(), Network: r.Float64(), Sensitivity: r.Float64(),
			HealthWorse: r.IntN(2) == 0, Hope: r.Float64(), Trust: r.Float64(),
			Shelter: agents.Shelter(r.IntN(5)), MonthsIrregular: r.IntN(1000), MonthsSinceFinal: r.IntN(200) - 1,
			CounselAVR: 10 * r.Float64(), CounselLegal: 10 * r.Float64(),
		}
		h := agents.Predict(&a, &o, &pol, &p).Hazards(1)
		for _, x := range []struct {
			name string
			v    float64
		}{{"AVR", h.AVR}, {"Independent", h.Independent}, {"Absconded", h.Absconded}, {"NewProcedure", h.NewProcedure}} {
			if !(x.v >= 0 && x.v <= 1) {
				t.Fatalf("Predict(%+v, %+v).Hazards(1).%s = %v, want a probability in [0,1]\nparams %+v", a, o, x.name, x.v, p)
			}
		}
	}
}
