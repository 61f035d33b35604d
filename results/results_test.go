package results

import (
	"bufio"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

func TestMeanCI(t *testing.T) {
	for _, tc := range []struct {
		name           string
		xs             []float64
		mean, low, hig float64
	}{
		// mean 2, sd 1 (n-1 denominator), t(0.975, 2) = 4.302652729911275:
		// half-width 4.302652729911275 / sqrt(3)
		{"three values", []float64{1, 2, 3}, 2, 2 - 4.302652729911275/math.Sqrt(3), 2 + 4.302652729911275/math.Sqrt(3)},
		// no spread: the interval is the point
		{"constant", []float64{5, 5, 5, 5}, 5, 5, 5},
		// t(0.975, 1) = 12.706204736174694, sd = sqrt(2), half-width 12.7062 x sqrt(2)/sqrt(2)
		{"two values", []float64{0, 2}, 1, 1 - 12.706204736174694, 1 + 12.706204736174694},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := MeanCI(tc.xs)
			if math.Abs(got.Mean-tc.mean) > 1e-9 || math.Abs(got.Low-tc.low) > 1e-9 || math.Abs(got.High-tc.hig) > 1e-9 {
				t.Errorf("MeanCI(%v) = %+v, want {%v %v %v}", tc.xs, got, tc.mean, tc.low, tc.hig)
			}
		})
	}
	if got := MeanCI([]float64{3}); got.Mean != 3 || !math.IsNaN(got.Low) || !math.IsNaN(got.High) {
		t.Errorf("MeanCI([3]) = %+v, want mean 3 and NaN bounds", got)
	}
}

// TestSummarizePaired: differences are taken replicate by replicate, so a
// scenario that is the baseline plus a constant has a zero-width interval
// for its difference however noisy the replicates are.
func TestSummarizePaired(t *testing.T) {
	m := len(MetricNames)
	base := [][]float64{make([]float64, m), make([]float64, m), make([]float64, m)}
	alt := [][]float64{make([]float64, m), make([]float64, m), make([]float64, m)}
	for r, v := range []float64{10, 50, 30} {
		for k := range m {
			base[r][k] = v
			alt[r][k] = v + 2
		}
	}
	rows := Summarize([]string{"baseline", "alt"}, [][][]float64{base, alt})
	if len(rows) != 2*m {
		t.Fatalf("Summarize gave %d rows, want %d", len(rows), 2*m)
	}
	for _, r := range rows {
		wantMean, wantDiff := 30.0, 0.0
		if r.Scenario == "alt" {
			wantMean, wantDiff = 32, 2
		}
		if r.Value.Mean != wantMean || r.Diff.Mean != wantDiff || r.Diff.Low != wantDiff || r.Diff.High != wantDiff {
			t.Errorf("%s/%s = %+v, want mean %v and a paired difference of exactly %v", r.Scenario, r.Metric, r, wantMean, wantDiff)
		}
		if r.Value.High-r.Value.Low < 10 {
			t.Errorf("%s/%s value interval %+v: want the spread of 10, 50, 30 to show", r.Scenario, r.Metric, r.Value)
		}
	}
}

func TestMetrics(t *testing.T) {
	var tot sim.Totals
	tot.Intake = 200
	tot.Outcomes = [agents.NumOutcomes]int{agents.Open: 7, agents.AVR: 10, agents.Independent: 5, agents.Forced: 15, agents.Absconded: 40, agents.Regularised: 20, agents.NewProcedure: 10}
	got := OwnMetrics(&tot, sim.Costs{})
	want := map[string]float64{
		"intake": 200, "avr": 10, "open": 7, "closed": 100,
		"return_rate": 30.0 / 200, // (10+5+15)/200
		"avr_share":   10.0 / 100,
	}
	for i, n := range OwnMetricNames {
		if w, ok := want[n]; ok && got[i] != w {
			t.Errorf("OwnMetrics(...)[%s] = %v, want %v", n, got[i], w)
		}
	}
}

