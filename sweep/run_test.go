package sweep

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/internal/tasks"
)

func plan(t *testing.T, file string, seed uint64) *Plan {
	t.Helper()
	f, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(f, seed, "")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, p *Plan, out string, sh tasks.Shard, workers int) *Stats {
	t.Helper()
	st, err := Run(context.Background(), p, Options{Out: out, Shard: sh, Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// outputs are the files that must be byte-identical between runs of the
// same sweep (manifest.json records times and workers).
func sameOutputs(t *testing.T, a, b string, files ...string) {
	t.Helper()
	for _, f := range files {
		if x, y := read(t, filepath.Join(a, f)), read(t, filepath.Join(b, f)); x != y {
			t.Errorf("%s differs between %s and %s:\n%s\n---\n%s", f, a, b, x, y)
		}
	}
}

func TestRunRows(t *testing.T) {
	p := plan(t, "testdata/lhs.toml", 1)
	dir := t.TempDir()
	run(t, p, dir, tasks.All, 2)
	runs := strings.Split(strings.TrimSpace(read(t, filepath.Join(dir, "runs.csv"))), "\n")
	if len(runs) != 1+5*2 {
		t.Fatalf("runs.csv has %d lines, want a header and 10 rows", len(runs))
	}
	if runs[0] != "point,replicate,population.network_mean,origins.NG.conditions,policy.reintegration.cash_eur,seed,avr,return_rate,avr_share" {
		t.Errorf("header %q", runs[0])
	}
	// common random numbers: replicate r has the same seed at every point
	seedOf := func(row string) string { return strings.Split(row, ",")[5] }
	for i := 3; i < len(runs); i++ {
		if seedOf(runs[i]) != seedOf(runs[1+(i-1)%2]) {
			t.Errorf("row %d has seed %s, replicate %d of point 0 has %s", i, seedOf(runs[i]), (i-1)%2, seedOf(runs[1+(i-1)%2]))
		}
	}
	if seedOf(runs[1]) == seedOf(runs[2]) {
		t.Error("replicates 0 and 1 share a seed")
	}
	pts := strings.Split(strings.TrimSpace(read(t, filepath.Join(dir, "points.csv"))), "\n")
	if len(pts) != 1+5*3 {
		t.Errorf("points.csv has %d lines, want a header and 5 points x 3 outputs", len(pts))
	}
	if _, err := os.Stat(filepath.Join(dir, "sensitivity.csv")); err == nil {
		t.Error("an lhs sweep wrote sensitivity.csv")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) > 0 {
		t.Errorf("left %v", left)
	}
}

// TestWorkersShardsMerge: one worker, three workers, and three shards
// merged give the same bytes.
func TestWorkersShardsMerge(t *testing.T) {
	p := plan(t, "testdata/lhs.toml", 4)
	one, three := t.TempDir(), t.TempDir()
	run(t, p, one, tasks.All, 1)
	run(t, p, three, tasks.All, 3)
	sameOutputs(t, one, three, "runs.csv", "points.csv")
	root := t.TempDir()
	var dirs []string
	for k := range 3 {
		d := filepath.Join(root, "shard", string(rune('0'+k)))
		run(t, p, d, tasks.Shard{K: k, N: 3}, 2)
		dirs = append(dirs, d)
		if _, err := os.Stat(filepath.Join(d, "points.csv")); err == nil {
			t.Errorf("shard %d wrote points.csv", k)
		}
	}
	failed := filepath.Join(root, "failed")
	os.MkdirAll(failed, 0o755)
	os.WriteFile(filepath.Join(failed, tasks.JournalName), nil, 0o644)
	merged := filepath.Join(root, "merged")
	// in any order of folders
	if _, err := Merge([]string{dirs[2], dirs[0], dirs[1]}, MergeOptions{Out: merged}); err != nil {
		t.Fatal(err)
	}
	sameOutputs(t, one, merged, "runs.csv", "points.csv")

	for _, c := range []struct {
		name string
		dirs []string
		want string
	}{
		{"missing", []string{dirs[0], dirs[2]}, "missing shard 1/3"},
		{"twice", []string{dirs[0], dirs[1], dirs[1], dirs[2]}, "shard given twice: 1/3"},
		{"not a sweep", []string{dirs[0], root}, "no manifest.json"},
		// a job array with shard 1 failed (a journal, no manifest) and
		// shard 2 never started: both named, with the shards missing
		{"unfinished", []string{dirs[0], failed, filepath.Join(root, "never")},
			"merge: missing shard 1/3, 2/3; not finished: " + failed + " (no manifest.json, a journal: the shard failed, was stopped or is still running), " +
				filepath.Join(root, "never") + " (no such folder: the shard never started); run those shards again"},
		{"none finished", []string{failed}, "merge: no finished shard: " + failed + " (no manifest.json, a journal"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Merge(c.dirs, MergeOptions{Out: t.TempDir()})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Merge = %v, want %q", err, c.want)
			}
		})
	}
	// another seed is another sweep
	other := filepath.Join(root, "other")
	run(t, plan(t, "testdata/lhs.toml", 5), other, tasks.Shard{K: 1, N: 3}, 1)
	if _, err := Merge([]string{dirs[0], other, dirs[2]}, MergeOptions{Out: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "is not a shard of the sweep in") || !strings.Contains(err.Error(), ": seed 5 against 4; design lhs ") || strings.Contains(err.Error(), "\n") {
		t.Errorf("Merge of another seed's shard = %v, want the difference named", err)
	}
	// a damaged shard is refused
	os.WriteFile(filepath.Join(dirs[1], "runs.csv"), []byte("point\n"), 0o644)
	if _, err := Merge(dirs, MergeOptions{Out: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "not the file its manifest.json hashed") {
		t.Errorf("Merge of a changed runs.csv = %v", err)
	}
}

// TestInterruptResume: a sweep cancelled midway leaves no temporary file
// and no output, and the same call again resumes it to the bytes of an
// uninterrupted run, running only the tasks that were not finished; once
// finished, the same call again runs none.
func TestInterruptResume(t *testing.T) {
	p := plan(t, "testdata/lhs.toml", 2)
	whole := t.TempDir()
	run(t, p, whole, tasks.All, 2)

	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := Run(ctx, p, Options{Out: dir, Workers: 2, Progress: func() {
		if n++; n == 4 {
			cancel()
		}
	}})
	if err == nil {
		t.Fatal("cancelled sweep returned no error")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) > 0 {
		t.Errorf("interrupt left %v", left)
	}
	if _, err := os.Stat(filepath.Join(dir, "runs.csv")); err == nil {
		t.Error("interrupted sweep left a runs.csv")
	}
	// another sweep does not take over the interrupted one's folder
	if _, err := Run(context.Background(), plan(t, "testdata/lhs.toml", 3), Options{Out: dir, Workers: 1}); err == nil || !strings.Contains(err.Error(), "holds the journal of an interrupted sweep that this one cannot resume (the interrupted run in") {
		t.Errorf("another seed into an interrupted sweep's folder: %v", err)
	}
	st := run(t, p, dir, tasks.All, 1)
	if st.Restored < 4 || st.Restored == st.Tasks {
		t.Errorf("resume restored %d of %d tasks, want at least the 4 written before the interrupt and not all", st.Restored, st.Tasks)
	}
	sameOutputs(t, whole, dir, "runs.csv", "points.csv")
	// a finished sweep keeps its journal: the same call again redoes nothing
	if _, err := os.Stat(filepath.Join(dir, tasks.JournalName)); err != nil {
		t.Errorf("the journal is gone after the sweep finished: %v", err)
	}
	if st := run(t, p, dir, tasks.All, 1); st.Restored != st.Tasks {
		t.Errorf("the finished sweep run again restored %d of %d tasks, want all", st.Restored, st.Tasks)
	}
	sameOutputs(t, whole, dir, "runs.csv", "points.csv")
}

// twoFactorSweep runs, on two workers with seed 1, a sweep of the short
// scenario over two factors with one output, its design given by the
// [design] table's lines, and returns its folder.
func twoFactorSweep(t *testing.T, output, design string) string {
	t.Helper()
	f, err := Parse("sweep.toml", []byte(`
study = "testdata/short.toml"
outputs = ["`+output+`"]
bootstrap = 200
[design]
`+design+`
[[factors]]
key = "population.network_mean"
min = 0.2
max = 0.6
[[factors]]
key = "params.avr.conditions"
min = 0
max = 2
`))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(f, 1, "")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	run(t, p, dir, tasks.All, 2)
	return dir
}

// TestSobolSweep: a sobol sweep writes sensitivity.csv, the same as
// Sensitivity computes from its runs.csv; a metric not swept is refused.
func TestSobolSweep(t *testing.T) {
	dir := twoFactorSweep(t, "avr_share", "kind = \"sobol\"\nsamples = 4")
	got := read(t, filepath.Join(dir, "sensitivity.csv"))
	if n := strings.Count(got, "\n"); n != 1+2*2 {
		t.Errorf("sensitivity.csv has %d lines, want a header and S1, ST of 2 factors:\n%s", n, got)
	}
	idx, _, err := Sensitivity(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	WriteSensitivity(&b, idx)
	if b.String() != got {
		t.Errorf("Sensitivity(dir) =\n%s\nsweep wrote\n%s", b.String(), got)
	}
	if _, _, err := Sensitivity(dir, "avr"); err == nil || !strings.Contains(err.Error(), "not an output of this sweep") {
		t.Errorf("Sensitivity(avr) = %v", err)
	}
}

// TestShippedSensitivityFile: scenarios/sensitivity.toml parses, its keys
// exist on the default study's baseline and its design has the size its
// comment states.
func TestShippedSensitivityFile(t *testing.T) {
	f, err := Load("../scenarios/sensitivity.toml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Base(); err != nil {
		t.Fatal(err)
	}
	if got := f.Points() * f.Replicates; got != 128*14 {
		t.Errorf("%d simulations, want 128 x 14 = 1,792 as its comment says", got)
	}
}

// TestSensitivityRangesFromPosterior: each factor of
// scenarios/sensitivity.toml that the shipped posterior constrains ranges
// over the posterior's 90% interval (calibrate.Interval), and every other
// factor over its default scaled by one half to one and a half (the same
// relative width for each: docs/calibration.md), each to three significant
// figures. A recalibration that moves the posterior fails here until the
// file follows it.
func TestSensitivityRangesFromPosterior(t *testing.T) {
	f, err := Load("../scenarios/sensitivity.toml")
	if err != nil {
		t.Fatal(err)
	}
	base, err := f.Base()
	if err != nil {
		t.Fatal(err)
	}
	post, err := calibrate.ReadPosterior("../calibrate/posterior.csv")
	if err != nil {
		t.Fatal(err)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 5e-3*math.Max(math.Abs(a), math.Abs(b)) }
	for _, fa := range f.Factors {
		lo, hi := *fa.Min, *fa.Max
		var wlo, whi float64
		if i := slices.Index(post.Keys, fa.Key); i >= 0 {
			wlo, whi = calibrate.Interval(post.Particles, i, 0.9)
		} else {
			d, err := agents.GetFloat(&base.Config, fa.Key)
			if err != nil {
				t.Fatal(err)
			}
			wlo, whi = d/2, 1.5*d
		}
		if !near(lo, wlo) || !near(hi, whi) {
			t.Errorf("%s: [%g, %g], want [%.3g, %.3g]", fa.Key, lo, hi, wlo, whi)
		}
	}
}

// TestExternalDesign: a SALib-made Saltelli design runs in its row order,
// with its values unchanged in runs.csv, and gets Sobol indices.
func TestExternalDesign(t *testing.T) {
	// a sobol table without samples names the layout of the --design file
	f, err := Parse("ext.toml", []byte(`
study = "testdata/short.toml"
outputs = ["avr_share"]
bootstrap = 100
[design]
kind = "sobol"
[[factors]]
key = "population.network_mean"
min = 0.1
max = 0.7
[[factors]]
key = "params.avr.conditions"
distribution = "log-uniform"
min = 0.25
max = 4
`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewPlan(f, 1, ""); err == nil || !strings.Contains(err.Error(), "give the points with --design") {
		t.Errorf("NewPlan without a design file: %v", err)
	}
	p, err := NewPlan(f, 1, "testdata/salib-saltelli.csv")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	run(t, p, dir, tasks.All, 2)
	rows := strings.Split(strings.TrimSpace(read(t, filepath.Join(dir, "runs.csv"))), "\n")[1:]
	csvRows := strings.Split(strings.TrimSpace(read(t, "testdata/salib-saltelli.csv")), "\n")[1:]
	if len(rows) != len(csvRows) {
		t.Fatalf("%d runs for %d design rows", len(rows), len(csvRows))
	}
	want := []string{"0.328125,1.71875", "0.590625,1.71875", "0.328125,0.609375", "0.590625,0.609375",
		"0.215625,0.296875", "0.403125,0.296875", "0.215625,1.40625", "0.403125,1.40625"}
	for i, r := range rows {
		if got := strings.Join(strings.Split(r, ",")[2:4], ","); got != want[i] {
			t.Errorf("run %d has factors %s, want row %d of the design, %s", i, got, i, want[i])
		}
	}
	if s := read(t, filepath.Join(dir, "sensitivity.csv")); strings.Count(s, "\n") != 5 {
		t.Errorf("sensitivity.csv:\n%s\nwant S1 and ST of two factors", s)
	}
}

// TestSobolInertFactor: when no factor moves the outputs (here the
// counselling moment in detention, while counselling is at the final
// decision, under common random numbers) the indices are undefined: the
// sweep still succeeds, with NaN in sensitivity.csv and dashes in the
// table.
func TestSobolInertFactor(t *testing.T) {
	f, err := Parse("inert.toml", []byte(`
study = "testdata/short.toml"
outputs = ["avr"]
[design]
kind = "sobol"
samples = 3
[[factors]]
key = "params.counselling.moment_detention"
min = 0.1
max = 0.5
`))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(f, 1, "")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	run(t, p, dir, tasks.All, 2)
	want := SensitivityHeader + "\navr,sobol,params.counselling.moment_detention,S1,NaN,NaN,NaN\navr,sobol,params.counselling.moment_detention,ST,NaN,NaN,NaN\n"
	if got := read(t, filepath.Join(dir, "sensitivity.csv")); got != want {
		t.Errorf("sensitivity.csv:\n%s\nwant\n%s", got, want)
	}
	idx, _, err := Sensitivity(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := Table(&b, idx, ""); err != nil || !strings.Contains(b.String(), "params.counselling.moment_detention        -") {
		t.Errorf("Table = %v:\n%s\nwant dashes for undefined indices", err, b.String())
	}
}

// TestMorrisSweep: a morris sweep's sensitivity.csv gives, for each factor,
// SALib's four statistics by SALib's names (mu, mu_star, sigma,
// mu_star_conf), so that pivoting the index column gives SALib's frame;
// mu_star_conf is a half-width, positive here, of the order of the
// percentile interval's (within a factor of two: both are 95% intervals
// of the same bootstrap, one normal, one by percentiles).
func TestMorrisSweep(t *testing.T) {
	dir := twoFactorSweep(t, "avr", "kind = \"morris\"\ntrajectories = 6")
	idx, _, err := Sensitivity(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]Index{}
	for _, x := range idx {
		if got[x.Factor] == nil {
			got[x.Factor] = map[string]Index{}
		}
		got[x.Factor][x.Index] = x
	}
	for _, fac := range []string{"population.network_mean", "params.avr.conditions"} {
		ix := got[fac]
		if len(ix) != 4 {
			t.Errorf("%s: indices %v, want mu, mu_star, sigma, mu_star_conf", fac, ix)
			continue
		}
		ms, conf := ix["mu_star"], ix["mu_star_conf"].Value
		half := (ms.High - ms.Low) / 2
		if !(conf > 0) || conf > 2*half || conf < half/2 {
			t.Errorf("%s: mu_star_conf %v against the percentile interval's half-width %v", fac, conf, half)
		}
	}
	if s := read(t, filepath.Join(dir, "sensitivity.csv")); !strings.Contains(s, ",morris,params.avr.conditions,mu_star_conf,") {
		t.Errorf("sensitivity.csv has no mu_star_conf row:\n%s", s)
	}
}
