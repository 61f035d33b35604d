package sim

import (
	"math"

	"github.com/returnsim/returnsim/agents"
)

// Persons in a procedure after a new application, or out of sight after
// absconding, face hazards that are constant between their events: the
// decision on the application comes at rate 1/ProcedureMonths; out of
// sight, being found (FindRate x enforcement), legal status, leaving
// unseen and applying again (agents.DecideOutOfSight) depend on state that
// does not change there. So instead of stepping them every month, the
// engine draws the month of their next event, geometric with the monthly
// total, and which event it is by the hazards' shares at that month, which
// is exactly the distribution of stepping them. A policy change that
// changes enforcement redraws the events of everyone out of sight from
// the change on (the draw is memoryless). What changes by the month
// (irregular stay, trust, counselling effects) is replayed month by month
// when the person is next touched.

// awaySlot is a person in a procedure or out of sight.
type awaySlot struct {
	a     agents.Agent
	src   Stream
	since int        // month the person entered this place
	stay  int        // months without status when they entered it
	at    int        // month of the next event
	rate  [4]float64 // the hazards the event was drawn with (rates): find, status, leave, apply
	gen   uint32     // bumped at each schedule: older calendar entries are stale
	used  bool
}

// entry is a calendar entry: the person at index i of away, valid while
// its generation matches.
type entry struct {
	i   int32
	gen uint32
}

// goAway moves the person of file f, just closed, with stream src, to a
// procedure or out of sight.
func (e *engine) goAway(f *file, src *Stream, place agents.Place) {
	var i int32
	if n := len(e.free); n > 0 {
		i = e.free[n-1]
		e.free = e.free[:n-1]
	} else {
		e.away = append(e.away, awaySlot{})
		i = int32(len(e.away) - 1)
	}
	w := &e.away[i]
	w.a, w.src, w.used = f.a, *src, true
	if place == agents.OutOfSight && w.a.MonthsSinceFinal < 0 {
		// absconding while the appeal is pending: the appeal is lost in
		// absentia, and the person lives without status from now on
		agents.FinalDecision(&w.a, &e.cfg.Params.Dynamics)
	}
	e.enter(i, place)
}

// enter puts away[i] in place from this month, and schedules its next event.
func (e *engine) enter(i int32, place agents.Place) {
	w := &e.away[i]
	w.a.Place = place
	w.since = e.t
	w.stay = w.a.MonthsIrregular
	e.nAway[place-agents.InProcedure]++
	e.schedule(i, e.t)
}

// rates are the monthly hazards of away[i]'s events, in the order they
// are laid out on the draw; for a procedure, only the decision.
func (e *engine) rates(w *awaySlot) (find, status, leave, apply float64) {
	if w.a.Place == agents.InProcedure {
		return 0, 1 / e.cfg.State.ProcedureMonths, 0, 0
	}
	h := agents.DecideOutOfSight(&w.a, &e.cfg.Origins[w.a.Origin], w.stay, e.cfg.Params.AVR.StayCapMonths, &e.cfg.Params.OutOfSight)
	return e.cfg.State.FindRate * e.pol.Enforcement, e.cfg.State.StatusOutOfSight, h.Leave, h.Apply
}

// schedule draws the month after from in which away[i]'s next event falls.
// An event beyond the horizon is not entered: the person is still there.
func (e *engine) schedule(i int32, from int) {
	w := &e.away[i]
	find, status, leave, apply := e.rates(w)
	w.rate = [4]float64{find, status, leave, apply}
	p := min(1, find+status+leave+apply)
	w.gen++
	if p <= 0 {
		w.at = math.MaxInt
		return
	}
	d := 1
	if p < 1 {
		d += int(math.Log1p(-uniform(&w.src)) / math.Log1p(-p))
	}
	w.at = from + d
	if w.at < e.cfg.Months {
		k := w.at + e.cfg.Warmup
		if e.cal[k] == nil && len(e.spare) > 0 {
			e.cal[k] = e.spare[len(e.spare)-1]
			e.spare = e.spare[:len(e.spare)-1]
		}
		e.cal[k] = append(e.cal[k], entry{i, w.gen})
	}
}

