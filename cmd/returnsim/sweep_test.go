package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	binOnce sync.Once
	binDir  string
	binErr  error
)

// returnsimBinary builds returnsim once for the tests that run it as separate
// processes, as a job array or a killed shell would.
func returnsimBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "returnsim-test-"); binErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", filepath.Join(binDir, "returnsim"), ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return filepath.Join(binDir, "returnsim")
}

func sameFiles(t *testing.T, a, b string, files ...string) {
	t.Helper()
	for _, f := range files {
		x, err1 := os.ReadFile(filepath.Join(a, f))
		y, err2 := os.ReadFile(filepath.Join(b, f))
		if err1 != nil || err2 != nil {
			t.Fatalf("reading %s: %v %v", f, err1, err2)
		}
		if len(x) < 100 || !bytes.Equal(x, y) {
			t.Errorf("%s: %d bytes in %s, %d in %s: want the same real file", f, len(x), a, len(y), b)
		}
	}
}

// TestSweepShardProcesses runs a sweep as three separate processes, one
// per shard and at the same time, as a job array would, merges them, and
// compares the bytes with a one-process run.
func TestSweepShardProcesses(t *testing.T) {
	bin := returnsimBinary(t)
	root := t.TempDir()
	one := filepath.Join(root, "one")
	if out, err := exec.Command(bin, "sweep", "testdata/sweep-lhs.toml", "--out", one, "--seed", "3", "--workers", "2").CombinedOutput(); err != nil {
		t.Fatalf("sweep: %v\n%s", err, out)
	}
	var procs []*exec.Cmd
	var outs []*bytes.Buffer
	dirs := []string{}
	for k := range 3 {
		d := filepath.Join(root, "shard-"+string(rune('0'+k)))
		dirs = append(dirs, d)
		cmd := exec.Command(bin, "sweep", "testdata/sweep-lhs.toml", "--shard", string(rune('0'+k))+"/3", "--out", d, "--seed", "3", "--workers", "1")
		var b bytes.Buffer
		cmd.Stdout, cmd.Stderr = &b, &b
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs, outs = append(procs, cmd), append(outs, &b)
	}
	for k, p := range procs {
		if err := p.Wait(); err != nil {
			t.Fatalf("shard %d: %v\n%s", k, err, outs[k])
		}
	}
	merged := filepath.Join(root, "merged")
	if out, err := exec.Command(bin, append(append([]string{"merge"}, dirs...), "--out", merged)...).CombinedOutput(); err != nil {
		t.Fatalf("merge: %v\n%s", err, out)
	}
	sameFiles(t, one, merged, "runs.csv", "points.csv")
	out, err := exec.Command(bin, "merge", dirs[0], dirs[2], "--out", filepath.Join(root, "bad")).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "missing shard 1/3") {
		t.Errorf("merge without shard 1: %v\n%s", err, out)
	}
}

// TestSweepKillResume kills a sweep with SIGKILL midway, and another with
// SIGTERM: running the same command again finishes each with the bytes of
// an uninterrupted run, keeping the tasks done before, and leaves no
// temporary file. SIGTERM cleans up at once; after SIGKILL the next run
// does.
func TestSweepKillResume(t *testing.T) {
	bin := returnsimBinary(t)
	root := t.TempDir()
	args := func(out string) []string {
		return []string{"sweep", "testdata/sweep-lhs.toml", "--out", out, "--seed", "5", "--workers", "1"}
	}
	whole := filepath.Join(root, "whole")
	if out, err := exec.Command(bin, args(whole)...).CombinedOutput(); err != nil {
		t.Fatalf("sweep: %v\n%s", err, out)
	}
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := filepath.Join(root, strings.ReplaceAll(sig.String(), " ", "-"))
			cmd := exec.Command(bin, args(dir)...)
			var b bytes.Buffer
			cmd.Stdout, cmd.Stderr = &b, &b
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// wait until some tasks are in the journal, then interrupt
			journal := filepath.Join(dir, ".journal")
			var size int64
			for start := time.Now(); time.Since(start) < 20*time.Second; time.Sleep(5 * time.Millisecond) {
				if fi, err := os.Stat(journal); err == nil && fi.Size() > 600 {
					size = fi.Size()
					break
				}
			}
			if size == 0 {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("no tasks journalled in 20s:\n%s", b.String())
			}
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			if err == nil {
				t.Skipf("the sweep finished before the signal (journal %d bytes): nothing to resume", size)
			}
			if _, err := os.Stat(filepath.Join(dir, "runs.csv")); err == nil {
				t.Error("the interrupted sweep left a runs.csv")
			}
			tmps, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
			if sig == syscall.SIGTERM {
				if len(tmps) > 0 {
					t.Errorf("SIGTERM left %v", tmps)
				}
				if !strings.Contains(b.String(), "run the same command again to resume") {
					t.Errorf("SIGTERM: output %q, want the resume hint", b.String())
				}
			}
			out, err := exec.Command(bin, args(dir)...).CombinedOutput()
			if err != nil {
				t.Fatalf("resume: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), " resumed)") || strings.Contains(string(out), "(0 resumed)") {
				t.Errorf("resume output %q: want some tasks resumed", out)
			}
			sameFiles(t, whole, dir, "runs.csv", "points.csv")
			if tmps, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(tmps) > 0 {
				t.Errorf("after the resume, %v are left", tmps)
			}
		})
	}
}