func TestReplicateRows(t *testing.T) {
	cfg := sim.DefaultConfig()
	cfg.Origins = []agents.Origin{{Code: "NG", Share: 1, Cooperation: 0.85, Class: agents.CoopHigh}}
	if err := cfg.Prepare(); err != nil {
		t.Fatal(err)
	}
	r := NewReplicate("base", 3, 42, &cfg, true)
	r.Month(&sim.MonthCounts{Month: 13, Active: 9, OutOfSight: 4, InProcedure: 3, Opened: 2, OpenedBy: [agents.NumSources]int{1, 1, 0, 0}, Closed: [agents.NumOutcomes]int{0, 1, 0, 0, 4, 0, 1},
		Places: [agents.NumShelters]int{1, 2, 3, 1, 1, 0, 1}, VBLRefused: 5, FamilyQueued: 6, DetentionRefused: 7, RemovalsFailed: 8,
		Detained: 10, LeftDetention: [agents.NumOutcomes]int{11, 0, 0, 12}})
	r.Case(&sim.CaseRecord{CaseID: 8, PersonID: 6, FileNumber: 2, Source: agents.Police, OpenedMonth: -1, ClosedMonth: 5, Outcome: agents.AVR, Pathway: agents.Acceptance, Counselled: true, Provider: agents.NGO})
	r.Case(&sim.CaseRecord{CaseID: 9, PersonID: 7, FileNumber: 1, OpenedMonth: 4, ClosedMonth: -1, Outcome: agents.Open})
	r.Person(&sim.PersonRecord{PersonID: 6, FirstMonth: -30, Files: 2, Fate: agents.FateAVR, FateMonth: 5, MonthsIrregular: 20, Counselled: true, PackagePaid: true})
	r.Person(&sim.PersonRecord{PersonID: 2, FirstMonth: 0, Household: agents.Family, Files: 1, Fate: agents.FateForced, FateMonth: 3, MonthsIrregular: 2})
	r.Person(&sim.PersonRecord{PersonID: 4, FirstMonth: 1, Files: 3, Fate: agents.FateOutOfSight, FateMonth: -1, MonthsIrregular: 9, PackagePaid: true})
	// month 13 is February 2018 when month 0 is January 2017
	if got, want := r.series.String(), "base,3,13,2018-02,9,4,3,1,0,0,4,0,1,2,1,1,0,0,1,2,3,1,1,0,1,5,6,7,8,10,11\n"; got != want {
		t.Errorf("timeseries row = %q, want %q", got, want)
	}
	want := "base,3,8,6,2,NG,high,single,police,-1,2016-12,5,2017-06,avr,acceptance,true,ngo\n" +
		"base,3,9,7,1,NG,high,single,ind,4,2017-05,,,open,,false,\n"
	if got := r.cases.String(); got != want {
		t.Errorf("cases rows =\n%s\nwant\n%s", got, want)
	}
	wantP := "base,3,6,NG,single,2014-07,2,avr,2017-06,20,true,true\n" +
		"base,3,2,NG,family,2017-01,1,forced,2017-04,2,false,false\n" +
		"base,3,4,NG,single,2017-02,3,out_of_sight,,9,false,true\n"
	if got := r.persons.String(); got != wantP {
		t.Errorf("persons rows =\n%s\nwant\n%s", got, wantP)
	}
	// person 6 entered in the warm-up and left with a package in the
	// recorded months; 2 left by force; 4 is out of sight, so its package
	// (an impossible pair, given here to show it) does not count
	if got, want := r.Flags, []uint8{0, 0, FlagVerified, 0, 0, 0, FlagVerified | FlagPackagePaid}; !slices.Equal(got, want) {
		t.Errorf("Flags = %v, want %v", got, want)
	}
	for _, c := range []struct{ header, row string }{
		{TimeseriesHeader, r.series.String()}, {CasesHeader, want}, {PersonsHeader, wantP},
	} {
		row := strings.SplitN(c.row, "\n", 2)[0]
		if n, m := strings.Count(c.header, ","), strings.Count(row, ","); n != m {
			t.Errorf("header %q has %d commas, row %q %d", c.header, n, row, m)
		}
	}
}

