package sim

import (
	"cmp"
	"math"
	"slices"

	"github.com/returnsim/returnsim/agents"
)

// Persons in a file draw one uniform from their own stream every month, as
// step always did, but most months that draw is all they cost. Each open
// file has a lane: its stream, an upper bound of the total probability that
// anything happens in a month (the state's events plus the person's
// choices), and the month until which that bound holds. While the month is
// before it and the draw is at or above the bound, nothing happens that
// month but ageing (agents.Age), exactly as step would find; the ageing is
// not done then but replayed, all the skipped months at once with the
// same result, when the file is next touched (catchUp). Otherwise step
// runs, on the month's draw, after the replay. So the results, and every
// stream, are exactly those of stepping every file every month.
//
// The bound holds over months [from, until) of a file whose state is s
// at the start of month from, when nothing but ageing happens in them:
//   - Policy, origin, shelter, household, health and network do not change;
//     until is at most the month of the next policy change, and a
//     departure period (which always ends in its month) gets no interval.
//     The policy in force for the person (agents.Policy.For: a group
//     rule's, or the general one) does not change either: it moves only
//     as months without status reach a rule's threshold, so until is at
//     most the month they reach the next one (agents.Policy.NextChange).
//   - Ageing (agents.Age) moves each field it changes monotonically:
//     irregular stay grows, hope and, without shelter, trust shrink by a
//     factor in [0,1] each month, and the counselling boosts shrink toward
//     0 by Retention in [0,1]. Let end be s aged until-1-from months
//     (agents.AgeFar). The person's four log-odds are bounded by
//     agents.PredictBound(s, end), which Predict itself gives (see there),
//     and each probability by agents.LogisticUpperBound of that bound.
//   - The state's events are bounded, each, by the larger of its
//     probabilities at s and at end: of the fields ageing moves, they read
//     only CounselLegal (the status events, through adjust, which rises
//     with it).
//   - The total is raised by a relative 1e-9 and an absolute 1e-12, far
//     above any difference of rounding between this sum and step's.
//   - A periodic session is asked in step's month, so until is at most the
//     first month whose ageing makes MonthsOpen a multiple of PeriodMonths;
//     likewise a stay in the VBL ends in step's month, so until is at most
//     its last month (State.VBLMonths).
//   - A place that is full (policy.capacity) only takes events away: a
//     detention or a removal that is not carried out; the bound still
//     holds.
//   - A session given (counsel) changes the boosts: it ages the file to the
//     end of the month first and ends its interval.
//
// TestBoundHolds checks all this under parameters drawn over their ranges.
// After a step in which something happened the bound is drawn up again;
// after a month in which step found nothing, the old bound still holds.

// boundMonths is the longest interval a bound is drawn up for: longer ones
// cost fewer bounds but looser ones (irregular stay and hope move further).
const boundMonths = 60

// file is the record of a person with an open file. Records stay where
// they are while their file is open, in order of opening (so the records
// that a month touches lie in increasing order of address); closed ones
// are dropped only once they are half of all (compactFiles), so a record
// is copied a bounded number of times on average, not every month.
type file struct {
	a      agents.Agent
	synced int  // a is the state at the start of this month: aged for every month before it
	done   bool // closed
}

// lane is the part of an open file that every month touches: 32 bytes.
type lane struct {
	src   Stream
	bound float32 // the month's total event probability is below it while t < until
	until int32
	file  int32 // index into files
	cid   int32 // case id: lanes are in increasing order of it
}

// open gives agent a, with stream src, an open file: a record and a lane at
// the end of the lanes, with a bound from its first month on.
func (e *engine) open(a *agents.Agent, src Stream) int32 {
	// The initial stock opens before the first month simulated, and is
	// first stepped (and aged) in that month.
	first := max(e.t, -e.cfg.Warmup)
	a.ShelterSince = first
	e.stock[a.Shelter]++
	e.files = append(e.files, file{a: *a, synced: first})
	fi := int32(len(e.files) - 1)
	b, until := e.bound(&e.files[fi].a, first)
	e.lanes = append(e.lanes, lane{src: src, bound: roundUp32(b), until: until, file: fi, cid: int32(a.CaseID)})
	return fi
}

// compactFiles drops the records of closed files once they are at least
// half of all, keeping the order of the rest: then lane j's record is
// files[j]. Each compaction copies at most as many records as have closed
// since the last, so a closed file costs at most one copy of a record.
// Waiting requests follow their records.
func (e *engine) compactFiles() {
	if 2*len(e.lanes) > len(e.files) {
		return
	}
	for j := range e.lanes {
		l := &e.lanes[j]
		if int(l.file) != j {
			e.files[j] = e.files[l.file]
			l.file = int32(j)
		}
	}
	clear(e.files[len(e.lanes):])
	e.files = e.files[:len(e.lanes)]
	for i := range e.queue {
		r := &e.queue[i]
		j, ok := e.laneOf(r.cid)
		if !ok {
			r.file = -1 // stale: its file has closed
			continue
		}
		r.file = int32(j)
	}
}

// laneOf returns the index of the lane of the open file with case id cid.
func (e *engine) laneOf(cid int) (int, bool) {
	return slices.BinarySearchFunc(e.lanes, int32(cid), func(l lane, cid int32) int { return cmp.Compare(l.cid, cid) })
}

