package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func runArgs(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(args, &out, &errb)
	return out.String() + errb.String(), err
}

// TestWorkersSameBytes: the same seed gives byte-identical CSV files with
// one worker and with four.
func TestWorkersSameBytes(t *testing.T) {
	dirs := []string{t.TempDir(), t.TempDir()}
	for i, w := range []string{"1", "4"} {
		if out, err := runArgs(t, "run", "testdata/small.toml", "--out", dirs[i], "--seed", "11", "--replicates", "5", "--workers", w, "--cases"); err != nil {
			t.Fatalf("run --workers %s: %v\n%s", w, err, out)
		}
	}
	for _, f := range []string{"replicates.csv", "summary.csv", "timeseries.csv", "cases.csv", "groups.csv", "groups-summary.csv"} {
		a, err1 := os.ReadFile(filepath.Join(dirs[0], f))
		b, err2 := os.ReadFile(filepath.Join(dirs[1], f))
		if err1 != nil || err2 != nil {
			t.Fatalf("reading %s: %v %v", f, err1, err2)
		}
		if len(a) < 100 {
			t.Errorf("%s has %d bytes: want a real file", f, len(a))
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between --workers 1 and --workers 4", f)
		}
	}
}

// TestGolden compares the small study's replicates.csv and summary.csv
// with testdata/golden, rewritten only with -update. A change there must
// be explained in its commit.
func TestGolden(t *testing.T) {
	dir := t.TempDir()
	if out, err := runArgs(t, "run", "testdata/small.toml", "--out", dir, "--seed", "7", "--replicates", "3", "--workers", "2"); err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	for _, f := range []string{"replicates.csv", "summary.csv"} {
		got, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "golden", f)
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./cmd/returnsim -run Golden -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s: rerun with -update if the change is intended, and explain it", f, golden)
		}
	}
}

