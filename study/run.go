package study

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/internal/tasks"
	"github.com/returnsim/returnsim/results"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/sim"
)

// Options say where and how a study runs.
type Options struct {
	Out        string // the result folder
	Seed       int64  // the run seed, 0 or more
	Replicates int    // of each scenario, at least 1
	Workers    int    // goroutines that simulate, at least 1
	Cases      bool   // also write cases.csv and persons.csv
	// Posterior, when not nil, gives replicate r of every scenario the
	// parameter set drawn from it with a uniform of the run seed and r
	// (calibrate.ReadPosterior records the file and its hash, which the
	// manifest and the fingerprint take).
	Posterior *calibrate.Posterior
	Resume    bool // continue the interrupted run whose journal is in Out
	Force     bool // take a folder that holds another run's results
	Command   []string
	Version   string
	Revision  string
	Progress  func() // called after each replicate is written, on one goroutine
	// Histories, when not nil, are the shared histories Run continues its
	// scenarios from instead of building its own: a Forked's of the same
	// baseline, fork, seed and posterior, holding at least Replicates, and
	// without Cases (Forked.serves says why not). Every file is then what
	// Run writes without them.
	Histories *Forked

	// holdUncertain runs the study with its unconstrained assumptions
	// (scenarios.Study.Uncertain) at their values, not drawn: the held
	// run whose intervals summary.csv gives beside the drawn ones.
	holdUncertain bool
}

// Tasks is the number of scenario-replicates Run simulates for st with
// opt, for a progress bar: twice the scenarios times the replicates when
// it draws the study's unconstrained assumptions (with a posterior), since
// it runs the draws once more with those held at their values.
func Tasks(st *scenarios.Study, opt Options) int {
	n := len(st.Scenarios) * opt.Replicates
	if drawsUncertain(st, &opt) {
		n *= 2
	}
	return n
}

// drawsUncertain reports whether a run of st with opt draws the study's
// unconstrained assumptions: with a posterior, when the study names some.
func drawsUncertain(st *scenarios.Study, opt *Options) bool {
	return opt.Posterior != nil && len(st.Uncertain) > 0 && !opt.holdUncertain
}

// Result is what a finished study wrote: summary.csv's rows, the
// manifest, and what each group rule selected (rules.csv).
type Result struct {
	Rows     []results.SummaryRow
	Manifest *results.Manifest
	Rules    []RuleSelected
}

// RuleSelected is what a group rule of a scenario selected when its policy
// came into force (Date, the first recorded month, a dated change's or a
// fork's): the persons in the return system it was the rule of, by
// replicate.
type RuleSelected struct {
	Scenario string
	Rule     string // results.RuleKey
	Date     string
	Persons  []int // by replicate
}

