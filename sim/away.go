package sim

import (
	"math"

	"github.com/returnsim/returnsim/agents"
)

// Persons in a procedure after a new application, or out of sight after
// absconding, face hazards that are constant between their events: the
// decision on the application comes at rate 1/ProcedureMonths; out of
// sight, being found (FindRate x enforcement), legal status, leaving
// unseen, applying again (agents.DecideOutOfSight) and asking the service
// for help to return (RequestOutOfSight) depend on state that
// does not change there. So instead of stepping them every month, the
// engine draws the month of their next event, geometric with the monthly
// total, and which event it is by the hazards' shares at that month, which
// is exactly the distribution of stepping them. A policy change that
// changes enforcement redraws the events of everyone out of sight from
// the change on (the draw is memoryless). Enforcement is the one in force
// for the person (agents.Policy.For), which a group rule may set: when
// their months without status reach a rule's threshold that changes it,
// the draw starts again from that month, under the new rate (schedule). What changes by the month
// (irregular stay, trust, counselling effects) is replayed month by month
// when the person is next touched.

// awaySlot is a person in a procedure or out of sight.
type awaySlot struct {
	a     agents.Agent
	src   Stream
	since int        // month the person entered this place
	stay  int        // months without status when they entered it
	at    int        // month of the next event
	rate  [5]float64 // the hazards the event was drawn with (rates): find, status, leave, apply, request
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

// rates are the monthly hazards of away[i]'s events in month m, in the
// order they are laid out on the draw; for a procedure, only the decision.
func (e *engine) rates(w *awaySlot, m int) [5]float64 {
	if w.a.Place == agents.InProcedure {
		return [5]float64{1: 1 / e.cur.state.ProcedureMonths}
	}
	h := agents.DecideOutOfSight(&w.a, &e.cfg.Origins[w.a.Origin], w.stay, e.cfg.Params.AVR.StayCapMonths, &e.cfg.Params.OutOfSight)
	enf := e.pol.ForAt(&w.a, awayMonths(w, m), w.a.FileNumber).Enforcement
	st := &e.cur.state
	return [5]float64{st.FindRate * enf, st.StatusOutOfSight, h.Leave, h.Apply, st.RequestOutOfSight}
}

// awayMonths is the months without status of away person w at the start
// of month m: out of sight they grow by one a month (agents.Age), in a
// procedure they do not.
func awayMonths(w *awaySlot, m int) int {
	if w.a.Place == agents.OutOfSight {
		return w.stay + m - w.since
	}
	return w.a.MonthsIrregular
}

// findChange is the first month after m in which the find rate of away
// person w, out of sight, differs from month m's: the month their months
// without status reach the threshold of a group rule whose policy has
// another enforcement; math.MaxInt if none does.
func (e *engine) findChange(w *awaySlot, m int) int {
	a, file := &w.a, w.a.FileNumber
	months := awayMonths(w, m)
	enf := e.pol.ForAt(a, months, file).Enforcement
	for n := e.pol.NextChange(a, months, file); n >= 0; n = e.pol.NextChange(a, n, file) {
		if e.pol.ForAt(a, n, file).Enforcement != enf {
			return m + n - months
		}
	}
	return math.MaxInt
}

// schedule draws the month after from in which away[i]'s next event falls.
// An event beyond the horizon is not entered: the person is still there.
// When the find rate changes at a month before the event drawn (a group
// rule's threshold, findChange), nothing happened before that month, and
// the event is drawn again from it under the new rates.
func (e *engine) schedule(i int32, from int) {
	w := &e.away[i]
	w.gen++
	groups := w.a.Place == agents.OutOfSight && e.pol.HasGroups()
	for {
		w.rate = e.rates(w, from+1)
		p := 0.0
		for _, r := range w.rate {
			p += r
		}
		p = min(1, p)
		next := math.MaxInt
		if groups {
			next = e.findChange(w, from+1)
		}
		w.at = math.MaxInt
		if p > 0 {
			d := 1
			if p < 1 {
				d += int(math.Log1p(-uniform(&w.src)) / math.Log1p(-p))
			}
			w.at = from + d
		}
		if w.at < next || next >= e.cfg.Months {
			break
		}
		from = next - 1 // no event before next: draw again from it (memoryless)
	}
	if w.at < e.cfg.Months {
		k := w.at + e.cfg.Warmup
		if e.cal[k] == nil && len(e.spare) > 0 {
			e.cal[k] = e.spare[len(e.spare)-1]
			e.spare = e.spare[:len(e.spare)-1]
		}
		e.cal[k] = append(e.cal[k], entry{i, w.gen})
	}
}

// reschedule redraws, from this month on, the next event of everyone out
// of sight whose find rate the change of policy from old to the policy now
// in force changes, this month or later; with rates set, of everyone away,
// since a dated change set a rate of theirs (state.find_rate, ...). The
// draw is memoryless, so a redraw from this month is the event's law from
// it under the new rates.
func (e *engine) reschedule(old *agents.Policy, rates bool) {
	if !rates && !old.HasGroups() && !e.pol.HasGroups() && old.Enforcement == e.pol.Enforcement {
		return
	}
	for i := range e.away {
		if w := &e.away[i]; w.used && w.at >= e.t && (rates || w.a.Place == agents.OutOfSight && !e.sameFinds(old, w)) {
			e.schedule(int32(i), e.t-1)
		}
	}
}

// sameFinds reports whether the enforcement in force for away person w,
// out of sight, is the same under old as under the policy now in force,
// this month and every month after (their rules change only at
// thresholds of months without status: it is enough to compare there).
func (e *engine) sameFinds(old *agents.Policy, w *awaySlot) bool {
	a, file := &w.a, w.a.FileNumber
	for m := awayMonths(w, e.t); m >= 0; {
		if old.ForAt(a, m, file).Enforcement != e.pol.ForAt(a, m, file).Enforcement {
			return false
		}
		x, y := old.NextChange(a, m, file), e.pol.NextChange(a, m, file)
		switch {
		case x < 0:
			m = y
		case y < 0:
			m = x
		default:
			m = min(x, y)
		}
	}
	return true
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
		if uniform(&w.src) < adjust(e.cur.state.ProcedureSuccess, a.CounselLegal) {
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
		if u < find*e.cur.state.FindKMarShare { // the place inside the band is itself uniform
			from = agents.KMar
		}
		e.placeFound(a, uniform(&w.src), uniform(&w.src))
		e.start(a, w.src, from)
		e.vacate(i)
	case awayStatus:
		e.leaveSystem(i, agents.FateStatus, 0)
	case awayLeft:
		e.leaveSystem(i, agents.FateLeftUnseen, 0)
	case awayRequest:
		// the person comes to the service for help to return: a file from
		// others, in sight where they live (docs/ODD.md, section 7.6)
		a.Requested = true
		a.Shelter = agents.NoShelter
		e.start(a, w.src, agents.OtherSource)
		e.vacate(i)
	case awayApplied:
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
	awayRequest                  // asks the service for help to return: a new file from others
)

// next returns which of w's events falls on draw u in [0,1), by the
// shares of the rates it was scheduled with, and u scaled to their total
// (the place inside the event's band, itself uniform).
func (w *awaySlot) next(u float64) (awayEvent, float64) {
	find, status, leave, apply, request := w.rate[0], w.rate[1], w.rate[2], w.rate[3], w.rate[4]
	u *= find + status + leave + apply + request
	switch {
	case u < find:
		return awayFound, u
	case u < find+status:
		return awayStatus, u
	case u < find+status+leave:
		return awayLeft, u
	case u < find+status+leave+apply || request == 0: // a u rounded onto the top edge is the last event with a rate
		return awayApplied, u
	}
	return awayRequest, u
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
