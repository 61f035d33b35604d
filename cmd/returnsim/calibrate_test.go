package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/internal/tasks"
	"github.com/returnsim/returnsim/scenarios"
)

// TestCalibrateSmall runs a small calibration and uses what it writes:
// params.toml runs as a study and carries the fitted values, and
// posterior.csv drives run --posterior with the same bytes for 1 and 2
// workers.
func TestCalibrateSmall(t *testing.T) {
	dir := t.TempDir()
	out, err := runArgs(t, "calibrate", "testdata/targets-small.toml", "--study", "testdata/small.toml", "--budget", "40", "--out", dir, "--seed", "3")
	if err != nil {
		t.Fatalf("calibrate: %v\n%s", err, out)
	}
	heads := map[string]string{
		"fit.csv":             "target,statistic,component,year,kind,observed,simulated,mc_se,error,within_tolerance\n",
		"statistics.csv":      "evaluation,phase,generation,params.absconding.base,state.forced_rate,target,statistic,component,year,value,error\n",
		"posterior-draws.csv": "draw,parameter,value\n",
		"abc.csv":             "generation,tolerance,moves,proposed,accepted,ess,shift\n",
		"trace.csv":           "evaluation,phase,params.absconding.base,state.forced_rate,distance,lower_bound\n",
		"posterior.csv":       "particle,params.absconding.base,state.forced_rate,weight,distance\n",
		"identification.csv":  "parameter,prior_sd,posterior_mean,mean_mc_se,posterior_sd,sd_ratio,sd_ratio_low,sd_ratio_high,verdict,moved_by\n",
		"params.toml":         "# Fitted by: returnsim calibrate",
		"manifest.json":       "{",
	}
	checkHeads(t, dir, heads)
	trace, _ := os.ReadFile(filepath.Join(dir, "trace.csv"))
	// the budget is what a calibration may spend: a move outside the
	// bounds is rejected without a simulation, so ABC may spend less
	if n := strings.Count(string(trace), "\n") - 1; n > 40 {
		t.Errorf("trace.csv has %d evaluations, want at most the budget, 40", n)
	}
	for _, phase := range []string{",start,", ",fit,", ",abc-0,", ",abc-1,", ",abc-2,", ",final,"} {
		if !strings.Contains(string(trace), phase) {
			t.Errorf("trace.csv has no evaluation of phase %s", strings.Trim(phase, ","))
		}
	}
	if fit, _ := os.ReadFile(filepath.Join(dir, "fit.csv")); strings.Count(string(fit), "\n") != 1+3+1 {
		t.Errorf("fit.csv has %d lines, want a header and 4 rows (3 mix components, 1 return rate)", strings.Count(string(fit), "\n"))
	}

	st, err := scenarios.Load(filepath.Join(dir, "params.toml"))
	if err != nil {
		t.Fatalf("params.toml does not load as a study: %v", err)
	}
	post, err := calibrate.ReadPosterior(filepath.Join(dir, "posterior.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(post.Particles) < 2 {
		t.Errorf("posterior has %d particles, want several", len(post.Particles))
	}
	fr := st.Scenarios[0].Config.State.ForcedRate
	if fr < 0 || fr > 0.15 {
		t.Errorf("params.toml state.forced_rate = %v, want it inside the bounds [0, 0.15]", fr)
	}

	a, b := t.TempDir(), t.TempDir()
	for i, w := range []string{"1", "2"} {
		if out, err := runArgs(t, "run", "testdata/small.toml", "--posterior", filepath.Join(dir, "posterior.csv"), "--replicates", "3", "--workers", w, "--out", []string{a, b}[i]); err != nil {
			t.Fatalf("run --posterior: %v\n%s", err, out)
		}
	}
	x, _ := os.ReadFile(filepath.Join(a, "replicates.csv"))
	y, _ := os.ReadFile(filepath.Join(b, "replicates.csv"))
	if !bytes.Equal(x, y) || len(x) < 100 {
		t.Errorf("run --posterior: replicates.csv differs between 1 and 2 workers (or is empty)")
	}
	plain := t.TempDir()
	runArgs(t, "run", "testdata/small.toml", "--replicates", "3", "--out", plain)
	z, _ := os.ReadFile(filepath.Join(plain, "replicates.csv"))
	if bytes.Equal(x, z) {
		t.Errorf("run --posterior gave the same replicates as a run without it")
	}
}

// A posterior whose particles lie above method.max_distance is not
// written: the calibration says why in one line and fails, and keeps what
// else it found (the fit, the trace, the ABC generations).
func TestCalibrateRefuses(t *testing.T) {
	text, err := os.ReadFile("testdata/targets-small.toml")
	if err != nil {
		t.Fatal(err)
	}
	strict := filepath.Join(t.TempDir(), "strict.toml")
	if err := os.WriteFile(strict, bytes.Replace(text, []byte("max_distance = 1000"), []byte("max_distance = 0.001"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out, err := runArgs(t, "calibrate", strict, "--study", "testdata/small.toml", "--budget", "40", "--out", dir, "--seed", "3")
	if err == nil || !strings.HasPrefix(err.Error(), "posterior refused: ") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("calibrate with max_distance 0.001: error %v, want one line beginning \"posterior refused: \"\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "posterior.csv")); !os.IsNotExist(err) {
		t.Errorf("a refused posterior was written (stat: %v)", err)
	}
	for _, f := range []string{"fit.csv", "abc.csv", "trace.csv", "identification.csv", "manifest.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v, want it written", f, err)
		}
	}
}

func TestCalibrateRejects(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"calibrate", "testdata/targets-small.toml", "--budget", "5"}, "--budget 5 is too small"},
		{[]string{"calibrate", "testdata/bad.toml"}, "testdata/bad.toml"},
		{[]string{"calibrate", "testdata/targets-small.toml", "--particles", "6", "--budget", "40"}, "--particles 6 means --budget 40"},
		{[]string{"calibrate", "testdata/targets-small.toml", "--particles", "3"}, "want 4 (two per free parameter)"},
		{[]string{"run", "--posterior", "testdata/small.toml"}, "testdata/small.toml"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, err := runArgs(t, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run(%q) = %v, want an error containing %q", tc.args, err, tc.want)
			}
		})
	}
}

