package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunProjection: run on a study with a fork after its first recorded
// month prints the projection's table, per 1,000 persons the policies can
// reach, with forced returns in the last column; writes yearly.csv and
// timeseries.csv with a part column, the history once; adds the verified
// departures within 12, 24 and 36 months to replicates.csv; says whom the
// per-person metrics count in manifest.json; and writes the same bytes with
// one worker and two. With --cases, cases.csv and persons.csv have a part
// column too, and the history's rows (files closed and fates come before
// the fork) once, under the baseline's name.
func TestRunProjection(t *testing.T) {
	dirs := []string{t.TempDir(), t.TempDir()}
	var out string
	for i, w := range []string{"1", "2"} {
		var err error
		if out, err = runArgs(t, "run", "testdata/projection.toml", "--out", dirs[i], "--seed", "3", "--replicates", "2", "--workers", w); err != nil {
			t.Fatalf("run --workers %s: %v\n%s", w, err, out)
		}
	}
	for _, want := range []string{"forced per 1,000", "Per 1,000 persons the policies can reach", "at the start of 2018-01", "yearly.csv"} {
		if !strings.Contains(out, want) {
			t.Errorf("run printed no %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "AVR share of closed") {
		t.Errorf("a projection's table has the AVR share of closed files, over months before the fork:\n%s", out)
	}
	checkHeads(t, dirs[0], map[string]string{
		"timeseries.csv": "scenario,replicate,month,date,part,active,",
		"yearly.csv":     "scenario,year,months,part,metric,mean,ci_low,ci_high,diff_vs_baseline,diff_ci_low,diff_ci_high,reps_q05,reps_q95\nbaseline,2017,12,history,verified,",
		"replicates.csv": "scenario,replicate,seed,persons,verified_per_1000,",
	})
	for f, want := range map[string]string{
		"replicates.csv": ",persons_12m,verified_within_12m_per_1000,persons_24m,verified_within_24m_per_1000,persons_36m,verified_within_36m_per_1000\n",
		"manifest.json":  `"persons": "persons the policies can reach`,
	} {
		b, _ := os.ReadFile(filepath.Join(dirs[0], f))
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %q", f, want)
		}
	}
	series, _ := os.ReadFile(filepath.Join(dirs[0], "timeseries.csv"))
	if n := strings.Count(string(series), ",history,"); n != 2*12 || strings.Contains(string(series), "\nngo,0,0,") {
		t.Errorf("timeseries.csv: %d history rows, want 24 (2 replicates x 12 months, the baseline's only)", n)
	}
	cases := t.TempDir()
	if out, err := runArgs(t, "run", "testdata/projection.toml", "--out", cases, "--seed", "3", "--replicates", "2", "--cases"); err != nil {
		t.Fatalf("run --cases: %v\n%s", err, out)
	}
	checkHeads(t, cases, map[string]string{
		"cases.csv":   "scenario,replicate,part,case_id,person_id,",
		"persons.csv": "scenario,replicate,part,person_id,origin,",
	})
	for f, dateCol := range map[string]int{"cases.csv": 13, "persons.csv": 9} {
		b, _ := os.ReadFile(filepath.Join(cases, f))
		parts := map[string]int{}
		for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
			fields := strings.Split(line, ",")
			parts[fields[0]+" "+fields[2]]++
			// the history is what closed before 2018-01, the fork
			if date := fields[dateCol]; (fields[2] == "history") != (date != "" && date < "2018-01") {
				t.Fatalf("%s:%d: part %s, date %q", f, i+2, fields[2], date)
			}
		}
		if parts["baseline history"] == 0 || parts["ngo projection"] == 0 || parts["package projection"] == 0 || parts["ngo history"]+parts["package history"] > 0 {
			t.Errorf("%s: rows by scenario and part %v, want the history under the baseline's name only", f, parts)
		}
	}
	for _, f := range []string{"replicates.csv", "summary.csv", "timeseries.csv", "yearly.csv", "groups.csv"} {
		a, _ := os.ReadFile(filepath.Join(dirs[0], f))
		b, _ := os.ReadFile(filepath.Join(dirs[1], f))
		if len(a) < 100 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between --workers 1 and --workers 2, or is empty", f)
		}
	}
}

// TestEstimateNamesBaseline: when every scenario simulates as many persons
// (as a projection's must: its variants change only their policy), the
// memory estimate names the baseline, whose intake.scale is the one to
// lower, not a variant that cannot set it.
func TestEstimateNamesBaseline(t *testing.T) {
	st, err := loadStudy(nil)
	if err != nil {
		t.Fatal(err)
	}
	if e := estimateRun(st, 10, 2, false); e.Scenario != st.Scenarios[0].Name {
		t.Errorf("estimateRun on the default study names %s, want the baseline, %s", e.Scenario, st.Scenarios[0].Name)
	}
}
