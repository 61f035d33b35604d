package sim

import "github.com/returnsim/returnsim/agents"

// leave closes the file of a person who leaves the Netherlands verifiably,
// and pays the reintegration package of pol, the policy in force for them,
// to an eligible person who leaves with assistance within its conditions.
func (e *engine) leave(f *file, pol *agents.Policy, out agents.Outcome, pw agents.Pathway) {
	a := &f.a
	if out == agents.AVR {
		r := &pol.Reintegration
		if r.IsEligible(&e.cfg.Origins[a.Origin], a.Origin) && !(r.RequireDeadline && a.Shelter.PastDeadline()) {
			a.PackagePaid = true
			if e.t >= 0 {
				e.totals.PackageEUR += r.CashEUR + r.InKindEUR
			}
		}
	}
	e.close(f, out, pw)
	fate := [...]agents.Fate{agents.AVR: agents.FateAVR, agents.Independent: agents.FateIndependent, agents.Forced: agents.FateForced}[out]
	e.recordPerson(a, fate, e.t, 0)
}

// close closes file f with outcome out.
func (e *engine) close(f *file, out agents.Outcome, pw agents.Pathway) {
	f.done = true
	if e.t >= 0 {
		e.counts.Closed[out]++
		if f.a.Shelter == agents.Detention {
			e.counts.LeftDetention[out]++
		}
		e.recordCase(&f.a, out, pw)
	}
	f.a.Requested = false // a request belongs to its file
}

// recordCase writes the case record of the file of agent a, closed with
// outcome out (Open: still open at the horizon) and pathway pw.
func (e *engine) recordCase(a *agents.Agent, out agents.Outcome, pw agents.Pathway) {
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
	case agents.VBL:
		e.totals.MonthsVBL += n
	case agents.FamilyLocation:
		e.totals.MonthsFamilyLocation += n
	case agents.LVV:
		e.totals.MonthsLVV += n
	case agents.Detention:
		e.totals.MonthsDetention += n
	}
}

// start opens the next file of person a (updating their record), from
// source src, in the stage a's shelter says, and asks for the session the
// counselling policy gives at that stage: at the first decision in
// reception, at the final decision in the departure period, at the
// deadline for a file that opens past it (the obligation to leave is
// immediate), in detention. Periodic counselling gives that session and
// then one every PeriodMonths. The counselling policy is the one in force
// for the person in their new file (agents.Policy.For).
func (e *engine) start(a *agents.Agent, src Stream, from agents.Source) {
	a.FileNumber++
	a.CaseID = e.nextCID
	e.nextCID++
	a.Place = agents.InFile
	a.Source = from
	a.OpenedMonth = e.t
	a.MonthsOpen = 0
	a.Counselled = false
	a.SessionDue = false
	a.Leaving = false // a registration belongs to the file whose shelter ended
	e.counts.Opened++
	e.counts.OpenedBy[from]++
	fi := e.open(a, src)
	c := &e.pol.For(a).Counselling
	var m agents.Moment
	var at agents.Timing
	switch a.Shelter {
	case agents.Reception:
		m, at = agents.MomentFirst, agents.AtFirstDecision
	case agents.Departure:
		m, at = agents.MomentFinal, agents.AtFinalDecision
	case agents.Detention:
		m, at = agents.MomentDetention, agents.InDetention
	default:
		m, at = agents.MomentDeadline, agents.AtDeadline
	}
	if c.Timing == at || c.Timing == agents.Periodic {
		e.ask(fi, m)
	}
}
