package agents

import "math"

// Logistic is 1/(1+e^-x): the monthly probability of a log-odds predictor.
func Logistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// Hazards are the monthly probabilities of the outcomes an agent chooses.
type Hazards struct {
	AVR, Independent, Absconded, NewProcedure float64
}

// Drivers is the part of the AVR predictor that comes from the agent, its
// origin and the credibility of the threat of deportation, without
// intercept, stage or policy instruments. Independent departure shares it
// with a weight. Credibility is the origin's cooperation on forced return
// times the enforcement in force, felt through the agent's sensitivity.
// No term depends on the file number itself: later files differ through
// what the person has lived (stay, hope, trust, health).
func Drivers(a *Agent, o *Origin, enforcement float64, p *AVRParams) float64 {
	stay := a.MonthsIrregular
	if stay > p.StayCapMonths {
		stay = p.StayCapMonths
	}
	threat := p.Threat * a.Sensitivity * o.Cooperation * enforcement
	if a.Household == Family {
		threat *= p.FamilyThreat
	}
	x := p.FamilyPull*a.FamilyPull -
		p.FamilyPressure*a.FamilyPressure -
		p.Network*a.Network -
		p.StayPerYear*float64(stay)/12 -
		p.Hope*a.Hope +
		p.Trust*a.Trust +
		threat +
		p.Conditions*(o.Conditions-0.5)
	if a.HealthWorse {
		x += p.Health
	}
	if a.Household == Family {
		x += p.FamilyInNL
	}
	return x
}

// Impossible is the log-odds of an outcome that cannot happen in a stage.
var Impossible = math.Inf(-1)

// LogOdds are the linear predictors of the outcomes an agent chooses; an
// outcome that cannot happen in the agent's stage has Impossible.
type LogOdds struct {
	AVR, Independent, Absconded, NewProcedure float64
}

// Predict returns the log-odds of the monthly hazards of the outcomes agent
// a chooses, given its origin o (at index a.Origin of the table pol was
// prepared with), the policy in force and the parameters. It is pure.
//
// AVR: Base + Drivers + stage (Pending, Detained) + reintegration + counselling.
// Independent: Base + Weight x Drivers (no assistance, no counselling); none in detention.
// Absconded: Base + Network x network - Trust x trust + stage + family; none in detention.
// NewProcedure: Base + Hope x hope + Network x network +
// the legal boost of a civil-society session; none while the appeal is pending.
func Predict(a *Agent, o *Origin, pol *Policy, p *Params) LogOdds {
	d := Drivers(a, o, pol.Enforcement, &p.AVR)
	x := LogOdds{
		AVR:          p.AVR.Base + d + a.CounselAVR + ReintegrationLogOdds(a, o, pol, &p.Reintegrate),
		Independent:  Impossible,
		Absconded:    Impossible,
		NewProcedure: Impossible,
	}
	switch a.Shelter {
	case Reception:
		x.AVR += p.AVR.Pending
	case Detention:
		x.AVR += p.AVR.Detained
		x.NewProcedure = newProcedure(a, p)
		return x
	}
	x.Independent = p.Independent.Base + p.Independent.Weight*d

	ab := &p.Absconding
	y := ab.Base + ab.Network*a.Network - ab.Trust*a.Trust
	switch a.Shelter {
	case Reception:
		y += ab.Reception
	case Departure:
		y += ab.Departure
	case NoShelter:
		y += ab.NoShelter
	case VBL:
		y += ab.VBL
	case FamilyLocation:
		y += ab.FamilyLoc
	case LVV:
		y += ab.LVV
	}
	if a.Household == Family {
		y += ab.FamilyInNL
	}
	x.Absconded = y
	if a.Shelter != Reception {
		x.NewProcedure = newProcedure(a, p)
	}
	return x
}

// Hazards are the monthly probabilities of the log-odds x: the logistic of
// each, with the departures that need travel (AVR, independent departure)
// at share travel of theirs (1 unless a restriction is in force). The
// decision function of a person in a file is Predict followed by Hazards.
func (x LogOdds) Hazards(travel float64) Hazards {
	return Hazards{AVR: travel * Logistic(x.AVR), Independent: travel * Logistic(x.Independent),
		Absconded: Logistic(x.Absconded), NewProcedure: Logistic(x.NewProcedure)}
}

// Ceiling is an upper bound of the total of x.Hazards(travel) that takes no
// exponential and no division (LogisticUpperBound of each log-odds).
func (x LogOdds) Ceiling(travel float64) float64 {
	return travel*(LogisticUpperBound(x.AVR)+LogisticUpperBound(x.Independent)) +
		LogisticUpperBound(x.Absconded) + LogisticUpperBound(x.NewProcedure)
}

