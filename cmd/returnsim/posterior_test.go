package main

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRunPosteriorDraws runs the small study with a five-particle test
// posterior (testdata/posterior-small.csv: absconding and forced return
// rates around the defaults, unequal weights) over ten replicates, so ten
// parameter draws, and checks summary.csv's two kinds of interval against
// each other:
//   - the predictive interval contains the mean: over ten draws it runs
//     from the least to the greatest value;
//   - it is at least as wide as the 95% interval of the mean: ten values
//     with sample sd s span at least 2s*sqrt(9/10) = 1.90s, the t interval
//     is 2*2.262*s/sqrt(10) = 1.43s wide (the cost per additional
//     departure is left out: its interval is the delta method's, not a t
//     interval of per-draw values);
//   - p_above_baseline is within [0, 1] for every scenario but the
//     baseline, where it is NaN.
//
// The console titles both tables by their interval and gives P(beats
// baseline); stderr warns of fewer than 20 draws; summary.csv has the
// same bytes with one worker and with four.
func TestRunPosteriorDraws(t *testing.T) {
	dirs := []string{t.TempDir(), t.TempDir()}
	var out string
	for i, w := range []string{"1", "4"} {
		var o, e bytes.Buffer
		if err := run([]string{"run", "testdata/small.toml", "--posterior", "testdata/posterior-small.csv", "--replicates", "10", "--workers", w, "--out", dirs[i]}, &o, &e); err != nil {
			t.Fatalf("run --posterior --workers %s: %v\n%s%s", w, err, o.String(), e.String())
		}
		if want := "rest on 10 parameter draws"; !strings.Contains(e.String(), want) || strings.Count(e.String(), "warning") != 1 {
			t.Errorf("stderr = %q, want one warning containing %q", e.String(), want)
		}
		out = o.String()
	}
	for _, want := range []string{"Mean over replicates [95% CI of the mean]", "90% predictive over 10 parameter draws", "P(beats baseline)"} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q:\n%s", want, out)
		}
	}
	man, _ := os.ReadFile(filepath.Join(dirs[0], "manifest.json"))
	if want := "here 10 draws, one per replicate"; !strings.Contains(string(man), want) {
		t.Errorf("manifest.json's summary_columns do not say %q", want)
	}
	a, _ := os.ReadFile(filepath.Join(dirs[0], "summary.csv"))
	b, _ := os.ReadFile(filepath.Join(dirs[1], "summary.csv"))
	if !bytes.Equal(a, b) || len(a) < 100 {
		t.Errorf("summary.csv differs between --workers 1 and --workers 4 (or is empty)")
	}

	recs, err := csv.NewReader(bytes.NewReader(a)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, c := range []string{"mean", "ci_low", "ci_high", "diff_vs_baseline", "diff_ci_low", "diff_ci_high", "pred90_low", "pred90_high", "diff_pred90_low", "diff_pred90_high", "p_above_baseline"} {
		if _, ok := col[c]; !ok {
			t.Fatalf("summary.csv has no column %s: %q", c, recs[0])
		}
	}
	// the costs per departure are ratios of means, compared with the
	// baseline by construction: no difference, no share above it
	ratio := map[string]bool{"cost_per_additional_eur": true, "cost_per_net_verified_eur": true}
	checked := 0
	for line, rec := range recs[1:] {
		f := func(c string) float64 {
			x, err := strconv.ParseFloat(rec[col[c]], 64)
			if err != nil {
				t.Fatalf("summary.csv:%d: %s: %v", line+2, c, err)
			}
			return x
		}
		where := rec[0] + "/" + rec[1]
		p := f("p_above_baseline")
		if rec[0] == "baseline" {
			if !math.IsNaN(p) {
				t.Errorf("%s: p_above_baseline = %v, want NaN for the baseline", where, p)
			}
		} else if !ratio[rec[1]] && !(p >= 0 && p <= 1) {
			t.Errorf("%s: p_above_baseline = %v, want it within [0, 1]", where, p)
		}
		for _, k := range []struct{ mean, low, high, plow, phigh string }{
			{"mean", "ci_low", "ci_high", "pred90_low", "pred90_high"},
			{"diff_vs_baseline", "diff_ci_low", "diff_ci_high", "diff_pred90_low", "diff_pred90_high"},
		} {
			m, lo, hi, plo, phi := f(k.mean), f(k.low), f(k.high), f(k.plow), f(k.phigh)
			if math.IsNaN(m) || math.IsNaN(plo) {
				continue
			}
			checked++
			if m < plo-1e-6 || m > phi+1e-6 {
				t.Errorf("%s: %s %v outside its predictive interval [%v, %v]", where, k.mean, m, plo, phi)
			}
			// 1e-5: both widths are written with six decimals
			if !ratio[rec[1]] && phi-plo < hi-lo-1e-5 {
				t.Errorf("%s: predictive interval [%v, %v] narrower than the 95%% interval of the mean [%v, %v]", where, plo, phi, lo, hi)
			}
		}
	}
	// 3 scenarios x every metric, the value and (but for the baseline's
	// and the costs per departure's NaNs) the difference
	if checked < 3*30 {
		t.Errorf("checked %d intervals, want most of summary.csv's", checked)
	}
}
