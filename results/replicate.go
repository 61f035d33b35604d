package results

import (
	"bytes"
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
	Flags []uint8

	// Groups counts the persons who entered in the recorded months by
	// group (groups.csv), Rules whom each group rule selected when it
	// came into force (rules.csv): Replicate is a sim.RuleRecorder.
	Groups *GroupTally
	Rules  []sim.RuleCount

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

// Month implements sim.Recorder: one timeseries row.
func (r *Replicate) Month(c *sim.MonthCounts) {
	b := append(r.buf[:0], r.prefix...)
	b = strconv.AppendInt(b, int64(c.Month), 10)
	b = append(append(b, ','), r.cfg.Date(c.Month)...)
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
	r.series.Write(b)
	r.buf = b
}

// Case implements sim.Recorder: one cases.csv row, if cases are kept.
func (r *Replicate) Case(c *sim.CaseRecord) {
	if r.cases == nil {
		return
	}
	o := &r.cfg.Origins[c.Origin]
	b := append(r.buf[:0], r.prefix...)
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
	r.cases.Write(b)
	r.buf = b
}

// Rule implements sim.RuleRecorder.
func (r *Replicate) Rule(c *sim.RuleCount) { r.Rules = append(r.Rules, *c) }

// Person implements sim.Recorder: the person's pairing flags and groups,
// and one persons.csv row if cases are kept.
func (r *Replicate) Person(p *sim.PersonRecord) {
	r.Groups.Add(p)
	for len(r.Flags) <= p.PersonID {
		r.Flags = append(r.Flags, 0)
	}
	if p.Fate.Verified() && p.FateMonth >= 0 {
		r.Flags[p.PersonID] |= FlagVerified
		if p.PackagePaid {
			r.Flags[p.PersonID] |= FlagPackagePaid
		}
	}
	if r.persons == nil {
		return
	}
	b := append(r.buf[:0], r.prefix...)
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
	r.persons.Write(b)
	r.buf = b
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
// unit costs u: see the package function OwnMetrics.
func (r *Replicate) OwnMetrics(u sim.Costs) []float64 { return OwnMetrics(&r.Totals, u) }

// Cost is the replicate's total cost at unit costs u.
func (r *Replicate) Cost(u sim.Costs) float64 { return CostOf(u, r.CostCounts()).Total() }