// stepAll draws every open file's uniform for this month and steps the
// files whose draw falls below their bound or whose bound has run out. It
// drops the lanes of the files that close, keeping the order of the rest,
// as it goes (no lane is added while it runs), and then, once they are
// many, their records (compactFiles).
//
// It works in blocks of lanes: first every lane of the block draws, and
// those to step are listed; then their records are read once, all of them
// before any is stepped, so that the processor fetches them from memory
// side by side rather than one after the other (records are far apart:
// most files are not stepped in a month); then they are stepped, in the
// order of the lanes. Each person's draws come from their own stream, in
// the same order as without blocks.
func (e *engine) stepAll() {
	const block = 64
	t := int32(e.t)
	slices.Sort(e.stale)
	stale, next := e.stale, int32(math.MaxInt32)
	if len(stale) > 0 {
		next = stale[0]
	}
	w := 0
	for b0 := 0; b0 < len(e.lanes); b0 += block {
		lanes := e.lanes[b0:min(b0+block, len(e.lanes))]
		todo := e.todo[:0]
		for j := range lanes {
			l := &lanes[j]
			if l.cid >= next { // a session was given: the bound no longer holds
				if l.cid == next {
					l.until = t
				}
				for len(stale) > 0 && stale[0] <= l.cid {
					stale = stale[1:]
				}
				next = math.MaxInt32
				if len(stale) > 0 {
					next = stale[0]
				}
			}
			u := uniform(&l.src)
			if t >= l.until || u < float64(l.bound) {
				todo = append(todo, pendingStep{int32(j), u})
			}
		}
		e.todo = todo
		sink := 0
		for _, s := range todo {
			f := &e.files[lanes[s.j].file]
			sink += f.a.PersonID + f.a.Origin + int(f.a.Shelter) + f.a.SessionAsked + f.synced
		}
		e.sink += sink
		for _, s := range todo {
			if l := &lanes[s.j]; e.stepFile(l, s.u) {
				l.file = -1
			}
		}
		for j := range lanes {
			if lanes[j].file >= 0 {
				e.lanes[w] = lanes[j]
				w++
			}
		}
	}
	e.lanes = e.lanes[:w]
	e.stale = e.stale[:0]
	e.compactFiles()
}

// pendingStep is a lane of the block to step, with the month's draw.
type pendingStep struct {
	j int32
	u float64
}

// stepFile steps the file of lane l on draw u, after replaying its ageing,
// and reports whether the file closed.
func (e *engine) stepFile(l *lane, u float64) (closed bool) {
	e.totals.Exact++
	fi := l.file
	f := &e.files[fi]
	e.catchUp(f, e.t)
	was := f.a.Shelter
	changed := e.step(fi, &l.src, u)
	if f.done {
		e.stock[was]--
		return true
	}
	if now := f.a.Shelter; now != was {
		e.stock[was]--
		e.stock[now]++
		f.a.ShelterSince = e.t
	}
	f.synced = e.t + 1
	if changed || int32(e.t+1) >= l.until {
		b, until := e.bound(&f.a, e.t+1)
		l.bound, l.until = roundUp32(b), until
	}
	return false
}

// catchUp replays the ageing of file f for every month before month t not
// yet aged, as step does in a month in which nothing happens: the month's
// place is counted, and agents.Age ages the person, all the months at once
// (bit for bit as month by month).
func (e *engine) catchUp(f *file, t int) {
	n := t - f.synced
	if n <= 0 {
		return
	}
	if rec := t - max(f.synced, 0); rec > 0 {
		e.countPlaces(f.a.Shelter, min(rec, n))
	}
	f.synced = t
	agents.Age(&f.a, n, &e.cfg.Params)
}

// invalidate ends the bound's interval of the open file with case id cid:
// its next month is stepped exactly. The case ids are kept until the next
// stepAll, which meets them in order as it walks the lanes (in order of
// case id: files are opened in that order, and stepAll keeps it); no file
// closes in between.
func (e *engine) invalidate(cid int) {
	e.stale = append(e.stale, int32(cid))
}

// roundUp32 is the least float32 at or above b.
func roundUp32(b float64) float32 {
	f := float32(b)
	if float64(f) < b {
		f = math.Nextafter32(f, float32(math.Inf(1)))
	}
	return f
}

// bound returns an upper bound of the total monthly event probability of a
// file whose state is a at the start of month from, and the month until
// which it holds (see the comment at the top of this file). until = from
// means none: the month is stepped exactly.
func (e *engine) bound(a *agents.Agent, from int) (float64, int32) {
	none := int32(from)
	if a.Shelter == agents.Departure || a.Leaving {
		return 0, none
	}
	until := min(from+boundMonths, e.cfg.Months, e.nextChange)
	pol := e.pol.For(a)
	if n := e.pol.NextChange(a, a.MonthsIrregular, a.FileNumber); n >= 0 && a.Shelter != agents.Reception {
		until = min(until, from+n-a.MonthsIrregular) // months without status grow by one a month past the appeal
	}
	if c := &pol.Counselling; c.Timing == agents.Periodic {
		pm := c.PeriodMonths
		until = min(until, from+(pm-(a.MonthsOpen+1)%pm)%pm)
	}
	if m := e.cur.state.VBLMonths; a.Shelter == agents.VBL && m > 0 {
		until = min(until, a.ShelterSince+m) // the stay ends in step's month
	}
	if until <= from {
		return 0, none
	}
	// until-1-from ageings lie between the first month's state and the last's
	p := &e.cfg.Params
	o := &e.cfg.Origins[a.Origin]
	end := *a
	agents.AgeFar(&end, until-1-from, p)
	ev := e.stateEvents(a, o, pol)
	if end.CounselLegal != a.CounselLegal { // the only ageing field they read (TestStateEventsAgeing)
		last := e.stateEvents(&end, o, pol)
		ev.raise(&last)
	}
	x := agents.PredictBound(a, &end, o, pol, p)
	total := ev.total() + x.Ceiling(e.travel(a.Origin))
	return total*(1+1e-9) + 1e-12, int32(until)
}
