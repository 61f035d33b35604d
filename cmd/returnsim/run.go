package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/results"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/sim"
)

// Manifest is manifest.json: what produced a result folder.
type Manifest struct {
	Program    string             `json:"program"`
	Version    string             `json:"version"`
	Revision   string             `json:"revision"`
	Command    []string           `json:"command"`
	Study      string             `json:"study"`
	Seed       int64              `json:"seed"`
	Replicates int                `json:"replicates"`
	Workers    int                `json:"workers"`
	CRN        bool               `json:"common_random_numbers"`
	Posterior  string             `json:"posterior,omitempty"`
	Files      []string           `json:"files"`
	Scenarios  []ManifestScenario `json:"scenarios"`
	Start      time.Time          `json:"start"`
	End        time.Time          `json:"end"`
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

func runCmd(args []string, stdout, stderr io.Writer) error {
	fs, c := newVerb("run", "usage: returnsim run [FILE.toml ...] [flags]\n\nRuns every scenario x replicate; with no file, the embedded default study.", stderr)
	reps := fs.Int("replicates", 10, "replicates of each scenario")
	cases := fs.Bool("cases", false, "also write cases.csv, one row per case file")
	posterior := fs.String("posterior", "", "draw one parameter set per replicate from this posterior.csv (from returnsim calibrate)")
	withReport := fs.Bool("report", false, "also write the planner's report, report.html, in the output dir (as returnsim report does)")
	files, err := c.parseVerb(fs, args)
	if err != nil {
		return err
	}
	if *reps < 1 || *reps > 100000 {
		return fmt.Errorf("--replicates %d: want 1 to 100000", *reps)
	}
	study, err := loadStudy(files)
	if err != nil {
		return err
	}
	var post *calibrate.Posterior
	if *posterior != "" {
		if post, err = calibrate.ReadPosterior(*posterior); err != nil {
			return err
		}
		c.posterior = *posterior
	}
	start := time.Now()
	m, err := runStudy(study, *c, *reps, *cases, post, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d scenarios x %d replicates in %.1fs, written to %s\n\n", len(study.Scenarios), *reps, time.Since(start).Seconds(), c.out)
	printHeadline(stdout, study, m)
	if *withReport {
		return writeReport(c.out, "", stdout)
	}
	return nil
}

// runStudy runs and writes a study; it returns the metrics by scenario,
// replicate and metric.
//
// With a posterior, replicate r of every scenario runs with the same
// parameter set, drawn by weight from a stream of the run seed and r, so
// differences stay paired and intervals carry parameter uncertainty.
func runStudy(study *scenarios.Study, c common, reps int, keepCases bool, post *calibrate.Posterior, stderr io.Writer) ([][][]float64, error) {
	start := time.Now()
	set, err := results.NewSet(c.out)
	if err != nil {
		return nil, err
	}
	defer set.Abort() // a no-op after Commit
	repW, err1 := set.Create("replicates.csv")
	serW, err2 := set.Create("timeseries.csv")
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	repW.WriteString(results.ReplicatesHeader + "\n")
	serW.WriteString(results.TimeseriesHeader + "\n")
	cw, pw := serW, serW
	if keepCases {
		if cw, err = set.Create("cases.csv"); err != nil {
			return nil, err
		}
		cw.WriteString(results.CasesHeader + "\n")
		if pw, err = set.Create("persons.csv"); err != nil {
			return nil, err
		}
		pw.WriteString(results.PersonsHeader + "\n")
	}

	names := make([]string, len(study.Scenarios))
	metrics := make([][][]float64, len(study.Scenarios))
	for s := range study.Scenarios {
		names[s] = study.Scenarios[s].Name
		metrics[s] = make([][]float64, reps)
	}
	n := len(study.Scenarios) * reps
	bar := progress(stderr, n, "simulating")
	// what pairing with the baseline needs: replicate r of the baseline
	// (scenario 0) is emitted before replicate r of any other scenario
	baseFlags := make([][]uint8, reps)
	baseCost := make([]float64, reps)
	err = sim.Parallel(n, c.workers, func(i int) *results.Replicate {
		sc := &study.Scenarios[i/reps]
		r := i % reps
		seed := sim.StreamSeed(uint64(c.seed), r, sc.Name, study.CRN)
		cfg := &sc.Config
		rec := results.NewReplicate(sc.Name, r, seed, cfg, keepCases)
		if post != nil {
			own := sc.Config
			own.Changes = append([]sim.Change(nil), sc.Config.Changes...)
			u := uniformOf(sim.StreamSeed(uint64(c.seed), r, "posterior", false))
			if err := post.Apply(&own, post.Draw(u)); err != nil {
				rec.Err = fmt.Errorf("scenario %s with a posterior draw: %w", sc.Name, err)
				return rec
			}
			cfg = &own
			rec = results.NewReplicate(sc.Name, r, seed, cfg, keepCases)
		}
		rec.Totals = sim.Run(cfg, seed, rec)
		return rec
	}, func(i int, rec *results.Replicate) error {
		if rec.Err != nil {
			return rec.Err
		}
		s, r := i/reps, i%reps
		costs := study.Scenarios[s].Config.Costs
		if s == 0 {
			baseFlags[r], baseCost[r] = rec.Flags, rec.Cost(costs)
		}
		m, err := rec.Complete(costs, baseFlags[r], baseCost[r])
		if err != nil {
			return fmt.Errorf("scenario %s, replicate %d: %w", rec.Scenario, r, err)
		}
		metrics[s][r] = m
		err = errors.Join(results.WriteReplicateRow(repW, rec), results.WriteSeries(serW, rec))
		if keepCases {
			err = errors.Join(err, results.WriteCases(cw, rec), results.WritePersons(pw, rec))
		}
		if bar != nil {
			bar.Add(1)
		}
		return err
	})
	if bar != nil {
		bar.Finish()
	}
	if err != nil {
		return nil, err
	}
	sumW, err := set.Create("summary.csv")
	if err != nil {
		return nil, err
	}
	sumW.WriteString(results.SummaryHeader + "\n")
	rows, err := summarize(names, metrics)
	if err != nil {
		return nil, err
	}
	if err := results.WriteSummary(sumW, rows); err != nil {
		return nil, err
	}
	v, rev := version()
	man := Manifest{
		Program: "returnsim", Version: v, Revision: rev, Command: c.command, Study: study.Name,
		Seed: c.seed, Replicates: reps, Workers: c.workers, CRN: study.CRN, Posterior: c.posterior, Start: start.UTC(),
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
	manW, err := set.Create("manifest.json")
	if err != nil {
		return nil, err
	}
	if err := results.WriteJSON(manW, man); err != nil {
		return nil, err
	}
	return metrics, set.Commit()
}

// summarize is summary.csv's rows: means and paired differences of every
// metric, with the cost per additional verified departure as a ratio of
// means rather than a mean of ratios.
func summarize(names []string, metrics [][][]float64) ([]results.SummaryRow, error) {
	rows := results.Summarize(names, metrics)
	cpa, err := results.CostPerAdditionalRows(names, metrics, results.MetricNames)
	if err != nil {
		return nil, err
	}
	return results.ReplaceRows(rows, cpa), nil
}

// printHeadline prints, per 1,000 persons who entered, each scenario's
// verified departures and assisted returns with the paired difference from
// the baseline, and the AVR share of closed files for comparison with the
// study. Per-person figures lead: a scenario that opens more files (more
// new procedures, more people found again) cannot look worse for it.
func printHeadline(w io.Writer, study *scenarios.Study, metrics [][][]float64) {
	names := make([]string, len(study.Scenarios))
	width := len("scenario")
	for i := range study.Scenarios {
		names[i] = study.Scenarios[i].Name
		width = max(width, len(names[i]))
	}
	rows, err := summarize(names, metrics)
	if err != nil {
		fmt.Fprintln(w, err)
		return
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
	fmt.Fprintln(w, "\nPer 1,000 persons who entered in the recorded months, fates at the horizon; 95% intervals over")
	fmt.Fprintln(w, "replicates; differences paired by replicate. Every metric: summary.csv.")
}

// uniformOf is one uniform draw from the stream with seed seed.
func uniformOf(seed uint64) float64 {
	return float64(sim.NewSource(seed).Uint64()>>11) * 0x1p-53
}
