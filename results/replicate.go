package results

import (
	"bytes"
	"fmt"
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
	r := &Replicate{Scenario: scenario, Index: index, Seed: seed, cfg: cfg}
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

// Person implements sim.Recorder: the person's pairing flags, and one
// persons.csv row if cases are kept.
func (r *Replicate) Person(p *sim.PersonRecord) {
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

// Metrics are the replicate's own figures, in the order of MetricList:
// those of its totals alone, before costs and pairing (see Complete).
func (r *Replicate) Metrics() []float64 { return Metrics(&r.Totals) }

// CostCounts are the replicate's counts that carry a cost, over the
// recorded months.
func (r *Replicate) CostCounts() CostCounts { return CostCountsOf(&r.Totals) }

// CostCountsOf are the counts of a run's totals that carry a cost.
func CostCountsOf(t *sim.Totals) CostCounts {
	return CostCounts{
		Forced: t.Outcomes[agents.Forced], AVR: t.Outcomes[agents.AVR], PackageEUR: t.PackageEUR,
		Sessions: t.SessionsGiven, MonthsReception: t.MonthsReception, MonthsFRL: t.MonthsFRL, MonthsDetention: t.MonthsDetention,
	}
}

// OwnMetrics are the replicate's metrics that need no other replicate:
// its own figures (MetricList) and its costs at unit costs u
// (CostMetricNames), in the order of OwnMetricNames, which begins
// MetricNames. Complete adds the rest.
func (r *Replicate) OwnMetrics(u sim.Costs) []float64 { return OwnMetrics(&r.Totals, u) }

// OwnMetrics are the metrics of a run's totals at unit costs u that need
// no other run, in the order of OwnMetricNames.
func OwnMetrics(t *sim.Totals, u sim.Costs) []float64 {
	return append(Metrics(t), CostOf(u, CostCountsOf(t)).Metrics()...)
}

// Complete appends to own, a replicate's OwnMetrics, the metrics of its
// pairing with the same replicate of the baseline: the persons its flags
// and the baseline's show as additional, lost and deadweight, and the
// cost per additional verified departure against baseCost, the
// baseline's total cost. The result is in the order of MetricNames.
func Complete(own []float64, flags, baseFlags []uint8, baseCost float64) ([]float64, error) {
	if len(own) != len(MetricList)+len(CostMetricNames) {
		return nil, fmt.Errorf("results: %d own metrics, want %d", len(own), len(MetricList)+len(CostMetricNames))
	}
	a, b := baseFlags, flags
	if n := max(len(a), len(b)); len(a) < n || len(b) < n {
		// persons without a record at the end have no flags: pad
		a = append(a[:len(a):len(a)], make([]uint8, n-len(a))...)
		b = append(b[:len(b):len(b)], make([]uint8, n-len(b))...)
	}
	pair, err := Pair(a, b)
	if err != nil {
		return nil, err
	}
	m := append(own[:len(own):len(own)], pair.Metrics()...)
	return append(m, ReplicateCostPerAdditional(baseCost, own[len(own)-1], float64(pair.Additional))), nil
}

// Cost is the replicate's total cost at unit costs u.
func (r *Replicate) Cost(u sim.Costs) float64 { return CostOf(u, r.CostCounts()).Total() }

// Metric is one figure of replicates.csv and summary.csv.
type Metric struct {
	Name  string
	Count bool // a whole number, written without decimals in replicates.csv
	Desc  string
}

// MetricList describes the metrics, in the order of MetricNames. Per-person
// metrics come first: they count each person once, so a scenario that
// opens more files (new procedures, people found again) cannot look worse
// for it. Per-file metrics follow, shaped like the study's case files.
var MetricList = []Metric{
	{"persons", true, "persons who entered in the recorded months"},
	{"verified_per_1000", false, "of them, per 1,000, left verifiably by the horizon (AVR, independent, forced)"},
	{"avr_per_1000", false, "per 1,000 persons who entered: left with assistance (AVR)"},
	{"independent_per_1000", false, "per 1,000 persons who entered: left independently without assistance"},
	{"forced_per_1000", false, "per 1,000 persons who entered: returned by force"},
	{"left_unseen_per_1000", false, "per 1,000 persons who entered: left the Netherlands unseen after absconding"},
	{"status_per_1000", false, "per 1,000 persons who entered: obtained legal status"},
	{"in_system_per_1000", false, "per 1,000 persons who entered: still in a file, a procedure or out of sight at the horizon"},
	{"sessions_asked", true, "counselling sessions asked for in the recorded months"},
	{"sessions_given", true, "counselling sessions given in the recorded months"},
	{"mean_wait_months", false, "mean months a session given waited after it was asked for"},
	{"counselled_share", false, "share of persons who entered that had at least one session by the horizon"},
	{"months_reception", true, "person-months in reception with an appeal pending"},
	{"months_frl", true, "person-months in a freedom-restricting or family location"},
	{"months_detention", true, "person-months in immigration detention"},
	{"package_eur", false, "reintegration packages paid, EUR"},
	{"intake", true, "files opened in the recorded months"},
	{"opened_ind", true, "files opened by the IND"},
	{"opened_police", true, "files opened by the police"},
	{"opened_kmar", true, "files opened by the Royal Marechaussee"},
	{"opened_other", true, "files opened by others"},
	{"avr", true, "files closed by assisted voluntary return"},
	{"independent", true, "files closed by independent departure"},
	{"forced", true, "files closed by forced return"},
	{"absconded", true, "files closed by departure to an unknown destination (DT&V: without supervision)"},
	{"regularised", true, "files closed by legal status"},
	{"new_procedure", true, "files closed by a new application"},
	{"open", true, "files open at the horizon"},
	{"closed", true, "files closed in the recorded months"},
	{"return_rate", false, "verified departures (files) over files opened"},
	{"avr_share", false, "AVR share of closed files"},
}

// MetricNames are the metrics of replicates.csv and summary.csv, in
// order: MetricList's, then CostMetricNames, PairingMetricNames and
// CostPerAdditionalName (Complete computes them all).
var MetricNames = func() []string {
	n := make([]string, 0, len(MetricList)+len(CostMetricNames)+len(PairingMetricNames)+1)
	for _, m := range MetricList {
		n = append(n, m.Name)
	}
	n = append(n, CostMetricNames...)
	n = append(n, PairingMetricNames...)
	return append(n, CostPerAdditionalName)
}()

// OwnMetricNames are the metrics of one run alone, without a baseline to
// pair it with: MetricList's and CostMetricNames, the start of MetricNames.
var OwnMetricNames = MetricNames[:len(MetricList)+len(CostMetricNames)]

// isCount reports whether metric i of MetricNames is a whole number.
func isCount(i int) bool {
	if i < len(MetricList) {
		return MetricList[i].Count
	}
	i -= len(MetricList) + len(CostMetricNames)
	return i >= 0 && i < len(PairingMetricNames)
}

// Metrics computes the metrics of one run's totals, in the order of
// MetricNames.
func Metrics(t *sim.Totals) []float64 {
	m := make([]float64, 0, len(MetricNames))
	per := func(f ...agents.Fate) float64 {
		n := 0
		for _, x := range f {
			n += t.Fates[x]
		}
		return 1000 * ratio(n, t.Persons)
	}
	m = append(m, float64(t.Persons),
		per(agents.FateAVR, agents.FateIndependent, agents.FateForced),
		per(agents.FateAVR), per(agents.FateIndependent), per(agents.FateForced),
		per(agents.FateLeftUnseen), per(agents.FateStatus),
		per(agents.FateInFile, agents.FateInProcedure, agents.FateOutOfSight),
		float64(t.SessionsAsked), float64(t.SessionsGiven), ratio(t.WaitMonths, t.SessionsGiven),
		ratio(t.Counselled, t.Persons),
		float64(t.MonthsReception), float64(t.MonthsFRL), float64(t.MonthsDetention), t.PackageEUR,
		float64(t.Intake))
	for _, n := range t.OpenedBy {
		m = append(m, float64(n))
	}
	for o := agents.AVR; o < agents.NumOutcomes; o++ {
		m = append(m, float64(t.Outcomes[o]))
	}
	m = append(m, float64(t.Outcomes[agents.Open]), float64(t.Closed()))
	verified := t.Outcomes[agents.AVR] + t.Outcomes[agents.Independent] + t.Outcomes[agents.Forced]
	return append(m, ratio(verified, t.Intake), ratio(t.Outcomes[agents.AVR], t.Closed()))
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