func TestRunWritesEveryFile(t *testing.T) {
	dir := t.TempDir()
	out, err := runArgs(t, "run", "testdata/small.toml", "--out", dir, "--replicates", "2", "--cases")
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	heads := map[string]string{
		"replicates.csv":     "scenario,replicate,seed,persons,verified_per_1000,avr_per_1000,",
		"summary.csv":        "scenario,metric,mean,ci_low,ci_high,diff_vs_baseline,diff_ci_low,diff_ci_high,pred90_low,pred90_high,diff_pred90_low,diff_pred90_high,p_above_baseline,diff_pred90_low_held,diff_pred90_high_held,p_above_baseline_held\n",
		"timeseries.csv":     "scenario,replicate,month,date,active,out_of_sight,in_procedure,avr,independent,forced,absconded,regularised,new_procedure,opened,opened_ind,opened_police,opened_kmar,opened_other,in_reception,in_departure_period,no_shelter,in_vbl,in_family_location,in_lvv,in_detention,vbl_refused,family_queued,detention_refused,removals_failed,detained,released\n",
		"cases.csv":          "scenario,replicate,case_id,person_id,file_number,origin,cooperation,household,source,opened_month,opened_date,closed_month,closed_date,outcome,pathway,counselled,provider\n",
		"persons.csv":        "scenario,replicate,person_id,origin,household,first_date,files,fate,fate_date,months_irregular,",
		"groups.csv":         "scenario,replicate,by,group,metric,value\nbaseline,0,household,single,persons,",
		"groups-summary.csv": "scenario,by,group,metric,mean,ci_low,ci_high,diff_vs_baseline,diff_ci_low,diff_ci_high\nbaseline,household,single,persons,",
		"rules.csv":          "scenario,replicate,rule,date,selected\n",
		"manifest.json":      "{",
	}
	checkHeads(t, dir, heads)
	for _, want := range []string{`"config_sha256"`, `"file_sha256"`, `"seed": 1`, `"replicates": 2`, `"revision"`, `"scale": 0.1`, `"timing": "final-decision"`, `NaN here: this run has no posterior`} {
		b, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
		if !strings.Contains(string(b), want) {
			t.Errorf("manifest.json lacks %s", want)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
	if !strings.Contains(out, "baseline") || !strings.Contains(out, "vs baseline") {
		t.Errorf("run printed no summary table:\n%s", out)
	}
	if strings.Contains(out, "predictive") || strings.Contains(out, "warning") {
		t.Errorf("run without --posterior printed a predictive table or a warning:\n%s", out)
	}
	sum, _ := os.ReadFile(filepath.Join(dir, "summary.csv"))
	if rows := strings.Count(string(sum), "\n") - 1; rows < 3 || strings.Count(string(sum), ",NaN,NaN,NaN,NaN,NaN\n") != rows {
		t.Errorf("summary.csv without --posterior: want every one of its %d rows to end in five NaN (no parameter draws)", rows)
	}
}

// TestFailedRunKeepsOldResults: a run that fails leaves the folder as it was.
func TestFailedRunKeepsOldResults(t *testing.T) {
	dir := t.TempDir()
	old := []byte("old results\n")
	if err := os.WriteFile(filepath.Join(dir, "summary.csv"), old, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := runArgs(t, "run", "testdata/bad.toml", "--out", dir); err == nil {
		t.Fatal("run of a bad study succeeded")
	}
	got, _ := os.ReadFile(filepath.Join(dir, "summary.csv"))
	if !bytes.Equal(got, old) {
		t.Errorf("summary.csv = %q after a failed run, want %q", got, old)
	}
}

func TestCheck(t *testing.T) {
	out, err := runArgs(t, "check", "testdata/small.toml")
	if err != nil || !strings.Contains(out, "testdata/small.toml: package-from-12 ok") {
		t.Errorf("check small.toml = %v, %q; want ok for every scenario", err, out)
	}
	_, err = runArgs(t, "check", "testdata/bad.toml")
	if err == nil {
		t.Fatal("check bad.toml succeeded")
	}
	// every problem, each placed at file:line:col
	for _, want := range []string{
		"testdata/bad.toml:5:11: base.policy.counselling.timing: \"erly\" is not one of none, first-decision",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("check bad.toml error:\n%v\nwant it to contain %q", err, want)
		}
	}
}

func TestCheckReportsEveryRangeProblem(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "r.toml")
	os.WriteFile(f, []byte("[base]\nmonths = 0\nwarmup_months = -1\n[base.state]\nforced_rate = nan\n"), 0o644)
	_, err := runArgs(t, "check", f)
	if err == nil {
		t.Fatal("check succeeded")
	}
	for _, want := range []string{f + ":2:1: base.months: 0 is out of range", f + ":3:1: base.warmup_months: -1 is out of range", f + ":5:1: base.state.forced_rate: NaN is not a finite number"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error:\n%v\nwant it to contain %q", err, want)
		}
	}
}

func TestBadArguments(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{}, "no command"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"run", "--replicates", "0"}, "--replicates 0"},
		{[]string{"run", "--seed", "-3"}, "--seed -3"},
		{[]string{"run", "--workers", "0"}, "--workers 0"},
		{[]string{"run", "missing.toml"}, "missing.toml"},
		{[]string{"check"}, "no file"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, err := runArgs(t, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run(%q) = %v, want an error containing %q", tc.args, err, tc.want)
			}
		})
	}
}

// TestFlagsAfterFiles: flags may follow the files.
func TestFlagsAfterFiles(t *testing.T) {
	dir := t.TempDir()
	if out, err := runArgs(t, "run", "testdata/small.toml", "--replicates", "1", "--out", dir); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "summary.csv")); err != nil {
		t.Errorf("--out after the file was ignored: %v", err)
	}
}

// checkHeads checks that each file in dir starts with its expected head.
func checkHeads(t *testing.T, dir string, heads map[string]string) {
	t.Helper()
	for f, head := range heads {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), head) {
			t.Errorf("%s starts %q, want %q", f, b[:min(len(b), len(head))], head)
		}
	}
}

// TestKeys: returnsim keys prints docs/scenarios.md as it is in the
// repository (TestReference keeps that file equal to the code).
func TestKeys(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run([]string{"keys"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "..", "docs", "scenarios.md"))
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Errorf("returnsim keys printed %d bytes that differ from docs/scenarios.md (%d bytes)", out.Len(), len(want))
	}
}
