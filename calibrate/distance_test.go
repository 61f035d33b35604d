package calibrate

import (
	"math"
	"os"
	"testing"
)

// atTargets returns statistics that meet every default target exactly,
// with Nigeria below Iraq and every year's return rate at most 0.34.
func atTargets() *Stats {
	return &Stats{
		AVRByFile:           [3]float64{0.19, 0.09, 0.02},
		AVRByCooperation:    [2]float64{0.11, 0.05},
		AVRNigeria:          0.08,
		AVRIraq:             0.12,
		ReturnRate:          []float64{0.30, 0.34, 0.25},
		DepartureMix:        [3]float64{0.253, 0.180, 0.567},
		ClosedPerSevenYears: 118000,
	}
}

// marginalTargets are the targets of testdata/marginal.toml, on the
// statistics that atTargets sets.
func marginalTargets(t *testing.T) []Target {
	t.Helper()
	b, err := os.ReadFile("testdata/marginal.toml")
	if err != nil {
		t.Fatal(err)
	}
	ts, err := ParseTargets("marginal.toml", b)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func TestDistance(t *testing.T) {
	ts := marginalTargets(t)
	tol := map[string]float64{}
	for _, x := range ts {
		tol[x.Statistic] = x.Tolerance
	}
	// sq is the contribution of one component of a target with weight 1
	// and k components, missed by d on its scale.
	sq := func(stat string, d float64, k int) float64 { return (d / tol[stat]) * (d / tol[stat]) / float64(k) }
	tests := []struct {
		name   string
		change func(*Stats)
		want   float64
	}{
		{"at the targets", func(*Stats) {}, 0},
		{"AVR at file 1 is 0.21", func(s *Stats) { s.AVRByFile[0] = 0.21 },
			sq("avr_by_file", logit(0.21)-logit(0.19), 3)},
		{"AVR at file 1 is 0.25", func(s *Stats) { s.AVRByFile[0] = 0.25 },
			sq("avr_by_file", logit(0.25)-logit(0.19), 3)},
		{"AVR at file 6 is 0: clamped to 1e-5", func(s *Stats) { s.AVRByFile[2] = 0 },
			sq("avr_by_file", logit(1e-5)-logit(0.02), 3)},
		{"scale 10% low, weight 0.5", func(s *Stats) { s.ClosedPerSevenYears = 106200 },
			0.5 * sq("closed_files", math.Log(0.9), 1)},
		{"return rate below the bound", func(s *Stats) { s.ReturnRate = []float64{0.1} }, 0},
		{"return rate 0.40 in one year", func(s *Stats) { s.ReturnRate[1] = 0.40 },
			sq("return_rate", logit(0.40)-logit(0.34), 1)},
		{"return rate 0.50 in one year", func(s *Stats) { s.ReturnRate[1] = 0.50 },
			sq("return_rate", logit(0.50)-logit(0.34), 1)},
		{"Nigeria well below Iraq", func(s *Stats) { s.AVRNigeria = 0.01 }, 0},
		{"Nigeria ties Iraq", func(s *Stats) { s.AVRNigeria = 0.12 }, 0},
		{"Nigeria above Iraq", func(s *Stats) { s.AVRNigeria = 0.13 },
			sq("avr_nigeria_iraq", logit(0.13)-logit(0.12), 1)},
		{"Nigeria far above Iraq", func(s *Stats) { s.AVRNigeria = 0.20 },
			sq("avr_nigeria_iraq", logit(0.20)-logit(0.12), 1)},
		{"no complete year", func(s *Stats) { s.ReturnRate = nil }, math.Inf(1)},
	}
	prev := map[string]float64{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := atTargets()
			tt.change(s)
			got := Distance(ts, s)
			if !(got == tt.want || near(got, tt.want, 1e-12)) {
				t.Errorf("Distance(marginal.toml, %+v) = %v, want %v", s, got, tt.want)
			}
			prev[tt.name] = got
		})
	}
	// Further from a target is further away.
	for _, p := range [][2]string{
		{"AVR at file 1 is 0.21", "AVR at file 1 is 0.25"},
		{"return rate 0.40 in one year", "return rate 0.50 in one year"},
		{"Nigeria above Iraq", "Nigeria far above Iraq"},
	} {
		if !(0 < prev[p[0]] && prev[p[0]] < prev[p[1]]) {
			t.Errorf("Distance: %s gives %v, %s gives %v: want 0 < the first < the second", p[0], prev[p[0]], p[1], prev[p[1]])
		}
	}
}

