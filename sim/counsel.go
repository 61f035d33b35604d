package sim

import (
	"cmp"
	"math"
	"slices"

	"github.com/returnsim/returnsim/agents"
)

// ask asks for a session for agent a at moment m this month. A request
// still waiting keeps its place in the queue and takes the newer moment.
func (e *engine) ask(a *agents.Agent, m agents.Moment) {
	if !a.SessionDue {
		a.SessionAsked = e.t
		if e.t >= 0 {
			e.totals.SessionsAsked++
		}
	}
	a.SessionDue, a.SessionAt = true, m
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
func (e *engine) counsel() {
	c := &e.pol.Counselling
	p := &e.cfg.Params
	if c.Timing == agents.NoCounselling {
		return // requests still due wait for a policy that counsels
	}
	due := e.due[:0]
	for i := range e.slots {
		if s := &e.slots[i]; !s.done && s.a.SessionDue {
			due = append(due, int32(i))
		}
	}
	e.due = due
	if len(due) == 0 {
		return
	}
	routine := func(i int32) bool { return e.slots[i].a.SessionAt == agents.MomentRoutine }
	slices.SortStableFunc(due, func(i, j int32) int {
		ri, rj := routine(i), routine(j)
		if ri != rj {
			if ri {
				return 1
			}
			return -1
		}
		return cmp.Compare(e.slots[i].a.SessionAsked, e.slots[j].a.SessionAsked)
	})
	key := len(due)
	for key > 0 && routine(due[key-1]) {
		key--
	}
	capacity := c.Capacity()
	if c.Overload == agents.Wait {
		for _, i := range due[:min(capacity, len(due))] {
			e.session(&e.slots[i].a, 1, c, p)
		}
		return
	}
	q := 1.0
	if key > capacity {
		q = float64(capacity) / float64(key)
	}
	for _, i := range due[:key] {
		e.session(&e.slots[i].a, q, c, p)
	}
	if left, n := capacity-key, len(due)-key; left > 0 && n > 0 {
		q = min(1, float64(left)/float64(n))
		for _, i := range due[key:] {
			e.session(&e.slots[i].a, q, c, p)
		}
	}
}

// session gives agent a its due session at quality q; the effect decays by
// Retention for each month the request waited.
func (e *engine) session(a *agents.Agent, q float64, c *agents.Counselling, p *agents.Params) {
	if a.SessionAsked < e.t {
		q *= math.Pow(p.Counselling.Retention, float64(e.t-a.SessionAsked))
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
