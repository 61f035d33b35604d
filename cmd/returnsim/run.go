package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/internal/tasks"
	"github.com/returnsim/returnsim/results"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/sim"
)

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
	withReport := fs.Bool("report", false, "also write the planner's report, report.html, in the output dir (as returnsim report does)")
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
		if ra.post, err = calibrate.ReadPosterior(*posterior); err != nil {
			return err
		}
		for i := range study.Scenarios {
			if err := ra.post.Check(&study.Scenarios[i].Config, study.Scenarios[i].Name); err != nil {
				return err
			}
		}
		c.posterior = *posterior
		ra.postSHA = ra.post.SHA256
		if ra.reps < minDraws {
			fmt.Fprintf(stderr, "warning: --posterior with %d replicates: the 90%% predictive intervals and P(beats baseline) rest on %d parameter draws; %d or more make them steadier\n", ra.reps, ra.reps, minDraws)
		}
	}
	est := estimateRun(study, ra.reps, c.workers, ra.keepCases)
	if err := est.check(c.memLimit, c.maxMemory != ""); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	rows, err := runStudy(ctx, study, *c, ra, stderr)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted: %s is as it was; continue with the same command and --resume", c.out)
		}
		return err
	}
	fmt.Fprintf(stdout, "%d scenarios x %d replicates in %.1fs, written to %s\n\n", len(study.Scenarios), ra.reps, time.Since(start).Seconds(), c.out)
	printHeadline(stdout, rows, ra.reps, c.posterior)
	if *withReport {
		return writeReport(c.out, "", stdout)
	}
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
	fmt.Fprintf(h, "returnsim run v2\nseed=%d\nreplicates=%d\ncases=%t\ncrn=%t\nposterior=%s\n", c.seed, ra.reps, ra.keepCases, study.CRN, ra.postSHA)
	for i := range study.Scenarios {
		sc := &study.Scenarios[i]
		fmt.Fprintf(h, "scenario=%q %s\n", sc.Name, sc.ConfigSHA256())
	}
	return hex.EncodeToString(h.Sum(nil))
}

// minDraws is the number of parameter draws (replicates) below which a run
// with a posterior warns that its predictive intervals and probabilities
// rest on few draws: with 20, the 5% and 95% quantiles are the 1st and
// 19th of the draws' values (with 10, the least and the greatest), and a
// probability moves in steps of 1/20 (1/40 with ties).
const minDraws = 20