func TestSweepRejects(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("replicates = 1\n[design]\nkind = \"lhs\"\nsamples = 4\n[[factors]]\nkey = \"population.nope\"\nmin = 0\nmax = 1\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sweep", bad, "--out", dir}, "bad.toml:6:1: factors[0].key: \"population.nope\": not a numeric scenario key"},
		{[]string{"sweep", "testdata/sweep-lhs.toml", "--shard", "3/3", "--out", dir}, "--shard: shard 3/3"},
		{[]string{"sweep", "testdata/sweep-lhs.toml", "--design", "nope.csv", "--out", dir}, "nope.csv"},
		{[]string{"sensitivity", dir}, "has no manifest.json"},
		{[]string{"merge", "--out", dir}, "no folders given"},
	} {
		out, err := runArgs(t, c.args...)
		if err == nil || !strings.Contains(err.Error()+out, c.want) {
			t.Errorf("returnsim %v: %v\n%s\nwant %q", c.args, err, out, c.want)
		}
	}
}

// TestSweepSensitivityVerb: a sobol sweep prints its ranked table and
// writes sensitivity.csv; the sensitivity verb gives the same rows for
// one metric, ranked by total order.
func TestSweepSensitivityVerb(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tiny.toml"), []byte("[base]\nmonths = 12\nwarmup_months = 6\n[base.intake]\nscale = 0.07\ninitial_stock = 300\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "s.toml"), []byte(`study = "tiny.toml"
outputs = ["avr", "return_rate"]
bootstrap = 50
[design]
kind = "sobol"
samples = 6
[[factors]]
key = "params.counselling.moment_detention"
min = 0.1
max = 0.5
[[factors]]
key = "population.network_mean"
min = 0.2
max = 0.6
`), 0o644)
	out := filepath.Join(dir, "out")
	got, err := runArgs(t, "sweep", filepath.Join(dir, "s.toml"), "--out", out, "--workers", "2")
	if err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	if !strings.Contains(got, "return_rate: Sobol indices, ranked by total order") {
		t.Errorf("sweep output:\n%s\nwant the ranked tables", got)
	}
	all, err := os.ReadFile(filepath.Join(out, "sensitivity.csv"))
	if err != nil {
		t.Fatal(err)
	}
	sens := filepath.Join(dir, "sens")
	got, err = runArgs(t, "sensitivity", out, "--metric", "return_rate", "--out", sens)
	if err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	one, err := os.ReadFile(filepath.Join(sens, "sensitivity.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range strings.Split(string(all), "\n") {
		if strings.HasPrefix(l, "metric,") || strings.HasPrefix(l, "return_rate,") {
			want = append(want, l)
		}
	}
	if string(one) != strings.Join(want, "\n")+"\n" {
		t.Errorf("sensitivity --metric return_rate wrote\n%s\nwant the sweep's return_rate rows\n%s", one, strings.Join(want, "\n"))
	}
	// the counselling moment in detention does nothing when counselling
	// is at the final decision: ranked last, with an index of exactly 0
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "params.counselling.moment_detention") || !strings.Contains(last, "0.000 [ 0.000,  0.000]") {
		t.Errorf("last row %q: want the inert factor, at exactly 0", last)
	}
}

// TestSweepMemoryGuard: a sweep whose factor raises the intake a
// hundredfold is refused before it starts, with one line that names the
// estimate and the limit, and writes nothing.
func TestSweepMemoryGuard(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../../sweep/testdata/short.toml")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "short.toml"), src, 0o644)
	sw := "study = \"short.toml\"\nreplicates = 1\noutputs = [\"avr\"]\n[design]\nkind = \"lhs\"\nsamples = 2\n[[factors]]\nkey = \"intake.scale\"\nmin = 1\nmax = 100\n"
	os.WriteFile(filepath.Join(dir, "big.toml"), []byte(sw), 0o644)
	out := filepath.Join(dir, "out")
	msg, err := runArgs(t, "sweep", filepath.Join(dir, "big.toml"), "--out", out, "--max-memory", "200M")
	if err == nil || !strings.Contains(err.Error(), "estimated peak memory") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("sweep with intake.scale up to 100 under --max-memory 200M: %v (%s), want a one-line refusal", err, msg)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the refused sweep wrote %s: %v", out, err)
	}
}
