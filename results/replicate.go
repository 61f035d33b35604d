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
	Err      error // set when the replicate could not run

	origins []agents.Origin
	series  bytes.Buffer
	cases   *bytes.Buffer // nil unless cases are kept
	prefix  []byte        // "scenario,replicate,"
	buf     []byte
}

// NewReplicate returns a recorder for replicate index of scenario; origins
// is the scenario's origin table, to name origins in cases.csv.
func NewReplicate(scenario string, index int, seed uint64, origins []agents.Origin, keepCases bool) *Replicate {
	r := &Replicate{Scenario: scenario, Index: index, Seed: seed, origins: origins}
	if keepCases {
		r.cases = new(bytes.Buffer)
	}
	r.prefix = strconv.AppendInt(append([]byte(scenario), ','), int64(index), 10)
	r.prefix = append(r.prefix, ',')
	return r
}

// Month implements sim.Recorder: one timeseries row.
func (r *Replicate) Month(c *sim.MonthCounts) {
	b := append(r.buf[:0], r.prefix...)
	b = strconv.AppendInt(b, int64(c.Month), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(c.Active), 10)
	for o := agents.AVR; o < agents.NumOutcomes; o++ {
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(c.Closed[o]), 10)
	}
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(c.Opened), 10)
	b = append(b, '\n')
	r.series.Write(b)
	r.buf = b
}

// Case implements sim.Recorder: one cases.csv row, if cases are kept.
func (r *Replicate) Case(c *sim.CaseRecord) {
	if r.cases == nil {
		return
	}
	o := &r.origins[c.Origin]
	b := append(r.buf[:0], r.prefix...)
	b = strconv.AppendInt(b, int64(c.CaseID), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(c.PersonID), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(c.FileNumber), 10)
	b = append(b, ',')
	b = append(b, o.Code...)
	b = append(b, ',')
	b = append(b, o.Class.String()...)
	b = append(b, ',')
	b = append(b, c.Household.String()...)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(c.OpenedMonth), 10)
	b = append(b, ',')
	if c.ClosedMonth >= 0 {
		b = strconv.AppendInt(b, int64(c.ClosedMonth), 10)
	}
	b = append(b, ',')
	b = append(b, c.Outcome.String()...)
	b = append(b, ',')
	b = append(b, c.Pathway.String()...)
	b = append(b, ',')
	b = strconv.AppendBool(b, c.Counselled)
	b = append(b, ',')
	if c.Counselled {
		b = append(b, c.Provider.String()...)
	}
	b = append(b, '\n')
	r.cases.Write(b)
	r.buf = b
}

// Metrics are the replicate's figures by name, in the order of MetricNames.
func (r *Replicate) Metrics() []float64 { return Metrics(&r.Totals) }

// MetricNames are the metrics of replicates.csv and summary.csv.
var MetricNames = []string{"intake", "avr", "independent", "forced", "absconded", "regularised", "new_procedure", "open", "closed", "return_rate", "avr_share"}

// Metrics computes the metrics of one run's totals: counts, the return rate
// (verified departures over return orders) and the AVR share of closed files.
func Metrics(t *sim.Totals) []float64 {
	m := make([]float64, 0, len(MetricNames))
	m = append(m, float64(t.Intake))
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
