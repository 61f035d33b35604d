package sim

import (
	"math"

	"github.com/returnsim/returnsim/agents"
)

// newPerson brings a person unknown before into the return system, with a
// first file opened by source src. Their attributes come from their own
// stream. A person handed over by the IND starts with an appeal pending; a
// person found by the police, the Marechaussee or others starts past the
// deadline, after months without status of their own (none at the border),
// in detention or not. A person from the initial stock starts past the
// deadline.
func (e *engine) newPerson(src agents.Source, stock bool) {
	pid := e.nextPID
	e.nextPID++
	e.src = personStream(e.rep, pid) // a field, which e.rnd wraps
	s := &e.src
	r := e.rnd
	pop := &e.cur.pop
	dyn := &e.cfg.Params.Dynamics
	a := agents.Agent{PersonID: pid, FirstMonth: e.t, Options: 1}
	a.Origin = pick(e.cum, uniform(s))
	o := &e.cfg.Origins[a.Origin]
	if uniform(s) < pop.FamilyShare {
		a.Household = agents.Family
	}
	a.FamilyPull = beta(pop.PullMean, pop.Concentration, r)
	a.FamilyPressure = beta(pop.PressureMean, pop.Concentration, r) * (1 + o.Distance) / 2
	a.Network = beta(pop.NetworkMean, pop.Concentration, r)
	a.Trust = beta(pop.TrustMean, pop.Concentration, r)
	if uniform(s) >= pop.StigmaShare {
		a.Sensitivity = beta(pop.SensitivityMean, pop.Concentration, r)
	}
	uProvider := uniform(s) // the provider is picked once the months without status are known
	switch {
	case stock:
		a.MonthsIrregular = int(uniform(s) * 36)
		e.pastDeadline(&a, uniform(s), uniform(s))
	case src == agents.IND:
		a.Shelter = agents.Reception
		a.MonthsSinceFinal = -1
		a.Hope = agents.HopeAt(dyn.HopePending, a.Options)
	default:
		if src != agents.KMar {
			a.MonthsIrregular = int(-e.cfg.Intake.EntryMonths * math.Log1p(-uniform(s)))
		}
		if src == agents.OtherSource {
			a.Requested = uniform(s) < pop.RequestShare
		}
		e.pastDeadline(&a, uniform(s), uniform(s))
	}
	a.EntryStay = int32(a.MonthsIrregular)
	a.ProviderDraw = float32(uProvider)
	a.Provider = e.pol.ForAt(&a, a.MonthsIrregular, 1).Counselling.Provider.Pick(uProvider)
	e.start(&a, e.src, src)
}

// pastDeadline puts agent a, unknown before, past its departure deadline:
// the final decision lies MonthsIrregular months back, hope has decayed
// since, and the file starts in detention (with chance DetainOnFind x
// cooperation x enforcement, for draw u) or else by shelter draw v.
func (e *engine) pastDeadline(a *agents.Agent, u, v float64) {
	dyn := &e.cfg.Params.Dynamics
	agents.FinalDecision(a, dyn)
	a.MonthsSinceFinal = a.MonthsIrregular
	a.Hope *= math.Pow(1-dyn.HopeDecay, float64(a.MonthsSinceFinal))
	e.placeFound(a, u, v)
}

// placeFound sets the shelter of a file that opens past the deadline: in
// detention with chance DetainOnFind x cooperation x enforcement (times
// FamilyDetention for a family; for draw u) while detention has a place,
// else by deadlineShelter (draw v). The enforcement is the one in force for
// the person in the file about to open.
func (e *engine) placeFound(a *agents.Agent, u, v float64) {
	if a.Requested {
		a.Shelter = agents.NoShelter // a person who asks for help to return stays where they live, in sight
		return
	}
	o := &e.cfg.Origins[a.Origin]
	st := &e.cur.state
	// times the share of removals' usual chance left, as any placement
	// (stateEvents)
	p := st.DetainOnFind * o.Cooperation * e.pol.ForAt(a, a.MonthsIrregular, a.FileNumber+1).Enforcement * e.travel(a.Origin)
	if a.Household == agents.Family {
		p *= st.FamilyDetention
	}
	if u < p {
		if e.detentionPlace() {
			a.Shelter = agents.Detention
			e.counts.Detained++
			return
		}
		e.counts.DetentionRefused++
	}
	a.Shelter = e.deadlineShelter(a, v)
}

// deadlineShelter is where a person goes whose shelter ends past the
// deadline, for draw u: a family to a family location; a single person from
// an origin that cooperates at least VBLCooperation to the VBL with chance
// FRLShare while it has places; anyone else without shelter.
func (e *engine) deadlineShelter(a *agents.Agent, u float64) agents.Shelter {
	if a.Household == agents.Family {
		return agents.FamilyLocation
	}
	if u < e.cur.pop.FRLShare && e.cfg.Origins[a.Origin].Cooperation >= e.cur.state.VBLCooperation {
		if c := e.pol.Capacity.VBLPlaces; c == 0 || e.stock[agents.VBL] < c {
			return agents.VBL
		}
		e.counts.VBLRefused++
	}
	return agents.NoShelter
}
