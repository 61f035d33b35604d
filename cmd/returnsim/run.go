package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/results"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/study"
)

func loadStudy(files []string) (*scenarios.Study, error) {
	if len(files) == 0 {
		return scenarios.LoadDefault()
	}
	return scenarios.Load(files...)
}

func runCmd(args []string, stdout, stderr io.Writer) error {
	fs, c := newVerb("run", "out", "usage: returnsim run [FILE.toml ...] [flags]\n\nRuns every scenario x replicate; with no file, the embedded default study.", stderr)
	var opt study.Options
	fs.IntVar(&opt.Replicates, "replicates", 10, "replicates of each scenario")
	fs.BoolVar(&opt.Cases, "cases", false, "also write cases.csv, one row per case file")
	fs.BoolVar(&opt.Resume, "resume", false, "continue the interrupted run in --out (same files and flags) from its completed replicates")
	posterior := fs.String("posterior", "", "draw one parameter set per replicate from this posterior.csv (from returnsim calibrate)")
	withReport := fs.Bool("report", false, "also write the planner's report, report.html, in the output dir (as returnsim report does)")
	files, err := c.parseVerb(fs, args)
	if err != nil {
		return err
	}
	reps := opt.Replicates
	if reps < 1 || reps > 100000 {
		return fmt.Errorf("--replicates %d: want 1 to 100000", reps)
	}
	st, err := loadStudy(files)
	if err != nil {
		return err
	}
	if *posterior != "" {
		if opt.Posterior, err = calibrate.ReadPosterior(*posterior); err != nil {
			return err
		}
		if reps < minDraws {
			fmt.Fprintf(stderr, "warning: --posterior with %d replicates: the 90%% predictive intervals and P(beats baseline) rest on %d parameter draws; %d or more make them steadier\n", reps, reps, minDraws)
		}
	}
	est := estimateRun(st, reps, c.workers, opt.Cases)
	if err := est.check(c.memLimit, c.maxMemory != ""); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	opt.Out, opt.Seed, opt.Workers, opt.Force, opt.Command = c.out, c.seed, c.workers, c.force, c.command
	opt.Version, opt.Revision = version()
	var done func()
	opt.Progress, done = progress(stderr, study.Tasks(st, opt), "simulating")
	res, err := study.Run(ctx, st, opt)
	done()
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted: %s is as it was; continue with the same command and --resume", c.out)
		}
		return err
	}
	fmt.Fprintf(stdout, "%d scenarios x %d replicates in %.1fs, written to %s\n\n", len(st.Scenarios), reps, time.Since(start).Seconds(), c.out)
	warnRules(stderr, st, res.Rules)
	printHeadline(stdout, res.Rows, reps, *posterior, res.Manifest)
	if *withReport {
		return writeReport(c.out, "", stdout)
	}
	return nil
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// minDraws is the number of parameter draws (replicates) below which a run
// with a posterior warns that its predictive intervals and probabilities
// rest on few draws: with 20, the 5% and 95% quantiles are the 1st and
// 19th of the draws' values (with 10, the least and the greatest), and a
// probability moves in steps of 1/20 (1/40 with ties).
const minDraws = 20

