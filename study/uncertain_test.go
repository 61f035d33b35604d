package study_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/results"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/study"
)

const uncertainStudy = `name = "unc"
[base]
months = 24
warmup_months = 24
intake.scale = 0.05
policy.counselling.counsellors = 6

[variants.ngo]
policy.counselling.provider = "ngo"
`

const uncertainTables = `
[[uncertain]]
key = "params.counselling.civil_return"
low = 0.2
high = 1.4
reason = "test: the AVR effect of a civil-society session, which no target measures"

[[uncertain]]
key = "params.counselling.civil_legal"
low = 0.1
high = 1.5
reason = "test"
`

// testPosterior writes a five-particle posterior of two calibrated keys
// and reads it back.
func testPosterior(t *testing.T, keys string) *calibrate.Posterior {
	t.Helper()
	f := filepath.Join(t.TempDir(), "posterior.csv")
	text := "particle," + keys + ",weight,distance\n0,-5,0.005,1,0.4\n1,-4.5,0.01,2,0.2\n2,-5.5,0.008,1,0.3\n3,-5,0.012,1,0.5\n4,-4.8,0.006,1,0.1\n"
	if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	post, err := calibrate.ReadPosterior(f)
	if err != nil {
		t.Fatal(err)
	}
	return post
}

func runRows(t *testing.T, text string, post *calibrate.Posterior, reps int) *study.Result {
	t.Helper()
	st, err := scenarios.Parse("unc.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	res, err := study.Run(context.Background(), st, study.Options{Out: t.TempDir(), Seed: 3, Replicates: reps, Workers: 2, Posterior: post})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func rowOf(rows []results.SummaryRow, sc, m string) results.SummaryRow {
	for _, r := range rows {
		if r.Scenario == sc && r.Metric == m {
			return r
		}
	}
	panic("no row " + sc + "/" + m)
}

// TestUncertainDrawn: with a posterior, a study's unconstrained
// assumptions are drawn too, and summary.csv gives beside each predictive
// interval of a difference the interval over the same posterior draws with
// those assumptions held: exactly the interval of the study run without
// [[uncertain]]. Drawing the AVR effect of civil-society sessions widens
// the interval of the NGO scenario's AVR difference from the baseline (10
// draws: the least to the greatest), which rests on it; the manifest names
// what was drawn.
func TestUncertainDrawn(t *testing.T) {
	post := testPosterior(t, "params.absconding.base,state.forced_rate")
	const reps = 10
	drawn := runRows(t, uncertainStudy+uncertainTables, post, reps)
	held := runRows(t, uncertainStudy, post, reps)
	for _, m := range []string{"avr_per_1000", "verified_per_1000"} {
		d, h := rowOf(drawn.Rows, "ngo", m).Draws, rowOf(held.Rows, "ngo", m).Draws
		if d.HeldDiff != h.Diff || d.HeldPAbove != h.PAbove {
			t.Errorf("%s: held interval %v, P %v; want the run without [[uncertain]]'s %v, P %v", m, d.HeldDiff, d.HeldPAbove, h.Diff, h.PAbove)
		}
		if !math.IsNaN(h.HeldDiff.Low) {
			t.Errorf("%s: a run without [[uncertain]] has a held interval %v, want NaN", m, h.HeldDiff)
		}
	}
	d := rowOf(drawn.Rows, "ngo", "avr_per_1000").Draws
	if w, hw := d.Diff.High-d.Diff.Low, d.HeldDiff.High-d.HeldDiff.Low; !(w > hw) {
		t.Errorf("ngo AVR difference: interval %v (width %.2f) with civil_return drawn, %v (%.2f) held; want wider drawn", d.Diff, w, d.HeldDiff, hw)
	}
	t.Logf("ngo AVR difference: drawn %v, held %v", d.Diff, d.HeldDiff)
	if u := drawn.Manifest.Uncertain; len(u) != 2 || u[0].Key != "params.counselling.civil_return" || u[0].Low != 0.2 || u[0].High != 1.4 || u[0].Reason == "" {
		t.Errorf("manifest uncertain = %+v", u)
	}
	if held.Manifest.Uncertain != nil {
		t.Errorf("manifest of a run without [[uncertain]] names %+v", held.Manifest.Uncertain)
	}
}

// TestUncertainNotAPosteriorKey: a key the posterior draws cannot be an
// unconstrained assumption as well; the run says where it is written.
func TestUncertainNotAPosteriorKey(t *testing.T) {
	post := testPosterior(t, "params.absconding.base,params.counselling.civil_return")
	st, err := scenarios.Parse("unc.toml", []byte(uncertainStudy+uncertainTables))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	_, err = study.Run(context.Background(), st, study.Options{Out: dir, Seed: 3, Replicates: 2, Workers: 1, Posterior: post})
	if err == nil || !strings.HasPrefix(err.Error(), "unc.toml:11:1: uncertain: params.counselling.civil_return is a key of the posterior") {
		t.Errorf("err = %v", err)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*.csv")); len(files) > 0 {
		t.Errorf("wrote %v", files)
	}
}
