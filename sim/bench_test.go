package sim

import (
	"syscall"
	"testing"

	"github.com/returnsim/returnsim/agents"
)

// fullCaseload is the default scenario: eight recorded years (2017-2024)
// of DT&V's published intake after the default warm-up (Config.Warmup:
// DefaultConfig's 360 months, thirty years).
func fullCaseload(tb testing.TB) Config {
	cfg := DefaultConfig()
	if err := cfg.Prepare(); err != nil {
		tb.Fatal(err)
	}
	return cfg
}

// cpuNanos is the CPU time this process has used, user and system: on a
// shared machine it is nearer the cost of the work than the wall clock.
func cpuNanos() int64 {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return u.Utime.Nano() + u.Stime.Nano()
}

// report adds the figures of a benchmark that ran n person-months per
// iteration, from the CPU time used since cpu0.
func report(b *testing.B, pm float64, cpu0 int64) {
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(ns/pm, "ns/person-month")
	b.ReportMetric(ns/1e6, "ms/replicate")
	b.ReportMetric(float64(cpuNanos()-cpu0)/float64(b.N)/1e6, "cpu-ms/replicate")
}

// personMonths counts the person-months one replicate spends in a file,
// warm-up included (Totals.Stepped: every open file, every month, whether
// the month costs a draw and a comparison or an exact step). The count
// does not depend on how the engine steps them, so it is the same
// denominator before and after the lanes.
func personMonths(cfg *Config) float64 {
	pm, _ := monthsOfWork(cfg)
	return pm
}

// monthsOfWork returns personMonths and how many of them the engine
// stepped in full (Totals.Exact), on the first replicate's stream.
func monthsOfWork(cfg *Config) (pm, exact float64) {
	t := Run(cfg, StreamSeed(1, 0, "", true), Discard{})
	return float64(t.Stepped), float64(t.Exact)
}

// BenchmarkReplicate runs one replicate of the default study's baseline
// (2017-2024 after DefaultConfig's warm-up), each iteration on its own stream,
// and reports the time per replicate and per person-month in a file.
func BenchmarkReplicate(b *testing.B) {
	cfg := fullCaseload(b)
	pm, exact := monthsOfWork(&cfg)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuNanos()
	for i := 0; i < b.N; i++ {
		Run(&cfg, StreamSeed(1, i, "", true), Discard{})
	}
	report(b, pm, cpu0)
	b.ReportMetric(pm, "person-months")
	b.ReportMetric(exact, "exact-steps")
}

// BenchmarkFloor does the least a monthly hazard model at the model's own
// layout can do, for the same person-months as BenchmarkReplicate: each
// person is an agents.Agent with its own stream, as a file is in the
// engine, and each person-month computes a linear predictor over twelve of
// the agent's fields with the AVR coefficients (a predictor of
// agents.Drivers' size, not the model's: it reads Options and CounselLegal
// where Drivers reads the origin, and ignores the stay cap), one logistic,
// one uniform draw from the person's stream and one comparison. The full
// model's ns/person-month over this one, in the same run, is the ratio the
// issue asks for (aim: within 2x).
func BenchmarkFloor(b *testing.B) {
	cfg := fullCaseload(b)
	pm := personMonths(&cfg)
	months := cfg.Months + cfg.Warmup
	n := int(pm) / months
	type person struct {
		a   agents.Agent
		src Stream
	}
	pop := make([]person, n)
	for i := range pop {
		f := float64(i%97) / 97
		pop[i] = person{a: agents.Agent{FamilyPull: f, FamilyPressure: 1 - f, Network: f / 2, Sensitivity: 0.5,
			Hope: 0.5, Trust: 0.5 + f/4, MonthsIrregular: i % 120, CounselAVR: f / 10, CounselLegal: f / 20,
			Options: 1, HealthWorse: i%11 == 0, Household: agents.Household(i % 7 / 6)}, src: personStream(1, i)}
	}
	p := &cfg.Params.AVR
	base := cfg.Params.AVR.Base
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuNanos()
	closed := 0
	for i := 0; i < b.N; i++ {
		for m := 0; m < months; m++ {
			for j := range pop {
				a := &pop[j].a
				x := base + p.FamilyPull*a.FamilyPull - p.FamilyPressure*a.FamilyPressure - p.Network*a.Network -
					p.StayPerYear*float64(a.MonthsIrregular)/12 - p.Hope*a.Hope + p.Trust*a.Trust +
					p.Threat*a.Sensitivity + a.CounselAVR + a.CounselLegal + p.Conditions*a.Options
				if a.HealthWorse {
					x += p.Health
				}
				if a.Household == agents.Family {
					x += p.FamilyInNL
				}
				if uniform(&pop[j].src) < agents.Logistic(x) {
					closed++
					a.Hope *= 0.99 // a closed file is replaced by a new one, a little different
				}
			}
		}
	}
	report(b, float64(n*months), cpu0)
	if closed == 0 {
		b.Fatal("no file ever closed")
	}
}

