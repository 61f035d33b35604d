package results

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// TestProjectionReplicate: a projection's replicate counts, by their fate
// at the horizon, the persons in the return system at the fork and those
// entering after it, not those who left before; it counts a verified
// departure within a window only when the window ends by the horizon
// (censored otherwise: in neither count, NaN with none observed); its
// timeseries rows before the fork go to the history's sum only, unless it
// writes the history. Without Project, the cohort is sim.Totals'.
func TestProjectionReplicate(t *testing.T) {
	cfg := sim.DefaultConfig()
	cfg.Months = 30
	if err := cfg.Prepare(); err != nil {
		t.Fatal(err)
	}
	const fork = 10
	persons := []sim.PersonRecord{
		{PersonID: 0, FirstMonth: -5, Fate: agents.FateAVR, FateMonth: 4},          // left before the fork: not reachable
		{PersonID: 1, FirstMonth: 3, Fate: agents.FateAVR, FateMonth: 15},          // at the fork; within 12 (10+12 = 22), 24 censored (34 > 30)
		{PersonID: 2, FirstMonth: -40, Fate: agents.FateOutOfSight, FateMonth: -1}, // at the fork since the warm-up; observed 12, not verified
		{PersonID: 3, FirstMonth: 12, Fate: agents.FateForced, FateMonth: 25},      // entered after: 12 + 12 = 24, forced at 25, after it
		{PersonID: 4, FirstMonth: 25, Fate: agents.FateIndependent, FateMonth: 26}, // entered late: every window censored
		{PersonID: 5, FirstMonth: 18, Fate: agents.FateStatus, FateMonth: 20},      // 18 + 12 = 30: observed, not verified
		{PersonID: 6, FirstMonth: 9, Fate: agents.FateIndependent, FateMonth: 10},  // at the fork, left in its month
		{PersonID: 7, FirstMonth: 2, Fate: agents.FateLeftUnseen, FateMonth: 9},    // left the month before: not reachable
		{PersonID: 8, FirstMonth: 0, Fate: agents.FateInFile, FateMonth: -1, Counselled: true},
	}
	for _, history := range []bool{false, true} {
		r := NewReplicate("s", 0, 1, &cfg, false)
		r.Project(Projection{Fork: fork, History: history})
		for _, m := range []int{8, 9, 10, 11} {
			r.Month(&sim.MonthCounts{Month: m, Active: m})
		}
		for i := range persons {
			r.Person(&persons[i])
		}
		c := r.people
		// reachable: 1, 2, 3, 4, 5, 6, 8
		if c.Persons != 7 || c.Fates[agents.FateAVR] != 1 || c.Fates[agents.FateForced] != 1 || c.Fates[agents.FateIndependent] != 2 || c.Counselled != 1 {
			t.Errorf("cohort %+v: want 7 persons, 1 AVR, 1 forced, 2 independent, 1 counselled", c)
		}
		// 12 months: 1 (verified), 2, 3 (forced after), 5, 6 (verified), 8 (10+12 = 22) observed; 4 censored
		// 24 months: 1, 2, 6, 8 from 10: 34 > 30, censored; 3 from 12: 36; 5 from 18; 4: all censored
		if want := [3]int{6, 0, 0}; c.Observed != want || c.Verified != [3]int{2, 0, 0} {
			t.Errorf("windows: observed %v, verified %v; want %v and [2 0 0]", c.Observed, c.Verified, want)
		}
		own := r.OwnMetrics(cfg.Costs)
		if len(own) != NumOwn(true) {
			t.Fatalf("%d own metrics, want %d", len(own), NumOwn(true))
		}
		ownNames := append(slices.Clone(OwnMetricNames), metricNames(WindowMetrics)...) // the paired ones come between, in Complete
		get := func(n string) float64 { return own[slices.Index(ownNames, n)] }
		if got := get("verified_per_1000"); got != 1000*4.0/7 {
			t.Errorf("verified_per_1000 = %v, want 4 of 7 persons per 1,000", got)
		}
		if got := get("verified_within_12m_per_1000"); got != 1000*2.0/6 {
			t.Errorf("verified_within_12m_per_1000 = %v, want 2 of 6 per 1,000", got)
		}
		if got := get("verified_within_24m_per_1000"); !math.IsNaN(got) {
			t.Errorf("verified_within_24m_per_1000 = %v with no window observed, want NaN", got)
		}
		rows := strings.Split(strings.TrimSpace(r.series.String()), "\n")
		want := []string{"s,0,10,2017-11,projection,10,", "s,0,11,2017-12,projection,11,"}
		if history {
			want = append([]string{"s,0,8,2017-09,history,8,", "s,0,9,2017-10,history,9,"}, want...)
		}
		if len(rows) != len(want) {
			t.Fatalf("history %t: rows\n%s\nwant %d", history, strings.Join(rows, "\n"), len(want))
		}
		for i := range want {
			if !strings.HasPrefix(rows[i], want[i]) {
				t.Errorf("history %t: row %q, want it to start %q", history, rows[i], want[i])
			}
		}
		if len(r.HistorySum()) != 32 {
			t.Errorf("HistorySum() has %d bytes, want a SHA-256", len(r.HistorySum()))
		}
	}
	// the history's sum does not depend on the scenario or on writing it,
	// and changes with the history
	sum := func(name string, history bool, active int) string {
		r := NewReplicate(name, 0, 1, &cfg, false)
		r.Project(Projection{Fork: fork, History: history})
		r.Month(&sim.MonthCounts{Month: 9, Active: active})
		r.Month(&sim.MonthCounts{Month: 10, Active: 7})
		return string(r.HistorySum())
	}
	if sum("a", true, 3) != sum("b", false, 3) || sum("a", true, 3) == sum("a", true, 4) {
		t.Errorf("HistorySum: want the same for two scenarios' equal histories, another for another history")
	}
	// without Project: the persons who entered in the recorded months, as sim.Totals counts them
	plain := NewReplicate("s", 0, 1, &cfg, false)
	plain.Totals = sim.Totals{Persons: 4, Fates: [agents.NumFates]int{agents.FateAVR: 1}}
	if own := plain.OwnMetrics(cfg.Costs); len(own) != NumOwn(false) || own[1] != 250 || plain.HistorySum() != nil {
		t.Errorf("a replicate outside a projection: %d own metrics, verified_per_1000 %v; want %d and 250, no history sum", len(own), own[1], NumOwn(false))
	}
}