// TestCalibrateKeepsTheCloser: the start and the fit are compared on the
// same replicates (the table's, common random numbers), the manifest gives
// both, and params.toml holds the closer. The distances at the start and
// the fit are recomputed here on the table's replicates: a calibration that
// compared the start on other replicates (as one did, printing "7.13 at the
// defaults, 7.26 at the fit" where the defaults scored 6.34 on the fit's
// replicates) fails.
func TestCalibrateKeepsTheCloser(t *testing.T) {
	dir := t.TempDir()
	if out, err := runArgs(t, "calibrate", "testdata/targets-small.toml", "--study", "testdata/small.toml", "--budget", "40", "--out", dir, "--seed", "3"); err != nil {
		t.Fatalf("calibrate: %v\n%s", err, out)
	}
	var man calibrate.Manifest
	b, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	text, _ := os.ReadFile("testdata/targets-small.toml")
	spec, err := calibrate.ParseSpec("targets-small.toml", text)
	if err != nil {
		t.Fatal(err)
	}
	st, err := scenarios.Load("testdata/small.toml")
	if err != nil {
		t.Fatal(err)
	}
	prob := &calibrate.Problem{Base: st.Scenarios[0].Config, Spec: spec, Seed: 3}
	d0, err := prob.Detail(prob.Start(), 2)
	if err != nil {
		t.Fatal(err)
	}
	if d0.Distance != man.StartDistance {
		t.Errorf("manifest start_distance = %v, want %v, the start's on the %d table replicates", man.StartDistance, d0.Distance, spec.Method.TableReplicates)
	}
	st2, err := scenarios.Load(filepath.Join(dir, "params.toml"))
	if err != nil {
		t.Fatal(err)
	}
	// params.toml's values on the small study (a study of its own, it
	// keeps the defaults' other keys)
	theta := make([]float64, len(spec.Parameters))
	for i, q := range spec.Parameters {
		theta[i], _ = agents.GetFloat(&st2.Scenarios[0].Config, q.Key)
	}
	d, err := prob.Detail(theta, 2)
	if err != nil {
		t.Fatal(err)
	}
	// params.toml rounds to 6 digits: a distance within a thousandth
	if want := math.Min(man.StartDistance, man.FitDistance); math.Abs(d.Distance-want) > 1e-3*want {
		t.Errorf("params.toml scores %v on the table replicates, want the closer of start %v and fit %v", d.Distance, man.StartDistance, man.FitDistance)
	}
	if man.KeptStart != (man.StartDistance <= man.FitDistance) {
		t.Errorf("manifest kept_start = %v with start %v and fit %v", man.KeptStart, man.StartDistance, man.FitDistance)
	}
}

