package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/internal/tasks"
	"github.com/returnsim/returnsim/results"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/sim"
)

func calibrateCmd(args []string, stdout, stderr io.Writer) error {
	fs, c := newVerb("calibrate", "out-calibrate", "usage: returnsim calibrate [TARGETS.toml] [flags]\n\nFits the free parameters to the targets (default: the embedded targets.toml).", stderr)
	budget := fs.Int("budget", 1000, "evaluations to spend at most (each a set of replicates, with the pattern's paired runs when a target needs them): the point fit takes method.fit_share of them, ABC-SMC the rest (a move outside the bounds costs none)")
	particles := fs.Int("particles", 0, "ABC-SMC particles `N`: sets --budget to the least that buys them (instead of --budget)")
	resume := fs.Bool("resume", false, "continue the interrupted calibration in --out (same targets, study, seed and budget) from its journalled evaluations")
	study := fs.String("study", "", "calibrate the first scenario of this study `file` (default: the embedded default study's baseline)")
	files, err := c.parseVerb(fs, args)
	if err != nil {
		return err
	}
	if len(files) > 1 {
		return fmt.Errorf("calibrate takes one targets file, got %d", len(files))
	}
	name, text := calibrate.DefaultTargetsName, calibrate.DefaultTargetsText()
	if len(files) == 1 {
		name = files[0]
		if text, err = os.ReadFile(name); err != nil {
			return err
		}
	}
	spec, err := calibrate.ParseSpec(name, text)
	if err != nil {
		return err
	}
	if len(spec.Parameters) == 0 {
		return fmt.Errorf("%s: no [[parameter]]: nothing to fit", name)
	}
	for _, w := range spec.Warnings() {
		fmt.Fprintf(stderr, "warning: %s: %s\n", name, w)
	}
	var st *scenarios.Study
	if *study == "" {
		st, err = scenarios.LoadDefault()
	} else {
		st, err = scenarios.Load(*study)
	}
	if err != nil {
		return err
	}
	split := func(b int) (fitN, abcN int, ok bool) {
		fitN = int(math.Round(float64(b) * spec.Method.FitShare))
		abcN = b - fitN - 2 // the start and the final evaluation at the fit
		k := len(spec.Parameters)
		return fitN, abcN, fitN >= k+2 && spec.Method.Particles(abcN) >= 2*k
	}
	// the least budget whose ABC share buys n particles and that builds
	// the point fit's simplex
	least := func(n int) int {
		b := 1
		for ; b < 1<<30; b++ {
			if _, abcN, ok := split(b); ok && spec.Method.Particles(abcN) >= n {
				break
			}
		}
		return b
	}
	if *particles != 0 {
		budgetSet := false
		fs.Visit(func(f *flag.Flag) { budgetSet = budgetSet || f.Name == "budget" })
		if budgetSet {
			return fmt.Errorf("--particles and --budget both given: give one (--particles %d means --budget %d)", *particles, least(*particles))
		}
		if *particles < 2*len(spec.Parameters) || *particles > 1<<20 {
			return fmt.Errorf("--particles %d: want %d (two per free parameter) to %d", *particles, 2*len(spec.Parameters), 1<<20)
		}
		*budget = least(*particles)
	}
	fitN, abcN, ok := split(*budget)
	if !ok {
		return fmt.Errorf("--budget %d is too small for %d parameters over %d ABC generations of %d moves: want at least %d (%d particles; --particles sets the budget from them)", *budget, len(spec.Parameters), spec.Method.Generations, spec.Method.Moves, least(0), 2*len(spec.Parameters))
	}
	upper := map[string]float64{}
	for _, q := range spec.Parameters {
		upper[q.Key] = q.Upper
	}
	if err := estimateCalibrate(st.Scenarios[0].Config, st.Scenarios[0].File, upper, c.workers).check(c.memLimit, c.maxMemory != ""); err != nil {
		return err
	}
	// the folder is taken before the work, so that a folder that will be
	// refused is refused at once
	h := sha256.New()
	fmt.Fprintf(h, "returnsim calibrate v1\ntargets=%s\nscenario=%s\nseed=%d\nbudget=%d\n", sha(text), st.Scenarios[0].ConfigSHA256(), c.seed, *budget)
	fp := hex.EncodeToString(h.Sum(nil))
	folder, err := tasks.Open(c.out, "calibrate", fp, c.force)
	if err != nil {
		return err
	}
	defer folder.Close()
	start := time.Now()
	// every evaluation goes through the journal; SIGINT and SIGTERM stop
	// them, and the folder is left as it was but for the journal
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	batches, err := tasks.OpenBatches(ctx, folder.Dir(), fp, *resume)
	if err != nil {
		return err
	}
	defer batches.Close()
	interrupted := func(err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted: %s is as it was; continue with the same command and --resume", c.out)
		}
		return err
	}
	prob := &calibrate.Problem{Base: st.Scenarios[0].Config, Spec: spec, Seed: uint64(c.seed), Batches: batches}

	var trace []calibrate.Evaluation
	tick, done := progress(stderr, *budget, "calibrating")
	lines := !showsBar(stderr) // in batch, a line per stage instead of the bar
	logf := func(format string, args ...any) {
		if lines {
			fmt.Fprintf(stderr, "calibrate: "+format+" (%d of %d simulations, %s)\n", append(args, len(trace), *budget, time.Since(start).Round(time.Second))...)
		}
	}
	record := func(e calibrate.Evaluation) {
		trace = append(trace, e)
		tick()
	}
	prob.Progress = func(g int, gen calibrate.Generation, _ int) {
		logf("ABC generation %d: tolerance %s, %d of %d proposed accepted, ESS %.1f", g, fixed(gen.Tolerance), gen.Accepted, gen.Proposed, gen.ESS)
	}
	// the start and the fit compared on the same (table) replicates, the
	// closer kept
	pf, err := prob.PointFit(fitN, c.workers, record)
	if err != nil {
		return interrupted(err)
	}
	best, detail := pf.Theta, pf.Detail
	d0, dist := pf.Start.Distance, detail.Distance
	logf("point fit: distance %s at the defaults, %s at the fit, on the same %d replicates", fixed(d0), fixed(pf.Fit.Distance), spec.Method.TableReplicates)
	post, abc, err := prob.ABC(abcN, c.workers, best, sim.NewStream(sim.StreamSeed(uint64(c.seed), 0, "abc", false)), record)
	var refused *calibrate.RefusedError
	if err != nil && !errors.As(err, &refused) {
		return interrupted(err)
	}
	infl, err := prob.Influences(best, c.workers)
	if err != nil {
		return interrupted(err)
	}
	done()
	logf("influences of the %d parameters at the fit", len(spec.Parameters))
	keys := make([]string, len(spec.Parameters))
	for i, q := range spec.Parameters {
		keys[i] = q.Key
	}
	ident := calibrate.Identify(spec.Parameters, post)
	table := detail.Rows

	write := func(name string, f func(w *bufio.Writer) error) {
		if err != nil {
			return
		}
		var w *bufio.Writer
		if w, err = folder.Create(name); err == nil {
			err = f(w)
		}
	}
	write("fit.csv", func(w *bufio.Writer) error { return writeFit(w, table, detail.MCSE) })
	write("abc.csv", func(w *bufio.Writer) error { return writeABC(w, abc) })
	write("params.toml", func(w *bufio.Writer) error { return writeParams(w, keys, best, dist, bytesCommand(c.command)) })
	write("trace.csv", func(w *bufio.Writer) error { return writeTrace(w, keys, trace) })
	write("statistics.csv", func(w *bufio.Writer) error { return writeStatistics(w, keys, trace) })
	if refused == nil {
		write("posterior.csv", func(w *bufio.Writer) error {
			return calibrate.WritePosterior(w, &calibrate.Posterior{Keys: keys, Particles: post})
		})
		draws := calibrate.Draws(post, postDraws, sim.NewStream(sim.StreamSeed(uint64(c.seed), 0, "draws", false)))
		write("posterior-draws.csv", func(w *bufio.Writer) error { return writeDraws(w, keys, draws) })
	}
	write("identification.csv", func(w *bufio.Writer) error { return writeIdent(w, ident, infl) })
	var sums []tasks.Sum
	if err == nil {
		sums, err = folder.Sums()
	}
	write("manifest.json", func(w *bufio.Writer) error {
		v, rev := version()
		return results.WriteJSON(w, &calibrate.Manifest{
			Program: "returnsim", Kind: "calibrate", Fingerprint: fp, Outputs: sums,
			Version: v, Revision: rev, Command: c.command,
			TargetsFile: name, Study: st.Name, Scenario: st.Scenarios[0].Name,
			Seed: c.seed, Budget: *budget, Resumed: batches.Resumed(), Workers: c.workers, Method: spec.Method,
			Evaluations: len(trace), StartDistance: d0, FitDistance: pf.Fit.Distance, KeptStart: pf.KeptStart,
			PosteriorParticles: len(post), PosteriorRefused: refused != nil,
			ABCFinalDistance: abc.Final, ABCESS: abc.ESS, Start: start.UTC(), End: time.Now().UTC(),
		})
	})
	if err == nil {
		err = folder.Commit()
	}
	if err != nil {
		return err
	}
	resumed := ""
	if n := batches.Resumed(); n > 0 {
		resumed = fmt.Sprintf(" (%d evaluations resumed from the journal)", n)
	}
	kept := "the fit"
	if pf.KeptStart {
		kept = "the defaults, as the fit is no closer"
	}
	fmt.Fprintf(stdout, "%d simulations in %.0fs%s; distance on the same %d replicates %.3f at the defaults, %.3f at the fit: params.toml holds %s; written to %s\n\n",
		len(trace), time.Since(start).Seconds(), resumed, spec.Method.TableReplicates, d0, pf.Fit.Distance, kept, c.out)
	printFit(stdout, table, detail.MCSE)
	fmt.Fprintln(stdout)
	printABC(stdout, abc)
	fmt.Fprintln(stdout)
	printIdent(stdout, ident, infl)
	if refused == nil && abc.ESS < calibrate.MinESS {
		fmt.Fprintf(stderr, "warning: the posterior's effective sample size is %.0f, below %d (docs/calibration.md, \"Honest labels\"): its 90%% intervals rest on about %.1f effective particles in each tail, and two calibrations on other seeds may differ by more than their targets tell apart; spend a larger --budget or --particles\n", abc.ESS, calibrate.MinESS, 0.05*abc.ESS)
	}
	if refused != nil {
		return refused
	}
	return nil
}

