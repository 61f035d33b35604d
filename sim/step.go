package sim

import "github.com/returnsim/returnsim/agents"

// stateEvent is one of the state's events in a file. The events lie on the
// month's draw in this order, before the person's own choices.
type stateEvent int

const (
	evStatus        stateEvent = iota // legal status: on appeal in reception, regularisation after the deadline
	evFinalDecision                   // the final negative decision, in reception
	evForced                          // a forced return, after the deadline
	evHealth                          // health deteriorates
	evDetained                        // detention, after the deadline out of detention
	evReleased                        // release from detention
	evPolice                          // a bad experience with police, without shelter
	evRequested                       // the departure a person asked the service for is arranged: a verified independent departure
	numStateEvents
)

// stateEvents are the monthly probabilities of the state's events in a
// file, by event; an event impossible in the stage has 0.
type stateEvents [numStateEvents]float64

// total is the probability that one of the events happens in the month.
func (ev *stateEvents) total() float64 {
	s := 0.0
	for _, p := range ev {
		s += p
	}
	return s
}

// at returns the event whose interval of the draw holds u, and u less the
// intervals before it; numStateEvents when u lies past them all.
func (ev *stateEvents) at(u float64) (stateEvent, float64) {
	k := stateEvent(0)
	for ; k < numStateEvents && u >= ev[k]; k++ {
		u -= ev[k]
	}
	return k, u
}

// raise raises each event's probability to its probability in o, if higher.
func (ev *stateEvents) raise(o *stateEvents) {
	for k := range ev {
		ev[k] = max(ev[k], o[k])
	}
}

// stateEvents are the monthly probabilities of the state's events for
// agent a, from origin o, in its stage, under pol, the policy in force for
// a (docs/ODD.md, section 7.4).
func (e *engine) stateEvents(a *agents.Agent, o *agents.Origin, pol *agents.Policy) stateEvents {
	p := &e.cfg.Params
	st := &e.cur.state
	var ev stateEvents
	if !a.HealthWorse {
		ev[evHealth] = p.Dynamics.HealthRate
	}
	switch a.Shelter {
	case agents.Reception:
		end := 1 / st.AppealMonths
		ok := adjust(st.AppealSuccess, a.CounselLegal)
		ev[evStatus], ev[evFinalDecision] = end*ok, end*(1-ok)
	case agents.NoShelter, agents.VBL, agents.FamilyLocation, agents.LVV:
		enf := pol.Enforcement * o.Cooperation
		ev[evStatus] = adjust(st.RegularisedRate, a.CounselLegal)
		ev[evForced] = st.ForcedRate * enf * e.removalShare(a.Origin)
		// detention needs a reasonable prospect of removal (Return
		// Directive, article 15(4)): with removals at a share of their
		// usual chance, so are placements
		ev[evDetained] = st.DetentionRate * enf * e.travel(a.Origin)
		if a.Household == agents.Family {
			ev[evForced] *= st.FamilyForced
			ev[evDetained] *= st.FamilyDetention
		}
		if a.Shelter == agents.NoShelter {
			ev[evPolice] = p.Dynamics.PoliceRate
		}
		if a.Requested {
			ev[evRequested] = e.travel(a.Origin) / st.RequestMonths
		}
	case agents.Detention:
		ev[evForced] = st.ForcedDetained * o.Cooperation * pol.Enforcement * e.removalShare(a.Origin)
		ev[evReleased] = 1 / st.DetentionMonths
		if a.Household == agents.Family {
			ev[evReleased] = 1 / st.FamilyDetentionMonths
		}
		// without a reasonable prospect of removal detention ends (article
		// 15(4)): while removals keep only a share of their usual chance, a
		// detained person is released with the chance that their removal
		// has gone, if that is the larger
		if r := 1 - e.travel(a.Origin); r > ev[evReleased] {
			ev[evReleased] = min(r, 1-ev[evForced]-ev[evHealth])
		}
	}
	return ev
}