// Run runs every scenario x replicate of st and writes opt.Out:
// replicates.csv, timeseries.csv, summary.csv, manifest.json and, with
// opt.Cases, cases.csv and persons.csv. A folder with the journal of an
// interrupted run of the same study and options resumes it when
// opt.Resume is set. See the package documentation for its promises.
//
// Each scenario x replicate is a task of internal/tasks, whose record is
// the replicate's own metrics, its persons' pairing flags and its rows of
// timeseries.csv and (with Cases) cases.csv and persons.csv, so that an
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
func Run(ctx context.Context, st *scenarios.Study, opt Options) (*Result, error) {
	start := time.Now()
	if len(st.Scenarios) == 0 {
		return nil, errors.New("study: no scenario to run")
	}
	if opt.Replicates < 1 {
		return nil, fmt.Errorf("study: %d replicates: want at least 1", opt.Replicates)
	}
	if opt.Seed < 0 {
		return nil, fmt.Errorf("study: seed %d: want 0 or more", opt.Seed)
	}
	reps, keepCases, post := opt.Replicates, opt.Cases, opt.Posterior
	projection := results.IsProjection(st.ForkMonth, st.Fork != "")
	if post != nil {
		for i := range st.Scenarios {
			if err := post.Check(&st.Scenarios[i].Config, st.Scenarios[i].Name); err != nil {
				return nil, err
			}
		}
		if err := checkUncertain(st, post); err != nil {
			return nil, err
		}
	}
	unc := drawsUncertain(st, &opt)
	fp := fingerprint(st, &opt)
	folder, err := tasks.Open(opt.Out, "run", fp, opt.Force)
	if err != nil {
		return nil, err
	}
	defer folder.Close() // aborts what is not committed
	repW, err1 := folder.Create("replicates.csv")
	serW, err2 := folder.Create("timeseries.csv")
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	repW.WriteString(results.ReplicatesHeaderOf(projection, post != nil) + "\n")
	serW.WriteString(results.TimeseriesHeaderOf(projection) + "\n")
	grpW, err1 := folder.Create("groups.csv")
	rulW, err2 := folder.Create("rules.csv")
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	grpW.WriteString(results.GroupsHeader + "\n")
	rulW.WriteString(results.RulesHeader + "\n")
	var casW, perW *bufio.Writer
	if keepCases {
		if casW, err = folder.Create("cases.csv"); err != nil {
			return nil, err
		}
		casW.WriteString(results.CasesHeaderOf(projection) + "\n")
		if perW, err = folder.Create("persons.csv"); err != nil {
			return nil, err
		}
		perW.WriteString(results.PersonsHeaderOf(projection) + "\n")
	}

	ru := newRunner(st, opt.Seed, reps, keepCases, post, unc)
	if opt.Histories != nil {
		if err := opt.Histories.serves(st, &opt); err != nil {
			return nil, err
		}
		ru.hist = opt.Histories.ru.hist
	} else if ru.hist != nil {
		defer ru.hist.release()
	}
	names := make([]string, len(st.Scenarios))
	metrics := make([][][]float64, len(st.Scenarios))
	groups := make([][]results.Group, len(st.Scenarios))
	groupValues := make([][][]float64, len(st.Scenarios))
	yearly := make([][][]int, len(st.Scenarios))
	for s := range st.Scenarios {
		names[s] = st.Scenarios[s].Name
		metrics[s] = make([][]float64, reps)
		groups[s] = results.GroupsOf(&st.Scenarios[s].Config, projection)
		groupValues[s] = make([][]float64, reps)
		yearly[s] = make([][]int, reps)
	}
	var selected []RuleSelected
	n := len(st.Scenarios) * reps
	var computed atomic.Int64
	do := func(ctx context.Context, i int) ([]byte, error) {
		b, err := ru.replicate(ctx, &st.Scenarios[i/reps], i < reps, i%reps)
		if err == nil {
			computed.Add(1)
		}
		return b, err
	}
	bl := newBaseline(reps)
	var row []byte
	emit := func(i int, b []byte) error {
		s, r := i/reps, i%reps
		p, err := ru.pair(bl, names[s], s == 0, r, b, len(groups[s]))
		if err != nil {
			return err
		}
		rr := &p.rec
		yearly[s][r], metrics[s][r], groupValues[s][r] = rr.years, p.metrics, p.groups
		draw := -1
		if post != nil {
			draw = ru.draws[r]
		}
		row = results.AppendReplicateRow(row[:0], names[s], r, ru.seedOf(names[s], r), draw, p.metrics)
		repW.Write(row)
		serW.Write(rr.series)
		row = results.AppendGroupRows(row[:0], names[s], r, groups[s], p.groups)
		grpW.Write(row)
		cfg := &st.Scenarios[s].Config
		for _, c := range rr.rules {
			row = results.AppendRuleRow(row[:0], names[s], r, cfg, &c)
			rulW.Write(row)
			selected = addSelected(selected, names[s], reps, r, cfg, &c)
		}
		if keepCases {
			casW.Write(rr.cases)
			perW.Write(rr.persons)
		}
		if opt.Progress != nil {
			opt.Progress()
		}
		return nil
	}
	if err := tasks.Run(ctx, tasks.Options{Dir: opt.Out, Workers: opt.Workers, Resume: opt.Resume, Fingerprint: fp}, n, do, emit); err != nil {
		return nil, err
	}
	sum, err := ru.summarize(names, metrics, yearly, groups, groupValues)
	if err != nil {
		return nil, err
	}
	rows := sum.rows
	sumW, err := folder.Create("summary.csv")
	if err != nil {
		return nil, err
	}
	sumW.WriteString(results.SummaryHeader + "\n")
	if unc {
		// the same draws, the unconstrained assumptions held: run in a
		// folder of its own, of which only summary's rows are kept
		held, err := runHeld(ctx, st, opt)
		if err != nil {
			return nil, fmt.Errorf("the run with the unconstrained assumptions held: %w", err)
		}
		results.AddHeld(rows, held)
	}
	if err := results.WriteSummary(sumW, rows); err != nil {
		return nil, err
	}
	if projection {
		yw, err := folder.Create("yearly.csv")
		if err != nil {
			return nil, err
		}
		yw.WriteString(results.YearlyHeader + "\n")
		if err := results.WriteYearly(yw, sum.yearly); err != nil {
			return nil, err
		}
	}
	gsW, err := folder.Create("groups-summary.csv")
	if err != nil {
		return nil, err
	}
	gsW.WriteString(results.GroupSummaryHeader + "\n")
	if err := results.WriteGroupSummary(gsW, sum.groups); err != nil {
		return nil, err
	}
	sums, err := folder.Sums()
	if err != nil {
		return nil, err
	}
	man := &results.Manifest{
		Program: "returnsim", Kind: "run", Version: opt.Version, Revision: opt.Revision, Command: opt.Command, Fingerprint: fp, Study: st.Name,
		Seed: opt.Seed, Replicates: reps, Workers: opt.Workers, CRN: st.CRN, Fork: st.Fork,
		Resumed: n - int(computed.Load()), Outputs: sums, Start: start.UTC(),
		Persons:        population(st, projection),
		SummaryColumns: summaryColumns(post != nil, reps),
	}
	if unc {
		for _, u := range st.Uncertain {
			man.Uncertain = append(man.Uncertain, results.ManifestUncertain{Key: u.Key, Low: u.Low, High: u.High, Reason: u.Reason})
		}
	}
	if post != nil {
		man.Posterior, man.PosteriorSHA256, man.PosteriorKeys = post.File, post.SHA256, post.Keys
		man.Parameters = fmt.Sprintf("replicate r of every scenario ran with the parameters of one row of %s (SHA-256 %s), the 0-based row in replicates.csv's draw column; for the keys in posterior_keys, each scenario's config holds not a value but %q", post.File, post.SHA256, fromPosterior)
	}
	seen := map[string]bool{}
	for i := range st.Scenarios {
		sc := &st.Scenarios[i]
		if !seen[sc.File] {
			seen[sc.File] = true
			man.Files = append(man.Files, sc.File)
		}
		cm := sc.ConfigMap()
		if post != nil {
			markPosterior(cm, post.Keys)
		}
		man.Scenarios = append(man.Scenarios, results.ManifestScenario{
			Name: sc.Name, Description: sc.Description, File: sc.File,
			FileSHA256: sc.FileSHA256, ConfigSHA256: sc.ConfigSHA256(), Config: cm,
		})
	}
	for _, k := range scenarios.Keys() {
		man.Keys = append(man.Keys, results.ManifestKey{Key: k.Key, Desc: k.Desc, Unit: k.Unit, Source: k.Source, Via: k.Via})
	}
	man.End = time.Now().UTC()
	manW, err := folder.Create("manifest.json")
	if err != nil {
		return nil, err
	}
	if err := results.WriteJSON(manW, man); err != nil {
		return nil, err
	}
	if err := folder.Commit(); err != nil {
		return nil, err
	}
	return &Result{Rows: rows, Manifest: man, Rules: selected}, nil
}