// LogisticUpperBound is an upper bound of Logistic(x) that takes no
// exponential and no division. Logistic(x) < e^x = 2^z with z = x log2(e);
// with n = floor(z) and f = z-n in [0,1), 2^f <= 1+f because 2^f is convex
// and meets 1+f at f = 0 and f = 1. So the bound is 2^n (1+f), at most 6.1%
// above e^x (the largest (1+f)/2^f, at f = 1/ln 2 - 1). It is 1 for x >= 0
// and 0 for x below -700, where Logistic(x) underflows.
func LogisticUpperBound(x float64) float64 {
	if x >= 0 {
		return 1
	}
	if x < -700 {
		return 0
	}
	z := x * math.Log2E
	n := math.Floor(z)
	return math.Float64frombits(uint64(int64(n)+1023)<<52) * (1 + z - n)
}

// PredictBound is an upper bound of each of Predict's log-odds over the
// months in which agent a ages into end (end is a after Age or AgeFar, and
// nothing else happens in between): of Predict at a, at end, and at every month
// between. It is derived from Predict, not written beside it: Predict is a
// sum of terms that each read one field that Age changes (or none), and Age
// moves each field monotonically; so each term lies between its values at
// the two ends, and its largest rise over the months is what moving that
// field alone from a to end raises Predict by, if anything (a field that
// Predict does not read is not moved: predictIgnores). The bound is
// Predict at a plus every such rise, plus 1e-9 for rounding (far above the
// few units in the last place by which AgeFar may miss Age). A term that
// read two ageing fields at once would break the first premise:
// TestBoundHolds, with random parameters over their ranges, would catch it.
func PredictBound(a, end *Agent, o *Origin, pol *Policy, p *Params) LogOdds {
	x := Predict(a, o, pol, p)
	hi := x
	b := *a
	for k := range numAgeing {
		if predictIgnores[k] || !moveAgeing(&b, end, k) {
			continue
		}
		y := Predict(&b, o, pol, p)
		moveAgeing(&b, a, k) // back: b is a again
		hi.AVR += rise(x.AVR, y.AVR)
		hi.Independent += rise(x.Independent, y.Independent)
		hi.Absconded += rise(x.Absconded, y.Absconded)
		hi.NewProcedure += rise(x.NewProcedure, y.NewProcedure)
	}
	const slack = 1e-9
	hi.AVR += slack
	hi.Independent += slack
	hi.Absconded += slack
	hi.NewProcedure += slack
	return hi
}

// rise is how much y lies above x, or 0 (also for two impossible outcomes).
func rise(x, y float64) float64 {
	if y > x {
		return y - x
	}
	return 0
}

func newProcedure(a *Agent, p *Params) float64 {
	n := &p.NewProcedure
	x := n.Base + n.Hope*a.Hope + n.Network*a.Network + a.CounselLegal
	if a.Household == Family {
		x += n.Family
	}
	return x
}

// ReintegrationLogOdds is the AVR effect of the reintegration package for
// agent a: Effect x ln(1 + value/1000 EUR) x (1 - Distance x o.Distance),
// where value is cash plus in-kind support at InKindWeight. It is zero for
// ineligible origins, and after the deadline when the package requires
// departure within it.
func ReintegrationLogOdds(a *Agent, o *Origin, pol *Policy, p *ReintegrateParams) float64 {
	r := &pol.Reintegration
	if r.RequireDeadline && a.Shelter.PastDeadline() {
		return 0
	}
	if r.logOdds != nil && r.cacheFor == r.key(p) {
		return r.logOdds[a.Origin]
	}
	return packageLogOdds(r, o, a.Origin, p)
}

func packageLogOdds(r *Reintegration, o *Origin, i int, p *ReintegrateParams) float64 {
	if !r.IsEligible(o, i) {
		return 0
	}
	v := r.CashEUR + p.InKindWeight*r.InKindEUR
	return p.Effect * math.Log1p(v/1000) * (1 - p.Distance*o.Distance)
}

// TrustIn is the trust agent a places in a counsellor from provider pr:
// its trust in government for the government service, CivilTrust for a
// civil-society organisation, and a weighted mean of the two for IOM.
func TrustIn(a *Agent, pr Provider, p *CounsellingParams) float64 {
	switch pr {
	case Government:
		return a.Trust
	case NGO:
		return p.CivilTrust
	}
	return p.IOMGovWeight*a.Trust + (1-p.IOMGovWeight)*p.CivilTrust
}

