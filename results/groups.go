package results

import (
	"bufio"
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// groups.csv breaks the per-person metrics down by group, so that a policy
// for a group (agents.Policy.Groups) can be read where it acts and where
// it spills over; groups-summary.csv has each group's means and paired
// differences from the baseline. A person's groups are fixed when they
// first enter (household, origin, its cooperation class, months without
// status then), so person k is in the same groups in every scenario and
// the differences stay paired. rules.csv counts whom each group rule
// selected when it came into force.

// Group is a group of persons that groups.csv reports on: By names what
// the persons share, Name its value.
type Group struct{ By, Name string }

// TopOrigins is how many origins groups.csv reports on: the largest by
// their share of intake in the scenario's origin table.
const TopOrigins = 10

// stayBands are the bands of months without status at entry (in a
// projection, at the fork for the persons in the return system then), by
// their lowest month.
var stayBands = []struct {
	name string
	lo   int
}{{"0-11", 0}, {"12-35", 12}, {"36+", 36}}

// What groups are by, in the order of groups.csv.
const (
	ByHousehold   = "household"
	ByCooperation = "cooperation"
	ByStay        = "months_without_status_at_entry"
	ByStayAtFork  = "months_without_status_at_fork" // a projection's: at the fork, or at entry for who entered after it
	ByOrigin      = "origin"
)

// GroupMetricNames are groups.csv's metrics, in order: counts of the
// persons of the group who entered in the recorded months and of their
// fates at the horizon, then the same per 1,000 of them.
var GroupMetricNames = []string{
	"persons", "verified", "avr", "forced", "counselled",
	"verified_per_1000", "avr_per_1000", "forced_per_1000", "counselled_per_1000",
}

// NumGroupCounts is the number of counts among GroupMetricNames, which
// come first (a GroupTally's counts of a group); the rest are counts 1 to
// 4 per 1,000 persons.
const NumGroupCounts = 5

// GroupsOf lists the groups of a scenario with configuration cfg, in the
// order of groups.csv: households, cooperation classes, bands of months
// without status at entry (in a projection, at the fork, or at entry for
// the persons who entered after it: whom a policy from the fork finds
// after how long), and the TopOrigins largest origins of its origin table
// by share (ties in the table's order).
func GroupsOf(cfg *sim.Config, projection bool) []Group {
	by := ByStay
	if projection {
		by = ByStayAtFork
	}
	var g []Group
	for _, h := range []agents.Household{agents.Single, agents.Family} {
		g = append(g, Group{ByHousehold, h.String()})
	}
	for _, c := range []agents.CoopClass{agents.CoopLow, agents.CoopMedium, agents.CoopHigh} {
		g = append(g, Group{ByCooperation, c.String()})
	}
	for _, b := range stayBands {
		g = append(g, Group{by, b.name})
	}
	for _, i := range topOrigins(cfg.Origins) {
		g = append(g, Group{ByOrigin, cfg.Origins[i].Code})
	}
	return g
}

// topOrigins are the indices of the TopOrigins largest origins by share,
// largest first, ties in the table's order.
func topOrigins(os []agents.Origin) []int {
	idx := make([]int, len(os))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(os[b].Share, os[a].Share) })
	return idx[:min(TopOrigins, len(idx))]
}

// GroupTally counts a replicate's persons by group: for each group of
// GroupsOf, the counts of GroupMetricNames.
type GroupTally struct {
	Counts [][NumGroupCounts]int // by group

	class  []int // by origin index: the group of its cooperation class
	origin []int // by origin index: its group, or -1 outside the largest
	stay   int   // the group of the first band
	fork   int   // in a projection, the fork month: the persons reachable from it are counted; else 0
}

// NewGroupTally returns an empty tally for the groups of cfg.
func NewGroupTally(cfg *sim.Config) *GroupTally {
	n := len(GroupsOf(cfg, false))
	g := &GroupTally{Counts: make([][NumGroupCounts]int, n), class: make([]int, len(cfg.Origins)), origin: make([]int, len(cfg.Origins))}
	const classes = 2 // households first
	g.stay = classes + 3
	for i := range cfg.Origins {
		g.class[i] = classes + int(cfg.Origins[i].Class)
		g.origin[i] = -1
	}
	for k, i := range topOrigins(cfg.Origins) {
		g.origin[i] = g.stay + len(stayBands) + k
	}
	return g
}

// Add counts person p if they are among the persons the per-person
// metrics count: who entered in the recorded months or, in a projection,
// whom the policies can reach (reach.go).
func (g *GroupTally) Add(p *sim.PersonRecord) {
	if g.fork > 0 && !p.Reachable(g.fork) || g.fork <= 0 && p.FirstMonth < 0 {
		return
	}
	stay := p.EntryStay
	if g.fork > 0 && p.ForkStay >= 0 {
		stay = p.ForkStay // in the return system at the fork
	}
	band := 0
	for band+1 < len(stayBands) && stay >= stayBands[band+1].lo {
		band++
	}
	for _, k := range [...]int{int(p.Household), g.class[p.Origin], g.stay + band, g.origin[p.Origin]} {
		if k < 0 {
			continue
		}
		c := &g.Counts[k]
		c[0]++
		if p.Fate.Verified() {
			c[1]++
		}
		switch p.Fate {
		case agents.FateAVR:
			c[2]++
		case agents.FateForced:
			c[3]++
		}
		if p.Counselled {
			c[4]++
		}
	}
}

