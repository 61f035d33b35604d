package sim

import (
	"cmp"
	"math"
	"slices"

	"github.com/returnsim/returnsim/agents"
)

// request is a session asked for by the person of file files[file], with
// case id cid: stale once that file has closed (its record may then hold
// another file) or the session has been given.
type request struct {
	file int32
	cid  int
}

// pending is a live request with its keys of order, read once a month.
type pending struct {
	request
	asked   int
	routine bool
}

// ask asks for a session for the person of file files[fi] at moment m this
// month. A request still waiting keeps its place in the queue and takes the
// newer moment.
func (e *engine) ask(fi int32, m agents.Moment) {
	a := &e.files[fi].a
	if !a.SessionDue {
		a.SessionAsked = e.t
		if e.t >= 0 {
			e.totals.SessionsAsked++
		}
		e.queue = append(e.queue, request{fi, a.CaseID})
	}
	a.SessionDue, a.SessionAt = true, m
}

// live reports whether request r still waits for its session.
func (e *engine) live(r request) bool {
	if r.file < 0 {
		return false
	}
	f := &e.files[r.file]
	return !f.done && f.a.CaseID == r.cid && f.a.SessionDue
}

// counsel gives the sessions due this month within capacity. Sessions at a
// key moment (a decision, the deadline, detention) come before routine
// ones, as a planner who runs periodic counselling would order them; within
// each, the oldest requests come first. With Dilute every request at a key
// moment is seen, at quality capacity/demand when it exceeds capacity, and
// routine requests share what capacity is left, waiting for the next month
// when none is; with Wait the requests are seen in that order until
// capacity runs out, and the rest wait. A session given after a wait keeps
// Retention per month waited.
//
// The capacity and the rule of overload are the general policy's, shared
// by every group; a request waits while the policy in force for its
// person (agents.Policy.For, by their state after the month's step) gives
// no counselling.
//
// The requests come from a queue kept by ask, not from a scan of every
// file; ties between requests asked in the same month go to the file opened
// first (the lower case id), the order in which files are stepped. counsel
// runs after stepAll, so the lanes are those of open files only.
func (e *engine) counsel() {
	c := &e.pol.Counselling
	p := &e.cfg.Params
	if !e.pol.Counsels() {
		return // requests still due wait for a policy that counsels
	}
	due := e.due[:0]
	held := e.held[:0] // live requests whose person's policy counsels not
	groups := e.pol.HasGroups()
	for _, r := range e.queue {
		if e.live(r) {
			f := &e.files[r.file]
			if groups && e.pol.ForAt(&f.a, monthsAt(f, e.t+1), f.a.FileNumber).Counselling.Timing == agents.NoCounselling {
				held = append(held, r)
				continue
			}
			due = append(due, pending{r, f.a.SessionAsked, f.a.SessionAt == agents.MomentRoutine})
		}
	}
	e.due, e.held = due, held
	if len(due) == 0 {
		e.queue = append(e.queue[:0], held...)
		return
	}
	slices.SortFunc(due, func(r, s pending) int {
		if r.routine != s.routine {
			if r.routine {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(r.asked, s.asked); c != 0 {
			return c
		}
		return cmp.Compare(r.cid, s.cid)
	})
	defer func() { // the requests not seen this month wait in the queue
		e.queue = e.queue[:0]
		for _, r := range e.due {
			if e.live(r.request) {
				e.queue = append(e.queue, r.request)
			}
		}
		e.queue = append(e.queue, e.held...)
	}()
	key := len(due)
	for key > 0 && due[key-1].routine {
		key--
	}
	capacity := c.Capacity()
	if c.Overload == agents.Wait {
		for _, r := range due[:min(capacity, len(due))] {
			e.session(r.request, 1, p)
		}
		return
	}
	q := 1.0
	if key > capacity {
		q = float64(capacity) / float64(key)
	}
	for _, r := range due[:key] {
		e.session(r.request, q, p)
	}
	if left, n := capacity-key, len(due)-key; left > 0 && n > 0 {
		q = min(1, float64(left)/float64(n))
		for _, r := range due[key:] {
			e.session(r.request, q, p)
		}
	}
}

// monthsAt is the months without status of the person of file f at the
// start of month t, not before f's state: what catchUp(f, t) would make
// them (they grow in a file past the appeal).
func monthsAt(f *file, t int) int {
	m := f.a.MonthsIrregular
	if n := t - f.synced; n > 0 && f.a.Shelter != agents.Reception {
		m += n
	}
	return m
}

// session gives the person of request r its due session at quality q; the
// effect decays by Retention for each month the request waited. The person
// is first aged to the end of this month (lane.go), and their lane's bound
// no longer holds. The session's counselling (country knowledge, partner
// contact) is that of the policy in force for the person then; a group
// rule that sets the provider gives them its provider, picked with the
// draw they made at entry (agents.Agent.ProviderDraw).
func (e *engine) session(r request, q float64, p *agents.Params) {
	f := &e.files[r.file]
	e.catchUp(f, e.t+1)
	e.invalidate(r.cid)
	a := &f.a
	if a.SessionAsked < e.t {
		q *= math.Pow(p.Counselling.Retention, float64(e.t-a.SessionAsked))
	}
	c := &e.pol.Counselling
	if j := e.pol.RuleOf(a.Origin, a.Household, a.MonthsIrregular, a.FileNumber); j >= 0 {
		pol := e.pol.Rule(j)
		c = &pol.Counselling
		if e.pol.OwnProvider(j) {
			a.Provider = c.Provider.Pick(float64(a.ProviderDraw))
		}
	}
	avr, legal := agents.SessionEffect(a, &e.cfg.Origins[a.Origin], a.SessionAt, q, c, p)
	a.CounselAVR += avr
	a.CounselLegal += legal
	a.Counselled = true
	a.EverCounselled = true
	a.SessionDue = false
	if e.t >= 0 {
		e.totals.SessionsGiven++
		e.totals.WaitMonths += e.t - a.SessionAsked
	}
}