// addSelected adds rule count c of replicate r (of reps) of a scenario
// with configuration cfg to sel: in the entry of its scenario, rule and
// date, made when first met.
func addSelected(sel []RuleSelected, scenario string, reps, r int, cfg *sim.Config, c *sim.RuleCount) []RuleSelected {
	key, date := results.RuleKey(c), cfg.Date(c.Month)
	for i := range sel {
		if x := &sel[i]; x.Scenario == scenario && x.Rule == key && x.Date == date {
			x.Persons[r] = c.Persons
			return sel
		}
	}
	x := RuleSelected{Scenario: scenario, Rule: key, Date: date, Persons: make([]int, reps)}
	x.Persons[r] = c.Persons
	return append(sel, x)
}

// fingerprint identifies what decides a run's outputs: the program's
// output format, each scenario's name and resolved configuration, the
// seed, replicates, cases and posterior; not the workers, which change no
// byte.
func fingerprint(st *scenarios.Study, opt *Options) string {
	postSHA := ""
	if opt.Posterior != nil {
		postSHA = opt.Posterior.SHA256
	}
	h := sha256.New()
	fmt.Fprintf(h, "returnsim run v4\nseed=%d\nreplicates=%d\ncases=%t\ncrn=%t\nposterior=%s\n", opt.Seed, opt.Replicates, opt.Cases, st.CRN, postSHA)
	if st.Fork != "" {
		fmt.Fprintf(h, "fork=%s\n", st.Fork) // none: the fingerprint of a run before forks
	}
	if drawsUncertain(st, opt) {
		for _, u := range st.Uncertain {
			fmt.Fprintf(h, "uncertain=%q %v %v\n", u.Key, u.Low, u.High) // none: held, or a run before them
		}
	}
	if opt.holdUncertain {
		fmt.Fprintf(h, "held\n")
	}
	for i := range st.Scenarios {
		sc := &st.Scenarios[i]
		fmt.Fprintf(h, "scenario=%q %s\n", sc.Name, sc.ConfigSHA256())
	}
	return hex.EncodeToString(h.Sum(nil))
}

