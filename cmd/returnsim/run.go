package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/internal/tasks"
	"github.com/returnsim/returnsim/results"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/sim"
)

// Manifest is manifest.json: what produced a result folder.
type Manifest struct {
	Program     string             `json:"program"`
	Kind        string             `json:"kind"`
	Version     string             `json:"version"`
	Revision    string             `json:"revision"`
	Command     []string           `json:"command"`
	Fingerprint string             `json:"fingerprint"` // of the arguments that decide the outputs' bytes
	Study       string             `json:"study"`
	Seed        int64              `json:"seed"`
	Replicates  int                `json:"replicates"`
	Workers     int                `json:"workers"`
	Resumed     int                `json:"resumed_replicates,omitempty"` // replicates restored from an interrupted run
	CRN         bool               `json:"common_random_numbers"`
	Posterior   string             `json:"posterior,omitempty"`
	Files       []string           `json:"files"`
	Outputs     []tasks.Sum        `json:"outputs"` // every other file of the folder, with its SHA-256
	Scenarios   []ManifestScenario `json:"scenarios"`
	Start       time.Time          `json:"start"`
	End         time.Time          `json:"end"`
}

// ManifestScenario records one scenario with its full resolved parameters.
type ManifestScenario struct {
	Name         string         `json:"name"`
	Description  string         `json:"description,omitempty"`
	File         string         `json:"file"`
	FileSHA256   string         `json:"file_sha256"`
	ConfigSHA256 string         `json:"config_sha256"`
	Config       map[string]any `json:"config"` // by TOML key, as in docs/scenarios.md
}

func loadStudy(files []string) (*scenarios.Study, error) {
	if len(files) == 0 {
		return scenarios.LoadDefault()
	}
	return scenarios.Load(files...)
}

// runOpts are what a run does, beside the common flags.
type runOpts struct {
	reps      int
	keepCases bool
	resume    bool
	post      *calibrate.Posterior
	postSHA   string // of the posterior file's bytes
}

func runCmd(args []string, stdout, stderr io.Writer) error {
	fs, c := newVerb("run", "out", "usage: returnsim run [FILE.toml ...] [flags]\n\nRuns every scenario x replicate; with no file, the embedded default study.", stderr)
	var ra runOpts
	fs.IntVar(&ra.reps, "replicates", 10, "replicates of each scenario")
	fs.BoolVar(&ra.keepCases, "cases", false, "also write cases.csv, one row per case file")
	fs.BoolVar(&ra.resume, "resume", false, "continue the interrupted run in --out (same files and flags) from its completed replicates")
	posterior := fs.String("posterior", "", "draw one parameter set per replicate from this posterior.csv (from returnsim calibrate)")
	files, err := c.parseVerb(fs, args)
	if err != nil {
		return err
	}
	if ra.reps < 1 || ra.reps > 100000 {
		return fmt.Errorf("--replicates %d: want 1 to 100000", ra.reps)
	}
	study, err := loadStudy(files)
	if err != nil {
		return err
	}
	if *posterior != "" {
		b, err := os.ReadFile(*posterior)
		if err != nil {
			return err
		}
		if ra.post, err = calibrate.ParsePosterior(*posterior, bytes.NewReader(b)); err != nil {
			return err
		}
		for i := range study.Scenarios {
			if err := ra.post.Check(&study.Scenarios[i].Config, study.Scenarios[i].Name); err != nil {
				return err
			}
		}
		c.posterior = *posterior
		ra.postSHA = sha(b)
	}
	est := estimateRun(study, ra.reps, c.workers, ra.keepCases)
	if err := est.check(c.memLimit, c.maxMemory != ""); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	m, err := runStudy(ctx, study, *c, ra, stderr)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted: %s is as it was; continue with the same command and --resume", c.out)
		}
		return err
	}
	fmt.Fprintf(stdout, "%d scenarios x %d replicates in %.1fs, written to %s\n\n", len(study.Scenarios), ra.reps, time.Since(start).Seconds(), c.out)
	printHeadline(stdout, study, m)
	return nil
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// runFingerprint identifies what decides a run's outputs: the program's
// output format, each scenario's name and resolved configuration, the
// seed, replicates, cases and posterior; not the workers, which change no
// byte.
func runFingerprint(study *scenarios.Study, c common, ra runOpts) string {
	h := sha256.New()
	fmt.Fprintf(h, "returnsim run v1\nseed=%d\nreplicates=%d\ncases=%t\ncrn=%t\nposterior=%s\n", c.seed, ra.reps, ra.keepCases, study.CRN, ra.postSHA)
	for i := range study.Scenarios {
		sc := &study.Scenarios[i]
		fmt.Fprintf(h, "scenario=%q %s\n", sc.Name, sc.ConfigSHA256())
	}
	return hex.EncodeToString(h.Sum(nil))
}

