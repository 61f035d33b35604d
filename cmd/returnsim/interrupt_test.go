package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/returnsim/returnsim/internal/tasks"
	"github.com/returnsim/returnsim/results"
)

// TestMain lets a test run the command as a process of its own (to send
// it signals): with RETURNSIM_MAIN set, the test binary is returnsim. It
// removes the binary the sweep tests build (returnsimBinary, in sweep_test.go).
func TestMain(m *testing.M) {
	if os.Getenv("RETURNSIM_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// command returns returnsim with args as a process of its own.
func command(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "RETURNSIM_MAIN=1", "CI=1")
	return cmd
}

// outputs reads every file of a result folder but the manifest, which
// records times, and the hidden files of the machinery.
func outputs(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if n := e.Name(); n != "manifest.json" && !strings.HasPrefix(n, ".") {
			b, _ := os.ReadFile(filepath.Join(dir, n))
			out[n] = b
		}
	}
	return out
}

// waitJournal waits until the journal in dir holds more than n bytes, so
// that some replicates are done.
func waitJournal(t *testing.T, dir string, n int64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if fi, err := os.Stat(filepath.Join(dir, tasks.JournalName)); err == nil && fi.Size() > n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the run journalled nothing within a minute")
}

// TestInterruptAndResume: SIGINT and SIGTERM stop a run, leave no output
// and no temporary file; SIGKILL leaves temporary files that the next run
// removes; --resume then finishes with the bytes of an uninterrupted run
// and does not redo the journalled replicates.
func TestInterruptAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the command as processes")
	}
	args := []string{"run", "testdata/small.toml", "--replicates", "30", "--workers", "1", "--seed", "5", "--cases"}
	whole := t.TempDir()
	if out, err := command(t, append(args, "--out", whole)...).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}
	want := outputs(t, whole)
	// a record holds a replicate's rows: about the size of the outputs
	// over the 3 scenarios x 30 replicates
	var size int64
	for _, b := range want {
		size += int64(len(b))
	}
	record := size / 90
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, ".cases.csv.123.tmp"), []byte("a killed run's"), 0o644)
			cmd := command(t, append(args, "--out", dir)...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// past four records' worth, at least three are whole
			// whatever the signal tears
			waitJournal(t, dir, 4*record)
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			if err == nil {
				t.Fatalf("the run ended normally after %v: want it stopped (make it longer)", sig)
			}
			left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
			if sig != syscall.SIGKILL {
				if len(left) != 0 {
					t.Errorf("after %v temporary files are left: %v", sig, left)
				}
				if got := outputs(t, dir); len(got) != 0 {
					t.Errorf("after %v the folder holds outputs: %v", sig, len(got))
				}
				if msg := stderr.String(); strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "--resume") {
					t.Errorf("after %v stderr = %q, want one line that tells of --resume", sig, msg)
				}
			}
			var journalled int64
			if fi, err := os.Stat(filepath.Join(dir, tasks.JournalName)); err == nil {
				journalled = fi.Size()
			}
			if out, err := command(t, append(args, "--out", dir, "--resume", "--workers", "2")...).CombinedOutput(); err != nil {
				t.Fatalf("run --resume after %v: %v\n%s", sig, err, out)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) != 0 {
				t.Errorf("after the resumed run temporary files are left: %v", left)
			}
			if _, err := os.Stat(filepath.Join(dir, tasks.JournalName)); !os.IsNotExist(err) {
				t.Errorf("the journal survived a completed run: %v", err)
			}
			got := outputs(t, dir)
			for name, b := range want {
				if !bytes.Equal(got[name], b) {
					t.Errorf("after %v and --resume %s differs from an uninterrupted run's", sig, name)
				}
			}
			if len(got) != len(want) {
				t.Errorf("after %v and --resume the folder has %d outputs, want %d", sig, len(got), len(want))
			}
			var man results.Manifest
			b, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
			if err := json.Unmarshal(b, &man); err != nil {
				t.Fatal(err)
			}
			if man.Resumed < 3 {
				t.Errorf("manifest resumed_replicates = %d after %d bytes journalled: the journalled replicates were redone", man.Resumed, journalled)
			}
		})
	}
}