// BenchmarkFloorDense is the floor without the model's layout: 24-byte
// persons (a precomputed predictor and a stream), one logistic and one
// draw per person-month, for the same person-months. It shows what the
// layout itself costs.
func BenchmarkFloorDense(b *testing.B) {
	cfg := fullCaseload(b)
	pm := personMonths(&cfg)
	months := cfg.Months + cfg.Warmup
	n := int(pm) / months
	type person struct {
		x   float64
		src Stream
	}
	pop := make([]person, n)
	for i := range pop {
		pop[i] = person{x: -3 + float64(i%7)*0.1, src: personStream(1, i)}
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuNanos()
	closed := 0
	for i := 0; i < b.N; i++ {
		for m := 0; m < months; m++ {
			for j := range pop {
				a := &pop[j]
				if uniform(&a.src) < agents.Logistic(a.x) {
					closed++
					a.x -= 0.01
				}
			}
		}
	}
	report(b, float64(n*months), cpu0)
	if closed == 0 {
		b.Fatal("no file ever closed")
	}
}

// BenchmarkFromFork runs one scenario-replicate of the default scenario
// from a history forked at January 2025 to December 2030 (the planner's
// projection: history to 2024-12, fork 2025-01, horizon 2030-12), the
// history built once outside the timer, beside
// BenchmarkReplicateToHorizon, the same scenario-replicate simulated
// whole. Their ratio of medians, from one run of
// go test -run XXX -bench 'FromFork|Replicate' -benchmem -count 5 ./sim,
// is what sharing the history saves per scenario (docs/running.md).
func BenchmarkFromFork(b *testing.B) {
	cfg := projection(b)
	h, err := RunHistory(&cfg, StreamSeed(1, 0, "", true), 96, Discard{})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Release()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuNanos()
	for i := 0; i < b.N; i++ {
		if _, err := h.Continue(&cfg, Discard{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuNanos()-cpu0)/float64(b.N)/1e6, "cpu-ms/replicate")
}

// BenchmarkReplicateToHorizon is BenchmarkFromFork's scenario-replicate
// simulated whole, from the warm-up to December 2030: BenchmarkReplicate's
// replicate at the projection's horizon.
func BenchmarkReplicateToHorizon(b *testing.B) {
	cfg := projection(b)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuNanos()
	for i := 0; i < b.N; i++ {
		Run(&cfg, StreamSeed(1, 0, "", true), Discard{})
	}
	b.ReportMetric(float64(cpuNanos()-cpu0)/float64(b.N)/1e6, "cpu-ms/replicate")
}

// projection is the default scenario to December 2030 (168 recorded
// months).
func projection(tb testing.TB) Config {
	cfg := DefaultConfig()
	cfg.Months = 168
	if err := cfg.Prepare(); err != nil {
		tb.Fatal(err)
	}
	return cfg
}
