package sim

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/returnsim/returnsim/agents"
	"gonum.org/v1/gonum/stat/distuv"
)

// engine is one replicate in progress. Persons with an open file have a
// record in files (reused through freeFiles) and a lane in lanes, in the
// order their files opened (so by case id), and draw one uniform every
// month; most months that draw is all they cost (see lane.go). Persons in
// a procedure or out of sight live in away and cost nothing between their
// events: each has one entry in the calendar at the month of its next
// event (see away.go).
type engine struct {
	cfg *Config
	rec Recorder
	rep uint64
	t   int // current month; negative in the warm-up
	pol *agents.Policy
	cur dated // intake.scale, population and state in force: cfg's, and the dated changes' keys

	forkStay []int32   // in a continuation: by person, months without status at the fork, -1 for persons not in the return system then (History.stays)
	cum      []float64 // cumulative origin shares

	nextChange int       // first month after this one in which the policy or the restriction in force changes
	keep       bool      // a restriction in force this month keeps shelter past the deadline (restrict)
	travelBy   []float64 // by origin: the share of travel's usual chance left this month (restrict)
	removalBy  []float64 // by origin: the share of a forced return's usual chance left this month

	files    []file
	lanes    []lane
	stale    []int32 // case ids of files given a session this month (invalidate)
	todo     []pendingStep
	sink     int // what stepAll reads ahead; kept so that the reads are not dropped
	away     []awaySlot
	free     []int32                 // unused indices of away
	cal      [][]entry               // calendar of away events, by month t+Warmup
	spare    [][]entry               // months of cal carried out, emptied, to reuse
	nAway    [2]int                  // persons in a procedure, out of sight
	stock    [agents.NumShelters]int // open files by place (stepFile keeps it)
	removals int                     // forced returns carried out this month (policy.capacity.removals_per_month)

	isrc       Stream   // the stream of intake counts
	changes    []Change // the dated policy changes to come: cfg.Changes, or a continuation's (fork.go)
	changeKeys []int    // by change: the policy of cfg it is, -1 for cfg.Policy, else its index in cfg.Changes
	inForce    int      // the policy of cfg in force, as in changeKeys
	change     int      // index of the next policy change in changes
	nextPolicy int      // month of the next policy change, or math.MaxInt

	queue   []request // sessions asked for and not yet given
	due     []pending // buffer of the requests seen this month
	held    []request // buffer of the requests whose person's policy gives no counselling this month
	nextPID int
	nextCID int
	counts  MonthCounts
	totals  Totals
	rec1    CaseRecord   // reused for every record, so none escapes
	per     PersonRecord // likewise
	src     Stream       // the stream of the person being created
	rnd     *rand.Rand   // wraps src
	buf     *buffers     // where files, lanes and away came from
}

// Run simulates one replicate of cfg with the stream seed seed (see
// StreamSeed) and sends its output to rec. cfg must have passed Prepare.
//
// Each month, in this order: persons in a procedure or out of sight whose
// event falls in the month move (a decision, a find, leaving, applying);
// new persons enter, by source; every open file is stepped; sessions due
// are given within capacity; the month is recorded.
func Run(cfg *Config, seed uint64, rec Recorder) Totals {
	e := newEngine(cfg, seed, rec)
	defer e.returnBuffers()
	e.begin()
	for e.t < cfg.Months {
		e.month()
	}
	e.horizon()
	return e.totals
}

// begin opens the initial stock's files, before the first month simulated,
// and moves to that month.
func (e *engine) begin() {
	cfg := e.cfg
	e.nextPolicy = math.MaxInt
	if len(e.changes) > 0 {
		e.nextPolicy = e.changes[0].FromMonth
	}
	e.restrict(e.nextPolicy)
	e.t = -cfg.Warmup - 1 // the stock's files opened before the first month simulated
	for i := 0; i < cfg.Intake.InitialStock; i++ {
		e.newPerson(agents.IND, true)
	}
	e.t++
}