// reschedule redraws the next event of everyone out of sight, from this
// month on, after a change of the policy in force.
func (e *engine) reschedule() {
	for i := range e.away {
		if w := &e.away[i]; w.used && w.a.Place == agents.OutOfSight && w.at >= e.t {
			e.schedule(int32(i), e.t-1)
		}
	}
}

// awayDue carries out this month's events of persons in a procedure or out
// of sight, in the order they were scheduled. It reads the slots of a block
// of entries before it carries out any, so that the processor fetches them
// from memory side by side (they are far apart), as stepAll does for files.
func (e *engine) awayDue() {
	const block = 32
	k := e.t + e.cfg.Warmup
	due := e.cal[k]
	for b0 := 0; b0 < len(due); b0 += block {
		ens := due[b0:min(b0+block, len(due))]
		sink := 0
		for _, en := range ens {
			// a field in every 64 bytes of the slot (as in stepAll)
			w := &e.away[en.i]
			sink += w.a.PersonID + int(w.a.Household) + int(w.a.Shelter) + w.a.MonthsSinceFinal + w.a.SessionAsked + w.since + int(w.gen)
		}
		e.sink += sink
		for _, en := range ens {
			w := &e.away[en.i]
			if !w.used || w.gen != en.gen {
				continue
			}
			e.totals.Away++
			e.event(en.i)
		}
	}
	if due != nil {
		e.spare = append(e.spare, due[:0])
	}
	e.cal[k] = nil
}

// event carries out away[i]'s event this month.
func (e *engine) event(i int32) {
	w := &e.away[i]
	a := &w.a
	p := &e.cfg.Params
	months := e.t - w.since
	place := a.Place
	e.nAway[place-agents.InProcedure]--
	// the hazards as scheduled: nothing they depend on has changed since
	// (a change of enforcement schedules again)
	find := w.rate[0]
	agents.Age(a, months, p) // the months since the person came here
	if place == agents.InProcedure {
		if uniform(&w.src) < adjust(e.cfg.State.ProcedureSuccess, a.CounselLegal) {
			e.leaveSystem(i, agents.FateStatus, 0)
			return
		}
		agents.Rejection(a, &p.Dynamics)
		agents.FinalDecision(a, &p.Dynamics)
		e.start(a, w.src, agents.IND)
		e.vacate(i)
		return
	}
	switch ev, u := w.next(uniform(&w.src)); ev {
	case awayFound:
		agents.PoliceExperience(a, &p.Dynamics)
		from := agents.Police
		if u < find*e.cfg.State.FindKMarShare { // the place inside the band is itself uniform
			from = agents.KMar
		}
		e.placeFound(a, uniform(&w.src), uniform(&w.src))
		e.start(a, w.src, from)
		e.vacate(i)
	case awayStatus:
		e.leaveSystem(i, agents.FateStatus, 0)
	case awayLeft:
		e.leaveSystem(i, agents.FateLeftUnseen, 0)
	default:
		e.enter(i, agents.InProcedure)
	}
}

// awayEvent is an event of a person out of sight, in the order the events
// lie on the draw.
type awayEvent int

const (
	awayFound   awayEvent = iota // found by the police or the Marechaussee: a new file
	awayStatus                   // legal status
	awayLeft                     // left the Netherlands unseen
	awayApplied                  // a new application: into a procedure
)

// next returns which of w's events falls on draw u in [0,1), by the
// shares of the rates it was scheduled with, and u scaled to their total
// (the place inside the event's band, itself uniform).
func (w *awaySlot) next(u float64) (awayEvent, float64) {
	find, status, leave, apply := w.rate[0], w.rate[1], w.rate[2], w.rate[3]
	u *= find + status + leave + apply
	switch {
	case u < find:
		return awayFound, u
	case u < find+status:
		return awayStatus, u
	case u < find+status+leave:
		return awayLeft, u
	}
	return awayApplied, u
}

// leaveSystem records that away[i] leaves the return system with fate f.
func (e *engine) leaveSystem(i int32, f agents.Fate, extra int) {
	e.recordPerson(&e.away[i].a, f, e.t, extra)
	e.vacate(i)
}

// vacate empties away[i] for the next person away.
func (e *engine) vacate(i int32) {
	e.away[i] = awaySlot{gen: e.away[i].gen}
	e.free = append(e.free, i)
}