// step draws one month of file files[fi]. The state's events and the
// person's own choices (agents.Predict, then Hazards) compete for one
// uniform draw u, laid out in that order: the state's events first, then
// AVR, independent departure, absconding and a new procedure. Most months
// nothing happens, so the choices' hazards are first bounded from above
// without an exponential (LogOdds.Ceiling): if u lies above the state's
// events plus that bound, nothing happens, exactly as with the hazards
// themselves, which are computed only otherwise.
//
// The draw u is the month's uniform from the person's stream src, drawn by
// stepAll. step reports whether the month changed more than Age does (a
// state event, the end of the departure period, a closed file), so that
// the lane's bound must be drawn up again.
//
// The month runs under the policy in force for the person at its start
// (agents.Policy.For: their group's, or the general one); the places and
// removals it takes are the general policy's, shared by all.
func (e *engine) step(fi int32, src *Stream, u float64) (changed bool) {
	f := &e.files[fi]
	a := &f.a
	p := &e.cfg.Params
	o := &e.cfg.Origins[a.Origin]
	pol := e.pol.For(a)
	ev := e.stateEvents(a, o, pol)
	state := ev.total()
	x := agents.Predict(a, o, pol, p)
	var h agents.Hazards
	tr := e.travel(a.Origin)
	bound := state + x.Ceiling(tr)
	// The hazards are needed if u may fall among them, and to scale u if
	// their total may exceed 1. With the bound at most 1/2 it cannot (each
	// hazard is below its ceiling), and they wait until u has passed the
	// state's events: most events are the state's, which need none of them.
	need := u < bound || bound > 1
	if need && bound > 0.5 {
		h = x.Hazards(tr)
		if total := state + h.AVR + h.Independent + h.Absconded + h.NewProcedure; total > 1 {
			u *= total // only for extreme parameters: keep the proportions
		}
		need = false
	}
	k, u := ev.at(u)
	if k == numStateEvents { // no state event: the person's own choices
		if need {
			h = x.Hazards(tr)
		}
		switch {
		case u < h.AVR:
			e.leave(f, pol, agents.AVR, agents.PathwayOf(a, o, &p.Pathway))
			return true
		case u < h.AVR+h.Independent:
			e.leave(f, pol, agents.Independent, agents.PathwayOf(a, o, &p.Pathway))
			return true
		}
		u -= h.AVR + h.Independent
		if u < h.Absconded {
			if e.t >= 0 {
				e.counts.AbscondedFrom[a.Shelter]++
			}
			e.close(f, agents.Absconded, agents.NoPathway)
			e.goAway(f, src, agents.OutOfSight)
			return true
		}
		u -= h.Absconded
		if u < h.NewProcedure {
			e.close(f, agents.NewProcedure, agents.NoPathway)
			e.goAway(f, src, agents.InProcedure)
			return true
		}
	}
	stage := a.Shelter
	switch k {
	case evStatus:
		e.close(f, agents.Regularised, agents.NoPathway)
		e.recordPerson(a, agents.FateStatus, e.t, 0)
		return true
	case evFinalDecision:
		agents.Age(a, 1, p)
		agents.FinalDecision(a, &p.Dynamics)
		e.placeMonth(a)
		switch pol.Counselling.Timing {
		case agents.AtFinalDecision, agents.Periodic:
			e.ask(fi, agents.MomentFinal)
		}
		return true
	case evForced:
		if !e.removal() {
			e.counts.RemovalsFailed++ // no escort, flight or travel document this month: the person stays
			break
		}
		e.leave(f, pol, agents.Forced, agents.Coercion) // a forced return is coercion by definition
		return true
	case evHealth:
		a.HealthWorse = true
	case evReleased:
		e.counts.LeftDetention[agents.Open]++
		a.Shelter = e.deadlineShelter(a, 1) // a family location for families, else no shelter
		e.lvvOr(a, src)
		a.Leaving = e.registers(a, uniform(src))
	case evDetained:
		if !e.detentionPlace() {
			e.counts.DetentionRefused++ // no place: the person stays where they are
			break
		}
		a.Shelter = agents.Detention
		e.counts.Detained++
		agents.PoliceExperience(a, &p.Dynamics)
		if pol.Counselling.Timing == agents.InDetention {
			e.ask(fi, agents.MomentDetention)
		}
	case evPolice:
		agents.PoliceExperience(a, &p.Dynamics)
	case evRequested:
		// the service has the travel document and the ticket the person
		// asked for: they leave, and the border crossing is registered
		e.leave(f, pol, agents.Independent, agents.PathwayOf(a, o, &p.Pathway))
		return true
	}
	if a.Leaving && stage == agents.NoShelter {
		a.Leaving = false
		if a.Shelter == agents.NoShelter {
			// A month after leaving shelter without a place, a person who
			// has neither left verifiably nor been detained is registered
			// as departed without supervision: the file closes.
			if e.t >= 0 {
				e.counts.AbscondedFrom[agents.NoShelter]++
			}
			e.close(f, agents.Absconded, agents.NoPathway)
			e.goAway(f, src, agents.OutOfSight)
			return true
		}
	}
	if stage == agents.Departure && !e.keepShelter() && e.familyWaits(a) {
		e.counts.FamilyQueued++ // a family location is full: the family keeps its shelter a month longer
	} else if stage == agents.Departure && !e.keepShelter() {
		// The four weeks are over: shelter ends, or moves to the
		// freedom-restricting location or a family location.
		a.Shelter = e.deadlineShelter(a, uniform(src))
		e.lvvOr(a, src)
		a.Leaving = e.registers(a, uniform(src))
		if pol.Counselling.Timing == agents.AtDeadline {
			e.ask(fi, agents.MomentDeadline)
		}
	}
	if stage == agents.VBL && a.Shelter == agents.VBL && e.vblEnds(a) {
		// The stay in the VBL is over without a departure: shelter ends
		// without a place.
		a.Shelter = agents.NoShelter
		e.lvvOr(a, src)
		a.Leaving = e.registers(a, uniform(src))
	}
	agents.Age(a, 1, p)
	if c := &pol.Counselling; c.Timing == agents.Periodic && a.MonthsOpen%c.PeriodMonths == 0 {
		e.ask(fi, agents.MomentRoutine)
	}
	e.placeMonth(a)
	return k < numStateEvents || stage == agents.Departure
}

