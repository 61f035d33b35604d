package results

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/sim"
)

func TestCostOf(t *testing.T) {
	// Unit costs chosen so each item is easy to check by hand.
	u := sim.Costs{ForcedEUR: 3414, AVREUR: 560, SessionEUR: 150, MonthReceptionEUR: 1200, MonthVBLEUR: 1500, MonthFamilyEUR: 1700, MonthLVVEUR: 1100, MonthDetentionEUR: 6000}
	tests := []struct {
		name string
		n    CostCounts
		want CostItems
	}{
		{"nothing", CostCounts{}, CostItems{}},
		{"one of each", CostCounts{1, 1, 300, 1, 1, 1, 1, 1, 1}, CostItems{3414, 560, 300, 150, 1200, 1500, 1700, 1100, 6000}},
		{"a replicate", CostCounts{Forced: 10, AVR: 20, PackageEUR: 36000, Sessions: 100, MonthsReception: 7, MonthsVBL: 3, MonthsFamily: 2, MonthsDetention: 2},
			CostItems{Forced: 34140, AVR: 11200, Package: 36000, Sessions: 15000, Reception: 8400, VBL: 4500, FamilyLocation: 3400, Detention: 12000}},
	}
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) {
			got := CostOf(u, c.n)
			if got != c.want {
				t.Errorf("CostOf(%+v) = %+v, want %+v", c.n, got, c.want)
			}
			f := Figures{Costs: got, Cost: got.Total()}
			var sum, total float64
			for _, m := range Metrics {
				switch {
				case m.Name == "cost_total_eur":
					total = m.Value(&f)
				case strings.HasPrefix(m.Name, "cost_") && !m.Paired:
					sum += m.Value(&f)
				}
			}
			if total != sum || got.Total() != sum {
				t.Errorf("cost_total_eur %v (Total() %v), want the sum of the cost metrics %v", total, got.Total(), sum)
			}
		})
	}
	// The default unit costs of the study price a forced return at about
	// six assisted returns (European Court of Auditors 2021).
	d := CostOf(sim.DefaultCosts(), CostCounts{Forced: 1, AVR: 1})
	if d.Forced != 3414 || d.AVR != 560 || d.Total() != 3974 {
		t.Errorf("CostOf(defaults, one forced, one AVR) = %+v, want 3414 + 560", d)
	}
}

func TestCostCountsCheck(t *testing.T) {
	if err := (CostCounts{Forced: 1, PackageEUR: 2}).Check(); err != nil {
		t.Errorf("valid counts: %v", err)
	}
	for _, n := range []CostCounts{{Forced: -1}, {PackageEUR: math.NaN()}, {MonthsDetention: -3}} {
		if err := n.Check(); err == nil {
			t.Errorf("Check(%+v) = nil, want an error", n)
		}
	}
}

func TestPair(t *testing.T) {
	const (
		none = 0
		v    = FlagVerified
		p    = FlagPackagePaid
		vp   = FlagVerified | FlagPackagePaid
	)
	// Ten persons, each a known case:
	//   0 verified in both                    -> neither
	//   1 verified only in the scenario       -> additional
	//   2 verified only in the baseline       -> lost
	//   3 neither                             -> neither
	//   4 paid and verified in both           -> deadweight
	//   5 paid in the scenario, additional    -> additional, not deadweight
	//   6 paid in the baseline only, both verified -> neither
	//   7 verified in the baseline, paid but not verified in the scenario
	//     (a package for someone who then did not leave) -> lost and deadweight
	//   8 additional                          -> additional
	//   9 paid and verified in both           -> deadweight
	base := []uint8{v, none, v, none, vp, none, vp, v, none, v}
	scen := []uint8{v, v, none, none, vp, vp, v, p, v, vp}
	got, err := Pair(base, scen)
	want := Pairing{Additional: 3, Lost: 2, Deadweight: 3}
	if err != nil || got != want {
		t.Errorf("Pair = %+v, %v, want %+v", got, err, want)
	}
	if got, _ := Pair(base, base); got.Additional != 0 || got.Lost != 0 || got.Deadweight != 2 {
		t.Errorf("Pair(base, base) = %+v, want 0 additional, 0 lost, 2 deadweight (persons 4 and 6)", got)
	}
	if _, err := Pair(base, scen[:9]); err == nil {
		t.Errorf("Pair of 10 and 9 persons: no error")
	}
	f := Figures{Pairing: want}
	for name, w := range map[string]float64{"additional_verified": 3, "lost_verified": 2, "deadweight": 3, "net_verified": 1} {
		i := slices.Index(MetricNames, name)
		if i < 0 || !Metrics[i].Paired || Metrics[i].Value(&f) != w {
			t.Errorf("metric %s of %+v: want a paired metric of value %v", name, want, w)
		}
	}
}