func writeABC(w *bufio.Writer, r *calibrate.ABCReport) error {
	w.WriteString("generation,tolerance,moves,proposed,accepted,ess,shift\n")
	for g, x := range r.Generations {
		fmt.Fprintf(w, "%d,%s,%d,%d,%d,%s,%s\n", g, results.FormatFixed(x.Tolerance), x.Moves, x.Proposed, x.Accepted, results.FormatFixed(x.ESS), results.FormatFixed(x.Shift))
	}
	return nil
}

func printABC(w io.Writer, r *calibrate.ABCReport) {
	fmt.Fprintf(w, "ABC-SMC: %d generations; posterior within distance %s, effective sample size %.0f\n", len(r.Generations), fixed(r.Final), r.ESS)
	fmt.Fprintf(w, "%10s %12s %6s %9s %9s %7s %s\n", "generation", "tolerance", "moves", "proposed", "accepted", "ESS", "shift (prior SDs)")
	for g, x := range r.Generations {
		fmt.Fprintf(w, "%10d %12s %6d %9d %9d %7.1f %.3f\n", g, fixed(x.Tolerance), x.Moves, x.Proposed, x.Accepted, x.ESS, x.Shift)
	}
}

// fitHead is the first line of fit.csv: each row of the fit table, its
// statistic, component and calendar year (empty when it has none) in
// columns of their own.
const fitHead = "target,statistic,component,year,kind,observed,simulated,mc_se,error,within_tolerance\n"

