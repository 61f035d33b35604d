package sim

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"

	"github.com/returnsim/returnsim/agents"
)

// A History is a replicate simulated from the first month of the warm-up
// up to its fork month under one configuration (a study's baseline): the
// state from which every scenario of the study continues (Continue). It
// is simulated once per replicate; each continuation works on a copy of
// it, so a History can be continued any number of times, in parallel.
//
// A continuation is the replicate a straight Run would give under the
// history's configuration up to the fork and the scenario's from it: the
// scenario's policy in force at the fork takes over in the fork month as a
// dated policy change would (TestForkIsADatedChange). Persons, files,
// places, the counselling queue, the calendar of events away and every
// random stream carry over exactly, so scenarios stay paired person by
// person.
type History struct {
	e     *engine
	fork  int
	pol   agents.Policy // the policy in force in the month before the fork
	stays []int32       // by person id: months without status at the start of the fork month, -1 for persons not in the return system then
}

// policyAt is the policy of cfg in force in month t: its base policy, or
// its last change from t or before.
func policyAt(cfg *Config, t int) agents.Policy {
	p := cfg.Policy
	for _, c := range cfg.Changes {
		if c.FromMonth <= t {
			p = c.Policy
		}
	}
	return p
}

// RunHistory simulates cfg with stream seed seed up to month fork (not
// included; a recorded month, or a warm-up month as a negative index down
// to -cfg.Warmup) and sends what it records before the fork to rec. cfg
// must have passed Prepare and must not change while the History is in
// use. Its large buffers go back to the pool at once (trim); Release lets it go.
func RunHistory(cfg *Config, seed uint64, fork int, rec Recorder) (*History, error) {
	if fork < -cfg.Warmup || fork > cfg.Months {
		return nil, fmt.Errorf("sim: fork at month %d: want a month from %d (the first of the warm-up) to %d (the horizon)", fork, -cfg.Warmup, cfg.Months)
	}
	e := newEngine(cfg, seed, rec)
	e.begin()
	for e.t < fork {
		e.month()
	}
	e.rec = nil // a continuation records to its own
	e.trim()
	return &History{e: e, fork: fork, pol: *e.pol, stays: e.staysAt(fork)}, nil
}

// staysAt is, by person id, the months without status at the start of
// month t of every person in the return system then (an open file, a
// procedure, out of sight), -1 for the others: what a projection's groups
// band them by (PersonRecord.ForkStay).
func (e *engine) staysAt(t int) []int32 {
	stays := make([]int32, e.nextPID)
	for i := range stays {
		stays[i] = -1
	}
	for i := range e.lanes {
		f := &e.files[e.lanes[i].file]
		stays[f.a.PersonID] = int32(monthsAt(f, t))
	}
	for i := range e.away {
		if w := &e.away[i]; w.used {
			stays[w.a.PersonID] = int32(awayMonths(w, t))
		}
	}
	return stays
}

// trim moves a history's files, lanes and persons away into slices of
// their own length and gives the pool's buffers, sized for a whole run,
// back: a study holds a history until every scenario has continued it,
// as many at once as it has replicates. Only capacity changes: a
// continuation copies the same elements (copy).
func (e *engine) trim() {
	files, lanes, away := slices.Clone(e.files), slices.Clone(e.lanes), slices.Clone(e.away)
	e.returnBuffers()
	e.files, e.lanes, e.away = files, lanes, away
	e.buf = nil
}

// Fork is the month from which the history's continuations differ.
func (h *History) Fork() int { return h.fork }

// Release lets the history go; it must not be used after.
func (h *History) Release() { h.e, h.stays = nil, nil }

// Forkable reports why cfg cannot continue history h, or nil if it can:
// cfg must equal the history's configuration in everything but the policy
// (its base policy and its dated changes), since everything else already
// shaped the shared months. Of cfg's policy only the one in force at the
// fork and the changes after it are used (Continue); a study refuses a
// scenario that dates a change of its own before the fork. Both must have
// passed Prepare.
func (h *History) Forkable(cfg *Config) error {
	a, b := *h.e.cfg, *cfg
	a.Policy, b.Policy = agents.Policy{}, agents.Policy{}
	a.Changes, b.Changes = nil, nil
	if !reflect.DeepEqual(a, b) {
		return fmt.Errorf("sim: the scenario differs from the history in more than its policy (%s): it would change the shared history", firstDifference(&a, &b))
	}
	return nil
}

// firstDifference names the first top-level field in which a and b differ.
func firstDifference(a, b *Config) string {
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	for i := range va.NumField() {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			f := va.Type().Field(i)
			if k := f.Tag.Get("toml"); k != "" {
				return k
			}
			return f.Name
		}
	}
	return "nothing"
}

// Continue simulates the months from the fork to the horizon on a copy of
// h's state under cfg, which must be Forkable from h, and sends what they
// record, and the horizon's records, to rec. The Totals are the
// replicate's: the history's recorded months included.
func (h *History) Continue(cfg *Config, rec Recorder) (Totals, error) {
	return h.ContinueContext(context.Background(), cfg, rec)
}

