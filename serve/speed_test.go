package serve

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/study"
)

var (
	speed        = flag.Bool("speed", false, "TestSpeed: measure the default study's answers (slow: builds its histories)")
	speedReps    = flag.Int("speed-replicates", 8, "TestSpeed: histories built and continued")
	speedChanges = flag.Int("speed-changes", 20, "TestSpeed: lever changes timed")
	speedWorkers = flag.Int("speed-workers", runtime.NumCPU(), "TestSpeed: workers")
)

// loadavg is the machine's load average over 1, 5 and 15 minutes, as
// uptime prints it.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], ", ")
}

// peakRSS is the process's peak resident memory, VmHWM, as Linux counts
// it.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// TestSpeed measures what a planner waits for on the default study: the
// histories' build, then the answer to each of -speed-changes lever
// changes, one after another as a planner makes them, each a study file
// not asked before (no answer is kept), from the request to the parsed
// JSON. It prints the median and the 90th percentile, the CPU time an
// answer takes (what bounds it on an idle machine), the load average at
// the start and the end, and the process's peak memory. Run it with
//
//	go test ./serve -run TestSpeed -speed -v
func TestSpeed(t *testing.T) {
	if !*speed {
		t.Skip("slow: run with -speed")
	}
	t.Logf("load average at the start: %s", loadavg())
	st, err := scenarios.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	f, err := study.Fork(context.Background(), st, study.ForkOptions{Seed: 1, Replicates: *speedReps, Workers: *speedWorkers})
	if err != nil {
		t.Fatal(err)
	}
	build := time.Since(start)
	defer f.Close()
	s, err := New(f, st, scenarios.DefaultName, scenarios.DefaultText(), Options{Workers: *speedWorkers})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	ts.Config.Handler = s.Handler(ts.Listener.Addr().String())
	ts.Start()
	defer ts.Close()
	var waits, sims []float64
	cpu0 := cpuTime()
	for i := range *speedChanges {
		q := speedChange(i)
		t0 := time.Now()
		resp, err := http.PostForm(ts.URL+"/api/run", q)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var a Answer
		if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Cache") != "" || json.Unmarshal(body, &a) != nil {
			t.Fatalf("change %d (%v): %d %s %.200s", i, q, resp.StatusCode, resp.Header.Get("X-Cache"), body)
		}
		waits = append(waits, time.Since(t0).Seconds())
		sims = append(sims, a.Seconds)
	}
	cpu := (cpuTime() - cpu0).Seconds() / float64(len(waits))
	sorted := slices.Clone(waits)
	slices.Sort(sorted)
	q := func(xs []float64, p float64) float64 { return xs[int(p*float64(len(xs)-1)+0.5)] }
	ss := slices.Clone(sims)
	slices.Sort(ss)
	t.Logf("histories: %d replicates built (and the baseline continued) in %.2f s on %d workers", *speedReps, build.Seconds(), *speedWorkers)
	t.Logf("answers to %d lever changes: median %.3f s, 90th percentile %.3f s, least %.3f s, most %.3f s; of which the continuations: median %.3f s",
		len(waits), q(sorted, 0.5), q(sorted, 0.9), sorted[0], sorted[len(sorted)-1], q(ss, 0.5))
	t.Logf("each, in order: %s", fmtSeconds(waits))
	t.Logf("CPU time an answer: %.3f s (user and system, mean), %.3f s over %d cores", cpu, cpu/float64(runtime.GOMAXPROCS(0)), runtime.GOMAXPROCS(0))
	t.Logf("load average at the end: %s; peak memory (VmHWM) %s; GOMAXPROCS %d", loadavg(), peakRSS(), runtime.GOMAXPROCS(0))
}

// speedChange is the i-th lever change of TestSpeed: one lever at a time,
// as a planner moves them, each to a value not asked before.
func speedChange(i int) url.Values {
	q := url.Values{"scenario": {"baseline"}}
	timings := []string{"none", "first-decision", "deadline", "detention", "periodic"}
	switch i % 5 {
	case 0:
		q.Set("enforcement", fmt.Sprint(1+0.05*float64(i+1)))
	case 1:
		q.Set("reintegration.cash_eur", fmt.Sprint(300+100*(i+1)))
	case 2:
		q.Set("counselling.timing", timings[(i/5)%len(timings)])
		q.Set("counselling.counsellors", fmt.Sprint(60+i))
	case 3:
		q.Set("capacity.removals_per_month", fmt.Sprint(556+10*(i+1)))
	case 4:
		q.Set("for.household", "family")
		q.Set("counselling.provider.government", "0")
		q.Set("counselling.provider.ngo", "1")
		q.Set("counselling.period_months", fmt.Sprint(3+i%7))
		q.Set("counselling.timing", "periodic")
	}
	return q
}

func fmtSeconds(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.2f", x)
	}
	return strings.Join(parts, " ")
}