// summaryRows is summary.csv's rows: means and paired differences of every
// metric, with the costs per additional and per net additional verified
// departure as ratios of means rather than means of ratios; with draws (a posterior, one draw per
// replicate), also the predictive intervals and shares above the baseline.
func summaryRows(names []string, metrics [][][]float64, draws, projection bool) ([]results.SummaryRow, error) {
	rows := results.Summarize(names, metrics)
	metricNames := results.MetricNamesOf(projection)
	cpa, err := results.CostPerAdditionalRows(names, metrics, metricNames)
	if err != nil {
		return nil, err
	}
	rows = results.ReplaceRows(rows, cpa)
	cpn, err := results.CostPerNetRows(names, metrics, metricNames)
	if err != nil {
		return nil, err
	}
	rows = results.ReplaceRows(rows, cpn)
	if draws {
		results.AddDraws(rows, names, metrics, metricNames)
	}
	return rows, nil
}

// population says whom the per-person metrics of st count
// (results.Population): in a projection, the persons reachable from the
// fork.
func population(st *scenarios.Study, projection bool) string {
	fork := 0
	if projection {
		fork = st.ForkMonth
	}
	return results.Population(&st.Scenarios[0].Config, fork)
}

// summaryColumns describes summary.csv's columns for manifest.json, saying
// whether the predictive ones are filled and over how many draws.
func summaryColumns(draws bool, reps int) map[string]string {
	here := "; NaN here: this run has no posterior, so no parameter draws"
	if draws {
		here = fmt.Sprintf("; here %d draws, one per replicate", reps)
	}
	return map[string]string{
		"mean,ci_low,ci_high":                                              "the mean over replicates and the 95% Student-t interval of the MEAN",
		"diff_vs_baseline,diff_ci_low,diff_ci_high":                        "the mean paired difference from the baseline and the 95% interval of that mean",
		"pred90_low,pred90_high":                                           "90% predictive interval of the value over parameter draws: the 5% and 95% empirical quantiles of the draws' values" + here,
		"diff_pred90_low,diff_pred90_high":                                 "90% predictive interval of the paired difference from the baseline over parameter draws" + here,
		"p_above_baseline":                                                 "share of parameter draws in which the paired difference is above 0, a tie counting half; NaN for the baseline" + here,
		"diff_pred90_low_held,diff_pred90_high_held,p_above_baseline_held": "the same over the same parameter draws with the study's unconstrained assumptions ([[uncertain]], manifest's uncertain) held at their values rather than drawn: the part of the interval the assumptions do not make; NaN unless a run over a posterior draws some",
	}
}

