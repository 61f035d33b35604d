package sim

import "github.com/returnsim/returnsim/agents"

// step draws one month of file files[fi]. The state's
// decisions and the person's own choices compete for one uniform draw u,
// laid out in that order: state events first, then AVR, independent
// departure, absconding and a new procedure. Most months nothing happens,
// so the hazards are first bounded from above without an exponential
// (agents.Bound): if u lies above the state events plus the bounds, nothing
// happens, exactly as with the hazards themselves, which are computed only
// otherwise.
//
// The draw u is the month's uniform from the person's stream src, drawn by
// stepAll. step reports whether the month changed more than Age does (a
// state event, the end of the departure period, a closed file), so that
// the lane's bound must be drawn up again.
func (e *engine) step(fi int32, src *Source, u float64) (changed bool) {
	f := &e.files[fi]
	a := &f.a
	p := &e.cfg.Params
	o := &e.cfg.Origins[a.Origin]
	ev := e.stateEvents(a, o, a.CounselLegal)
	state := ev[0] + ev[1] + ev[2] + ev[3] + ev[4]
	x := agents.Predict(a, o, e.pol, p)
	var h agents.Hazards
	tr := e.travel()
	bound := state + tr*(agents.Bound(x.AVR)+agents.Bound(x.Independent)) + agents.Bound(x.Absconded) + agents.Bound(x.NewProcedure)
	// The hazards are needed if u may fall among them, and to scale u if
	// their total may exceed 1. With the bound at most 1/2 it cannot (each
	// hazard is below its Bound), and they wait until u has passed the
	// state events: most events are the state's, which need none of them.
	need := u < bound || bound > 1
	if need && bound > 0.5 {
		h = hazards(&x, tr)
		if total := state + h.AVR + h.Independent + h.Absconded + h.NewProcedure; total > 1 {
			u *= total // only for extreme parameters: keep the proportions
		}
		need = false
	}
	k := 0
	for ; k < len(ev) && u >= ev[k]; k++ {
		u -= ev[k]
	}
	if k == len(ev) { // no state event: the person's own choices
		if need {
			h = hazards(&x, tr)
		}
		switch {
		case u < h.AVR:
			e.leave(f, agents.AVR, agents.PathwayOf(a, o, &p.Pathway))
			return true
		case u < h.AVR+h.Independent:
			e.leave(f, agents.Independent, agents.PathwayOf(a, o, &p.Pathway))
			return true
		}
		u -= h.AVR + h.Independent
		if u < h.Absconded {
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
	switch {
	case k == 0 && stage != agents.Departure && stage != agents.Detention:
		e.close(f, agents.Regularised, agents.NoPathway)
		e.person(a, agents.FateStatus, e.t, 0)
		return true
	case k == 1 && stage == agents.Reception:
		agents.Age(a, p)
		agents.FinalDecision(a, &p.Dynamics)
		e.placeMonth(a)
		switch c := &e.pol.Counselling; c.Timing {
		case agents.AtFinalDecision, agents.Periodic:
			e.ask(fi, agents.MomentFinal)
		}
		return true
	case k == 1:
		e.leave(f, agents.Forced, agents.Coercion) // a forced return is coercion by definition
		return true
	case k == 2:
		a.HealthWorse = true
	case k == 3 && stage == agents.Detention:
		a.Shelter = e.deadlineShelter(a, 1) // released: a family location for families, else no shelter
		a.Leaving = e.registers(a, uniform(src))
	case k == 3:
		a.Shelter = agents.Detention
		agents.PoliceExperience(a, &p.Dynamics)
		if e.pol.Counselling.Timing == agents.InDetention {
			e.ask(fi, agents.MomentDetention)
		}
	case k == 4:
		agents.PoliceExperience(a, &p.Dynamics)
	}
	if a.Leaving && stage == agents.NoShelter {
		a.Leaving = false
		if a.Shelter == agents.NoShelter {
			// A month after leaving shelter without a place, a person who
			// has neither left verifiably nor been detained is registered
			// as departed without supervision: the file closes.
			e.close(f, agents.Absconded, agents.NoPathway)
			e.goAway(f, src, agents.OutOfSight)
			return true
		}
	}
	if stage == agents.Departure && !e.keepShelter() {
		// The four weeks are over: shelter ends, or moves to a
		// freedom-restricting or family location.
		a.Shelter = e.deadlineShelter(a, uniform(src))
		a.Leaving = e.registers(a, uniform(src))
		if e.pol.Counselling.Timing == agents.AtDeadline {
			e.ask(fi, agents.MomentDeadline)
		}
	}
	agents.Age(a, p)
	if c := &e.pol.Counselling; c.Timing == agents.Periodic && a.MonthsOpen%c.PeriodMonths == 0 {
		e.ask(fi, agents.MomentRoutine)
	}
	e.placeMonth(a)
	return k < len(ev) || stage == agents.Departure
}

// registers reports whether the person of a file whose shelter has just
// ended is to be registered as departed without supervision a month on,
// for draw u: a person left without a place (agents.NoShelter), with
// chance State.UnsupervisedOnLeaving.
func (e *engine) registers(a *agents.Agent, u float64) bool {
	return a.Shelter == agents.NoShelter && u < e.cfg.State.UnsupervisedOnLeaving
}

// hazards are the logistics of the log-odds x, with the departures that
// need travel (AVR, independent) at share tr of theirs.
func hazards(x *agents.LogOdds, tr float64) agents.Hazards {
	return agents.Hazards{AVR: tr * agents.Logistic(x.AVR), Independent: tr * agents.Logistic(x.Independent),
		Absconded: agents.Logistic(x.Absconded), NewProcedure: agents.Logistic(x.NewProcedure)}
}

// leave closes the file of a person who leaves the Netherlands verifiably,
// and pays the reintegration package to an eligible person who leaves with
// assistance within its conditions.
func (e *engine) leave(f *file, out agents.Outcome, pw agents.Pathway) {
	a := &f.a
	if out == agents.AVR {
		r := &e.pol.Reintegration
		if r.IsEligible(&e.cfg.Origins[a.Origin], a.Origin) && !(r.RequireDeadline && a.Shelter.PastDeadline()) {
			a.PackagePaid = true
			if e.t >= 0 {
				e.totals.PackageEUR += r.CashEUR + r.InKindEUR
			}
		}
	}
	e.close(f, out, pw)
	fate := [...]agents.Fate{agents.AVR: agents.FateAVR, agents.Independent: agents.FateIndependent, agents.Forced: agents.FateForced}[out]
	e.person(a, fate, e.t, 0)
}

// close closes file f with outcome out.
func (e *engine) close(f *file, out agents.Outcome, pw agents.Pathway) {
	f.done = true
	if e.t >= 0 {
		e.counts.Closed[out]++
		e.record(&f.a, out, pw)
	}
}

func (e *engine) record(a *agents.Agent, out agents.Outcome, pw agents.Pathway) {
	closed := e.t
	if out == agents.Open {
		closed = -1
	}
	e.rec1 = CaseRecord{
		CaseID: a.CaseID, PersonID: a.PersonID, FileNumber: a.FileNumber, Origin: a.Origin,
		Household: a.Household, Source: a.Source, OpenedMonth: a.OpenedMonth, ClosedMonth: closed,
		Outcome: out, Pathway: pw, Counselled: a.Counselled, Provider: a.Provider,
	}
	e.rec.Case(&e.rec1)
}

// placeMonth counts a month that the person in a file spends in a place
// that costs the state: reception, a freedom-restricting or family
// location, detention.
func (e *engine) placeMonth(a *agents.Agent) {
	if e.t >= 0 {
		e.countPlace(a.Shelter)
	}
}

// countPlace counts a recorded month in shelter s.
func (e *engine) countPlace(s agents.Shelter) { e.countPlaces(s, 1) }

// countPlaces counts n recorded months in shelter s.
func (e *engine) countPlaces(s agents.Shelter, n int) {
	switch s {
	case agents.Reception:
		e.totals.MonthsReception += n
	case agents.FRL:
		e.totals.MonthsFRL += n
	case agents.Detention:
		e.totals.MonthsDetention += n
	}
}

// stateEvents are the monthly probabilities of the state's events for
// agent a in its stage, with legal boost legal (a.CounselLegal, or another
// value for a bound): 0 status, 1 final decision or forced return,
// 2 health, 3 detention in or out, 4 police.
func (e *engine) stateEvents(a *agents.Agent, o *agents.Origin, legal float64) [5]float64 {
	p := &e.cfg.Params
	st := &e.cfg.State
	var ev [5]float64
	health := p.Dynamics.HealthRate
	if a.HealthWorse {
		health = 0
	}
	switch a.Shelter {
	case agents.Reception:
		end := 1 / st.AppealMonths
		ok := adjust(st.AppealSuccess, legal)
		ev = [5]float64{end * ok, end * (1 - ok), health}
	case agents.Departure:
		ev = [5]float64{0, 0, health}
	case agents.NoShelter, agents.FRL:
		enf := e.pol.Enforcement * o.Cooperation
		police := 0.0
		if a.Shelter == agents.NoShelter {
			police = p.Dynamics.PoliceRate
		}
		ev = [5]float64{adjust(st.RegularisedRate, legal), st.ForcedRate * enf * e.travel(), health, st.DetentionRate * enf, police}
	case agents.Detention:
		ev = [5]float64{0, st.ForcedDetained * o.Cooperation * e.pol.Enforcement * e.travel(), health, 1 / st.DetentionMonths}
	}
	return ev
}
