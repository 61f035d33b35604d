package study_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/results"
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
months = 48
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

// TestForkSharesHistory: with a fork (a projection), the months before it
// are one history, the baseline's: timeseries.csv writes them once, under
// the baseline's name with part history, and every scenario's months from
// the fork with part projection; the baseline's rows and records are what
// they are without a fork (its continuation is its straight run); every
// scenario's months before the fork are the baseline's (yearly.csv's
// paired differences there are exactly 0, from the months each scenario's
// replicate received, and the run checks each scenario's history rows
// against the baseline's); the variants differ after the fork; and the
// bytes do not depend on the number of workers.
func TestForkSharesHistory(t *testing.T) {
	forked := runStudy(t, forkStudy(t, true), 2, true)
	straight := runStudy(t, forkStudy(t, false), 2, true)
	const fork, months, reps = 12, 48, 3 // 2018-01 is recorded month 12

	for _, name := range []string{"cases.csv", "persons.csv"} {
		f, s := rows(t, forked, name), rows(t, straight, name)
		var base []string // without the part column
		for _, r := range f["baseline"] {
			x := strings.SplitN(r, ",", 3) // replicate,part,...
			base = append(base, x[0]+","+x[2])
		}
		if strings.Join(base, "\n") != strings.Join(s["baseline"], "\n") {
			t.Errorf("%s: the baseline's rows with a fork differ from its rows without", name)
		}
		for sc, rs := range f {
			for _, r := range rs {
				if part := strings.SplitN(r, ",", 3)[1]; part == "history" && sc != "baseline" {
					t.Fatalf("%s: %s has a history row %q: the history's rows are written once, the baseline's", name, sc, r)
				}
			}
		}
	}
	series := rows(t, forked, "timeseries.csv")
	var base []string
	for _, r := range series["baseline"] { // without the part column, the baseline's rows without a fork
		f := strings.SplitN(r, ",", 5) // replicate,month,date,part,...
		base = append(base, f[0]+","+f[1]+","+f[2]+","+f[4])
		if want := map[bool]string{true: "history", false: "projection"}[monthOf(t, r) < fork]; f[3] != want {
			t.Errorf("timeseries.csv: baseline,%s: part %q, want %s", r, f[3], want)
		}
	}
	if strings.Join(base, "\n") != strings.Join(rows(t, straight, "timeseries.csv")["baseline"], "\n") {
		t.Errorf("timeseries.csv: the baseline's rows with a fork, without their part, differ from its rows without")
	}
	if len(base) != reps*months {
		t.Fatalf("timeseries.csv: %d rows of the baseline, want %d (its history and projection)", len(base), reps*months)
	}
	for _, sc := range []string{"ngo", "enforce"} {
		v := series[sc]
		if len(v) != reps*(months-fork) {
			t.Fatalf("%s: %d timeseries rows, want %d: the months from the fork, the history being the baseline's", sc, len(v), reps*(months-fork))
		}
		differ := 0
		for i, r := range v {
			rep, month := r[:strings.Index(r, ",")], monthOf(t, r)
			if month < fork || !strings.Contains(r, ",projection,") {
				t.Errorf("%s: row %s: want only months from the fork, with part projection", sc, r)
			}
			b := series["baseline"][(i/(months-fork))*months+fork+i%(months-fork)]
			if !strings.HasPrefix(b, rep+","+strconv.Itoa(month)+",") {
				t.Fatalf("%s: row %d is %s, the baseline's %s: want the same replicate and month", sc, i, r, b)
			}
			if r != b {
				differ++
			}
		}
		if differ == 0 {
			t.Errorf("%s: no month after the fork differs from the baseline's: its policy did not take over", sc)
		}
	}
	yearly := rows(t, forked, "yearly.csv")
	for _, sc := range []string{"baseline", "ngo", "enforce"} {
		if len(yearly[sc]) != 4*len(results.YearlyMetrics) {
			t.Fatalf("yearly.csv: %d rows of %s, want %d (4 years x %d metrics)", len(yearly[sc]), sc, 4*len(results.YearlyMetrics), len(results.YearlyMetrics))
		}
		after := 0
		for _, r := range yearly[sc] {
			f := strings.Split(r, ",") // year,months,part,metric,mean,ci_low,ci_high,diff,diff_low,diff_high,q05,q95
			diff := f[7] + "," + f[8] + "," + f[9]
			switch {
			case f[0] == "2017" && (f[2] != "history" || diff != "0.000000,0.000000,0.000000"):
				t.Errorf("yearly.csv: %s,%s: want part history and a paired difference of exactly 0, the history being shared", sc, r)
			case f[0] != "2017" && f[2] != "projection":
				t.Errorf("yearly.csv: %s,%s: want part projection", sc, r)
			case f[0] != "2017" && f[7] != "0.000000":
				after++
			}
			if f[1] != "12" {
				t.Errorf("yearly.csv: %s,%s: %s months, want 12", sc, r, f[1])
			}
		}
		if sc != "baseline" && after == 0 {
			t.Errorf("yearly.csv: %s does not differ from the baseline after the fork", sc)
		}
	}
	one := runStudy(t, forkStudy(t, true), 1, true)
	for _, name := range []string{"timeseries.csv", "replicates.csv", "summary.csv", "yearly.csv", "groups.csv", "cases.csv", "persons.csv"} {
		a, _ := os.ReadFile(filepath.Join(forked, name))
		b, _ := os.ReadFile(filepath.Join(one, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: 1 worker and 2 workers wrote different bytes, or none", name)
		}
	}
}

// TestProjectionPersons: in a projection the per-person metrics count the
// persons the policies can reach, recomputed here from persons.csv: those
// still in the return system at the fork (no fate date before it) and
// those entering after it, by their fate at the horizon; the same persons
// in every scenario; the verified departures within 12, 24 and 36 months
// of the fork or of a later entry, over the persons whose window ends by
// the horizon (for 36 months only the persons reached in the fork's
// month). Without a fork the metrics count the
// persons who entered in the recorded months.
func TestProjectionPersons(t *testing.T) {
	forked := runStudy(t, forkStudy(t, true), 2, true)
	straight := runStudy(t, forkStudy(t, false), 2, true)
	type tally struct{ persons, verified, avr, obs, within [3]int }
	count := func(dir string, fork string) map[string]*tally {
		out := map[string]*tally{}
		for sc, lines := range rows(t, dir, "persons.csv") {
			for _, l := range lines {
				// replicate,[part,]person_id,origin,household,first_date,files,fate,fate_date,...
				f := strings.Split(l, ",")
				if f[1] == "history" || f[1] == "projection" {
					f = append(f[:1], f[2:]...) // a projection's part: its history is skipped below
				}
				first, fate, date := f[4], f[6], f[7]
				k := sc + "," + f[0]
				if out[k] == nil {
					out[k] = &tally{}
				}
				x := out[k]
				if fork == "" && first < "2017-01" || fork != "" && date != "" && date < fork {
					continue
				}
				verified := fate == "avr" || fate == "independent" || fate == "forced"
				x.persons[0]++
				if verified {
					x.verified[0]++
				}
				if fate == "avr" {
					x.avr[0]++
				}
				if fork == "" {
					continue
				}
				from := max(first, fork)
				for i, w := range results.WindowMonths {
					end := addMonths(t, from, w)
					if end > "2021-01" { // the horizon: the first month after 2020-12
						continue
					}
					x.obs[i]++
					if verified && date < end {
						x.within[i]++
					}
				}
			}
		}
		return out
	}
	check := func(dir, fork string, projection bool) {
		want := count(dir, fork)
		reps := table(t, dir, "replicates.csv")
		persons := map[string]string{} // replicate -> the baseline's persons
		for _, r := range reps {
			k := r["scenario"] + "," + r["replicate"]
			w := want[k]
			if w == nil || w.persons[0] == 0 {
				t.Fatalf("%s: %s: no persons in persons.csv", dir, k)
			}
			eq := func(col string, x float64) {
				if got := r[col]; got != results.FormatFixed(x) && got != strconv.FormatFloat(x, 'f', 0, 64) {
					t.Errorf("fork %q: %s: %s = %s, from persons.csv %v", fork, k, col, got, x)
				}
			}
			eq("persons", float64(w.persons[0]))
			eq("verified_per_1000", 1000*float64(w.verified[0])/float64(w.persons[0]))
			eq("avr_per_1000", 1000*float64(w.avr[0])/float64(w.persons[0]))
			if p, ok := persons[r["replicate"]]; ok && p != r["persons"] {
				t.Errorf("fork %q: %s: %s persons, the baseline %s: want the same persons in every scenario", fork, k, r["persons"], p)
			}
			persons[r["replicate"]] = r["persons"]
			_, has := r["persons_12m"]
			if has != projection {
				t.Errorf("fork %q: replicates.csv has persons_12m %t, want %t", fork, has, projection)
			}
			if !projection {
				continue
			}
			for i, m := range results.WindowMonths {
				eq(fmt.Sprintf("persons_%dm", m), float64(w.obs[i]))
				x := math.NaN()
				if w.obs[i] > 0 {
					x = 1000 * float64(w.within[i]) / float64(w.obs[i])
				}
				eq(fmt.Sprintf("verified_within_%dm_per_1000", m), x)
			}
			if !(w.obs[0] > w.obs[1] && w.obs[1] > w.obs[2] && w.obs[2] > 0) || w.obs[0] >= w.persons[0] {
				t.Errorf("fork %q: %s: of %d persons, %v observed over 12, 24, 36 months: want fewer as the window widens (36 months from 2018-01 end at the horizon: only those reached in 2018-01), none of them 0", fork, k, w.persons[0], w.obs)
			}
		}
	}
	check(forked, "2018-01", true)
	check(straight, "", false)
	// without --cases the history's person records are not kept (sim.Tape):
	// nothing but persons.csv and cases.csv depends on them
	noCases := runStudy(t, forkStudy(t, true), 2, false)
	for _, name := range []string{"replicates.csv", "summary.csv", "timeseries.csv", "yearly.csv", "groups.csv", "groups-summary.csv"} {
		a, _ := os.ReadFile(filepath.Join(forked, name))
		b, _ := os.ReadFile(filepath.Join(noCases, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs with and without --cases in a projection", name)
		}
	}
}

// table reads a CSV file's rows as maps from column to field.
func table(t *testing.T, dir, name string) []map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	head := strings.Split(lines[0], ",")
	var out []map[string]string
	for _, l := range lines[1:] {
		m := map[string]string{}
		for i, f := range strings.Split(l, ",") {
			m[head[i]] = f
		}
		out = append(out, m)
	}
	return out
}

// addMonths is calendar month ym ("2018-01") plus n months.
func addMonths(t *testing.T, ym string, n int) string {
	t.Helper()
	var y, m int
	if _, err := fmt.Sscanf(ym, "%4d-%2d", &y, &m); err != nil {
		t.Fatal(err)
	}
	k := 12*y + m - 1 + n
	return fmt.Sprintf("%04d-%02d", k/12, k%12+1)
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