// printHeadline prints, per 1,000 persons who entered, each scenario's
// verified departures and assisted returns with the paired difference from
// the baseline, and the AVR share of closed files for comparison with the
// study. Per-person figures lead: a scenario that opens more files (more
// new procedures, more people found again) cannot look worse for it. In a
// projection (a study whose fork falls after its first recorded month) the
// persons are those the policies can reach from the fork (man.Persons says
// so under the table), and forced returns per 1,000 of them take the AVR
// share's place: files closed since the first recorded month say little of
// a policy from the fork. With a posterior (rows with Draws), a second
// table gives the 90% predictive intervals over the reps parameter draws
// and P(beats baseline) for the two headline metrics, for which more is
// better; each table is titled with its kind of interval, so that the two
// cannot be confused.
func printHeadline(w io.Writer, rows []results.SummaryRow, reps int, posterior string, man *results.Manifest) {
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
	projection := man != nil && man.Fork != "" && slices.ContainsFunc(rows, func(r results.SummaryRow) bool { return r.Metric == "persons_12m" })
	last, lastLabel, lastScale, lastPrec := "avr_share", "AVR share of closed, %", 100.0, 2
	if projection {
		last, lastLabel, lastScale, lastPrec = "forced_per_1000", "forced per 1,000", 1, 1
	}
	fmt.Fprintf(w, "%-*s  %-24s  %-24s  %-24s  %-24s  %s\n", width, "scenario",
		"verified per 1,000", "vs baseline", "AVR per 1,000", "vs baseline", lastLabel)
	for i, n := range names {
		v, a, sh := get(n, "verified_per_1000"), get(n, "avr_per_1000"), get(n, last)
		dv, da := "", ""
		if i > 0 {
			dv, da = num(v.Diff, 1, 1), num(a.Diff, 1, 1)
		}
		fmt.Fprintf(w, "%-*s  %-24s  %-24s  %-24s  %-24s  %s\n", width, n, num(v.Value, 1, 1), dv, num(a.Value, 1, 1), da, num(sh.Value, lastScale, lastPrec))
	}
	who := "Per 1,000 persons who entered in the recorded months, fates at the horizon"
	if projection {
		who = "Per 1,000 " + man.Persons
	}
	if !draws {
		if !projection {
			fmt.Fprintln(w, "\nPer 1,000 persons who entered in the recorded months, fates at the horizon; 95% intervals over")
			fmt.Fprintln(w, "replicates; differences paired by replicate. Every metric: summary.csv.")
			return
		}
		fmt.Fprintln(w)
		fmt.Fprint(w, wrap(who+"; 95% intervals over replicates; differences paired by replicate. Every metric, with the verified departures within 12, 24 and 36 months of the fork or of a later entry: summary.csv; by year: yearly.csv.", 100))
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
	if len(man.Uncertain) > 0 {
		var keys []string
		for _, u := range man.Uncertain {
			keys = append(keys, u.Key)
		}
		fmt.Fprintln(w)
		fmt.Fprint(w, wrap(fmt.Sprintf("Each draw above also drew %d assumptions no target constrains, each from its plausible range (the study's [[uncertain]]: %s). The same posterior draws with those held at their values, the part of each interval the assumptions do not make:", len(keys), strings.Join(keys, ", ")), 100))
		fmt.Fprintf(w, "%-*s  %-16s  %s  %-16s  %s\n", width, "scenario", "verified vs base", "P(beats baseline)", "AVR vs baseline", "P(beats baseline)")
		for _, n := range names[1:] {
			v, a := get(n, "verified_per_1000").Draws, get(n, "avr_per_1000").Draws
			fmt.Fprintf(w, "%-*s  %-16s  %17s  %-16s  %17s\n", width, n, rng(v.HeldDiff), prob(v.HeldPAbove), rng(a.HeldDiff), prob(a.HeldPAbove))
		}
	}
	if projection {
		fmt.Fprintln(w)
		fmt.Fprint(w, wrap(fmt.Sprintf("%s. Replicate r of every scenario ran with the same parameter draw from %s (replicates.csv's draw column names its row).", who, posterior), 100))
	} else {
		fmt.Fprintln(w, "\nPer 1,000 persons who entered in the recorded months, fates at the horizon. Replicate r of")
		fmt.Fprintf(w, "every scenario ran with the same parameter draw from %s (replicates.csv's draw column names its row).\n", posterior)
	}
	fmt.Fprintln(w, "The 95% CI of the mean says where the average over draws lies; it narrows with more replicates.")
	fmt.Fprintln(w, "The 90% predictive interval says where one outcome may lie given what the parameters could be;")
	fmt.Fprintln(w, "it does not narrow. P(beats baseline): the share of draws with more than the baseline, ties")
	fmt.Fprintln(w, "half. Every metric, with p_above_baseline: summary.csv.")
}

// warnRules warns of each group rule that selected no person in the return
// system, in any replicate, when its policy came into force (rules.csv
// has every rule's count): it names the rule where the study file writes
// it.
func warnRules(w io.Writer, st *scenarios.Study, sel []study.RuleSelected) {
	for _, x := range sel {
		if slices.ContainsFunc(x.Persons, func(n int) bool { return n > 0 }) {
			continue
		}
		where := x.Rule
		for i := range st.Scenarios {
			if sc := &st.Scenarios[i]; sc.Name == x.Scenario && sc.Rules[x.Rule] != "" {
				where = sc.Rules[x.Rule]
			}
		}
		fmt.Fprintf(w, "warning: %s: selected no person in the return system when it came into force in scenario %s (%s), in any of %d replicates; it may still select persons who enter later (rules.csv)\n", where, x.Scenario, x.Date, len(x.Persons))
	}
}

// wrap breaks text into lines of at most width characters at spaces, each
// ended by a newline.
func wrap(text string, width int) string {
	var b strings.Builder
	line := 0
	for _, word := range strings.Fields(text) {
		if line > 0 && line+1+len(word) > width {
			b.WriteByte('\n')
			line = 0
		}
		if line > 0 {
			b.WriteByte(' ')
			line++
		}
		b.WriteString(word)
		line += len(word)
	}
	b.WriteByte('\n')
	return b.String()
}