// runStudy runs and writes a study; it returns summary.csv's rows.
//
// Each scenario x replicate is a task of internal/tasks, whose record is
// the replicate's own metrics, its persons' pairing flags and its rows of
// timeseries.csv and (with --cases) cases.csv and persons.csv, so that an
// interrupted run resumes from its journal with the same bytes. The
// pairing with the baseline is done as records are emitted, in task
// order: replicate r of the baseline (scenario 0) comes before replicate r
// of any other scenario.
//
// With a posterior, replicate r of every scenario runs with the same
// parameter set, drawn by weight from a stream of the run seed and r, so
// differences stay paired and intervals carry parameter uncertainty; each
// replicate is then one parameter draw, and summary.csv has the 90%
// predictive intervals over the draws and the share of draws above the
// baseline (results.AddDraws).
func runStudy(ctx context.Context, study *scenarios.Study, c common, ra runOpts, stderr io.Writer) ([]results.SummaryRow, error) {
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
	var casW, perW *bufio.Writer
	if keepCases {
		if casW, err = folder.Create("cases.csv"); err != nil {
			return nil, err
		}
		casW.WriteString(results.CasesHeader + "\n")
		if perW, err = folder.Create("persons.csv"); err != nil {
			return nil, err
		}
		perW.WriteString(results.PersonsHeader + "\n")
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
	seedOf := func(i int) uint64 {
		return sim.StreamSeed(uint64(c.seed), i%reps, study.Scenarios[i/reps].Name, study.CRN)
	}
	do := func(ctx context.Context, i int) ([]byte, error) {
		sc := &study.Scenarios[i/reps]
		r := i % reps
		seed := seedOf(i)
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
		rec := results.NewReplicate(sc.Name, r, seed, cfg, keepCases)
		rec.Totals = sim.Run(cfg, seed, rec)
		computed.Add(1)
		return encodeReplicate(rec, rec.OwnMetrics(cfg.Costs), keepCases)
	}
	baseFlags := make([][]uint8, reps)
	baseCost := make([]float64, reps)
	var row []byte
	emit := func(i int, b []byte) error {
		rr, err := decodeReplicate(b, keepCases)
		if err != nil {
			return fmt.Errorf("replicate %d of scenario %s: %w", i%reps, names[i/reps], err)
		}
		s, r := i/reps, i%reps
		if s == 0 {
			baseFlags[r], baseCost[r] = rr.flags, results.OwnCost(rr.own)
		}
		m, err := results.Complete(rr.own, rr.flags, baseFlags[r], baseCost[r])
		if err != nil {
			return fmt.Errorf("replicate %d of scenario %s: %w", r, names[s], err)
		}
		metrics[s][r] = m
		row = results.AppendReplicateRow(row[:0], names[s], r, seedOf(i), m)
		repW.Write(row)
		serW.Write(rr.series)
		if keepCases {
			casW.Write(rr.cases)
			perW.Write(rr.persons)
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
	rows, err := summarize(names, metrics, post != nil)
	if err != nil {
		return nil, err
	}
	if err := results.WriteSummary(sumW, rows); err != nil {
		return nil, err
	}
	sums, err := folder.Sums()
	if err != nil {
		return nil, err
	}
	v, rev := version()
	man := results.Manifest{
		Program: "returnsim", Kind: "run", Version: v, Revision: rev, Command: c.command, Fingerprint: fp, Study: study.Name,
		Seed: c.seed, Replicates: reps, Workers: c.workers, CRN: study.CRN, Posterior: c.posterior,
		Resumed: n - int(computed.Load()), Outputs: sums, Start: start.UTC(),
		SummaryColumns: summaryColumns(post != nil, reps),
	}
	seen := map[string]bool{}
	for i := range study.Scenarios {
		sc := &study.Scenarios[i]
		if !seen[sc.File] {
			seen[sc.File] = true
			man.Files = append(man.Files, sc.File)
		}
		man.Scenarios = append(man.Scenarios, results.ManifestScenario{
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
	return rows, folder.Commit()
}

// summarize is summary.csv's rows: means and paired differences of every
// metric, with the cost per additional verified departure as a ratio of
// means rather than a mean of ratios; with draws (a posterior, one draw per
// replicate), also the predictive intervals and shares above the baseline.
func summarize(names []string, metrics [][][]float64, draws bool) ([]results.SummaryRow, error) {
	rows := results.Summarize(names, metrics)
	cpa, err := results.CostPerAdditionalRows(names, metrics, results.MetricNames)
	if err != nil {
		return nil, err
	}
	rows = results.ReplaceRows(rows, cpa)
	if draws {
		results.AddDraws(rows, names, metrics, results.MetricNames)
	}
	return rows, nil
}

// summaryColumns describes summary.csv's columns for manifest.json, saying
// whether the predictive ones are filled and over how many draws.
func summaryColumns(draws bool, reps int) map[string]string {
	here := "; NaN here: this run has no posterior, so no parameter draws"
	if draws {
		here = fmt.Sprintf("; here %d draws, one per replicate", reps)
	}
	return map[string]string{
		"mean,ci_low,ci_high":                       "the mean over replicates and the 95% Student-t interval of the MEAN",
		"diff_vs_baseline,diff_ci_low,diff_ci_high": "the mean paired difference from the baseline and the 95% interval of that mean",
		"pred90_low,pred90_high":                    "90% predictive interval of the value over parameter draws: the 5% and 95% empirical quantiles of the draws' values" + here,
		"diff_pred90_low,diff_pred90_high":          "90% predictive interval of the paired difference from the baseline over parameter draws" + here,
		"p_above_baseline":                          "share of parameter draws in which the paired difference is above 0, a tie counting half; NaN for the baseline" + here,
	}
}

// printHeadline prints, per 1,000 persons who entered, each scenario's
// verified departures and assisted returns with the paired difference from
// the baseline, and the AVR share of closed files for comparison with the
// study. Per-person figures lead: a scenario that opens more files (more
// new procedures, more people found again) cannot look worse for it. With
// a posterior (rows with Draws), a second table gives the 90% predictive
// intervals over the reps parameter draws and P(beats baseline) for the
// two headline metrics, for which more is better; each table is titled
// with its kind of interval, so that the two cannot be confused.
func printHeadline(w io.Writer, rows []results.SummaryRow, reps int, posterior string) {
	var names []string
	width := len("scenario")
	for _, r := range rows {
		if !slices.Contains(names, r.Scenario) {
			names = append(names, r.Scenario)
			width = max(width, len(r.Scenario))
		}
	}
	get := func(s, metric string) results.SummaryRow {
		for _, r := range rows {
			if r.Scenario == s && r.Metric == metric {
				return r
			}
		}
		panic("no metric " + metric)
	}
	num := func(iv results.Interval, scale float64, prec int) string {
		if iv.Low != iv.Low { // one replicate: no interval
			return fmt.Sprintf("%6.*f", prec, scale*iv.Mean)
		}
		return fmt.Sprintf("%6.*f [%6.*f, %6.*f]", prec, scale*iv.Mean, prec, scale*iv.Low, prec, scale*iv.High)
	}
	draws := len(rows) > 0 && rows[0].Draws != nil
	if draws {
		fmt.Fprintln(w, "Mean over replicates [95% CI of the mean]:")
	}
	fmt.Fprintf(w, "%-*s  %-24s  %-24s  %-24s  %-24s  %s\n", width, "scenario",
		"verified per 1,000", "vs baseline", "AVR per 1,000", "vs baseline", "AVR share of closed, %")
	for i, n := range names {
		v, a, sh := get(n, "verified_per_1000"), get(n, "avr_per_1000"), get(n, "avr_share")
		dv, da := "", ""
		if i > 0 {
			dv, da = num(v.Diff, 1, 1), num(a.Diff, 1, 1)
		}
		fmt.Fprintf(w, "%-*s  %-24s  %-24s  %-24s  %-24s  %s\n", width, n, num(v.Value, 1, 1), dv, num(a.Value, 1, 1), da, num(sh.Value, 100, 2))
	}
	if !draws {
		fmt.Fprintln(w, "\nPer 1,000 persons who entered in the recorded months, fates at the horizon; 95% intervals over")
		fmt.Fprintln(w, "replicates; differences paired by replicate. Every metric: summary.csv.")
		return
	}
	rng := func(r results.PredictiveInterval) string { return fmt.Sprintf("[%6.1f, %6.1f]", r.Low, r.High) }
	prob := func(p float64) string { return fmt.Sprintf("%17.2f", p) }
	fmt.Fprintf(w, "\n90%% predictive over %d parameter draws [5%%, 95%% of the draws' values], and P(beats baseline):\n", reps)
	fmt.Fprintf(w, "%-*s  %-16s  %-16s  %s  %-16s  %-16s  %s\n", width, "scenario",
		"verified/1,000", "vs baseline", "P(beats baseline)", "AVR/1,000", "vs baseline", "P(beats baseline)")
	for i, n := range names {
		v, a := get(n, "verified_per_1000").Draws, get(n, "avr_per_1000").Draws
		dv, pv, da, pa := "", "", "", ""
		if i > 0 {
			dv, pv, da, pa = rng(v.Diff), prob(v.PAbove), rng(a.Diff), prob(a.PAbove)
		}
		line := fmt.Sprintf("%-*s  %-16s  %-16s  %17s  %-16s  %-16s  %17s", width, n, rng(v.Value), dv, pv, rng(a.Value), da, pa)
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	fmt.Fprintln(w, "\nPer 1,000 persons who entered in the recorded months, fates at the horizon. Replicate r of")
	fmt.Fprintf(w, "every scenario ran with parameter draw r from %s.\n", posterior)
	fmt.Fprintln(w, "The 95% CI of the mean says where the average over draws lies; it narrows with more replicates.")
	fmt.Fprintln(w, "The 90% predictive interval says where one outcome may lie given what the parameters could be;")
	fmt.Fprintln(w, "it does not narrow. P(beats baseline): the share of draws with more than the baseline, ties")
	fmt.Fprintln(w, "half. Every metric, with p_above_baseline: summary.csv.")
}

// uniformOf is one uniform draw from the stream with seed seed.
func uniformOf(seed uint64) float64 {
	return float64(sim.NewSource(seed).Uint64()>>11) * 0x1p-53
}