// month simulates month e.t, records it if it is a recorded month, and
// moves to the next.
func (e *engine) month() {
	cfg := e.cfg
	changed := false
	if e.change < len(e.changes) && e.t >= e.changes[e.change].FromMonth {
		old := e.pol
		e.pol = &e.changes[e.change].Policy
		awayRates := e.cur.apply(&e.changes[e.change])
		e.inForce = e.changeKeys[e.change]
		e.change++
		e.nextPolicy = math.MaxInt
		if e.change < len(e.changes) {
			e.nextPolicy = e.changes[e.change].FromMonth
		}
		e.reschedule(old, awayRates) // finds out of sight depend on enforcement
		changed = true
	}
	if e.t == 0 || changed && e.t > 0 {
		e.countRules()
	}
	e.restrict(e.nextPolicy)
	e.counts = MonthCounts{Month: e.t}
	e.removals = 0
	e.arrange()
	e.awayDue()
	for s := agents.Source(0); s < agents.NumSources; s++ {
		if lambda := cfg.newPerMonth(e.t, s, e.cur.scale); lambda > 0 {
			for n := int(distuv.Poisson{Lambda: lambda, Src: &e.isrc}.Rand()); n > 0; n-- {
				e.newPerson(s, false)
			}
		}
	}
	e.totals.Stepped += len(e.lanes)
	e.stepAll()
	e.counsel()
	if e.t >= 0 {
		e.counts.Active = len(e.lanes)
		e.counts.InProcedure, e.counts.OutOfSight = e.nAway[0], e.nAway[1]
		e.counts.Places = e.stock
		e.totals.VBLRefused += e.counts.VBLRefused
		e.totals.FamilyQueued += e.counts.FamilyQueued
		e.totals.DetentionRefused += e.counts.DetentionRefused
		e.totals.RemovalsFailed += e.counts.RemovalsFailed
		e.totals.Detained += e.counts.Detained
		e.totals.Intake += e.counts.Opened
		for s := range e.counts.OpenedBy {
			e.totals.OpenedBy[s] += e.counts.OpenedBy[s]
		}
		for o := agents.AVR; o < agents.NumOutcomes; o++ {
			e.totals.Outcomes[o] += e.counts.Closed[o]
		}
		e.rec.Month(&e.counts)
	}
	e.t++
}

// newEngine returns the engine of a replicate of cfg with stream seed seed
// that sends its output to rec, before its first month: under cfg's policy,
// with no person yet, at the first month of the warm-up. cfg must have
// passed Prepare. Its large buffers come from a pool: returnBuffers gives them
// back.
func newEngine(cfg *Config, seed uint64, rec Recorder) *engine {
	e := &engine{cfg: cfg, rec: rec, rep: seed, pol: &cfg.Policy, changes: cfg.Changes, inForce: -1, t: -cfg.Warmup, nextChange: math.MaxInt}
	e.cur = dated{cfg.Intake.Scale, cfg.Population, cfg.State}
	e.changeKeys = make([]int, len(cfg.Changes))
	for i := range e.changeKeys {
		e.changeKeys[i] = i
	}
	e.rnd = wrap(&e.src)
	e.cum = cumulative(len(cfg.Origins), func(i int) float64 { return cfg.Origins[i].Share })
	e.travelBy, e.removalBy = make([]float64, len(cfg.Origins)), make([]float64, len(cfg.Origins))
	// Room for the default study's caseload (2^17 records, open and closed
	// not yet dropped, and 2^15 persons away, more than its replicates hold
	// at once), so that the records are rarely copied to grow; a smaller
	// run, with fewer persons in all, gets less.
	n := int(cfg.ExpectedPersons()) + 64
	e.buf = getBuffers(min(n, cfg.Intake.InitialStock+1<<17), min(n, cfg.Intake.InitialStock+1<<16), min(n, 1<<15))
	e.files, e.lanes, e.away = e.buf.files, e.buf.lanes, e.buf.away
	e.cal = make([][]entry, cfg.Warmup+cfg.Months)
	e.isrc = intakeStream(seed)
	return e
}

// returnBuffers gives the engine's buffers back to the pool; it must not run
// after.
func (e *engine) returnBuffers() { e.buf.put(e) }

// ExpectedPersons is the initial stock plus the expected count of persons
// who enter from outside over the run, warm-up included, all sources
// together: about as many records as a run is likely to hold at once (later
// files of the same persons come on top). c must have passed Prepare.
func (c *Config) ExpectedPersons() float64 {
	n := float64(c.Intake.InitialStock)
	for t := -c.Warmup; t < c.Months; t++ {
		for s := agents.Source(0); s < agents.NumSources; s++ {
			n += c.NewPerMonth(t, s)
		}
	}
	return n
}

