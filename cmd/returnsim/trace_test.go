package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/results"
)

// TestRunPosteriorTraceable runs the small study with the five-particle
// test posterior and checks that a result can be traced to its
// parameters: replicates.csv names each replicate's draw, the row of the
// posterior it ran with, the same draw for replicate r of every scenario;
// rerunning the baseline without a posterior but with that row's values
// written into the study gives the same metrics, byte for byte (the
// replicate's stream seed does not depend on the posterior); and the
// manifest records the posterior's SHA-256, which matches the file's, and
// no value for the keys the posterior sets.
func TestRunPosteriorTraceable(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the small study four times")
	}
	const post, reps = "testdata/posterior-small.csv", 3
	dir := t.TempDir()
	if err := run([]string{"run", "testdata/small.toml", "--posterior", post, "--replicates", strconv.Itoa(reps), "--workers", "2", "--out", dir}, new(bytes.Buffer), new(bytes.Buffer)); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(dir, "replicates.csv"))
	if want := results.ReplicatesHeaderDraw; strings.Join(rows[0], ",") != want {
		t.Fatalf("replicates.csv header = %q, want %q", strings.Join(rows[0], ","), want)
	}
	particles := readCSV(t, post)
	drawOf := map[string]string{} // replicate -> draw, the same in every scenario
	for _, r := range rows[1:] {
		d, err := strconv.Atoi(r[3])
		if err != nil || d < 0 || d >= len(particles)-1 {
			t.Fatalf("replicates.csv: draw %q of %s/%s: want a row of %s (0 to %d)", r[3], r[0], r[1], post, len(particles)-2)
		}
		if prev, ok := drawOf[r[1]]; ok && prev != r[3] {
			t.Errorf("replicate %s: draw %s in %s, %s before: want the same draw in every scenario", r[1], r[3], r[0], prev)
		}
		drawOf[r[1]] = r[3]
	}
	for r := range reps {
		d, _ := strconv.Atoi(drawOf[strconv.Itoa(r)])
		p := particles[1+d] // particle, params.absconding.base, state.forced_rate, weight, distance
		study := filepath.Join(t.TempDir(), "draw.toml")
		text := fmt.Sprintf("name = \"small\"\n\n[base]\nmonths = 24\nwarmup_months = 36\nparams.absconding.base = %s\nstate.forced_rate = %s\n\n[base.intake]\nscale = 0.1\n\n[base.policy.counselling]\ncounsellors = 6\n", p[1], p[2])
		if err := os.WriteFile(study, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "out")
		if err := run([]string{"run", study, "--replicates", strconv.Itoa(r + 1), "--workers", "2", "--out", out}, new(bytes.Buffer), new(bytes.Buffer)); err != nil {
			t.Fatal(err)
		}
		plain := readCSV(t, filepath.Join(out, "replicates.csv"))[1+r][1:] // but the scenario's name
		withDraw := rows[1+r]                                              // the baseline's replicate r
		got := append(append([]string{}, withDraw[1:3]...), withDraw[4:]...)
		if strings.Join(got, ",") != strings.Join(plain, ",") {
			t.Errorf("baseline replicate %d with draw %d:\n%s\nwant the row of a run with that draw's values in the study:\n%s", r, d, strings.Join(got, ","), strings.Join(plain, ","))
		}
	}

	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var man results.Manifest
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	text, _ := os.ReadFile(post)
	sum := sha256.Sum256(text)
	if want := hex.EncodeToString(sum[:]); man.PosteriorSHA256 != want {
		t.Errorf("manifest posterior_sha256 = %q, want the file's SHA-256 %q", man.PosteriorSHA256, want)
	}
	if !strings.Contains(man.Parameters, "draw column") || strings.Join(man.PosteriorKeys, ",") != "params.absconding.base,state.forced_rate" {
		t.Errorf("manifest parameters %q, posterior_keys %q: want the draw column named and the posterior's keys", man.Parameters, man.PosteriorKeys)
	}
	for _, sc := range man.Scenarios {
		v := sc.Config["params"].(map[string]any)["absconding"].(map[string]any)["base"]
		if s, ok := v.(string); !ok || !strings.Contains(s, "posterior") {
			t.Errorf("manifest scenario %s: params.absconding.base = %v, want it to say the value comes from the posterior", sc.Name, v)
		}
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("%s: %d rows, %v", path, len(rows), err)
	}
	return rows
}

// TestVersionStamped builds returnsim as a cluster binary is built, with
// -buildvcs=false and the revision stamped by -ldflags -X (docs/running.md),
// and runs it outside any checkout: it still knows its revision. Stamped
// with a version too, as the release builds and the Dockerfile do, it
// prints both.
func TestVersionStamped(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	for _, c := range []struct{ ldflags, want string }{
		{"-X main.revision=" + rev, "returnsim (devel) " + rev + "\n"},
		{"-X main.revision=" + rev + " -X main.stampedVersion=v1.2.3", "returnsim v1.2.3 " + rev + "\n"},
	} {
		bin := filepath.Join(t.TempDir(), "returnsim")
		if out, err := exec.Command("go", "build", "-buildvcs=false", "-ldflags", c.ldflags, "-o", bin, ".").CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		cmd := exec.Command(bin, "version")
		cmd.Dir = t.TempDir()
		out, err := cmd.Output()
		if err != nil || string(out) != c.want {
			t.Errorf("returnsim version outside a checkout, built with %s = %q, %v: want %q", c.ldflags, out, err, c.want)
		}
	}
}

// TestManifestKeys checks that the calibration manifest's method is
// written with the targets file's TOML keys (fit_replicates, not
// FitReplicates), every field of it, so that a field added later cannot
// reach the manifest under its Go name.
func TestManifestKeys(t *testing.T) {
	m := reflect.TypeFor[calibrate.Method]()
	for i := range m.NumField() {
		f := m.Field(i)
		if toml, json := f.Tag.Get("toml"), f.Tag.Get("json"); toml == "" || json != toml {
			t.Errorf("calibrate.Method.%s: json tag %q, toml tag %q: want the same key in the manifest as in the targets file", f.Name, json, toml)
		}
	}
}