func TestCostPerAdditional(t *testing.T) {
	t.Run("constant ratio", func(t *testing.T) {
		// Every replicate costs 1,000 EUR more for 10 additional: 100 EUR
		// each with no spread, so the interval is the point.
		iv, err := CostPerAdditional([]float64{5000, 6000, 7000}, []float64{6000, 7000, 8000}, []float64{10, 10, 10})
		if err != nil || iv.Mean != 100 || math.Abs(iv.Low-100) > 1e-9 || math.Abs(iv.High-100) > 1e-9 {
			t.Errorf("CostPerAdditional = %+v, %v, want 100 [100, 100]", iv, err)
		}
	})
	t.Run("ratio of means", func(t *testing.T) {
		// dCost 100, 500 over additional 1, 3: the ratio of means is
		// 300/2 = 150, where the mean of ratios would be 133.3.
		iv, err := CostPerAdditional([]float64{0, 0}, []float64{100, 500}, []float64{1, 3})
		if err != nil || iv.Mean != 150 {
			t.Fatalf("CostPerAdditional = %+v, %v, want mean 150", iv, err)
		}
		// residuals (100-150)/2 = -25 and (500-450)/2 = 25: sd 35.36,
		// standard error 35.36 / sqrt 2 = 25, t(1) 12.706: half-width 317.7.
		if h := iv.High - iv.Mean; math.Abs(h-12.7062*25) > 0.01 {
			t.Errorf("half-width %v, want 12.706 x 25 = 317.66", h)
		}
		if iv.Mean-iv.Low != iv.High-iv.Mean {
			t.Errorf("interval %+v not symmetric", iv)
		}
	})
	t.Run("no additional is NaN, never Inf", func(t *testing.T) {
		iv, err := CostPerAdditional([]float64{0, 0}, []float64{100, 200}, []float64{0, 0})
		if err != nil || !math.IsNaN(iv.Mean) || !math.IsNaN(iv.Low) || !math.IsNaN(iv.High) {
			t.Errorf("CostPerAdditional with 0 additional = %+v, %v, want NaN", iv, err)
		}
		if s := FormatFixed(iv.Mean); s != "NaN" {
			t.Errorf("FormatFixed(%v) = %q, want NaN", iv.Mean, s)
		}
		if x := ReplicateCostPerAdditional(1, 2, 0); !math.IsNaN(x) {
			t.Errorf("ReplicateCostPerAdditional(1, 2, 0) = %v, want NaN", x)
		}
	})
	t.Run("one replicate has no interval", func(t *testing.T) {
		iv, _ := CostPerAdditional([]float64{0}, []float64{100}, []float64{4})
		if iv.Mean != 25 || !math.IsNaN(iv.Low) {
			t.Errorf("one replicate: %+v, want 25 [NaN, NaN]", iv)
		}
	})
	t.Run("lengths differ", func(t *testing.T) {
		if _, err := CostPerAdditional([]float64{0}, []float64{1, 2}, []float64{1, 2}); err == nil {
			t.Error("no error")
		}
	})
}

func TestCostPerAdditionalRows(t *testing.T) {
	names := []string{"verified", "cost_total_eur", "additional_verified"}
	// Two scenarios x two replicates: the scenario costs 1,000 and 3,000
	// EUR more for 10 and 10 additional departures: 200 EUR each.
	metrics := [][][]float64{
		{{5, 10000, 0}, {6, 11000, 0}},
		{{7, 11000, 10}, {8, 14000, 10}},
	}
	rows, err := CostPerAdditionalRows([]string{"base", "ngo"}, metrics, names)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || !math.IsNaN(rows[0].Value.Mean) || rows[1].Value.Mean != 200 || !math.IsNaN(rows[1].Diff.Mean) {
		t.Errorf("CostPerAdditionalRows = %+v, want NaN for the baseline and 200 for ngo", rows)
	}
	if rows[1].Scenario != "ngo" || rows[1].Metric != CostPerAdditionalName {
		t.Errorf("row %+v, want ngo, %s", rows[1], CostPerAdditionalName)
	}
	if _, err := CostPerAdditionalRows([]string{"base"}, metrics[:1], []string{"verified"}); err == nil {
		t.Error("no error without cost_total_eur and additional_verified")
	}
	generic := []SummaryRow{{Scenario: "base", Metric: "verified"}, {Scenario: "ngo", Metric: CostPerAdditionalName, Value: Interval{Mean: 1}}}
	got := ReplaceRows(generic, rows)
	if len(got) != 3 || got[1].Value.Mean != 200 || got[0].Metric != "verified" || got[2].Scenario != "base" {
		t.Errorf("ReplaceRows = %+v, want ngo's row replaced in place and base's appended", got)
	}
	if generic[1].Value.Mean != 1 {
		t.Error("ReplaceRows changed its input")
	}
}