// horizon records every file still open and every person still in the
// return system, in order of person id.
func (e *engine) horizon() {
	last := e.cfg.Months - 1
	type left struct {
		a      *agents.Agent
		months int // months without status not yet added to a.MonthsIrregular
	}
	ps := make([]left, 0, len(e.lanes)+e.nAway[0]+e.nAway[1])
	for i := range e.lanes {
		f := &e.files[e.lanes[i].file]
		e.catchUp(f, e.cfg.Months)
		e.recordCase(&f.a, agents.Open, agents.NoPathway)
		ps = append(ps, left{&f.a, 0})
	}
	e.totals.Outcomes[agents.Open] = len(e.lanes)
	for i := range e.away {
		if w := &e.away[i]; w.used {
			n := 0
			if w.a.Place == agents.OutOfSight {
				n = last - w.since
			}
			ps = append(ps, left{&w.a, n})
		}
	}
	slices.SortFunc(ps, func(x, y left) int { return x.a.PersonID - y.a.PersonID })
	for _, p := range ps {
		fate := [...]agents.Fate{agents.FateInFile, agents.FateInProcedure, agents.FateOutOfSight}[p.a.Place]
		e.recordPerson(p.a, fate, -1, p.months)
	}
}

// countRules sends a RuleRecorder, in a recorded month in which a policy
// with group rules comes into force (the first recorded month, a change's,
// a fork's), the persons in the return system at its start whom each rule
// selects (the first that matches them).
func (e *engine) countRules() {
	rr, ok := e.rec.(RuleRecorder)
	if !ok || !e.pol.HasGroups() {
		return
	}
	n := make([]int, len(e.pol.Groups))
	count := func(a *agents.Agent, months int) {
		if j := e.pol.RuleOf(a.Origin, a.Household, months, a.FileNumber); j >= 0 {
			n[j]++
		}
	}
	for _, l := range e.lanes {
		f := &e.files[l.file]
		count(&f.a, monthsAt(f, e.t))
	}
	for i := range e.away {
		if w := &e.away[i]; w.used {
			count(&w.a, awayMonths(w, e.t))
		}
	}
	for j, k := range n {
		rr.Rule(&RuleCount{Month: e.t, Change: e.inForce, Rule: j, Persons: k})
	}
}

// recordPerson records a person's fate: when they leave the return system in a
// recorded month (month t), or at the horizon (month -1). extra adds months
// without status not yet counted.
func (e *engine) recordPerson(a *agents.Agent, fate agents.Fate, month, extra int) {
	if e.t < 0 {
		return
	}
	if a.FirstMonth >= 0 {
		e.totals.Persons++
		e.totals.Fates[fate]++
		if a.EverCounselled {
			e.totals.Counselled++
		}
	}
	e.per = PersonRecord{
		PersonID: a.PersonID, Origin: a.Origin, Household: a.Household, FirstMonth: a.FirstMonth,
		Files: a.FileNumber, Fate: fate, FateMonth: month, MonthsIrregular: a.MonthsIrregular + extra,
		Counselled: a.EverCounselled, PackagePaid: a.PackagePaid, EntryStay: int(a.EntryStay), ForkStay: -1,
	}
	if a.PersonID < len(e.forkStay) {
		e.per.ForkStay = int(e.forkStay[a.PersonID])
	}
	e.rec.Person(&e.per)
}

func cumulative(n int, f func(int) float64) []float64 {
	c := make([]float64, n)
	s := 0.0
	for i := range c {
		s += f(i)
		c[i] = s
	}
	c[n-1] = math.Inf(1) // shares sum to 1 up to rounding: the last bin takes the rest
	return c
}

func pick(cum []float64, u float64) int {
	i := 0
	for u >= cum[i] {
		i++
	}
	return i
}

// adjust raises a probability by a log-odds boost.
func adjust(p, boost float64) float64 {
	if boost == 0 || p == 0 || p == 1 {
		return p
	}
	return agents.Logistic(math.Log(p/(1-p)) + boost)
}
