package sim

import (
	"cmp"
	"math"
	"slices"

	"github.com/returnsim/returnsim/agents"
	"gonum.org/v1/gonum/stat/distuv"
)

// CaseRecord is one file, shaped like the service's case files. A file
// still open at the horizon has Outcome agents.Open and ClosedMonth -1.
type CaseRecord struct {
	CaseID, PersonID, FileNumber, Origin int
	Household                            agents.Household
	OpenedMonth, ClosedMonth             int
	Outcome                              agents.Outcome
	Pathway                              agents.Pathway
	Counselled                           bool
	Provider                             agents.Provider
}

// MonthCounts is what happened in one recorded month.
type MonthCounts struct {
	Month  int
	Active int                     // files open at the end of the month
	Opened int                     // files opened in the month
	Closed [agents.NumOutcomes]int // files closed in the month, by outcome (index 0 unused)
}

// Recorder receives a run's output. Month is called once a recorded month,
// in order; Case once for every file closed in a recorded month and, at the
// end, for every file still open. Either may be a no-op. The pointers are
// valid only during the call.
type Recorder interface {
	Month(c *MonthCounts)
	Case(c *CaseRecord)
}

// Totals sums a run over the recorded months: files opened (return orders),
// files closed by outcome, and files open at the horizon in Outcomes[Open].
type Totals struct {
	Intake   int
	Outcomes [agents.NumOutcomes]int
}

// Closed is the number of files closed in the recorded months.
func (t *Totals) Closed() int {
	n := 0
	for o := agents.AVR; o < agents.NumOutcomes; o++ {
		n += t.Outcomes[o]
	}
	return n
}

type slot struct {
	a    agents.Agent
	src  Source
	done bool
}

type reopen struct {
	at  int // month the new file opens
	a   agents.Agent
	src Source
}

type engine struct {
	cfg     *Config
	rec     Recorder
	rep     uint64
	t       int // current month; negative in the warm-up
	pol     *agents.Policy
	cum     []float64 // cumulative origin shares
	files   []float64 // cumulative file-number shares
	slots   []slot
	reopens []reopen // new procedures waiting for their new file, in the order they closed
	due     []int32  // buffer of slots with a session due
	nextPID int
	nextCID int
	counts  MonthCounts
	totals  Totals
	rec1    CaseRecord // reused for every record, so none escapes
	src     Source     // the stream of the person being created
}