// registers reports whether the person of a file whose shelter has just
// ended is to be registered as departed without supervision a month on,
// for draw u: a person left without a place (agents.NoShelter), with
// chance State.UnsupervisedOnLeaving.
func (e *engine) registers(a *agents.Agent, u float64) bool {
	return a.Shelter == agents.NoShelter && u < e.cur.state.UnsupervisedOnLeaving
}

// removal reports whether a forced return can be carried out this month,
// and counts it: policy.capacity.removals_per_month (0: no limit).
func (e *engine) removal() bool {
	if c := e.pol.Capacity.RemovalsMonth; c > 0 && e.removals >= c {
		return false
	}
	e.removals++
	return true
}

// detentionPlace reports whether detention has a place: fewer persons in
// it than policy.capacity.detention_places (0: no limit).
func (e *engine) detentionPlace() bool {
	c := e.pol.Capacity.DetentionPlaces
	return c == 0 || e.stock[agents.Detention] < c
}

// familyWaits reports whether agent a is a family that must wait in the
// departure period because every family location is taken.
func (e *engine) familyWaits(a *agents.Agent) bool {
	c := e.pol.Capacity.FamilyPlaces
	return a.Household == agents.Family && c > 0 && e.stock[agents.FamilyLocation] >= c
}

// vblEnds reports whether agent a's stay in the VBL ends this month: it has
// lasted State.VBLMonths months (0: no limit) before this one.
func (e *engine) vblEnds(a *agents.Agent) bool {
	m := e.cur.state.VBLMonths
	return m > 0 && e.t-a.ShelterSince >= m
}

// lvvOr sends agent a, a single person whose shelter has just ended
// without a place, to a national aliens facility with a free place, with
// chance State.LVVShare (one uniform from src). With no LVV places in
// force it draws nothing.
func (e *engine) lvvOr(a *agents.Agent, src *Stream) {
	c := e.pol.Capacity.LVVPlaces
	if c == 0 || a.Shelter != agents.NoShelter || a.Household != agents.Single || e.stock[agents.LVV] >= c {
		return
	}
	if uniform(src) < e.cur.state.LVVShare {
		a.Shelter = agents.LVV
	}
}