// TestManifestSums: the manifest lists every other file of the folder with
// the SHA-256 of its bytes.
func TestManifestSums(t *testing.T) {
	dir := t.TempDir()
	if out, err := runArgs(t, "run", "testdata/small.toml", "--out", dir, "--replicates", "2", "--cases"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var man results.Manifest
	b, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, s := range man.Outputs {
		names[s.Name] = true
		f, err := os.ReadFile(filepath.Join(dir, s.Name))
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256(f)
		if hex.EncodeToString(h[:]) != s.SHA256 {
			t.Errorf("manifest gives %s sha256 %s, the file has %x", s.Name, s.SHA256, h)
		}
	}
	for _, f := range []string{"replicates.csv", "summary.csv", "timeseries.csv", "cases.csv", "groups.csv", "groups-summary.csv", "rules.csv"} {
		if !names[f] {
			t.Errorf("manifest outputs %v lack %s", man.Outputs, f)
		}
	}
	if man.Kind != "run" || man.Revision == "" || strings.HasPrefix(man.Revision, "unknown") && !strings.Contains(man.Revision, "(") {
		t.Errorf("manifest kind %q revision %q: want run and a revision or the reason it is unknown", man.Kind, man.Revision)
	}
	// the keys in words, with their sources and, for policy settings, the
	// parameters through which they act (what the report reads)
	keys := map[string]results.ManifestKey{}
	for _, k := range man.Keys {
		keys[k.Key] = k
	}
	if k := keys["policy.counselling.timing"]; !strings.HasPrefix(k.Desc, "when counselling is given") || !slices.Contains(k.Via, "params.counselling.moment_first") {
		t.Errorf("manifest key policy.counselling.timing = %+v, want its words and the moment factors it acts through", k)
	}
	if k := keys["params.counselling.effect"]; !strings.HasPrefix(k.Source, "calibrated") {
		t.Errorf("manifest key params.counselling.effect = %+v, want its source, calibrated", k)
	}
	if k := keys["params.counselling.civil_legal"]; k.Key == "" || strings.HasPrefix(k.Source, "calibrated") {
		t.Errorf("manifest key params.counselling.civil_legal = %+v, want its source, an assumption", k)
	}
}

// TestFolderBelongsToOneRun: a folder with another kind of run's or other
// arguments' results is refused unless --force, which removes the earlier
// run's files that the new one does not write; a folder in use is refused.
func TestFolderBelongsToOneRun(t *testing.T) {
	dir := t.TempDir()
	small := []string{"run", "testdata/small.toml", "--out", dir, "--replicates", "2"}
	if out, err := runArgs(t, append(small, "--cases")...); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// the same run again is its own folder's
	if out, err := runArgs(t, append(small, "--cases", "--workers", "1")...); err != nil {
		t.Fatalf("the same run again: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{small, "with other arguments"},
		{[]string{"calibrate", "testdata/targets-small.toml", "--study", "testdata/small.toml", "--budget", "40", "--out", dir}, `a "run" run, not a "calibrate" run`},
	} {
		_, err := runArgs(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "--force") {
			t.Errorf("run(%q) = %v, want refused: %s, naming --force", tc.args, err, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "cases.csv")); err != nil {
		t.Fatalf("a refused run touched the folder: %v", err)
	}
	if out, err := runArgs(t, append(small, "--force")...); err != nil {
		t.Fatalf("--force: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "cases.csv")); !os.IsNotExist(err) {
		t.Errorf("the earlier run's cases.csv survived a forced run without --cases: %v", err)
	}

	held, err := tasks.Open(dir, "run", "other", true)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if _, err := runArgs(t, append(small, "--force")...); err == nil || !strings.Contains(err.Error(), "in use by another run") {
		t.Errorf("a run into a folder in use = %v, want refused", err)
	}
}

// TestCalibrateOwnFolder: calibrate and run do not share a default folder.
func TestCalibrateOwnFolder(t *testing.T) {
	var out bytes.Buffer
	fs, c := newVerb("calibrate", "out-calibrate", "", &out)
	runFs, rc := newVerb("run", "out", "", &out)
	fs.Parse(nil)
	runFs.Parse(nil)
	if c.out == rc.out {
		t.Errorf("calibrate and run both default to %s", c.out)
	}
}

// TestHelpAndErrorsOnce: -h on any verb is not an error; a bad flag's
// error is returned once, not also printed.
func TestHelpAndErrorsOnce(t *testing.T) {
	for _, verb := range []string{"run", "check", "calibrate"} {
		out, err := runArgs(t, verb, "-h")
		if err != nil || !strings.Contains(out, "usage: returnsim "+verb) {
			t.Errorf("%s -h = %v, %q; want usage and no error", verb, err, out)
		}
	}
	var stdout, stderr bytes.Buffer
	err := run([]string{"run", "--seed", "x"}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), `invalid value "x"`) {
		t.Fatalf("run --seed x = %v, want invalid value", err)
	}
	if strings.Contains(stderr.String(), `invalid value`) {
		t.Errorf("run --seed x printed its error besides returning it:\n%s", stderr.String())
	}
}

// TestCheckDeterministic: check gives the same output, byte for byte, on
// every run over the same files (once, one run in twenty reported a
// false unknown key).
func TestCheckDeterministic(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("[base]\nmonths = \"many\"\nwarmup_months = \"some\"\n\n[variants.a]\n\n[[variants.a.policy_changes]]\nfrom_month = 12\nenforcement = \"high\"\nreintegration.cash_eur = \"lots\"\nzap = 1\n"), 0o644)
	for _, files := range [][]string{{bad}, {"testdata/small.toml"}, {"testdata/bad.toml", "testdata/small.toml"}} {
		first, firstErr := runArgs(t, append([]string{"check"}, files...)...)
		for range 100 {
			out, err := runArgs(t, append([]string{"check"}, files...)...)
			if out != first || (err == nil) != (firstErr == nil) || err != nil && err.Error() != firstErr.Error() {
				t.Fatalf("check %v changed between runs:\n%s%v\nthen\n%s%v", files, first, firstErr, out, err)
			}
		}
	}
}