// Run simulates one replicate of cfg with the stream seed seed (see
// StreamSeed) and sends its output to rec. cfg must have passed Validate.
func Run(cfg *Config, seed uint64, rec Recorder) Totals {
	e := &engine{cfg: cfg, rec: rec, rep: seed, pol: &cfg.Policy}
	e.cum = cumulative(len(cfg.Origins), func(i int) float64 { return cfg.Origins[i].Share })
	files := cfg.Intake.Shares()
	e.files = cumulative(len(files), func(i int) float64 { return files[i] })
	// room for the stock and about three years of intake: the slice
	// rarely grows after the warm-up
	e.slots = make([]slot, 0, cfg.Intake.InitialStock+int(36*cfg.Intake.PerMonth)+64)
	isrc := intakeSource(seed)
	pois := distuv.Poisson{Lambda: cfg.Intake.PerMonth, Src: &isrc}
	e.t = -cfg.Warmup - 1 // the stock's files opened before the first month simulated
	for i := 0; i < cfg.Intake.InitialStock; i++ {
		e.open(true)
	}
	e.t++
	change := 0
	for ; e.t < cfg.Months; e.t++ {
		if change < len(cfg.Changes) && e.t >= cfg.Changes[change].FromMonth {
			e.pol = &cfg.Changes[change].Policy
			change++
		}
		e.counts = MonthCounts{Month: e.t}
		e.reopenDue()
		for n := int(pois.Rand()); n > 0; n-- {
			e.open(false)
		}
		for i := range e.slots {
			e.step(&e.slots[i])
		}
		e.counsel()
		e.compact()
		if e.t >= 0 {
			e.counts.Active = len(e.slots)
			e.totals.Intake += e.counts.Opened
			for o := agents.AVR; o < agents.NumOutcomes; o++ {
				e.totals.Outcomes[o] += e.counts.Closed[o]
			}
			e.rec.Month(&e.counts)
		}
	}
	for i := range e.slots {
		e.record(&e.slots[i].a, agents.Open, agents.NoPathway)
	}
	e.totals.Outcomes[agents.Open] = len(e.slots)
	return e.totals
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

// beta draws from a Beta distribution with the given mean and concentration.
func beta(mean, conc float64, s *Source) float64 {
	return distuv.Beta{Alpha: mean * conc, Beta: (1 - mean) * conc, Src: s}.Rand()
}

// open starts a new person's first file in the Netherlands' records. Its
// attributes come from the person's own stream. A person from the initial
// stock starts past the deadline.
func (e *engine) open(stock bool) {
	pid := e.nextPID
	e.nextPID++
	e.src = personSource(e.rep, pid) // a field, so gonum's Src interface does not move it to the heap
	s := &e.src
	pop := &e.cfg.Population
	dyn := &e.cfg.Params.Dynamics
	a := agents.Agent{PersonID: pid}
	a.Origin = pick(e.cum, uniform(s))
	o := &e.cfg.Origins[a.Origin]
	a.FileNumber = 1 + pick(e.files, uniform(s))
	if uniform(s) < pop.FamilyShare {
		a.Household = agents.Family
	}
	a.FamilyPull = beta(pop.PullMean, pop.Concentration, s)
	a.FamilyPressure = beta(pop.PressureMean, pop.Concentration, s) * (1 + o.Distance) / 2
	a.Network = beta(pop.NetworkMean, pop.Concentration, s)
	a.Trust = beta(pop.TrustMean, pop.Concentration, s)
	if uniform(s) >= pop.StigmaShare {
		a.Sensitivity = beta(pop.SensitivityMean, pop.Concentration, s)
	}
	a.MonthsIrregular = (a.FileNumber - 1) * e.cfg.Intake.PriorMonths
	a.Provider = e.pol.Counselling.Provider.Pick(uniform(s))
	if stock {
		a.MonthsIrregular += int(uniform(s) * 36)
		agents.FinalDecision(&a, dyn)
		a.MonthsSinceFinal = a.MonthsIrregular
		a.Shelter = e.deadlineShelter(&a, uniform(s))
		a.Hope = agents.HopeAt(dyn.HopeFinal, a.FileNumber, dyn) * math.Pow(1-dyn.HopeDecay, float64(a.MonthsSinceFinal))
	}
	e.start(a, e.src)
}

// reopenDue opens the next file of each person whose failed new procedure
// is due this month, in the order the procedures began.
func (e *engine) reopenDue() {
	j := 0
	for i := range e.reopens {
		r := &e.reopens[i]
		if r.at != e.t {
			e.reopens[j] = *r
			j++
			continue
		}
		r.a.FileNumber++
		r.a.Provider = e.pol.Counselling.Provider.Pick(uniform(&r.src))
		e.start(r.a, r.src)
	}
	e.reopens = e.reopens[:j]
}

// start puts a file in its first stage: an appeal pending against the first
// negative decision (or, for the initial stock, past the deadline).
func (e *engine) start(a agents.Agent, src Source) {
	a.CaseID = e.nextCID
	e.nextCID++
	a.OpenedMonth = e.t
	a.MonthsOpen = 0
	a.Counselled = false
	a.CounselAVR, a.CounselLegal = 0, 0
	a.SessionDue = false
	if a.Shelter != agents.NoShelter && a.Shelter != agents.FRL {
		a.Shelter = agents.Reception
		a.MonthsSinceFinal = -1
		a.Hope = agents.HopeAt(e.cfg.Params.Dynamics.HopePending, a.FileNumber, &e.cfg.Params.Dynamics)
	}
	if c := &e.pol.Counselling; a.Shelter == agents.Reception && (c.Timing == agents.AtFirstDecision || c.Timing == agents.Periodic) {
		ask(&a, agents.MomentFirst, e.t)
	}
	e.counts.Opened++
	e.slots = append(e.slots, slot{a: a, src: src})
}

// ask asks for a session at moment m in month t. A request still waiting
// keeps its place in the queue and takes the newer moment.
func ask(a *agents.Agent, m agents.Moment, t int) {
	if !a.SessionDue {
		a.SessionAsked = t
	}
	a.SessionDue, a.SessionAt = true, m
}

func (e *engine) deadlineShelter(a *agents.Agent, u float64) agents.Shelter {
	if a.Household == agents.Family || u < e.cfg.Population.FRLShare {
		return agents.FRL
	}
	return agents.NoShelter
}

// step draws one month of agent s.a's file. The state's decisions and the
// agent's own choices compete for one uniform draw u, laid out in that
// order: state events first, then AVR, independent departure, absconding
// and a new procedure. Most months nothing happens, so the agent's hazards
// are first bounded from above without an exponential (agents.Bound): if u
// lies above the state events plus the bounds, nothing happens, exactly as
// with the hazards themselves, which are computed only otherwise.
func (e *engine) step(s *slot) {
	a := &s.a
	p := &e.cfg.Params
	st := &e.cfg.State
	o := &e.cfg.Origins[a.Origin]
	var ev [5]float64 // state events: 0 status, 1 final decision or forced return, 2 health, 3 detention in or out, 4 police
	health := p.Dynamics.HealthRate
	if a.HealthWorse {
		health = 0
	}
	switch a.Shelter {
	case agents.Reception:
		end := 1 / st.AppealMonths
		ok := adjust(st.AppealSuccess, a.CounselLegal)
		ev = [5]float64{end * ok, end * (1 - ok), health}
	case agents.Departure:
		ev = [5]float64{0, 0, health}
	case agents.NoShelter, agents.FRL:
		enf := e.pol.Enforcement * o.Cooperation
		police := 0.0
		if a.Shelter == agents.NoShelter {
			police = p.Dynamics.PoliceRate
		}
		ev = [5]float64{adjust(st.RegularisedRate, a.CounselLegal), st.ForcedRate * enf, health, st.DetentionRate * enf, police}
	case agents.Detention:
		ev = [5]float64{0, st.ForcedDetained * o.Cooperation, health, 1 / st.DetentionMonths}
	}
	state := ev[0] + ev[1] + ev[2] + ev[3] + ev[4]
	x := agents.Predict(a, o, e.pol, p)
	u := uniform(&s.src)
	var h agents.Hazards
	if bound := state + agents.Bound(x.AVR) + agents.Bound(x.Independent) + agents.Bound(x.Absconded) + agents.Bound(x.NewProcedure); u < bound || bound > 1 {
		h = agents.Hazards{AVR: agents.Logistic(x.AVR), Independent: agents.Logistic(x.Independent),
			Absconded: agents.Logistic(x.Absconded), NewProcedure: agents.Logistic(x.NewProcedure)}
		if total := state + h.AVR + h.Independent + h.Absconded + h.NewProcedure; total > 1 {
			u *= total // only for extreme parameters: keep the proportions
		}
	}
	k := 0
	for ; k < len(ev) && u >= ev[k]; k++ {
		u -= ev[k]
	}
	if k == len(ev) { // no state event: the agent's own choices
		switch {
		case u < h.AVR:
			e.close(s, agents.AVR, agents.PathwayOf(a, o, &p.Pathway))
			return
		case u < h.AVR+h.Independent:
			e.close(s, agents.Independent, agents.PathwayOf(a, o, &p.Pathway))
			return
		}
		u -= h.AVR + h.Independent
		if u < h.Absconded {
			e.close(s, agents.Absconded, agents.NoPathway)
			return
		}
		u -= h.Absconded
		if u < h.NewProcedure {
			e.close(s, agents.NewProcedure, agents.NoPathway)
			if u < h.NewProcedure*st.ReopenShare { // the place inside the band is itself uniform
				e.scheduleReopen(s)
			}
			return
		}
	}
	stage := a.Shelter
	switch {
	case k == 0 && stage != agents.Departure && stage != agents.Detention:
		e.close(s, agents.Regularised, agents.NoPathway)
		return
	case k == 1 && stage == agents.Reception:
		agents.Age(a, p)
		agents.FinalDecision(a, &p.Dynamics)
		switch c := &e.pol.Counselling; {
		case c.Timing == agents.AtFinalDecision:
			ask(a, agents.MomentFinal, e.t)
		case c.Timing == agents.Periodic && a.MonthsOpen%c.PeriodMonths == 0:
			ask(a, agents.MomentFinal, e.t) // a periodic session that falls on the key moment
		}
		return
	case k == 1:
		e.close(s, agents.Forced, agents.Coercion) // a forced return is coercion by definition
		return
	case k == 2:
		a.HealthWorse = true
	case k == 3 && stage == agents.Detention:
		a.Shelter = e.deadlineShelter(a, 1) // released: a family location for families, else no shelter
	case k == 3:
		a.Shelter = agents.Detention
		agents.PoliceExperience(a, &p.Dynamics)
		if e.pol.Counselling.Timing == agents.InDetention {
			ask(a, agents.MomentDetention, e.t)
		}
	case k == 4:
		agents.PoliceExperience(a, &p.Dynamics)
	}
	if stage == agents.Departure {
		// The four weeks are over: shelter ends, or moves to a
		// freedom-restricting or family location.
		a.Shelter = e.deadlineShelter(a, uniform(&s.src))
		if e.pol.Counselling.Timing == agents.AtDeadline {
			ask(a, agents.MomentDeadline, e.t)
		}
	}
	agents.Age(a, p)
	if c := &e.pol.Counselling; c.Timing == agents.Periodic && a.MonthsOpen%c.PeriodMonths == 0 {
		ask(a, agents.MomentRoutine, e.t)
	}
}

// adjust raises a probability by a log-odds boost.
func adjust(p, boost float64) float64 {
	if boost == 0 || p == 0 || p == 1 {
		return p
	}
	return agents.Logistic(math.Log(p/(1-p)) + boost)
}

func (e *engine) scheduleReopen(s *slot) {
	u := uniform(&s.src)
	// geometric delay of at least one month with mean ReopenMonths
	q := 1 - 1/e.cfg.State.ReopenMonths
	d := 1
	if q > 0 {
		d += int(math.Log1p(-u) / math.Log(q))
	}
	if at := e.t + d; at < e.cfg.Months {
		e.reopens = append(e.reopens, reopen{at: at, a: s.a, src: s.src})
		r := &e.reopens[len(e.reopens)-1]
		r.a.MonthsIrregular += d
		r.a.Shelter = agents.Reception
	}
}

func (e *engine) close(s *slot, out agents.Outcome, pw agents.Pathway) {
	s.done = true
	if e.t >= 0 {
		e.counts.Closed[out]++
		e.record(&s.a, out, pw)
	}
}

func (e *engine) record(a *agents.Agent, out agents.Outcome, pw agents.Pathway) {
	closed := e.t
	if out == agents.Open {
		closed = -1
	}
	e.rec1 = CaseRecord{
		CaseID: a.CaseID, PersonID: a.PersonID, FileNumber: a.FileNumber, Origin: a.Origin,
		Household: a.Household, OpenedMonth: a.OpenedMonth, ClosedMonth: closed,
		Outcome: out, Pathway: pw, Counselled: a.Counselled, Provider: a.Provider,
	}
	e.rec.Case(&e.rec1)
}

// counsel gives the sessions due this month within capacity. With Dilute
// everyone due is seen, at quality capacity/demand when demand exceeds
// capacity; with Wait the oldest requests are seen first and the rest wait.
// A session given after a wait keeps Retention per month waited.
func (e *engine) counsel() {
	c := &e.pol.Counselling
	p := &e.cfg.Params.Counselling
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
	capacity := c.Capacity()
	q := 1.0
	if len(due) > capacity {
		if c.Overload == agents.Dilute {
			q = float64(capacity) / float64(len(due))
		} else {
			slices.SortStableFunc(due, func(i, j int32) int {
				return cmp.Compare(e.slots[i].a.SessionAsked, e.slots[j].a.SessionAsked)
			})
			due = due[:capacity]
		}
	}
	for _, i := range due {
		a := &e.slots[i].a
		w := q
		if a.SessionAsked < e.t {
			w *= math.Pow(p.Retention, float64(e.t-a.SessionAsked))
		}
		e.session(a, w, c, p)
	}
}

func (e *engine) session(a *agents.Agent, q float64, c *agents.Counselling, p *agents.CounsellingParams) {
	avr, legal := agents.SessionEffect(a, a.SessionAt, q, c, p)
	a.CounselAVR += avr
	a.CounselLegal += legal
	a.Counselled = true
	a.SessionDue = false
}

// compact drops closed files, keeping the order of the rest.
func (e *engine) compact() {
	j := 0
	for i := range e.slots {
		if !e.slots[i].done {
			e.slots[j] = e.slots[i]
			j++
		}
	}
	clear(e.slots[j:])
	e.slots = e.slots[:j]
}