// TestSeedText: a seed is written as text that no CSV reader takes for a
// number, and reads back exactly.
func TestSeedText(t *testing.T) {
	for _, seed := range []uint64{0, 1, 1 << 53, 1<<53 + 1, 8581286081765471666, ^uint64(0)} {
		s := SeedText(seed)
		if len(s) != 17 || s[0] != 'x' {
			t.Errorf("SeedText(%d) = %q, want x and 16 hexadecimal digits", seed, s)
		}
		if back, err := strconv.ParseUint(s[1:], 16, 64); err != nil || back != seed {
			t.Errorf("SeedText(%d) = %q reads back as %d, %v", seed, s, back, err)
		}
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			t.Errorf("SeedText(%d) = %q parses as a number", seed, s)
		}
	}
}

// TestPredictive: the 5% and 95% empirical quantiles, without
// interpolation, of values in any order.
func TestPredictive(t *testing.T) {
	twenty := make([]float64, 20)
	for i := range twenty {
		twenty[i] = float64(20 - i) // 20, 19, ..., 1
	}
	for _, tc := range []struct {
		name      string
		xs        []float64
		low, high float64
	}{
		// 0.05 x 10 = 0.5 and 0.95 x 10 = 9.5: the 1st and the 10th of ten sorted values
		{"ten values: least and greatest", []float64{3, -1, 0, 5, 2, -4, 0, 7, 1, 6}, -4, 7},
		// 0.05 x 20 = 1 and 0.95 x 20 = 19: the 1st and the 19th (interpolation would give 1.95 and 19.05)
		{"twenty values: 1st and 19th", twenty, 1, 19},
		{"one value", []float64{2.5}, 2.5, 2.5},
		{"a NaN", []float64{1, math.NaN(), 3}, math.NaN(), math.NaN()},
		{"none", nil, math.NaN(), math.NaN()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Predictive(tc.xs)
			if !same(got.Low, tc.low) || !same(got.High, tc.high) {
				t.Errorf("Predictive(%v) = %+v, want {%v %v}", tc.xs, got, tc.low, tc.high)
			}
		})
	}
}

func TestPAbove(t *testing.T) {
	for _, tc := range []struct {
		name string
		ds   []float64
		want float64
	}{
		// six above 0, two at 0 (half each), two below: (6 + 1) / 10
		{"ties count half", []float64{3, -1, 0, 5, 2, -4, 0, 7, 1, 6}, 0.7},
		{"all ties", []float64{0, 0, 0}, 0.5},
		{"all below", []float64{-1, -2}, 0},
		{"a NaN", []float64{1, math.NaN()}, math.NaN()},
		{"none", nil, math.NaN()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := PAbove(tc.ds); !same(got, tc.want) {
				t.Errorf("PAbove(%v) = %v, want %v", tc.ds, got, tc.want)
			}
		})
	}
}