// runStudy runs and writes a study; it returns the metrics by scenario,
// replicate and metric.
//
// Each scenario x replicate is a task of internal/tasks, whose record is
// the replicate's metrics and its rows of replicates.csv, timeseries.csv
// and (with --cases) cases.csv, so that an interrupted run resumes from
// its journal with the same bytes.
//
// With a posterior, replicate r of every scenario runs with the same
// parameter set, drawn by weight from a stream of the run seed and r, so
// differences stay paired and intervals carry parameter uncertainty.
func runStudy(ctx context.Context, study *scenarios.Study, c common, ra runOpts, stderr io.Writer) ([][][]float64, error) {
	start := time.Now()
	reps, keepCases, post := ra.reps, ra.keepCases, ra.post
	fp := runFingerprint(study, c, ra)
	folder, err := tasks.Open(c.out, "run", fp, c.force)
	if err != nil {
		return nil, err
	}
	defer folder.Close() // aborts what is not committed
	repW, err1 := folder.Create("replicates.csv")
	serW, err2 := folder.Create("timeseries.csv")
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	repW.WriteString(results.ReplicatesHeader + "\n")
	serW.WriteString(results.TimeseriesHeader + "\n")
	var casW *bufio.Writer
	if keepCases {
		if casW, err = folder.Create("cases.csv"); err != nil {
			return nil, err
		}
		casW.WriteString(results.CasesHeader + "\n")
	}

	names := make([]string, len(study.Scenarios))
	metrics := make([][][]float64, len(study.Scenarios))
	for s := range study.Scenarios {
		names[s] = study.Scenarios[s].Name
		metrics[s] = make([][]float64, reps)
	}
	n := len(study.Scenarios) * reps
	bar := progress(stderr, n, "simulating")
	var computed atomic.Int64
	do := func(ctx context.Context, i int) ([]byte, error) {
		sc := &study.Scenarios[i/reps]
		r := i % reps
		seed := sim.StreamSeed(uint64(c.seed), r, sc.Name, study.CRN)
		rec := results.NewReplicate(sc.Name, r, seed, sc.Config.Origins, keepCases)
		cfg := &sc.Config
		if post != nil {
			own := sc.Config
			own.Changes = append([]sim.Change(nil), sc.Config.Changes...)
			u := uniformOf(sim.StreamSeed(uint64(c.seed), r, "posterior", false))
			if err := post.Apply(&own, post.Draw(u)); err != nil {
				return nil, fmt.Errorf("scenario %s with a posterior draw: %w", sc.Name, err)
			}
			cfg = &own
		}
		rec.Totals = sim.Run(cfg, seed, rec)
		computed.Add(1)
		return encodeReplicate(rec, keepCases)
	}
	emit := func(i int, b []byte) error {
		rr, err := decodeReplicate(b, keepCases)
		if err != nil {
			return fmt.Errorf("replicate %d of scenario %s: %w", i%reps, names[i/reps], err)
		}
		metrics[i/reps][i%reps] = rr.metrics
		repW.Write(rr.row)
		serW.Write(rr.series)
		if keepCases {
			casW.Write(rr.cases)
		}
		if bar != nil {
			bar.Add(1)
		}
		return nil
	}
	err = tasks.Run(ctx, tasks.Options{Dir: c.out, Workers: c.workers, Resume: ra.resume, Fingerprint: fp}, n, do, emit)
	if bar != nil {
		bar.Finish()
	}
	if err != nil {
		return nil, err
	}
	sumW, err := folder.Create("summary.csv")
	if err != nil {
		return nil, err
	}
	sumW.WriteString(results.SummaryHeader + "\n")
	if err := results.WriteSummary(sumW, results.Summarize(names, metrics)); err != nil {
		return nil, err
	}
	sums, err := folder.Sums()
	if err != nil {
		return nil, err
	}
	v, rev := version()
	man := Manifest{
		Program: "returnsim", Kind: "run", Version: v, Revision: rev, Command: c.command, Fingerprint: fp, Study: study.Name,
		Seed: c.seed, Replicates: reps, Workers: c.workers, CRN: study.CRN, Posterior: c.posterior,
		Resumed: n - int(computed.Load()), Outputs: sums, Start: start.UTC(),
	}
	seen := map[string]bool{}
	for i := range study.Scenarios {
		sc := &study.Scenarios[i]
		if !seen[sc.File] {
			seen[sc.File] = true
			man.Files = append(man.Files, sc.File)
		}
		man.Scenarios = append(man.Scenarios, ManifestScenario{
			Name: sc.Name, Description: sc.Description, File: sc.File,
			FileSHA256: sc.FileSHA256, ConfigSHA256: sc.ConfigSHA256(), Config: sc.ConfigMap(),
		})
	}
	man.End = time.Now().UTC()
	manW, err := folder.Create("manifest.json")
	if err != nil {
		return nil, err
	}
	if err := results.WriteJSON(manW, man); err != nil {
		return nil, err
	}
	return metrics, folder.Commit()
}

