package main

import (
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/returnsim/returnsim/results"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/sim"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "wasmbench:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("wasmbench", flag.ExitOnError)
	n := fs.Int("n", 15, "continuations to time")
	scenario := fs.String("scenario", "", "the scenario continued (default: the baseline)")
	metrics := fs.Bool("metrics", false, "record each continuation as a study does and compute its metrics")
	browser := fs.Bool("browser", false, "build for js/wasm and run in headless Chromium ($CHROMIUM, or chromium on PATH)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to `file` (natively; js/wasm has no profiler: node --cpu-prof)")
	fs.Parse(args)
	if *browser {
		var pass []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name != "browser" && f.Name != "cpuprofile" {
				pass = append(pass, "-"+f.Name+"="+f.Value.String())
			}
		})
		return inBrowser(os.Stdout, pass)
	}
	if *cpuprofile != "" {
		if err := startProfile(*cpuprofile); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	return bench(os.Stdout, *n, *scenario, *metrics)
}

func startProfile(path string) error {
	if runtime.GOOS == "js" {
		return errors.New("-cpuprofile: no CPU profiler in js/wasm; run under node --cpu-prof")
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	return pprof.StartCPUProfile(f)
}

// bench builds replicate 0 of seed 1's history of the default study once,
// continues it n times as the named scenario and prints the times.
func bench(w io.Writer, n int, name string, metrics bool) error {
	if n < 1 {
		return errors.New("-n: want 1 or more")
	}
	t0 := time.Now()
	st, err := scenarios.LoadDefault()
	if err != nil {
		return err
	}
	load := time.Since(t0)
	if st.Fork == "" {
		return errors.New("the default study has no fork")
	}
	base, sc := &st.Scenarios[0], &st.Scenarios[0]
	if name != "" {
		i := slices.IndexFunc(st.Scenarios, func(s scenarios.Scenario) bool { return s.Name == name })
		if i < 0 {
			return fmt.Errorf("no scenario %q in the default study", name)
		}
		sc = &st.Scenarios[i]
	}
	// the seed of replicate 0 of a run with --seed 1, as study.Run gives
	// the baseline, whose history every scenario continues
	seed := sim.StreamSeed(1, 0, base.Name, st.CRN)
	tape := &sim.Tape{}
	var rec sim.Recorder = sim.Discard{}
	if metrics {
		rec = tape
	}
	t1 := time.Now()
	h, err := sim.RunHistory(&base.Config, seed, st.ForkMonth, rec)
	if err != nil {
		return err
	}
	history := time.Since(t1)
	times := make([]time.Duration, n)
	var tot sim.Totals
	var sum [sha256.Size]byte
	for i := range times {
		t := time.Now()
		if metrics {
			r := results.NewReplicate(sc.Name, 0, seed, &sc.Config, false)
			r.Project(results.Projection{Fork: st.ForkMonth, History: sc == base})
			tape.Replay(r)
			if r.Totals, err = h.Continue(&sc.Config, r); err != nil {
				return err
			}
			tot = r.Totals
			sum = sha256.Sum256(fmt.Append(nil, r.OwnMetrics(sc.Config.Costs)))
		} else {
			if tot, err = h.Continue(&sc.Config, sim.Discard{}); err != nil {
				return err
			}
			sum = sha256.Sum256(fmt.Appendf(nil, "%+v", tot))
		}
		times[i] = time.Since(t)
	}
	cfg := &sc.Config
	fmt.Fprintf(w, "wasmbench %s/%s %s GOMAXPROCS=%d\n", runtime.GOOS, runtime.GOARCH, runtime.Version(), runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "scenario %s, replicate 0 of seed 1, history to %s, continued %s to %s, metrics %v\n",
		sc.Name, cfg.Date(st.ForkMonth-1), cfg.Date(st.ForkMonth), cfg.Date(cfg.Months-1), metrics)
	fmt.Fprintf(w, "load the study  %8.1f ms\n", ms(load))
	fmt.Fprintf(w, "history         %8.1f ms\n", ms(history))
	sorted := slices.Clone(times)
	slices.Sort(sorted)
	fmt.Fprintf(w, "continuation    %8.1f ms median of %d (min %.1f, max %.1f; first %.1f)\n",
		ms(median(sorted)), n, ms(sorted[0]), ms(sorted[n-1]), ms(times[0]))
	fmt.Fprintf(w, "all, in ms:")
	for _, d := range times {
		fmt.Fprintf(w, " %.1f", ms(d))
	}
	fmt.Fprintf(w, "\n%s sha256 %x (equal across platforms when the outputs are)\n", map[bool]string{false: "totals", true: "metrics"}[metrics], sum[:6])
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// median of sorted durations.
func median(s []time.Duration) time.Duration {
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