func TestTable(t *testing.T) {
	s := atTargets()
	s.AVRByFile[1] = 0.12      // missed by more than a tolerance
	s.ReturnRate[0] = 0.35     // above the bound
	s.AVRNigeria = s.AVRIraq   // a tie breaks the order
	s.DepartureMix[2] = 0.5676 // missed by less than a tolerance
	rows := Table(marginalTargets(t), s)
	type short struct {
		Statistic           string
		Observed, Simulated float64
		Within              bool
	}
	want := []short{
		{"avr_by_file: file 1", 0.19, 0.19, true},
		{"avr_by_file: file 3", 0.09, 0.12, false},
		{"avr_by_file: file 6", 0.02, 0.02, true},
		{"avr_by_cooperation: high", 0.11, 0.11, true},
		{"avr_by_cooperation: low", 0.05, 0.05, true},
		{"avr_nigeria_iraq: NG < IQ", 0, 0, false},
		{"return_rate: highest year", 0.34, 0.35, false},
		{"departure_mix: avr+independent", 0.253, 0.253, true},
		{"departure_mix: forced", 0.180, 0.180, true},
		{"departure_mix: absconded", 0.567, 0.5676, true},
		{"closed_files: per 84 months", 118000, 118000, true},
	}
	if len(rows) != len(want) {
		t.Fatalf("Table() has %d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i, r := range rows {
		got := short{r.Statistic, r.Observed, r.Simulated, r.Within}
		if got != want[i] {
			t.Errorf("Table() row %d = %+v, want %+v", i, got, want[i])
		}
	}
	wantErr := (logit(0.12) - logit(0.09)) / 0.25 // tolerance 0.25 in targets.toml
	if got := rows[1].Error; !near(got, wantErr, 1e-12) {
		t.Errorf("Table() row 1 Error = %v, want %v", got, wantErr)
	}
}

// TestFits checks the summary by target: the root mean square of each
// target's errors, met at most 1, in the order the targets come.
func TestFits(t *testing.T) {
	rows := []Row{
		{Target: "a", Error: 1}, {Target: "a", Error: -1}, // RMS 1: met, at the edge
		{Target: "b", Error: 0.6}, {Target: "b", Error: 0.8}, {Target: "b", Error: -1.6}, // RMS sqrt((0.36+0.64+2.56)/3)
		{Target: "c", Error: 0},
	}
	got := Fits(rows)
	want := []TargetFit{{"a", 2, 1, true}, {"b", 3, math.Sqrt(3.56 / 3), false}, {"c", 1, 0, true}}
	if len(got) != len(want) {
		t.Fatalf("Fits gives %d targets, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Target != w.Target || g.Rows != w.Rows || math.Abs(g.RMS-w.RMS) > 1e-12 || g.Met != w.Met {
			t.Errorf("target %d: %+v, want %+v", i, g, w)
		}
	}
}

func TestSplitYear(t *testing.T) {
	for _, tc := range []struct {
		label, comp string
		year        int
	}{
		{"independent 2017", "independent", 2017},
		{"2020", "", 2020},
		{"AVR 2017", "AVR", 2017},
		{"file 3", "file 3", 0},
		{"files 6+ vs 1", "files 6+ vs 1", 0},
		{"per 84 months", "per 84 months", 0},
	} {
		if c, y := splitYear(tc.label); c != tc.comp || y != tc.year {
			t.Errorf("splitYear(%q) = %q, %d, want %q, %d", tc.label, c, y, tc.comp, tc.year)
		}
	}
}