// printHeadline prints each scenario's AVR share and return rate with the
// paired difference from the baseline, in percentage points.
func printHeadline(w io.Writer, study *scenarios.Study, metrics [][][]float64) {
	names := make([]string, len(study.Scenarios))
	width := len("scenario")
	for i := range study.Scenarios {
		names[i] = study.Scenarios[i].Name
		width = max(width, len(names[i]))
	}
	rows := results.Summarize(names, metrics)
	get := func(s, metric string) results.SummaryRow {
		for _, r := range rows {
			if r.Scenario == s && r.Metric == metric {
				return r
			}
		}
		panic("no metric " + metric)
	}
	pct := func(iv results.Interval) string {
		if iv.Low != iv.Low { // one replicate: no interval
			return fmt.Sprintf("%6.2f", 100*iv.Mean)
		}
		return fmt.Sprintf("%6.2f [%6.2f, %6.2f]", 100*iv.Mean, 100*iv.Low, 100*iv.High)
	}
	fmt.Fprintf(w, "%-*s  %-26s  %-26s  %s\n", width, "scenario", "AVR share of closed, %", "vs baseline, points", "return rate, %")
	for i, n := range names {
		avr, rr := get(n, "avr_share"), get(n, "return_rate")
		diff := ""
		if i > 0 {
			diff = pct(avr.Diff)
		}
		fmt.Fprintf(w, "%-*s  %-26s  %-26s  %s\n", width, n, pct(avr.Value), diff, pct(rr.Value))
	}
	fmt.Fprintln(w, "\n95% intervals over replicates; differences paired by replicate. Every metric: summary.csv.")
}

// uniformOf is one uniform draw from the stream with seed seed.
func uniformOf(seed uint64) float64 {
	return float64(sim.NewSource(seed).Uint64()>>11) * 0x1p-53
}
