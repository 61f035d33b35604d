package results

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// TestGroupTally: a person who entered in the recorded months counts in
// their household, their origin's cooperation class, their band of months
// without status at entry and their origin if it is among the ten largest;
// one who entered in the warm-up counts nowhere; the rows give counts
// without decimals and the rest per 1,000 persons of the group.
func TestGroupTally(t *testing.T) {
	cfg := sim.DefaultConfig()
	groups := GroupsOf(&cfg, false)
	if len(groups) != 2+3+3+TopOrigins {
		t.Fatalf("GroupsOf(default) = %d groups, want %d", len(groups), 2+3+3+TopOrigins)
	}
	top := topOrigins(cfg.Origins)
	for i := 1; i < len(top); i++ {
		if cfg.Origins[top[i]].Share > cfg.Origins[top[i-1]].Share {
			t.Errorf("origin %s (share %g) after %s (share %g): want the largest first", cfg.Origins[top[i]].Code, cfg.Origins[top[i]].Share, cfg.Origins[top[i-1]].Code, cfg.Origins[top[i-1]].Share)
		}
	}
	small := -1 // an origin outside the ten largest
	for i := range cfg.Origins {
		if !slices.Contains(top, i) {
			small = i
		}
	}
	if small < 0 {
		t.Fatal("the default origin table has no origin outside the ten largest: the test checks nothing")
	}
	g := NewGroupTally(&cfg)
	big := top[0]
	g.Add(&sim.PersonRecord{Origin: big, Household: agents.Family, FirstMonth: 3, EntryStay: 12, Fate: agents.FateAVR, Counselled: true})
	g.Add(&sim.PersonRecord{Origin: small, Household: agents.Single, FirstMonth: 0, EntryStay: 11, Fate: agents.FateInFile})
	g.Add(&sim.PersonRecord{Origin: big, Household: agents.Single, FirstMonth: -1, EntryStay: 40, Fate: agents.FateForced}) // in the warm-up
	var counts []int
	for _, c := range g.Counts {
		counts = append(counts, c[:]...)
	}
	v := GroupValues(counts)
	at := func(by, name, metric string) float64 {
		for k, gr := range groups {
			if gr == (Group{by, name}) {
				for j, m := range GroupMetricNames {
					if m == metric {
						return v[k*len(GroupMetricNames)+j]
					}
				}
			}
		}
		t.Fatalf("no group %s %s metric %s", by, name, metric)
		return 0
	}
	class := func(i int) string { return cfg.Origins[i].Class.String() }
	for _, c := range []struct {
		by, name, metric string
		want             float64
	}{
		{ByHousehold, "family", "persons", 1}, {ByHousehold, "family", "avr_per_1000", 1000}, {ByHousehold, "family", "counselled", 1},
		{ByHousehold, "single", "persons", 1}, {ByHousehold, "single", "verified", 0},
		{ByStay, "12-35", "persons", 1}, {ByStay, "0-11", "persons", 1}, {ByStay, "36+", "persons", 0},
		{ByOrigin, cfg.Origins[big].Code, "persons", 1}, {ByOrigin, cfg.Origins[big].Code, "verified_per_1000", 1000},
	} {
		if got := at(c.by, c.name, c.metric); got != c.want {
			t.Errorf("%s %s %s = %g, want %g", c.by, c.name, c.metric, got, c.want)
		}
	}
	if cb, cs := class(big), class(small); cb == cs {
		if got := at(ByCooperation, cb, "persons"); got != 2 {
			t.Errorf("cooperation %s persons = %g, want 2", cb, got)
		}
	} else if at(ByCooperation, cb, "persons") != 1 || at(ByCooperation, cs, "persons") != 1 {
		t.Errorf("cooperation %s and %s: want 1 person each", cb, cs)
	}
	var sum float64
	for k := range groups {
		sum += v[k*len(GroupMetricNames)]
	}
	if sum != 7 { // two persons in household, class and band, one of them in an origin group
		t.Errorf("persons over every group = %g, want 7", sum)
	}
	rows := string(AppendGroupRows(nil, "s", 2, groups, v))
	if want := "s,2,household,single,persons,1\ns,2,household,single,verified,0\n"; !strings.HasPrefix(rows, want) {
		t.Errorf("rows start %q, want %q", rows[:len(want)], want)
	}
	if !strings.Contains(rows, "s,2,household,family,avr_per_1000,1000.000000\n") {
		t.Errorf("rows lack the family's AVR per 1,000 at fixed precision:\n%s", rows[:200])
	}
	// the summary: a group the baseline lacks has NaN differences
	sum2 := SummarizeGroups([]string{"b", "v"}, [][]Group{groups[:1], groups[:2]}, [][][]float64{{v[:9]}, {v[:18]}})
	if last := sum2[len(sum2)-1]; last.Group != groups[1] || !math.IsNaN(last.Diff.Mean) {
		t.Errorf("SummarizeGroups: last row %+v, want group %v with a NaN difference", last, groups[1])
	}
}

// TestGroupsBandAtFork: in a projection, a person in the return system at
// the fork is banded by their months without status then, not at their
// entry years before; one who entered after the fork by their entry; and
// the band's groups are named so.
func TestGroupsBandAtFork(t *testing.T) {
	cfg := sim.DefaultConfig()
	if err := cfg.Prepare(); err != nil {
		t.Fatal(err)
	}
	groups := GroupsOf(&cfg, true)
	r := NewReplicate("s", 0, 1, &cfg, false)
	r.Project(Projection{Fork: 96})
	r.Person(&sim.PersonRecord{Household: agents.Single, FirstMonth: 10, EntryStay: 2, ForkStay: 40, Fate: agents.FateInFile, FateMonth: -1})
	r.Person(&sim.PersonRecord{PersonID: 1, Household: agents.Single, FirstMonth: 100, EntryStay: 20, ForkStay: -1, Fate: agents.FateAVR, FateMonth: 110})
	var counts []int
	for _, c := range r.Groups.Counts {
		counts = append(counts, c[:]...)
	}
	v := GroupValues(counts)
	want := map[string]float64{"0-11": 0, "12-35": 1, "36+": 1}
	for k, g := range groups {
		if g.By == ByStay {
			t.Fatalf("a projection's group %v: want %s", g, ByStayAtFork)
		}
		if w, ok := want[g.Name]; ok && g.By == ByStayAtFork && v[k*len(GroupMetricNames)] != w {
			t.Errorf("%s %s: %g persons, want %g", g.By, g.Name, v[k*len(GroupMetricNames)], w)
		}
	}
}