func writeFit(w *bufio.Writer, rows []calibrate.Row, mcse []float64) error {
	w.WriteString(fitHead)
	for i, r := range rows {
		fmt.Fprintf(w, "%s,%s,%s,%s,%s,%s,%t\n", rowKey(r), r.Kind, results.FormatFixed(r.Observed), results.FormatFixed(r.Simulated), results.FormatFixed(mcse[i]), results.FormatFixed(r.Error), r.Within)
	}
	return nil
}

// rowKey is a fit table row's target, statistic, component and year, as
// CSV fields.
func rowKey(r calibrate.Row) string {
	year := ""
	if r.Year != 0 {
		year = strconv.Itoa(r.Year)
	}
	return csvQuote(r.Target) + "," + r.Stat + "," + csvQuote(r.Component) + "," + year
}

// writeStatistics writes every evaluation's simulated statistics in long
// form: one row per evaluation and row of the fit table, with the
// evaluation's parameters, so that the simulations can be re-analysed
// (another tolerance, a regression adjustment, an emulator) without
// running them again. generation is empty outside ABC; value is NaN for
// the pattern's row of an evaluation that skipped it (lower_bound in
// trace.csv); error is the row's error in tolerances, as in fit.csv.
func writeStatistics(w *bufio.Writer, keys []string, trace []calibrate.Evaluation) error {
	w.WriteString("evaluation,phase,generation," + strings.Join(keys, ",") + ",target,statistic,component,year,value,error\n")
	for i, e := range trace {
		gen := strings.TrimPrefix(e.Phase, "abc-")
		if gen == e.Phase {
			gen = ""
		}
		var head strings.Builder
		fmt.Fprintf(&head, "%d,%s,%s", i, e.Phase, gen)
		for _, x := range e.Theta {
			head.WriteString("," + strconv.FormatFloat(x, 'g', 10, 64))
		}
		for _, r := range e.Rows {
			fmt.Fprintf(w, "%s,%s,%s,%s\n", head.String(), rowKey(r), results.FormatFixed(r.Simulated), results.FormatFixed(r.Error))
		}
	}
	return nil
}

