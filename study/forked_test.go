package study_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/results"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/study"
)

// groupStudy is forkStudy with a variant that gives families a policy of
// their own from a date after the fork, so that groups and rules count.
func groupStudy(t *testing.T) *scenarios.Study {
	t.Helper()
	st := forkStudy(t, true)
	extra, err := scenarios.Parse("groups.toml", []byte(`
fork = "2018-01"
[base]
months = 48
warmup_months = 36
intake.scale = 0.05

[variants.families]
[[variants.families.policy_changes]]
from = "2018-07"
[[variants.families.policy_changes.groups]]
for.household = "family"
counselling.timing = "periodic"
counselling.provider = "ngo"
`))
	if err != nil {
		t.Fatal(err)
	}
	st.Scenarios = append(st.Scenarios, extra.Scenarios[1])
	return st
}

// fileLines are the lines of a result file, without its header, whose
// first field is one of scenarios.
func fileLines(t *testing.T, dir, name string, scenarios ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, line := range strings.SplitAfter(string(b), "\n")[1:] {
		sc, _, _ := strings.Cut(line, ",")
		for _, s := range scenarios {
			if sc == s {
				out.WriteString(line)
			}
		}
	}
	return out.String()
}

// written is what a results writer writes of rows.
func written(t *testing.T, write func(w *bufio.Writer) error) string {
	t.Helper()
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	if err := write(w); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	return b.String()
}

// TestForkedIsRun: a scenario run from a Forked has, byte for byte, the
// rows that Run writes for it and for the baseline in summary.csv,
// yearly.csv and groups-summary.csv, and its replicates.csv metrics, for
// every scenario of a study and for fewer replicates than the Forked
// holds, with and without a posterior; and Run continuing from a
// Forked's histories writes the files it writes without them.
func TestForkedIsRun(t *testing.T) {
	post, err := calibrate.ReadPosterior(filepath.Join("..", "cmd", "returnsim", "testdata", "posterior-small.csv"))
	if err != nil {
		t.Fatal(err)
	}
	st := groupStudy(t)
	for _, tc := range []struct {
		name string
		post *calibrate.Posterior
	}{{"point", nil}, {"posterior", post}} {
		f, err := study.Fork(context.Background(), st, study.ForkOptions{Seed: 3, Replicates: 3, Workers: 2, Posterior: tc.post})
		if err != nil {
			t.Fatal(err)
		}
		for _, reps := range []int{3, 2} {
			dir := t.TempDir()
			if _, err := study.Run(context.Background(), st, study.Options{Out: dir, Seed: 3, Replicates: reps, Workers: 2, Posterior: tc.post}); err != nil {
				t.Fatal(err)
			}
			base := st.Scenarios[0].Name
			for i := 1; i < len(st.Scenarios); i++ {
				sc := &st.Scenarios[i]
				out, err := f.Run(context.Background(), sc, reps)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range []struct{ file, got string }{
					{"summary.csv", written(t, func(w *bufio.Writer) error { return results.WriteSummary(w, out.Rows) })},
					{"yearly.csv", written(t, func(w *bufio.Writer) error { return results.WriteYearly(w, out.Yearly) })},
					{"groups-summary.csv", written(t, func(w *bufio.Writer) error { return results.WriteGroupSummary(w, out.Groups) })},
				} {
					want := fileLines(t, dir, c.file, base, sc.Name)
					if strings.Count(want, "\n") < 8 {
						t.Fatalf("%s holds %q of %s and the baseline: too little to compare", c.file, want, sc.Name)
					}
					if c.got != want {
						t.Errorf("%s, %d replicates, %s: the Forked's %s rows differ from Run's:\n%s\nwant\n%s", tc.name, reps, sc.Name, c.file, c.got, want)
					}
				}
				var repRows []byte
				for r, m := range out.Metrics {
					draw := -1
					if tc.post != nil {
						draw = drawOf(t, dir, sc.Name, r)
					}
					repRows = results.AppendReplicateRow(repRows, sc.Name, r, seedOf(t, dir, sc.Name, r), draw, m)
				}
				if want := fileLines(t, dir, "replicates.csv", sc.Name); string(repRows) != want {
					t.Errorf("%s, %s: the Forked's replicates.csv rows differ from Run's:\n%s\nwant\n%s", tc.name, sc.Name, repRows, want)
				}
				if sc.Name == "families" && (len(out.Rules) != 1 || out.Rules[0].Rule != "changes[0].policy.groups[0]" || out.Rules[0].Date != "2018-07") {
					t.Errorf("%s: rules %+v, want the families' rule from 2018-07", sc.Name, out.Rules)
				}
			}
			// Run from the Forked's histories writes the same files.
			again := t.TempDir()
			if _, err := study.Run(context.Background(), st, study.Options{Out: again, Seed: 3, Replicates: reps, Workers: 2, Posterior: tc.post, Histories: f}); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"summary.csv", "replicates.csv", "timeseries.csv", "yearly.csv", "groups.csv", "groups-summary.csv", "rules.csv"} {
				a, _ := os.ReadFile(filepath.Join(dir, name))
				b, _ := os.ReadFile(filepath.Join(again, name))
				if !bytes.Equal(a, b) {
					t.Errorf("%s, %d replicates: %s from the Forked's histories differs from Run's own", tc.name, reps, name)
				}
			}
		}
		f.Close()
	}
}