// TestCalibrateInterruptAndResume: SIGTERM (what Slurm sends at a job's
// time limit) stops a calibration in its ABC generations: it exits with
// one line naming --resume and leaves the folder without outputs or
// temporary files; --resume, on another number of workers, then writes the
// bytes of an uninterrupted calibration and restores the journalled
// evaluations rather than simulating them again.
func TestCalibrateInterruptAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the command as processes")
	}
	args := []string{"calibrate", "testdata/targets-small.toml", "--study", "testdata/small.toml", "--budget", "300", "--workers", "1", "--seed", "4"}
	whole := t.TempDir()
	if out, err := command(t, append(args, "--out", whole)...).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted calibration: %v\n%s", err, out)
	}
	want := outputs(t, whole)

	dir := t.TempDir()
	cmd := command(t, append(args, "--out", dir)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// in batch (CI is set) a line per stage: stop it once ABC has begun
	var lines []string
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if strings.Contains(sc.Text(), "ABC generation 0") {
			cmd.Process.Signal(syscall.SIGTERM)
		}
	}
	if err := cmd.Wait(); err == nil {
		t.Fatalf("the calibration ended normally after SIGTERM: want it stopped (make it longer)\n%s", strings.Join(lines, "\n"))
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, "interrupted") || !strings.Contains(last, "--resume") {
		t.Errorf("after SIGTERM the last line of stderr is %q, want one that tells of --resume\n%s", last, strings.Join(lines, "\n"))
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) != 0 {
		t.Errorf("after SIGTERM temporary files are left: %v", left)
	}
	if got := outputs(t, dir); len(got) != 0 {
		t.Errorf("after SIGTERM the folder holds %d outputs, want none", len(got))
	}
	out, err := command(t, append(args, "--out", dir, "--resume", "--workers", "2")...).CombinedOutput()
	if err != nil {
		t.Fatalf("calibrate --resume: %v\n%s", err, out)
	}
	got := outputs(t, dir)
	for name, b := range want {
		if !bytes.Equal(got[name], b) {
			t.Errorf("after SIGTERM and --resume %s differs from an uninterrupted calibration's", name)
		}
	}
	if len(got) != len(want) {
		t.Errorf("after SIGTERM and --resume the folder has %d outputs, want %d", len(got), len(want))
	}
	if _, err := os.Stat(filepath.Join(dir, tasks.JournalName)); !os.IsNotExist(err) {
		t.Errorf("the journal survived a completed calibration: %v", err)
	}
	var man calibrate.Manifest
	b, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	if man.Resumed < 10 {
		t.Errorf("manifest resumed_evaluations = %d: the point fit's journalled evaluations were redone", man.Resumed)
	}
}

// TestCalibrateParticles: --particles N spends the least budget that buys
// N particles. With targets-small.toml's method (fit_share 0.5, 2
// generations of 1 move), 6 particles take an ABC budget of 6 x (1 + 2 x 1)
// = 18, and a budget of 40 is the least that leaves it: round(40 x 0.5) =
// 20 for the fit, 2 for the start and the fit's table, 18 for ABC (39
// leaves 17).
func TestCalibrateParticles(t *testing.T) {
	dir := t.TempDir()
	if out, err := runArgs(t, "calibrate", "testdata/targets-small.toml", "--study", "testdata/small.toml", "--particles", "6", "--out", dir, "--seed", "3"); err != nil {
		t.Fatalf("calibrate --particles 6: %v\n%s", err, out)
	}
	var man calibrate.Manifest
	b, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	if man.Budget != 40 {
		t.Errorf("calibrate --particles 6: budget %d, want 40", man.Budget)
	}
}

// TestCalibrationInR runs the R of docs/calibration.md ("Re-analysing a
// calibration in R": the regression adjustment and the posterior
// predictive check), as written there, on the files of a small
// calibration, so that the commands a reader copies work on what
// calibrate writes. It skips only when Rscript is absent and CI is unset;
// in CI .ci/run installs R (Debian's r-base-core).
func TestCalibrationInR(t *testing.T) {
	rscript, err := exec.LookPath("Rscript")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("no Rscript on PATH (apt-get install r-base-core); CI is unset, so skipping")
		}
		t.Fatal("no Rscript on PATH, and CI is set: .ci/run must install r-base-core")
	}
	doc, err := os.ReadFile("../../docs/calibration.md")
	if err != nil {
		t.Fatal(err)
	}
	var script strings.Builder
	for _, block := range strings.Split(string(doc), "```r\n")[1:] {
		code, _, ok := strings.Cut(block, "```")
		if !ok {
			t.Fatal("docs/calibration.md: an R block without its end")
		}
		script.WriteString(code)
	}
	if script.Len() == 0 {
		t.Fatal("docs/calibration.md has no R block")
	}
	dir := t.TempDir()
	if out, err := runArgs(t, "calibrate", "testdata/targets-small.toml", "--study", "testdata/small.toml", "--budget", "40", "--out", dir, "--seed", "3"); err != nil {
		t.Fatalf("calibrate: %v\n%s", err, out)
	}
	file := filepath.Join(t.TempDir(), "calibration.R")
	if err := os.WriteFile(file, []byte(script.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(rscript, file)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("Rscript on docs/calibration.md's R: %v\n%s", err, out)
	}
	// the adjusted posterior, one line per parameter, and the check, one
	// line per row of the fit table
	for _, want := range []string{"parameter simulations", "params.absconding.base", "state.forced_rate", "observed", "departure mix", "return rate"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the R's output lacks %q:\n%s", want, out)
		}
	}
}

// TestFixed: the console's numbers in fixed notation, four significant
// digits, never an exponent.
func TestFixed(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		want string
	}{
		{110000, "110000"}, {122345.6, "122346"}, {2.35, "2.350"}, {0.000435, "0.000435"},
		{-0.6244, "-0.6244"}, {0, "0"}, {math.NaN(), "NaN"}, {math.Inf(1), "+Inf"}, {1e-9, "0.000000"},
	} {
		if got := fixed(tc.x); got != tc.want {
			t.Errorf("fixed(%v) = %q, want %q", tc.x, got, tc.want)
		}
	}
}
