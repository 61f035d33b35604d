package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckKinds: check tells study, sweep and targets files apart by
// their tables and validates each as the command that reads it would: a
// sweep is planned (study, design, every point) without a simulation, a
// targets file parsed by calibrate.ParseSpec; every problem of every file
// is reported, each at file:line:col.
func TestCheckKinds(t *testing.T) {
	out, err := runArgs(t, "check", "testdata/sweep-lhs.toml", "testdata/targets-small.toml", "testdata/small.toml", "../../scenarios/sensitivity.toml")
	if err != nil {
		t.Fatalf("check of good files: %v\n%s", err, out)
	}
	for _, want := range []string{
		"testdata/sweep-lhs.toml: sweep of scenario short ok: 16 points (lhs design, seed 1) x 2 replicates = 32 tasks", // sweep-lhs.toml: samples = 16, replicates = 2
		"testdata/targets-small.toml: targets ok: 2 targets, 2 free parameters",
		"testdata/small.toml: package-from-12 ok",
		"../../scenarios/sensitivity.toml: sweep of scenario baseline ok",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}

	dir := t.TempDir()
	sw := filepath.Join(dir, "sweep.toml")
	os.WriteFile(sw, []byte("[design]\nkind = \"lhs\"\nsamples = 4\n[[factors]]\nkey = \"population.network_mean\"\nmin = 0.2\nmax = 7\n[[factors]]\nkey = \"nope.key\"\nmin = 0\nmax = 1\n"), 0o644)
	tg := filepath.Join(dir, "targets.toml")
	os.WriteFile(tg, []byte("[[target]]\nname = \"x\"\nstatistic = \"nope\"\n"), 0o644)
	_, err = runArgs(t, "check", sw, tg, "testdata/bad.toml")
	if err == nil {
		t.Fatal("check of bad files succeeded")
	}
	for _, want := range []string{
		sw + ":4:1: factors[0]: population.network_mean: values 0.2 to 7 leave the key's range",
		sw + ":9:1: factors[1].key: \"nope.key\": not a numeric scenario key",
		tg + ":3:1: target[0].statistic: \"nope\" is not one of",
		"testdata/bad.toml:5:11: base.policy.counselling.timing",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("check error lacks %q:\n%v", want, err)
		}
	}
}