// seedOf and drawOf read replicate r of scenario sc's seed (as written)
// and draw from a folder's replicates.csv.
func seedOf(t *testing.T, dir, sc string, r int) uint64 {
	t.Helper()
	row := replicateRow(t, dir, sc, r)
	var seed uint64
	for _, c := range row["seed"][1:] {
		seed = seed<<4 | uint64(strings.IndexRune("0123456789abcdef", c))
	}
	return seed
}

func drawOf(t *testing.T, dir, sc string, r int) int {
	t.Helper()
	d := 0
	for _, c := range replicateRow(t, dir, sc, r)["draw"] {
		d = 10*d + int(c-'0')
	}
	return d
}

func replicateRow(t *testing.T, dir, sc string, r int) map[string]string {
	t.Helper()
	n := 0
	for _, row := range table(t, dir, "replicates.csv") {
		if row["scenario"] == sc {
			if n == r {
				return row
			}
			n++
		}
	}
	t.Fatalf("no replicate %d of %s", r, sc)
	return nil
}

// TestForkedRefuses: a Forked refuses a study without a fork, a scenario
// that differs from the baseline in more than its policy or takes the
// baseline's name, more replicates than it holds, and Run from its
// histories with another seed, more replicates or cases; a cancelled run
// ends with the context's error and leaves the Forked as it was.
func TestForkedRefuses(t *testing.T) {
	if _, err := study.Fork(context.Background(), forkStudy(t, false), study.ForkOptions{Replicates: 1, Workers: 1}); err == nil || !strings.Contains(err.Error(), "no fork") {
		t.Errorf("a study without a fork: error %v, want one saying so", err)
	}
	st := forkStudy(t, true)
	f, err := study.Fork(context.Background(), st, study.ForkOptions{Seed: 3, Replicates: 2, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	other := st.Scenarios[1]
	other.Config.Intake.Scale = 0.06
	if _, err := f.Run(context.Background(), &other, 0); err == nil || !strings.Contains(err.Error(), "more than its policy") {
		t.Errorf("a scenario with another intake: error %v, want one saying it differs in more than its policy", err)
	}
	if _, err := f.Run(context.Background(), &st.Scenarios[0], 0); err == nil || !strings.Contains(err.Error(), "baseline's name") {
		t.Errorf("the baseline again: error %v", err)
	}
	if _, err := f.Run(context.Background(), &st.Scenarios[1], 3); err == nil {
		t.Error("3 replicates from 2 histories: no error")
	}
	for _, opt := range []study.Options{
		{Seed: 4, Replicates: 2}, {Seed: 3, Replicates: 3}, {Seed: 3, Replicates: 2, Cases: true},
	} {
		opt.Out, opt.Workers, opt.Histories = t.TempDir(), 1, f
		if _, err := study.Run(context.Background(), st, opt); err == nil || !strings.Contains(err.Error(), "cannot serve") {
			t.Errorf("Run with %+v from the histories: error %v, want one saying why they cannot serve it", opt, err)
		}
	}
	want, err := f.Run(context.Background(), &st.Scenarios[1], 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.Run(ctx, &st.Scenarios[1], 0); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled run: error %v, want context.Canceled", err)
	}
	got, err := f.Run(context.Background(), &st.Scenarios[1], 0)
	if err != nil {
		t.Fatal(err)
	}
	a := written(t, func(w *bufio.Writer) error { return results.WriteSummary(w, want.Rows) })
	b := written(t, func(w *bufio.Writer) error { return results.WriteSummary(w, got.Rows) })
	if a != b {
		t.Error("a run after a cancelled one differs from the one before")
	}
}
