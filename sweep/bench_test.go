package sweep

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// overheadSweep is a sweep of n Latin-hypercube points at two replicates
// of a one-year scenario at the full caseload's intake (a year of
// warm-up before it), over three factors.
func overheadSweep(n int) string {
	return fmt.Sprintf(`
study = "testdata/one-year.toml"
replicates = 2
[design]
kind = "lhs"
samples = %d
[[factors]]
key = "population.network_mean"
min = 0.2
max = 0.6
[[factors]]
key = "params.counselling.effect"
min = 0.5
max = 4
[[factors]]
key = "origins.NG.conditions"
min = 0.1
max = 0.9
`, n)
}

// measureOverhead runs the sweep once on one worker and returns the
// machinery's overhead: wall time beyond the time spent inside sim.Run
// (configuration, journal with its fsyncs, rows, aggregation, commit),
// over the time inside sim.Run, measured in the same run.
func measureOverhead(tb testing.TB, n int) (overhead float64, st *Stats) {
	f, err := Parse("overhead.toml", []byte(overheadSweep(n)))
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Now()
	p, err := NewPlan(f, 1, "")
	if err != nil {
		tb.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "sweep-overhead-")
	if err != nil {
		tb.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err = Run(context.Background(), p, Options{Out: dir, Workers: 1})
	if err != nil {
		tb.Fatal(err)
	}
	wall := time.Since(start) // planning included: it is machinery too
	return float64(wall-st.Sim) / float64(st.Sim), st
}

// benchPoints is the size.
var benchPoints = 1000

// BenchmarkSweepOverhead runs the benchmark: a 1,000-point sweep
// at two replicates of a one-year scenario on one worker, reporting the
// overhead of the machinery in percent of the simulations' time. It is a
// benchmark, not a test: on a shared machine a time ratio is not a
// property a test can hold fixed (the journal's fsync per task, most of the
// overhead, varies with the disk and its load).
//
//	go test ./sweep -run XXX -bench SweepOverhead -benchtime 1x
func BenchmarkSweepOverhead(b *testing.B) {
	for b.Loop() {
		o, st := measureOverhead(b, benchPoints)
		b.ReportMetric(100*o, "overhead-%")
		b.ReportMetric(st.Sim.Seconds(), "sim-s")
		// the time in tasks outside sim.Run (each point's configuration
		// and row), a part of the overhead that is the sweep's own
		b.ReportMetric(100*float64(st.Task-st.Sim)/float64(st.Sim), "config-row-%")
	}
}
