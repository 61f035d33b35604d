package results

import (
	"bytes"
	"crypto/sha256"
	"hash"
	"strconv"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// Replicate records one run of one scenario. It implements sim.Recorder and
// formats its own rows, so formatting runs on the worker that ran it.
type Replicate struct {
	Scenario string
	Index    int
	Seed     uint64
	Totals   sim.Totals

	// Flags holds, by person id, FlagVerified when the person left
	// verifiably in the recorded months and FlagPackagePaid when they were
	// paid a reintegration package then: what pairing a scenario's persons
	// with the baseline's needs (Pair). Persons are created in the same
	// order in every scenario, so person id k is the same person in each.
	// In a projection only the persons the policies can reach are flagged:
	// those who left before the fork left alike in every scenario, and
	// would count as deadweight in each.
	Flags []uint8

	// Groups counts the persons who entered in the recorded months by
	// group (groups.csv), Rules whom each group rule selected when it
	// came into force (rules.csv): Replicate is a sim.RuleRecorder.
	Groups *GroupTally
	Rules  []sim.RuleCount

	// Years counts the files closed in each calendar year of the recorded
	// months (yearly.csv), in a projection.
	Years *YearTally

	proj    *Projection
	people  Cohort    // in a projection: the reachable persons (reach.go)
	history hash.Hash // in a projection: of its timeseries rows before the fork, without the scenario and replicate

	cfg     *sim.Config
	series  bytes.Buffer
	cases   *bytes.Buffer // nil unless cases are kept
	persons *bytes.Buffer // likewise
	prefix  []byte        // "scenario,replicate,"
	buf     []byte
}

// NewReplicate returns a recorder for replicate index of scenario with
// configuration cfg (for origin codes and calendar dates).
func NewReplicate(scenario string, index int, seed uint64, cfg *sim.Config, keepCases bool) *Replicate {
	r := &Replicate{Scenario: scenario, Index: index, Seed: seed, cfg: cfg, Groups: NewGroupTally(cfg)}
	if keepCases {
		r.cases = new(bytes.Buffer)
		r.persons = new(bytes.Buffer)
	}
	r.prefix = strconv.AppendInt(append([]byte(scenario), ','), int64(index), 10)
	r.prefix = append(r.prefix, ',')
	return r
}

func appendInt(b []byte, x int) []byte { return strconv.AppendInt(append(b, ','), int64(x), 10) }

// Project makes r a replicate of a projection (IsProjection): its
// per-person metrics count the persons reachable from the fork, its
// OwnMetrics add the WindowMetrics, its timeseries rows have a part column
// and, unless p.History, leave out the months before the fork, which
// HistorySum sums instead, as its cases.csv and persons.csv rows (with
// Cases) do for the files closed and the fates come before it; and it
// counts the files closed by calendar year (Years). Call it before the run
// sends r anything.
func (r *Replicate) Project(p Projection) {
	r.proj = &p
	r.history = sha256.New()
	r.Groups.fork = p.Fork
	r.Years = NewYearTally(r.cfg)
}

// HistorySum is the SHA-256 of a projection's timeseries rows before the
// fork, and of its cases.csv and persons.csv rows of the history (with
// Cases), without their scenario and replicate fields: the same in every
// scenario of a replicate when they share the history, whose rows only the
// baseline writes. Nil outside a projection.
func (r *Replicate) HistorySum() []byte {
	if r.history == nil {
		return nil
	}
	return r.history.Sum(nil)
}

// Month implements sim.Recorder: one timeseries row.
func (r *Replicate) Month(c *sim.MonthCounts) {
	b := append(r.buf[:0], r.prefix...)
	b = strconv.AppendInt(b, int64(c.Month), 10)
	b = append(append(b, ','), r.cfg.Date(c.Month)...)
	before := false
	if r.proj != nil {
		before = c.Month < r.proj.Fork
		if before {
			b = append(b, ",history"...)
		} else {
			b = append(b, ",projection"...)
		}
		r.Years.add(c)
	}
	b = appendInt(b, c.Active)
	b = appendInt(b, c.OutOfSight)
	b = appendInt(b, c.InProcedure)
	for o := agents.AVR; o < agents.NumOutcomes; o++ {
		b = appendInt(b, c.Closed[o])
	}
	b = appendInt(b, c.Opened)
	for _, n := range c.OpenedBy {
		b = appendInt(b, n)
	}
	for _, n := range c.Places {
		b = appendInt(b, n)
	}
	b = appendInt(b, c.VBLRefused)
	b = appendInt(b, c.FamilyQueued)
	b = appendInt(b, c.DetentionRefused)
	b = appendInt(b, c.RemovalsFailed)
	b = appendInt(b, c.Detained)
	b = appendInt(b, c.LeftDetention[agents.Open])
	b = append(b, '\n')
	r.buf = b
	if r.keepHistory(b, before) {
		r.series.Write(b)
	}
}

// Case implements sim.Recorder: one cases.csv row, if cases are kept.
func (r *Replicate) Case(c *sim.CaseRecord) {
	if r.cases == nil {
		return
	}
	o := &r.cfg.Origins[c.Origin]
	b := append(r.buf[:0], r.prefix...)
	before := r.proj != nil && c.ClosedMonth >= 0 && c.ClosedMonth < r.proj.Fork
	b = r.appendPart(b, before)
	b = strconv.AppendInt(b, int64(c.CaseID), 10)
	b = appendInt(b, c.PersonID)
	b = appendInt(b, c.FileNumber)
	b = append(append(b, ','), o.Code...)
	b = append(append(b, ','), o.Class.String()...)
	b = append(append(b, ','), c.Household.String()...)
	b = append(append(b, ','), c.Source.String()...)
	b = appendInt(b, c.OpenedMonth)
	b = append(append(b, ','), r.cfg.Date(c.OpenedMonth)...)
	b = append(b, ',')
	if c.ClosedMonth >= 0 {
		b = strconv.AppendInt(b, int64(c.ClosedMonth), 10)
	}
	b = append(b, ',')
	if c.ClosedMonth >= 0 {
		b = append(b, r.cfg.Date(c.ClosedMonth)...)
	}
	b = append(append(b, ','), c.Outcome.String()...)
	b = append(append(b, ','), c.Pathway.String()...)
	b = strconv.AppendBool(append(b, ','), c.Counselled)
	b = append(b, ',')
	if c.Counselled {
		b = append(b, c.Provider.String()...)
	}
	b = append(b, '\n')
	r.buf = b
	if r.keepHistory(b, before) {
		r.cases.Write(b)
	}
}

// appendPart appends, in a projection, a row's part field: history or
// projection.
func (r *Replicate) appendPart(b []byte, before bool) []byte {
	switch {
	case r.proj == nil:
		return b
	case before:
		return append(b, "history,"...)
	}
	return append(b, "projection,"...)
}

// keepHistory reports whether row b, of the history if before, is written:
// a row of the history is summed (HistorySum) and written only by the
// replicate that writes the history.
func (r *Replicate) keepHistory(b []byte, before bool) bool {
	if !before {
		return true
	}
	r.history.Write(b[len(r.prefix):])
	return r.proj.History
}

// Rule implements sim.RuleRecorder.
func (r *Replicate) Rule(c *sim.RuleCount) { r.Rules = append(r.Rules, *c) }

// Person implements sim.Recorder: the person's pairing flags and groups,
// and one persons.csv row if cases are kept.
func (r *Replicate) Person(p *sim.PersonRecord) {
	r.Groups.Add(p)
	reach := r.proj == nil || p.Reachable(r.proj.Fork)
	if r.proj != nil && reach {
		r.people.add(p, p.ReachedFrom(r.proj.Fork), r.cfg.Months)
	}
	for len(r.Flags) <= p.PersonID {
		r.Flags = append(r.Flags, 0)
	}
	if reach && p.Fate.Verified() && p.FateMonth >= 0 {
		r.Flags[p.PersonID] |= FlagVerified
		if p.PackagePaid {
			r.Flags[p.PersonID] |= FlagPackagePaid
		}
	}
	if r.persons == nil {
		return
	}
	b := append(r.buf[:0], r.prefix...)
	before := r.proj != nil && p.FateMonth >= 0 && p.FateMonth < r.proj.Fork
	b = r.appendPart(b, before)
	b = strconv.AppendInt(b, int64(p.PersonID), 10)
	b = append(append(b, ','), r.cfg.Origins[p.Origin].Code...)
	b = append(append(b, ','), p.Household.String()...)
	b = append(append(b, ','), r.cfg.Date(p.FirstMonth)...)
	b = appendInt(b, p.Files)
	b = append(append(b, ','), p.Fate.String()...)
	b = append(b, ',')
	if p.FateMonth >= 0 {
		b = append(b, r.cfg.Date(p.FateMonth)...)
	}
	b = appendInt(b, p.MonthsIrregular)
	b = strconv.AppendBool(append(b, ','), p.Counselled)
	b = strconv.AppendBool(append(b, ','), p.PackagePaid)
	b = append(b, '\n')
	r.buf = b
	if r.keepHistory(b, before) {
		r.persons.Write(b)
	}
}

// CostCounts are the replicate's counts that carry a cost, over the
// recorded months.
func (r *Replicate) CostCounts() CostCounts { return CostCountsOf(&r.Totals) }

// CostCountsOf are the counts of a run's totals that carry a cost.
func CostCountsOf(t *sim.Totals) CostCounts {
	return CostCounts{
		Forced: t.Outcomes[agents.Forced], AVR: t.Outcomes[agents.AVR], PackageEUR: t.PackageEUR,
		Sessions: t.SessionsGiven, MonthsReception: t.MonthsReception, MonthsVBL: t.MonthsVBL, MonthsFamily: t.MonthsFamilyLocation, MonthsLVV: t.MonthsLVV,
		MonthsDetention: t.MonthsDetention,
	}
}

// OwnMetrics are the replicate's metrics that need no other replicate, at
// unit costs u: see the package function OwnMetrics. In a projection the
// per-person metrics count the reachable persons, and the WindowMetrics
// follow (NumOwn(true) in all).
func (r *Replicate) OwnMetrics(u sim.Costs) []float64 {
	if r.proj == nil {
		return OwnMetrics(&r.Totals, u)
	}
	return ownMetrics(&r.Totals, &r.people, u, true)
}

// Cost is the replicate's total cost at unit costs u.
func (r *Replicate) Cost(u sim.Costs) float64 { return CostOf(u, r.CostCounts()).Total() }