// TestAddDraws: over ten draws of a baseline 100, 101, ..., 109 and a
// scenario that differs from it by the draws' differences of
// TestPAbove's "ties count half", every metric's predictive intervals
// and share above the baseline are known by hand; the baseline's share
// is NaN; without draws, summary.csv has NaN in those columns and as many
// fields as its header.
func TestAddDraws(t *testing.T) {
	ds := []float64{3, -1, 0, 5, 2, -4, 0, 7, 1, 6}
	m := len(MetricNames)
	base, alt := make([][]float64, len(ds)), make([][]float64, len(ds))
	for r, d := range ds {
		base[r], alt[r] = make([]float64, m), make([]float64, m)
		for k := range m {
			base[r][k] = 100 + float64(r)
			alt[r][k] = base[r][k] + d
		}
	}
	names := []string{"baseline", "alt"}
	metrics := [][][]float64{base, alt}
	rows := Summarize(names, metrics)
	AddDraws(rows, names, metrics, MetricNames)
	nan := math.NaN()
	// alt's values: 103 100 102 108 106 101 106 114 109 115
	want := map[string]Draws{
		"baseline": {Value: PredictiveInterval{100, 109}, Diff: PredictiveInterval{0, 0}, PAbove: nan},
		"alt":      {Value: PredictiveInterval{100, 115}, Diff: PredictiveInterval{-4, 7}, PAbove: 0.7},
	}
	for _, r := range rows {
		w, d := want[r.Scenario], r.Draws
		if d == nil {
			t.Fatalf("%s/%s: no Draws after AddDraws", r.Scenario, r.Metric)
		}
		if d.Value != w.Value || d.Diff != w.Diff || !same(d.PAbove, w.PAbove) {
			t.Errorf("%s/%s draws = %+v, want %+v", r.Scenario, r.Metric, *d, w)
		}
		if r.Scenario == "alt" && (r.Value.Mean < d.Value.Low || r.Value.Mean > d.Value.High) {
			t.Errorf("alt/%s: mean %v outside its predictive interval %+v", r.Metric, r.Value.Mean, d.Value)
		}
	}

	for _, tc := range []struct {
		name string
		rows []SummaryRow
		tail string
	}{
		{"without draws", Summarize(names, metrics)[:1], ",NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN\n"},
		{"with draws", rows[m : m+1], ",100.000000,115.000000,-4.000000,7.000000,0.700000,NaN,NaN,NaN\n"},
		{"with draws and held", func() []SummaryRow {
			r := rows[m]
			d := *r.Draws
			r.Draws = &d
			AddHeld([]SummaryRow{r}, []SummaryRow{{Scenario: r.Scenario, Metric: r.Metric, Draws: &Draws{Diff: PredictiveInterval{-1, 2}, PAbove: 0.6}}})
			return []SummaryRow{r}
		}(), ",100.000000,115.000000,-4.000000,7.000000,0.700000,-1.000000,2.000000,0.600000\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			w := bufio.NewWriter(&b)
			if err := WriteSummary(w, tc.rows); err != nil {
				t.Fatal(err)
			}
			w.Flush()
			line := b.String()
			if !strings.HasSuffix(line, tc.tail) {
				t.Errorf("WriteSummary row = %q, want it to end %q", line, tc.tail)
			}
			if got, want := strings.Count(line, ","), strings.Count(SummaryHeader, ","); got != want {
				t.Errorf("WriteSummary row has %d commas, the header %d", got, want)
			}
		})
	}
}

// same reports whether a and b are equal or both NaN.
func same(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

// TestTimeseriesPlaces: the place columns of timeseries.csv name the
// places in the order of agents.Shelter, which MonthCounts.Places follows.
func TestTimeseriesPlaces(t *testing.T) {
	cols := strings.Split(TimeseriesHeader, ",")
	i := slices.Index(cols, "in_reception")
	if i < 0 || i+int(agents.NumShelters) > len(cols) {
		t.Fatalf("timeseries header %q has no place columns", TimeseriesHeader)
	}
	want := map[agents.Shelter]string{agents.Reception: "in_reception", agents.Departure: "in_departure_period", agents.NoShelter: "no_shelter",
		agents.VBL: "in_vbl", agents.FamilyLocation: "in_family_location", agents.LVV: "in_lvv", agents.Detention: "in_detention"}
	for s := range agents.NumShelters {
		if cols[i+int(s)] != want[s] {
			t.Errorf("column %d = %q, want %q for %s", i+int(s), cols[i+int(s)], want[s], s)
		}
	}
}
