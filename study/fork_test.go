package study_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/study"
)

// forkStudy is a small study of three scenarios, with a fork in its first
// line when fork is set: a baseline, a provider from the fork, and twice
// the enforcement from the fork with a change of its own a year later.
func forkStudy(t *testing.T, fork bool) *scenarios.Study {
	t.Helper()
	text := `
name = "fork"

[base]
months = 36
warmup_months = 36
intake.scale = 0.05

[variants.ngo]
policy.counselling.provider = "ngo"

[variants.enforce]
policy.enforcement = 2
[[variants.enforce.policy_changes]]
from = "2019-01"
enforcement = 3
`
	if fork {
		text = `fork = "2018-01"` + "\n" + text
	}
	st, err := scenarios.Parse("fork.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func runStudy(t *testing.T, st *scenarios.Study, workers int, cases bool) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := study.Run(context.Background(), st, study.Options{Out: dir, Seed: 3, Replicates: 3, Workers: workers, Cases: cases}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// rows returns a CSV file's rows by their first field (the scenario),
// without it.
func rows(t *testing.T, dir, name string) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		sc, rest, _ := strings.Cut(line, ",")
		out[sc] = append(out[sc], rest)
	}
	return out
}

// TestForkSharesHistory: with a fork, every scenario's months before it
// are the baseline's, row for row (so paired differences there are 0);
// the baseline itself is what it is without a fork, byte for byte (its
// continuation is its straight run); the variants differ after the fork;
// and the bytes do not depend on the number of workers.
func TestForkSharesHistory(t *testing.T) {
	forked := runStudy(t, forkStudy(t, true), 2, true)
	straight := runStudy(t, forkStudy(t, false), 2, true)
	const fork = 12 // 2018-01 is recorded month 12

	for _, name := range []string{"timeseries.csv", "replicates.csv", "cases.csv", "persons.csv"} {
		f, s := rows(t, forked, name), rows(t, straight, name)
		if strings.Join(f["baseline"], "\n") != strings.Join(s["baseline"], "\n") {
			t.Errorf("%s: the baseline's rows with a fork differ from its rows without", name)
		}
	}
	series := rows(t, forked, "timeseries.csv")
	base := series["baseline"]
	for _, sc := range []string{"ngo", "enforce"} {
		v := series[sc]
		if len(v) != len(base) {
			t.Fatalf("%s: %d timeseries rows, the baseline %d", sc, len(v), len(base))
		}
		before, after := 0, 0
		for i := range v {
			month := monthOf(t, v[i])
			switch {
			case month < fork && v[i] != base[i]:
				t.Errorf("%s: history row differs from the baseline's:\n%s\n%s", sc, v[i], base[i])
			case month < fork:
				before++
			case v[i] != base[i]:
				after++
			}
		}
		if before != 3*fork {
			t.Errorf("%s: %d history rows equal the baseline's, want %d (3 replicates x %d months)", sc, before, 3*fork, fork)
		}
		if after == 0 {
			t.Errorf("%s: no month after the fork differs from the baseline's: its policy did not take over", sc)
		}
	}
	one := runStudy(t, forkStudy(t, true), 1, true)
	for _, name := range []string{"timeseries.csv", "replicates.csv", "summary.csv", "cases.csv", "persons.csv"} {
		a, _ := os.ReadFile(filepath.Join(forked, name))
		b, _ := os.ReadFile(filepath.Join(one, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: 1 worker and 2 workers wrote different bytes", name)
		}
	}
}

// monthOf reads the month of a timeseries row without its scenario
// (replicate,month,...).
func monthOf(t *testing.T, row string) int {
	t.Helper()
	f := strings.SplitN(row, ",", 3)
	n := 0
	for _, c := range f[1] {
		n = 10*n + int(c-'0')
	}
	return n
}
