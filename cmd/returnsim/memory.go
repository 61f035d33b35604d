package main

import (
	"fmt"
	"math"
	"strings"

	"github.com/returnsim/returnsim/internal/tasks"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/sim"
	"github.com/returnsim/returnsim/sweep"
)

// The sizes the estimate is built from, measured on linux/amd64 (see the
// README for the estimate against measured peak RSS).
const (
	// bytesPerPerson is the engine's memory per person: a slot of sim's
	// engine, or a place in its calendar of persons away, is about 250
	// bytes (unsafe.Sizeof), and a slice can hold twice its length while
	// append grows it; plus a byte of pairing flags.
	bytesPerPerson = 520
	// bytesPerCase is a cases.csv row (about 70 bytes) in a buffer that
	// doubles as it grows.
	bytesPerCase = 160
	// bytesPerMonth is a timeseries.csv row, about 50 bytes, doubled.
	bytesPerMonth = 100
	// baseBytes is the Go runtime, the parsed study and the output buffers.
	baseBytes = 48 << 20
)

// memEstimate is the estimated peak memory of a run, and what it is made of.
type memEstimate struct {
	Total     int64
	Workers   int
	Engine    int64 // per worker: the largest scenario's caseload
	Record    int64 // per replicate record: its rows, cases.csv's included
	Scenario  string
	File      string
	Persons   float64 // the largest scenario's persons: initial stock + intake per month x months
	Stock     bool    // whether the initial stock is most of them
	KeepCases bool
	Verb      string
	Held      int // histories held at once (serve), each counted as an engine
}

// persons bounds the persons a scenario simulates: its initial stock and
// its intake over the warm-up and the recorded months
// (sim.Config.ExpectedPersons), with a quarter more for the later files of
// the same persons (cases.csv rows). Persons leave as the months pass, so
// this is an upper bound on those held at any one time.
func persons(cfg *sim.Config) float64 { return 1.25 * cfg.ExpectedPersons() }

// stockLeads reports whether the initial stock is most of a scenario's
// persons, so that lowering it, not the intake, is the fix to suggest.
func stockLeads(cfg *sim.Config) bool {
	return 2*float64(cfg.Intake.InitialStock) > cfg.ExpectedPersons()
}

// estimateRun estimates the peak memory of running reps replicates of each
// scenario of study on workers workers, keeping cases or not. The sweep
// verb calls it with its own study of points.
//
// A replicate holds its engine (bytesPerPerson per person) and, until it
// is encoded, its rows; internal/tasks keeps at most 2 x workers records
// waiting for emission; and each record is copied once on its way to the
// journal.
func estimateRun(study *scenarios.Study, reps, workers int, keepCases bool) memEstimate {
	e := memEstimate{Workers: workers, KeepCases: keepCases, Verb: "run"}
	for i := range study.Scenarios {
		sc := &study.Scenarios[i]
		p := persons(&sc.Config)
		rec := float64(sc.Config.Months) * bytesPerMonth
		if keepCases {
			rec += p * bytesPerCase
		}
		eng, r := clampBytes(p*bytesPerPerson), clampBytes(rec)
		if eng+3*r > e.Engine+3*e.Record { // a tie keeps the first: the baseline, whose keys a projection's variants cannot change
			e.Engine, e.Record = eng, r
			e.Scenario, e.File, e.Persons = sc.Name, sc.File, p
			e.Stock = stockLeads(&sc.Config)
		}
	}
	w := min(workers, len(study.Scenarios)*reps)
	e.Total = e.total(w)
	return e
}

