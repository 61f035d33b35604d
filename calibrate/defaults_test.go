package calibrate

import (
	"encoding/csv"
	"flag"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"gonum.org/v1/gonum/stat/distuv"
)

// TestDefaultsFit holds the shipped defaults to the fit table that the
// calibration which made them wrote (testdata/fit-shipped.csv, the fit.csv
// of the run docs/calibration.md reports), on seeds the calibration did not
// use (it used seed 1): four full-size replicates and the pattern's paired
// runs. So docs/calibration.md's table, target by target, is what the
// shipped code gives, and a change to the model that moves any statistic
// beyond Monte Carlo noise fails here until the model is recalibrated.
//
// Each row's simulated value is compared with the shipped one: their
// difference over the standard error of a difference of two means of four
// replicates each (the rows' own Monte Carlo errors) is held below the
// Student-t quantile with 6 degrees of freedom at 1% over all rows
// (Bonferroni). The pattern's row (its paired replicates pooled) has no
// Monte Carlo error in the table: its difference is taken over the
// measured standard error of the pattern's log ratio instead.
func TestDefaultsFit(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 4 full-size replicates and the pattern")
	}
	f, err := os.Open("testdata/fit-shipped.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	type shipped struct{ sim, se float64 }
	want := map[string]shipped{}
	// by column name: the shipped file has statistic and component in one
	// field, fit.csv since has them (and the year) in fields of their own
	col := map[string]int{}
	for i, name := range recs[0] {
		col[name] = i
	}
	for _, r := range recs[1:] {
		x, err1 := strconv.ParseFloat(r[col["simulated"]], 64)
		se, err2 := strconv.ParseFloat(r[col["mc_se"]], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("fit-shipped.csv: row %v: %v %v", r, err1, err2)
		}
		stat := r[col["statistic"]]
		if c, ok := col["component"]; ok {
			label := strings.TrimSpace(r[c] + " " + r[col["year"]])
			stat += ": " + label
		}
		want[r[col["target"]]+": "+stat] = shipped{x, se}
	}
	d, spec := defaultsDetail(t, 4, 20261201)
	patternSE := patternLogSE / math.Sqrt(float64(spec.Pattern.Replicates))
	if len(d.Rows) != len(want) {
		t.Fatalf("the fit table has %d rows, the shipped one %d: the targets changed since the calibration", len(d.Rows), len(want))
	}
	crit := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: 6}.Quantile(1 - 0.01/(2*float64(len(d.Rows))))
	for i, r := range d.Rows {
		w, ok := want[r.Target+": "+r.Statistic]
		if !ok {
			t.Errorf("%s %s: not in the shipped fit table", r.Target, r.Statistic)
			continue
		}
		if strings.HasPrefix(r.Statistic, patternStatistic+": ") {
			// the pattern's paired replicates are pooled into one ratio,
			// so the fit table has no spread for it: its Monte Carlo SE
			// on the log scale is the one measured for its tolerance,
			// for each of the two runs
			z := (math.Log(r.Simulated) - math.Log(w.sim)) / (math.Sqrt2 * patternSE)
			t.Logf("%-62s shipped %10.4g now %10.4g  z %5.2f  error %6.2f tolerances", r.Statistic, w.sim, r.Simulated, z, r.Error)
			if !(math.Abs(z) <= crit) {
				t.Errorf("%s: %.3g now against %.3g shipped, %.2f standard errors apart on the log scale: want within %.2f", r.Statistic, r.Simulated, w.sim, z, crit)
			}
			continue
		}
		se := math.Hypot(d.MCSE[i], w.se)
		z := (r.Simulated - w.sim) / se
		t.Logf("%-62s shipped %10.4g now %10.4g  z %5.2f  error %6.2f tolerances", r.Statistic, w.sim, r.Simulated, z, r.Error)
		if !(math.Abs(z) <= crit) {
			t.Errorf("%s %s: %.4g now against %.4g shipped, %.2f standard errors apart: want within %.2f", r.Target, r.Statistic, r.Simulated, w.sim, z, crit)
		}
	}
}

// patternLogSE is the Monte Carlo standard error of the pattern's log
// ratio at its size with one paired replicate: 0.14, measured from the
// hand-set defaults (calibrate/targets.toml, the pattern's tolerance); it
// falls with the square root of the pattern's replicates.
const patternLogSE = 0.14