// TestCostPerNet: the cost per net additional verified departure divides
// the cost difference by additional minus lost, and a scenario that loses
// departures on balance gets NaN, not a negative "cost" that would read as
// the cheapest.
var nan = math.NaN()

func TestCostPerNet(t *testing.T) {
	tests := []struct {
		name            string
		base, scen, net []float64
		mean, low, high float64 // NaN: want NaN
		replicate0      float64 // ReplicateCostPerNet of replicate 0
	}{
		// 1,000 and 3,000 EUR more for a net 10 and 10: 200 EUR, and the
		// residuals (1000-2000)/10 = -100 and +100: sd 141.42, standard
		// error 100, t(1) 12.7062: half-width 1,270.62.
		{"ratio of means", []float64{10000, 11000}, []float64{11000, 14000}, []float64{10, 10}, 200, 200 - 1270.62, 200 + 1270.62, 100},
		// a scenario that adds 500 and loses 1,781 persons, for 5.1
		// million EUR more: it loses 1,281 on balance, so there is no
		// cost per departure it adds (the gross figure would be 10,240 EUR)
		{"loses departures", []float64{0, 0}, []float64{5.1e6, 5.1e6}, []float64{500 - 1781, 500 - 1781}, nan, nan, nan, nan},
		// a saving while losing departures is not "cheap" either
		{"saves and loses", []float64{1e6, 1e6}, []float64{0, 0}, []float64{-20, -40}, nan, nan, nan, nan},
		{"no net change", []float64{0, 0}, []float64{100, 200}, []float64{3, -3}, nan, nan, nan, 100.0 / 3},
	}
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) {
			iv, err := CostPerNet(c.base, c.scen, c.net)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range []struct {
				name      string
				got, want float64
			}{{"mean", iv.Mean, c.mean}, {"low", iv.Low, c.low}, {"high", iv.High, c.high}} {
				if math.IsNaN(x.want) != math.IsNaN(x.got) || (!math.IsNaN(x.want) && math.Abs(x.got-x.want) > 0.01) {
					t.Errorf("CostPerNet(%v, %v, %v) %s = %v, want %v", c.base, c.scen, c.net, x.name, x.got, x.want)
				}
			}
			r := ReplicateCostPerNet(c.base[0], c.scen[0], c.net[0])
			if math.IsNaN(r) != math.IsNaN(c.replicate0) || (!math.IsNaN(r) && math.Abs(r-c.replicate0) > 1e-9) {
				t.Errorf("ReplicateCostPerNet(%v, %v, %v) = %v, want %v", c.base[0], c.scen[0], c.net[0], r, c.replicate0)
			}
		})
	}
	f := Figures{Pairing: Pairing{Additional: 3, Lost: 5}, Cost: 100, BaseCost: 50}
	if i := slices.Index(MetricNames, CostPerNetName); i < 0 || !Metrics[i].Paired || !math.IsNaN(Metrics[i].Value(&f)) {
		t.Errorf("metric %s of a replicate that loses 2 on balance: want a paired metric of value NaN", CostPerNetName)
	}
	f.Pairing.Lost = 1
	if i := slices.Index(MetricNames, CostPerNetName); Metrics[i].Value(&f) != 25 {
		t.Errorf("metric %s of 50 EUR more for a net 2: %v, want 25", CostPerNetName, Metrics[i].Value(&f))
	}
}

func TestCostPerNetRows(t *testing.T) {
	names := []string{"cost_total_eur", "net_verified"}
	// baseline, a scenario that adds a net 10 for 2,000 EUR more, one that
	// loses a net 5 for 1,000 EUR more
	metrics := [][][]float64{
		{{10000, 0}, {11000, 0}},
		{{12000, 10}, {13000, 10}},
		{{11000, -5}, {12000, -5}},
	}
	rows, err := CostPerNetRows([]string{"base", "adds", "loses"}, metrics, names)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || !math.IsNaN(rows[0].Value.Mean) || rows[1].Value.Mean != 200 || !math.IsNaN(rows[2].Value.Mean) || rows[1].Metric != CostPerNetName {
		t.Errorf("CostPerNetRows = %+v, want NaN for the baseline, 200 for adds, NaN for loses", rows)
	}
	if _, err := CostPerNetRows([]string{"base"}, metrics[:1], []string{"cost_total_eur"}); err == nil {
		t.Error("no error without net_verified")
	}
}