// MomentFactor is the share of a session's full effect at moment m.
func MomentFactor(m Moment, p *CounsellingParams) float64 {
	return [...]float64{p.MomentFirst, p.MomentFinal, p.MomentDeadline, p.MomentDetention, p.MomentRoutine}[m]
}

// SpectrumFactor is the share of a session's full effect that reaches agent
// a, by its place on the agency spectrum at the session (PathwayOf on its
// current state, seed 001): little at high agency, full near the final
// decision, and after a long irregular stay only the intensive, trusted
// support of a civil-society provider has full effect. Coercion takes 1: the
// detention moment's factor already carries it.
func SpectrumFactor(a *Agent, o *Origin, p *Params) float64 {
	c := &p.Counselling
	switch PathwayOf(a, o, &p.Pathway) {
	case HighAgency:
		return c.SpectrumHighAgency
	case Hopelessness:
		if a.Provider == NGO {
			return c.SpectrumHopelessCivil
		}
		return c.SpectrumHopeless
	case Acceptance:
		return c.SpectrumAcceptance
	}
	return 1
}

// SessionEffect returns the log-odds boosts that one session at moment m and
// quality q (1 = full) gives agent a from origin o: to AVR, and, from a
// civil-society provider, to a new procedure and regularisation.
//
//	avr   = Effect x MomentFactor x SpectrumFactor x TrustIn x q
//	        x (1 + Knowledge x country_knowledge + Partner x partner_contact)
//	        x CivilReturn for a civil-society provider
//	legal = CivilLegal x TrustIn x q for a civil-society provider, else 0
func SessionEffect(a *Agent, o *Origin, m Moment, q float64, c *Counselling, p *Params) (avr, legal float64) {
	cp := &p.Counselling
	trust := TrustIn(a, a.Provider, cp)
	gain := 1 + cp.Knowledge*c.CountryKnowledge
	if c.PartnerContact {
		gain += cp.Partner
	}
	avr = cp.Effect * MomentFactor(m, cp) * SpectrumFactor(a, o, p) * trust * q * gain
	if a.Provider == NGO {
		avr *= cp.CivilReturn
		legal = cp.CivilLegal * trust * q
	}
	return avr, legal
}

// PathwayOf classifies a return on the agency spectrum of seed 001, by the
// first rule that holds:
//
//  1. coercion: in detention, or in a freedom-restricting or family location
//     with an origin of high cooperation (deportation is imminent);
//  2. high agency: health has deteriorated, or family pull is at least
//     HighAgencyPull;
//  3. acceptance: the appeal is still pending, or the final decision is at
//     most AcceptanceMonths old;
//  4. hopelessness: at least HopelessMonths of irregular stay;
//  5. otherwise acceptance.
func PathwayOf(a *Agent, o *Origin, p *PathwayParams) Pathway {
	switch {
	case a.Shelter == Detention || ((a.Shelter == VBL || a.Shelter == FamilyLocation) && o.Class == CoopHigh):
		return Coercion
	case a.HealthWorse || a.FamilyPull >= p.HighAgencyPull:
		return HighAgency
	case a.MonthsSinceFinal < 0 || a.MonthsSinceFinal <= p.AcceptanceMonths:
		return Acceptance
	case a.MonthsIrregular >= p.HopelessMonths:
		return Hopelessness
	}
	return Acceptance
}

// OutOfSightHazards are the monthly probabilities of the choices of a
// person out of sight: to leave the Netherlands unseen, and to apply again.
type OutOfSightHazards struct{ Leave, Apply float64 }

// DecideOutOfSight returns the hazards of agent a, out of sight, from origin
// o. They depend only on state that does not change while the person is
// out of sight (network, origin, hope and the months without status when
// they absconded, capped at stayCap), so they are constant between the
// person's events. It is pure.
//
//	leave = Logistic(LeaveBase + LeaveConditions x (conditions-0.5) - LeaveNetwork x network
//	                 + LeaveStay x min(stay, stayCap)/12)
//	apply = Logistic(ApplyBase + ApplyHope x hope)
func DecideOutOfSight(a *Agent, o *Origin, stay, stayCap int, p *OutOfSightParams) OutOfSightHazards {
	return OutOfSightHazards{
		Leave: Logistic(p.LeaveBase + p.LeaveConditions*(o.Conditions-0.5) - p.LeaveNetwork*a.Network + p.LeaveStay*float64(min(stay, stayCap))/12),
		Apply: Logistic(p.ApplyBase + p.ApplyHope*a.Hope),
	}
}