// postDraws is how many equal-weight draws posterior-draws.csv holds.
const postDraws = 1000

// writeDraws writes equal-weight draws of the posterior in long form.
func writeDraws(w *bufio.Writer, keys []string, draws [][]float64) error {
	w.WriteString("draw,parameter,value\n")
	for d, theta := range draws {
		for i, k := range keys {
			fmt.Fprintf(w, "%d,%s,%s\n", d, k, strconv.FormatFloat(theta[i], 'g', 10, 64))
		}
	}
	return nil
}

func csvQuote(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// isInt reports whether the scenario key is an integer field.
func isInt(cfg *sim.Config, key string) bool {
	f, _, _, ok := agents.Field(cfg, key)
	return ok && f.Kind() == reflect.Int
}

// writeParams writes the fitted values as a one-scenario study file: it
// runs as it is (returnsim run params.toml), and its keys can be copied
// into any scenario's table.
func writeParams(w *bufio.Writer, keys []string, theta []float64, dist float64, command []string) error {
	fmt.Fprintf(w, "# Fitted by: %s\n# Distance to the targets at the fit: %.4g\n\n[base]\nname = \"calibrated\"\n", strings.Join(command, " "), dist)
	for i, k := range keys {
		cfg := sim.DefaultConfig()
		if isInt(&cfg, k) {
			fmt.Fprintf(w, "%s = %d\n", k, int(math.Round(theta[i])))
		} else {
			fmt.Fprintf(w, "%s = %s\n", k, strconv.FormatFloat(theta[i], 'g', 6, 64))
		}
	}
	return nil
}

// bytesCommand is the command line without the flags that do not change
// a calibration's outputs (--workers, --resume, --force, --max-memory,
// --out), so that a calibration resumed on other workers, or made in
// another folder, writes the same bytes.
func bytesCommand(command []string) []string {
	var out []string
	for i := 0; i < len(command); i++ {
		name, _, hasValue := strings.Cut(strings.TrimLeft(command[i], "-"), "=")
		if !strings.HasPrefix(command[i], "-") {
			out = append(out, command[i])
			continue
		}
		switch name {
		case "resume", "force":
		case "workers", "max-memory", "out":
			if !hasValue {
				i++ // its value
			}
		default:
			out = append(out, command[i])
		}
	}
	return out
}

func writeTrace(w *bufio.Writer, keys []string, trace []calibrate.Evaluation) error {
	// lower_bound: the distance leaves out the pattern's part, skipped as
	// the rest already exceeded the ABC move's tolerance
	w.WriteString("evaluation,phase," + strings.Join(keys, ",") + ",distance,lower_bound\n")
	for i, e := range trace {
		fmt.Fprintf(w, "%d,%s", i, e.Phase)
		for _, x := range e.Theta {
			w.WriteString("," + strconv.FormatFloat(x, 'g', 10, 64))
		}
		w.WriteString("," + strconv.FormatFloat(e.Distance, 'g', 10, 64) + "," + strconv.FormatBool(e.LowerBound) + "\n")
	}
	return nil
}

// movedBy is how much a target must move, in tolerances per prior SD of a
// parameter, to be listed as moving it.
const movedBy = 0.5

func writeIdent(w *bufio.Writer, id []calibrate.Identification, infl []calibrate.Influence) error {
	w.WriteString("parameter,prior_sd,posterior_mean,mean_mc_se,posterior_sd,sd_ratio,sd_ratio_low,sd_ratio_high,verdict,moved_by\n")
	for i, r := range id {
		fmt.Fprintf(w, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", r.Key, results.FormatFixed(r.PriorSD), results.FormatFixed(r.PostMean), results.FormatFixed(r.MeanSE), results.FormatFixed(r.PostSD), results.FormatFixed(r.Ratio), results.FormatFixed(r.RatioLow), results.FormatFixed(r.RatioHigh), r.Verdict, csvQuote(strings.Join(infl[i].MovedBy(movedBy), "; ")))
	}
	return nil
}

func printFit(w io.Writer, rows []calibrate.Row, mcse []float64) {
	tw, cw := len("target"), len("statistic")
	for _, r := range rows {
		tw, cw = max(tw, len(r.Target)), max(cw, len(r.Statistic))
	}
	fmt.Fprintf(w, "%-*s  %-*s %10s %10s %9s %8s  %s\n", tw, "target", cw, "statistic", "observed", "simulated", "MC SE", "error", "within tolerance")
	for i, r := range rows {
		fmt.Fprintf(w, "%-*s  %-*s %10s %10s %9s %8.3f  %t\n", tw, r.Target, cw, r.Statistic, fixed(r.Observed), fixed(r.Simulated), fixed(mcse[i]), r.Error, r.Within)
	}
	fmt.Fprintf(w, "\n%-*s %10s  %s\n", tw, "target", "RMS error", "met (RMS error at most 1 tolerance)")
	for _, f := range calibrate.Fits(rows) {
		fmt.Fprintf(w, "%-*s %10.2f  %t\n", tw, f.Target, f.RMS, f.Met)
	}
}

func printIdent(w io.Writer, id []calibrate.Identification, infl []calibrate.Influence) {
	fmt.Fprintf(w, "%-34s %10s %10s %10s %-17s  %-32s %s\n", "parameter", "post.mean", "MC SE", "post.sd", "sd/prior [2 MC SE]", "verdict", "moved by (targets, >= 0.5 tolerance per prior SD)")
	for i, r := range id {
		fmt.Fprintf(w, "%-34s %10s %10s %10s %-17s  %-32s %s\n", r.Key, fixed(r.PostMean), fixed(r.MeanSE), fixed(r.PostSD), fmt.Sprintf("%.2f [%.2f, %.2f]", r.Ratio, r.RatioLow, r.RatioHigh), r.Verdict, strings.Join(infl[i].MovedBy(movedBy), "; "))
	}
}

// fixed writes x in fixed notation with four significant digits (at most
// six decimals, none for 1,000 and above), so that numbers of one column
// compare by eye: 110000 beside 122300, never 1.1e+05 beside 1.223e+05.
func fixed(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	dec := 3 - int(math.Floor(math.Log10(math.Abs(x))))
	return strconv.FormatFloat(x, 'f', min(max(dec, 0), 6), 64)
}