// ContinueContext is Continue that stops between two months once ctx is
// done, returning ctx's error and Totals that are not the replicate's;
// rec has then been sent only part of the run. A continuation simulates
// a few months a millisecond, so a cancelled one gives its core back at
// once: a caller that asks again before the last answer (a planner moving
// a lever) need not wait for it.
func (h *History) ContinueContext(ctx context.Context, cfg *Config, rec Recorder) (Totals, error) {
	if err := h.Forkable(cfg); err != nil {
		return Totals{}, err
	}
	if err := ctx.Err(); err != nil {
		return Totals{}, err
	}
	if h.fork == -h.e.cfg.Warmup {
		// Nothing is shared, not even the persons of the initial stock
		// (who draw their provider under the policy in force): the run is
		// the scenario's own.
		return Run(cfg, h.e.rep, rec), nil
	}
	e := h.copy(cfg, rec)
	defer e.returnBuffers()
	for e.t < cfg.Months {
		if err := ctx.Err(); err != nil {
			return Totals{}, err
		}
		e.month()
	}
	e.horizon()
	return e.totals, nil
}

// copy returns a copy of the history's engine that continues under cfg,
// recording to rec. The policy in force before the fork is the history's
// (kept in the copy); the scenario's policy in force at the fork, if it
// differs, takes over in the fork month as a dated change, and its later
// changes follow.
func (h *History) copy(cfg *Config, rec Recorder) *engine {
	o := h.e
	e := &engine{}
	*e = *o
	e.cfg, e.rec = cfg, rec
	e.rnd = wrap(&e.src)
	e.buf = getBuffers(cap(o.files), cap(o.lanes), cap(o.away))
	e.files = append(e.buf.files, o.files...)
	e.lanes = append(e.buf.lanes, o.lanes...)
	e.away = append(e.buf.away, o.away...)
	e.stale = slices.Clone(o.stale)
	e.travelBy, e.removalBy = slices.Clone(o.travelBy), slices.Clone(o.removalBy)
	e.todo = nil
	e.free = slices.Clone(o.free)
	e.cal = make([][]entry, len(o.cal))
	for k := range o.cal {
		if k >= h.fork+cfg.Warmup { // months carried out hold nothing more to read
			e.cal[k] = slices.Clone(o.cal[k])
		}
	}
	e.spare = nil
	e.queue = slices.Clone(o.queue)
	e.forkStay = h.stays // read only
	e.due, e.held = nil, nil
	pol := new(agents.Policy)
	*pol = h.pol
	e.pol = pol
	// The scenario's policy from the fork on, as changes: the one in force
	// at the fork (its base, or its last change before or at the fork),
	// then its changes after it.
	e.changes = []Change{{FromMonth: h.fork, Policy: policyAt(cfg, h.fork)}}
	// The keys outside the policy that the changes before the fork set
	// are the history's (a study refuses a scenario that dates a change of
	// its own before it), in force in the copy; those of a change at the
	// fork take effect with it.
	for _, c := range cfg.Changes {
		if c.FromMonth == h.fork {
			e.changes[0].Intake, e.changes[0].Population, e.changes[0].State = c.Intake, c.Population, c.State
		}
	}
	e.changeKeys = []int{-1}
	for i, c := range cfg.Changes {
		if c.FromMonth <= h.fork {
			e.changeKeys[0] = i
		} else {
			e.changes = append(e.changes, c)
			e.changeKeys = append(e.changeKeys, i)
		}
	}
	// The history's rules were the baseline's (its recorder, a Tape, keeps
	// none): the scenario's are counted at the fork, or at the first
	// recorded month after a fork in the warm-up.
	e.change = 0
	e.nextPolicy = math.MaxInt
	if len(e.changes) > 0 {
		e.nextPolicy = e.changes[0].FromMonth
	}
	// Bounds drawn up under the history's policy hold until the fork.
	for i := range e.lanes {
		e.lanes[i].until = min(e.lanes[i].until, int32(h.fork))
	}
	return e
}

// Tape is a Recorder that keeps what it is sent, to send it again
// (Replay): the history's recorded months, for each scenario that
// continues it. Case records are kept only with Cases set, person records
// only with Persons set (a study keeps them for persons.csv: its metrics
// count no person who left before the fork).
type Tape struct {
	Cases, Persons bool

	months  []MonthCounts
	cases   []CaseRecord
	persons []PersonRecord
}

func (t *Tape) Month(c *MonthCounts) { t.months = append(t.months, *c) }

func (t *Tape) Case(c *CaseRecord) {
	if t.Cases {
		t.cases = append(t.cases, *c)
	}
}

func (t *Tape) Person(p *PersonRecord) {
	if t.Persons {
		t.persons = append(t.persons, *p)
	}
}

// Replay sends rec what the tape kept, in the order a run sends it:
// months, cases and persons as they came. A Recorder that keeps the three
// apart (as every Recorder of this module does) sees what the run sent.
func (t *Tape) Replay(rec Recorder) {
	for i := range t.months {
		rec.Month(&t.months[i])
	}
	for i := range t.cases {
		rec.Case(&t.cases[i])
	}
	for i := range t.persons {
		rec.Person(&t.persons[i])
	}
}