// drawsOf is, for each replicate r, the index of the particle of post
// (its 0-based row in the posterior file) that replicate r of every
// scenario runs with: drawn by weight with a uniform from the stream of
// the run seed, r and "posterior". Nil without a posterior.
func drawsOf(post *calibrate.Posterior, seed int64, reps int) []int {
	if post == nil {
		return nil
	}
	draws := make([]int, reps)
	for r := range draws {
		q := post.Draw(uniformOf(sim.StreamSeed(uint64(seed), r, "posterior", false)))
		for i := range post.Particles {
			if &post.Particles[i] == q {
				draws[r] = i
			}
		}
	}
	return draws
}

// checkUncertain refuses a study whose unconstrained assumptions include
// a key the posterior post draws.
func checkUncertain(st *scenarios.Study, post *calibrate.Posterior) error {
	for _, u := range st.Uncertain {
		if slices.Contains(post.Keys, u.Key) {
			return fmt.Errorf("%s: uncertain: %s is a key of the posterior %s, which draws it: leave it out of [[uncertain]], or out of the calibration", u.Where, u.Key, post.File)
		}
	}
	return nil
}

// uncertainOf is replicate r's draw of the unconstrained assumptions us:
// each uniform in its range, from the stream of the run seed, r and its
// key, the same in every scenario (so differences stay paired) and
// whatever the other keys are.
func uncertainOf(us []scenarios.Uncertain, seed int64, r int) []float64 {
	xs := make([]float64, len(us))
	for i, u := range us {
		xs[i] = u.Low + (u.High-u.Low)*uniformOf(sim.StreamSeed(uint64(seed), r, "uncertain "+u.Key, false))
	}
	return xs
}

// runHeld runs st as opt says, but with its unconstrained assumptions
// held at their values, in a temporary folder it removes, and returns its
// summary rows. It reports progress as the run does.
func runHeld(ctx context.Context, st *scenarios.Study, opt Options) ([]results.SummaryRow, error) {
	dir, err := os.MkdirTemp("", "returnsim-held-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	opt.Out, opt.Resume, opt.Force, opt.Cases, opt.holdUncertain = dir, false, false, false, true
	opt.Histories = nil // a Forked's were built with the assumptions drawn
	res, err := Run(ctx, st, opt)
	if err != nil {
		return nil, err
	}
	return res.Rows, nil
}

// fromPosterior stands in a run manifest's scenario config for a value
// that each replicate took from its posterior draw.
const fromPosterior = "from the posterior: see replicates.csv's draw column"

// markPosterior replaces, in a scenario's config map (TOML tables as
// nested maps), the value of each key of keys by fromPosterior, so that
// the manifest does not list as run a value no replicate ran with. A key
// whose path is not a chain of tables (none of the posterior's today) is
// left: posterior_keys still names it.
func markPosterior(cfg map[string]any, keys []string) {
	for _, k := range keys {
		m, path := cfg, strings.Split(k, ".")
		for _, p := range path[:len(path)-1] {
			if m, _ = m[p].(map[string]any); m == nil {
				break
			}
		}
		if _, ok := m[path[len(path)-1]]; ok {
			m[path[len(path)-1]] = fromPosterior
		}
	}
}

// uniformOf is one uniform draw from the stream with seed seed.
func uniformOf(seed uint64) float64 {
	return float64(sim.NewStream(seed).Uint64()>>11) * 0x1p-53
}