// GroupValues are the metrics of GroupMetricNames of each group, group by
// group, from counts: the counts of GroupTally, group after group.
func GroupValues(counts []int) []float64 {
	v := make([]float64, 0, len(counts)/NumGroupCounts*len(GroupMetricNames))
	for k := 0; k+NumGroupCounts <= len(counts); k += NumGroupCounts {
		c := counts[k : k+NumGroupCounts]
		for _, n := range c {
			v = append(v, float64(n))
		}
		for _, n := range c[1:] {
			v = append(v, 1000*ratio(n, c[0]))
		}
	}
	return v
}

// GroupsHeader is groups.csv's header.
const GroupsHeader = "scenario,replicate,by,group,metric,value"

// AppendGroupRows appends groups.csv's rows of replicate index of
// scenario: for each group of groups, in order, each metric of
// GroupMetricNames with its value in values (GroupValues), counts without
// decimals.
func AppendGroupRows(b []byte, scenario string, index int, groups []Group, values []float64) []byte {
	m := len(GroupMetricNames)
	for k, g := range groups {
		for j, name := range GroupMetricNames {
			b = append(b, scenario...)
			b = strconv.AppendInt(append(b, ','), int64(index), 10)
			b = append(append(append(append(append(b, ','), g.By...), ','), g.Name...), ',')
			b = append(append(b, name...), ',')
			if x := values[k*m+j]; j < NumGroupCounts {
				b = strconv.AppendFloat(b, x, 'f', 0, 64)
			} else {
				b = append(b, FormatFixed(x)...)
			}
			b = append(b, '\n')
		}
	}
	return b
}

// GroupSummaryHeader is groups-summary.csv's header.
const GroupSummaryHeader = "scenario,by,group,metric,mean,ci_low,ci_high,diff_vs_baseline,diff_ci_low,diff_ci_high"

// GroupSummaryRow is one line of groups-summary.csv.
type GroupSummaryRow struct {
	Scenario string
	Group    Group
	Metric   string
	Value    Interval // of the mean over replicates
	Diff     Interval // of the mean paired difference from the baseline's same group; NaN where the baseline has no such group
}

// SummarizeGroups aggregates values[s][r] (scenario, replicate: GroupValues
// of the groups of groups[s]) into rows: each group's metrics' means over
// replicates and their paired differences from the same group of the
// baseline (scenario 0), replicate by replicate.
func SummarizeGroups(scenarios []string, groups [][]Group, values [][][]float64) []GroupSummaryRow {
	m := len(GroupMetricNames)
	var rows []GroupSummaryRow
	for s, name := range scenarios {
		for k, g := range groups[s] {
			base := slices.Index(groups[0], g)
			for j, metric := range GroupMetricNames {
				xs := make([]float64, len(values[s]))
				ds := make([]float64, len(values[s]))
				for r := range values[s] {
					xs[r] = values[s][r][k*m+j]
					ds[r] = math.NaN()
					if base >= 0 {
						ds[r] = xs[r] - values[0][r][base*m+j]
					}
				}
				diff := Interval{math.NaN(), math.NaN(), math.NaN()}
				if base >= 0 {
					diff = MeanCI(ds)
				}
				rows = append(rows, GroupSummaryRow{Scenario: name, Group: g, Metric: metric, Value: MeanCI(xs), Diff: diff})
			}
		}
	}
	return rows
}

// WriteGroupSummary writes groups-summary.csv's rows, in the columns of
// GroupSummaryHeader.
func WriteGroupSummary(w *bufio.Writer, rows []GroupSummaryRow) error {
	for _, r := range rows {
		if _, err := fmt.Fprintf(w, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", r.Scenario, r.Group.By, r.Group.Name, r.Metric,
			FormatFixed(r.Value.Mean), FormatFixed(r.Value.Low), FormatFixed(r.Value.High),
			FormatFixed(r.Diff.Mean), FormatFixed(r.Diff.Low), FormatFixed(r.Diff.High)); err != nil {
			return err
		}
	}
	return nil
}

// RulesHeader is rules.csv's header: for each group rule of a policy that
// came into force in a recorded month (the first, a dated change's, a
// fork's), the persons in the return system whom it selected then.
const RulesHeader = "scenario,replicate,rule,date,selected"

// RuleKey names the group rule of a rule count (sim.RuleKey).
func RuleKey(c *sim.RuleCount) string { return sim.RuleKey(c.Change, c.Rule) }

// AppendRuleRow appends rules.csv's row of rule count c of replicate index
// of scenario, whose configuration cfg dates its month.
func AppendRuleRow(b []byte, scenario string, index int, cfg *sim.Config, c *sim.RuleCount) []byte {
	b = append(b, scenario...)
	b = strconv.AppendInt(append(b, ','), int64(index), 10)
	b = append(append(b, ','), RuleKey(c)...)
	b = append(append(b, ','), cfg.Date(c.Month)...)
	b = strconv.AppendInt(append(b, ','), int64(c.Persons), 10)
	return append(b, '\n')
}