var meetTargets = flag.Bool("defaults.targets", false, "check that the shipped defaults meet every target (TestDefaultsMeetTargets, 32 full-size replicates)")

// TestDefaultsMeetTargets holds the shipped defaults to every target of the
// embedded targets file, with the file's tolerances, on a seed the
// calibration did not use (it used seed 1; TestDefaultsFit uses 20261201):
// 32 full-size replicates pooled, and the pattern's paired runs. A target
// is met when its rows' root mean square error is at most one tolerance
// (Fits); none is excused. Thirty-two replicates, because at four the
// odds ratio of six procedures against one has a Monte Carlo error of
// about one tolerance by itself (its files are few); at 32 it is about a
// third of one.
//
// It is opt-in (-defaults.targets) because it fails: the calibration of
// 2026-12-07 with the closed borders and the removals cancelled for
// refused tests (docs/calibration.md, "What the fit misses") leaves the
// return rate of 2022 (1.16) and the departures without supervision (1.49)
// more than one tolerance off, for want of mechanisms the model does not
// have (named there); on this seed also the odds ratio of six procedures
// against one (1.33, against 0.09 on the calibration's four replicates:
// its cell holds few files). It is to run by default once they are met,
// not with a wider tolerance or a list of excused targets.
func TestDefaultsMeetTargets(t *testing.T) {
	if !*meetTargets {
		t.Skip("opt-in: -defaults.targets (the shipped defaults miss three targets: docs/calibration.md)")
	}
	d, spec := defaultsDetail(t, 32, 31)
	fits := Fits(d.Rows)
	if len(fits) != len(spec.Targets) {
		t.Fatalf("%d targets in the fit table, %d in the targets file", len(fits), len(spec.Targets))
	}
	for _, f := range fits {
		t.Logf("%-55s RMS error %.2f tolerances", f.Target, f.RMS)
		if !f.Met {
			t.Errorf("%s: missed by %.2f tolerances (root mean square over %d rows), want at most 1", f.Target, f.RMS, f.Rows)
		}
	}
}

// defaultsDetail is the fit table of the shipped defaults, as they are, on
// reps full-size replicates from seed, with the pattern's paired runs.
func defaultsDetail(t *testing.T, reps int, seed uint64) (*Detail, *Spec) {
	t.Helper()
	base, spec := defaultProblem(t)
	spec.Parameters = nil
	spec.Method.TableReplicates = reps
	p := &Problem{Base: base, Spec: spec, Seed: seed}
	d, err := p.Detail(nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	return d, spec
}

// TestShelteredWithinCOA holds the shipped defaults to the plausibility
// bound of docs/ODD.md, section 7.15, for the places no published stock
// covers: the persons COA shelters in the model (reception during the
// appeal, the departure period, the VBL, and family locations at 3.49
// persons a household, docs/sources.md) must be fewer, each year
// 2017-2019, than all of COA's residents that year (21,037, 22,498 and
// 27,381: asylum seekers and status holders together, of whom the persons
// with a return order are a part). Two full-size replicates pooled, on a
// seed the calibration did not use; the bound is one-sided and far from
// the Monte Carlo error of a yearly mean stock (tens of persons).
func TestShelteredWithinCOA(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 2 full-size replicates and the pattern")
	}
	d, _ := defaultsDetail(t, 2, 41)
	coa := []float64{21037, 22498, 27381}
	for y, total := range coa {
		s := d.Stats.Stocks[y]
		sheltered := s[agents.Reception] + s[agents.Departure] + s[agents.VBL] + personsPerFamily*s[agents.FamilyLocation]
		t.Logf("%d: reception %.0f, departure period %.0f, VBL %.0f, family locations %.0f households: %.0f persons against COA's %.0f",
			2017+y, s[agents.Reception], s[agents.Departure], s[agents.VBL], s[agents.FamilyLocation], sheltered, total)
		if !(sheltered < total) {
			t.Errorf("%d: %.0f persons sheltered by COA in the model, want fewer than all of COA's residents, %.0f", 2017+y, sheltered, total)
		}
	}
}

// personsPerFamily is the persons of a family household: 1,900 residents
// of family locations in 545 families on 1 November 2012 (docs/sources.md).
const personsPerFamily = 1900.0 / 545
