package results

import (
	"fmt"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// Metric is one figure of replicates.csv and summary.csv: its name, what
// it means, and how a replicate's figures give it.
type Metric struct {
	Name  string
	Desc  string
	Count bool // a whole number, written without decimals in replicates.csv
	// Paired says the metric compares the replicate with the same replicate
	// of the baseline (Complete computes it); the others need the run alone
	// (OwnMetrics), so a sweep, which has no baseline, has them.
	Paired bool
	Value  func(f *Figures) float64
}

// Figures are what a replicate's metrics are computed from.
type Figures struct {
	Totals *sim.Totals // the run's totals
	People *Cohort     // the persons the per-person metrics count (reach.go)
	Costs  CostItems   // its costs at its scenario's unit costs
	Cost   float64     // its total cost, Costs.Total()
	// For the paired metrics: the pairing of its persons with those of the
	// same replicate of the baseline, and that replicate's total cost.
	Pairing  Pairing
	BaseCost float64
}

// Metrics are the metrics of replicates.csv and summary.csv, in their
// order, which is the order of every metric list here (MetricNames,
// OwnMetrics, Complete). Per-person metrics come first: they count each
// person once, so a scenario that opens more files (new procedures,
// people found again) cannot look worse for it. Per-file metrics follow,
// shaped like the study's case files; then costs (CostOf), and last the
// paired metrics: additional and lost verified departures and deadweight
// (Pair), the cost per additional verified departure (gross), the net
// change (additional minus lost) and the cost per net additional one.
var Metrics = func() []Metric {
	m := []Metric{
		Metric{Name: "persons", Desc: "persons who entered in the recorded months; in a projection, the persons the policies can reach (reach.go)", Count: true,
			Value: func(f *Figures) float64 { return float64(f.People.Persons) }},
		perPerson("verified_per_1000", "of them, per 1,000, left verifiably by the horizon (AVR, independent, forced)", agents.FateAVR, agents.FateIndependent, agents.FateForced),
		perPerson("avr_per_1000", "per 1,000 persons who entered: left with assistance (AVR)", agents.FateAVR),
		perPerson("independent_per_1000", "per 1,000 persons who entered: left independently without assistance", agents.FateIndependent),
		perPerson("forced_per_1000", "per 1,000 persons who entered: returned by force", agents.FateForced),
		perPerson("left_unseen_per_1000", "per 1,000 persons who entered: left the Netherlands unseen after absconding", agents.FateLeftUnseen),
		perPerson("status_per_1000", "per 1,000 persons who entered: obtained legal status", agents.FateStatus),
		perPerson("in_system_per_1000", "per 1,000 persons who entered: still in a file, a procedure or out of sight at the horizon", agents.FateInFile, agents.FateInProcedure, agents.FateOutOfSight),
		count("sessions_asked", "counselling sessions asked for in the recorded months", func(t *sim.Totals) int { return t.SessionsAsked }),
		count("sessions_given", "counselling sessions given in the recorded months", func(t *sim.Totals) int { return t.SessionsGiven }),
		own("mean_wait_months", "mean months a session given waited after it was asked for", func(t *sim.Totals) float64 { return ratio(t.WaitMonths, t.SessionsGiven) }),
		Metric{Name: "counselled_share", Desc: "share of persons who entered that had at least one session by the horizon",
			Value: func(f *Figures) float64 { return ratio(f.People.Counselled, f.People.Persons) }},
		count("months_reception", "person-months in reception with an appeal pending", func(t *sim.Totals) int { return t.MonthsReception }),
		count("months_vbl", "person-months in the freedom-restricting location (VBL)", func(t *sim.Totals) int { return t.MonthsVBL }),
		count("months_family_location", "household-months in a family location", func(t *sim.Totals) int { return t.MonthsFamilyLocation }),
		count("months_lvv", "person-months in a national aliens facility (LVV)", func(t *sim.Totals) int { return t.MonthsLVV }),
		count("months_detention", "person-months in immigration detention", func(t *sim.Totals) int { return t.MonthsDetention }),
		count("detained", "placements in immigration detention in the recorded months: detained in a file, or a file that opened in detention", func(t *sim.Totals) int { return t.Detained }),
		count("vbl_refused", "single persons who found no place in the VBL at the deadline (policy.capacity.vbl_places)", func(t *sim.Totals) int { return t.VBLRefused }),
		count("family_queued", "household-months families waited in the departure period for a family location (policy.capacity.family_places)", func(t *sim.Totals) int { return t.FamilyQueued }),
		count("detention_refused", "detentions not carried out for want of a place (policy.capacity.detention_places)", func(t *sim.Totals) int { return t.DetentionRefused }),
		count("removals_failed", "forced returns that failed for want of removal capacity (policy.capacity.removals_per_month)", func(t *sim.Totals) int { return t.RemovalsFailed }),
		own("package_eur", "reintegration packages paid, EUR", func(t *sim.Totals) float64 { return t.PackageEUR }),
		count("intake", "files opened in the recorded months", func(t *sim.Totals) int { return t.Intake }),
	}
	openedBy := [agents.NumSources]string{"files opened by the IND", "files opened by the police", "files opened by the Royal Marechaussee", "files opened by others"}
	for s := range agents.NumSources {
		m = append(m, count("opened_"+s.String(), openedBy[s], func(t *sim.Totals) int { return t.OpenedBy[s] }))
	}
	closedBy := [agents.NumOutcomes]string{agents.AVR: "files closed by assisted voluntary return", agents.Independent: "files closed by independent departure",
		agents.Forced: "files closed by forced return", agents.Absconded: "files closed by departure to an unknown destination (DT&V: without supervision)",
		agents.Regularised: "files closed by legal status", agents.NewProcedure: "files closed by a new application"}
	for o := agents.AVR; o < agents.NumOutcomes; o++ {
		m = append(m, count(o.String(), closedBy[o], func(t *sim.Totals) int { return t.Outcomes[o] }))
	}
	m = append(m,
		count("open", "files open at the horizon", func(t *sim.Totals) int { return t.Outcomes[agents.Open] }),
		count("closed", "files closed in the recorded months", (*sim.Totals).Closed),
		own("return_rate", "verified departures (files) over files opened", func(t *sim.Totals) float64 {
			return ratio(t.Outcomes[agents.AVR]+t.Outcomes[agents.Independent]+t.Outcomes[agents.Forced], t.Intake)
		}),
		own("avr_share", "AVR share of closed files", func(t *sim.Totals) float64 { return ratio(t.Outcomes[agents.AVR], t.Closed()) }),

		cost("cost_forced_eur", "forced returns at the unit cost of one", func(c *CostItems) float64 { return c.Forced }),
		cost("cost_avr_eur", "assisted returns at the unit cost of one", func(c *CostItems) float64 { return c.AVR }),
		cost("cost_package_eur", "reintegration packages as paid", func(c *CostItems) float64 { return c.Package }),
		cost("cost_sessions_eur", "counselling sessions given at the unit cost of one", func(c *CostItems) float64 { return c.Sessions }),
		cost("cost_reception_eur", "person-months in reception at their unit cost", func(c *CostItems) float64 { return c.Reception }),
		cost("cost_vbl_eur", "person-months in the VBL at their unit cost", func(c *CostItems) float64 { return c.VBL }),
		cost("cost_family_location_eur", "household-months in a family location at their unit cost", func(c *CostItems) float64 { return c.FamilyLocation }),
		cost("cost_lvv_eur", "person-months in a national aliens facility at their unit cost", func(c *CostItems) float64 { return c.LVV }),
		cost("cost_detention_eur", "person-months in detention at their unit cost", func(c *CostItems) float64 { return c.Detention }),
		Metric{Name: "cost_total_eur", Desc: "the cost items' sum, EUR", Value: func(f *Figures) float64 { return f.Cost }},

		pairedCount("additional_verified", "persons verified as gone in the scenario and not in the baseline", func(p *Pairing) int { return p.Additional }),
		pairedCount("lost_verified", "persons verified as gone in the baseline and not in the scenario", func(p *Pairing) int { return p.Lost }),
		pairedCount("deadweight", "persons paid a package in the scenario who left verifiably in the baseline too", func(p *Pairing) int { return p.Deadweight }),
		Metric{Name: CostPerAdditionalName, Desc: "(cost - the baseline's) per additional verified departure, EUR; in summary.csv the ratio of means (CostPerAdditional)", Paired: true,
			Value: func(f *Figures) float64 {
				return ReplicateCostPerAdditional(f.BaseCost, f.Cost, float64(f.Pairing.Additional))
			}},
		pairedCount("net_verified", "additional minus lost verified departures: how many more persons the scenario has verified as gone", func(p *Pairing) int { return p.Additional - p.Lost }),
		Metric{Name: CostPerNetName, Desc: "(cost - the baseline's) per net additional verified departure (net_verified), EUR; NaN where the scenario does not add departures on balance; in summary.csv the ratio of means (CostPerNet)", Paired: true,
			Value: func(f *Figures) float64 {
				return ReplicateCostPerNet(f.BaseCost, f.Cost, float64(f.Pairing.Additional-f.Pairing.Lost))
			}},
	)
	for i := 1; i < len(m); i++ {
		if m[i-1].Paired && !m[i].Paired { // own metrics first: OwnMetrics and Complete rely on it
			panic(fmt.Sprintf("results: metric %s after a paired one", m[i].Name))
		}
	}
	return m
}()

func own(name, desc string, f func(t *sim.Totals) float64) Metric {
	return Metric{Name: name, Desc: desc, Value: func(x *Figures) float64 { return f(x.Totals) }}
}

func count(name, desc string, f func(t *sim.Totals) int) Metric {
	return Metric{Name: name, Desc: desc, Count: true, Value: func(x *Figures) float64 { return float64(f(x.Totals)) }}
}

// perPerson is the persons the per-person metrics count (Figures.People:
// those who entered in the recorded months, or in a projection those the
// policies can reach) whose fate at the horizon is one of fates, per 1,000
// of them.
func perPerson(name, desc string, fates ...agents.Fate) Metric {
	return Metric{Name: name, Desc: desc, Value: func(x *Figures) float64 {
		n := 0
		for _, f := range fates {
			n += x.People.Fates[f]
		}
		return 1000 * ratio(n, x.People.Persons)
	}}
}

func cost(name, desc string, f func(c *CostItems) float64) Metric {
	return Metric{Name: name, Desc: desc + ", EUR", Value: func(x *Figures) float64 { return f(&x.Costs) }}
}

func pairedCount(name, desc string, f func(p *Pairing) int) Metric {
	return Metric{Name: name, Desc: desc, Count: true, Paired: true, Value: func(x *Figures) float64 { return float64(f(&x.Pairing)) }}
}

// MetricNames are the names of Metrics, in order.
var MetricNames = metricNames(Metrics)

// OwnMetricNames are the names of the metrics of one run alone, without a
// baseline to pair it with: the start of MetricNames.
var OwnMetricNames = MetricNames[:numOwn]

// numOwn is the number of metrics that are not Paired, which come first.
var numOwn = func() int {
	n := 0
	for _, m := range Metrics {
		if !m.Paired {
			n++
		}
	}
	return n
}()

func metricNames(ms []Metric) []string {
	n := make([]string, len(ms))
	for i, m := range ms {
		n[i] = m.Name
	}
	return n
}

// OwnMetrics are the metrics of a run's totals at unit costs u that need
// no other run, in the order of OwnMetricNames; the per-person ones over
// the persons who entered in the recorded months (CohortOf).
func OwnMetrics(t *sim.Totals, u sim.Costs) []float64 {
	c := CohortOf(t)
	return ownMetrics(t, &c, u, false)
}

// ownMetrics are the metrics of a run's totals at unit costs u that need
// no other run, the per-person ones over people; for a projection, then
// its WindowMetrics.
func ownMetrics(t *sim.Totals, people *Cohort, u sim.Costs, projection bool) []float64 {
	f := Figures{Totals: t, People: people, Costs: CostOf(u, CostCountsOf(t))}
	f.Cost = f.Costs.Total()
	m := make([]float64, 0, NumOwn(projection))
	for i := range numOwn {
		m = append(m, Metrics[i].Value(&f))
	}
	if projection {
		for i := range WindowMetrics {
			m = append(m, WindowMetrics[i].Value(&f))
		}
	}
	return m
}

// NumOwn is the number of a replicate's own metrics (OwnMetrics, and
// Replicate.OwnMetrics), with or without a projection's WindowMetrics.
func NumOwn(projection bool) int {
	if projection {
		return numOwn + len(WindowMetrics)
	}
	return numOwn
}

// MetricNamesOf are the metrics of replicates.csv and summary.csv, in
// order: MetricNames, then for a projection the WindowMetrics.
func MetricNamesOf(projection bool) []string {
	if projection {
		return projectionNames
	}
	return MetricNames
}

var projectionNames = append(metricNames(Metrics), metricNames(WindowMetrics)...)

// metricAt is the i-th metric of a vector of Metrics, then WindowMetrics.
func metricAt(i int) *Metric {
	if i < len(Metrics) {
		return &Metrics[i]
	}
	return &WindowMetrics[i-len(Metrics)]
}

// namesFor are the names of a vector of n metrics: MetricNames, or a
// projection's.
func namesFor(n int) []string {
	if n == len(projectionNames) {
		return projectionNames
	}
	return MetricNames
}

// Complete appends to own, a replicate's OwnMetrics, its paired metrics:
// the persons its flags and the baseline's show as additional, lost and
// deadweight, and the cost per additional verified departure against
// baseCost, the baseline's total cost. The result is in the order of
// MetricNames; for a projection's own metrics (NumOwn(true) of them), of
// MetricNamesOf(true): its WindowMetrics come last.
func Complete(own []float64, flags, baseFlags []uint8, baseCost float64) ([]float64, error) {
	var window []float64
	switch len(own) {
	case numOwn:
	case NumOwn(true):
		own, window = own[:numOwn], own[numOwn:]
	default:
		return nil, fmt.Errorf("results: %d own metrics, want %d (or %d in a projection)", len(own), numOwn, NumOwn(true))
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
	f := Figures{Cost: own[costTotal], Pairing: pair, BaseCost: baseCost}
	m := append(own[:len(own):len(own)], make([]float64, len(Metrics)-numOwn)...)
	for i := numOwn; i < len(m); i++ {
		m[i] = Metrics[i].Value(&f)
	}
	return append(m, window...), nil
}

// costTotal is the index of cost_total_eur among the own metrics.
var costTotal = func() int {
	for i, m := range Metrics[:numOwn] {
		if m.Name == "cost_total_eur" {
			return i
		}
	}
	panic("results: no metric cost_total_eur")
}()

// OwnCost is the total cost among a replicate's OwnMetrics, own.
func OwnCost(own []float64) float64 { return own[costTotal] }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