// estimateCalibrate estimates the peak memory of calibrating cfg, whose
// free parameters may raise the intake or the stock up to their upper
// bounds: workers replicates at a time, without cases.
func estimateCalibrate(cfg sim.Config, file string, upper map[string]float64, workers int) memEstimate {
	if v, ok := upper["intake.scale"]; ok {
		cfg.Intake.Scale = max(cfg.Intake.Scale, v)
	}
	if v, ok := upper["intake.initial_stock"]; ok {
		cfg.Intake.InitialStock = max(cfg.Intake.InitialStock, int(math.Min(v, 1e12)))
	}
	p := persons(&cfg)
	e := memEstimate{Workers: workers, Verb: "calibrate", Scenario: "the calibrated scenario", File: file, Persons: p,
		Engine: clampBytes(p * bytesPerPerson), Record: 0,
		Stock: stockLeads(&cfg)}
	e.Total = e.total(workers)
	return e
}

// estimateSweep estimates the peak memory of a sweep: workers simulations
// at a time of its base scenario, with every factor that raises the intake
// or the stock at the top of its range; runs.csv rows stream to the
// journal as tasks finish.
func estimateSweep(plan *sweep.Plan, file string, workers int) memEstimate {
	upper := map[string]float64{}
	for _, f := range plan.File.Factors {
		hi := math.Inf(-1)
		if f.Max != nil {
			hi = *f.Max
		}
		for _, l := range f.Levels {
			hi = max(hi, l)
		}
		upper[f.Key] = hi
	}
	e := estimateCalibrate(plan.Base.Config, file, upper, workers)
	e.Verb, e.Scenario = "sweep", "the sweep's base scenario"
	return e
}

func clampBytes(x float64) int64 { return int64(math.Min(x, math.MaxInt64/64)) }

func (e memEstimate) total(workers int) int64 {
	return baseBytes + int64(e.Held)*e.Engine + int64(workers)*(e.Engine+3*e.Record) + 2*int64(workers)*e.Record
}

// estimateServe estimates the peak memory of serving study's what-ifs:
// reps histories held at once, each at most an engine (a history is
// trimmed to what it holds at the fork), and workers continuations.
func estimateServe(study *scenarios.Study, reps, workers int) memEstimate {
	e := estimateRun(study, reps, workers, false)
	e.Verb, e.Held = "serve", reps
	e.Total = e.total(min(workers, reps))
	return e
}

// check refuses a run whose estimate exceeds limit (0: no limit known),
// saying which value to change; given says whether --max-memory was.
func (e memEstimate) check(limit int64, given bool) error {
	if limit <= 0 || e.Total <= limit {
		return nil
	}
	whose := "the machine's memory x 3/4"
	if given {
		whose = "--max-memory"
	}
	what := fmt.Sprintf("estimated peak memory %s exceeds %s (%s): scenario %s simulates up to %.0f persons, %s per worker",
		tasks.FormatBytes(e.Total), whose, tasks.FormatBytes(limit), e.Scenario, e.Persons, tasks.FormatBytes(e.Engine+3*e.Record))
	var fixes []string
	for w := e.Workers - 1; w >= 1; w-- {
		if e.total(w) <= limit {
			fixes = append(fixes, fmt.Sprintf("--workers %d", w))
			break
		}
	}
	if e.KeepCases {
		noCases := e
		noCases.Record = clampBytes(float64(e.Record) - e.Persons*bytesPerCase)
		if noCases.total(e.Workers) <= limit {
			fixes = append(fixes, "drop --cases")
		}
	}
	key := "intake.scale"
	if e.Stock {
		key = "intake.initial_stock"
	}
	where := ""
	if e.File != "" {
		where = " in " + e.File
	}
	for f := e; f.Held > 1; {
		f.Held--
		if f.total(e.Workers) <= limit {
			fixes = append(fixes, fmt.Sprintf("--replicates %d", f.Held))
			break
		}
	}
	fixes = append(fixes, fmt.Sprintf("lower %s of %s%s", key, e.Scenario, where))
	if !given {
		fixes = append(fixes, "set --max-memory if the estimate is too cautious")
	}
	return fmt.Errorf("%s: %s", what, strings.Join(fixes, ", or "))
}
