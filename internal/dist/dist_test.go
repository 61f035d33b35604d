package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestVersionOf: the pseudo-versions are those the go command gives (its
// rules: cmd/go's module.PseudoVersion).
func TestVersionOf(t *testing.T) {
	at := time.Date(2026, 12, 7, 13, 36, 35, 0, time.FixedZone("CET", 3600))
	const rev = "9a57f032d0c25cd29bf46a8507dbcd55a7a8b3a6"
	for _, c := range []struct {
		tags   []string
		before string
		want   string
	}{
		{nil, "", "v0.0.0-20261207123635-9a57f032d0c2"},
		{nil, "v1.2.3", "v1.2.4-0.20261207123635-9a57f032d0c2"},
		{nil, "v1.2.3-rc.1", "v1.2.3-rc.1.0.20261207123635-9a57f032d0c2"},
		{nil, "v1", "v0.0.0-20261207123635-9a57f032d0c2"}, // not a semantic version
		{[]string{"v1.3.0"}, "v1.3.0", "v1.3.0"},
		{[]string{"vnext", "v2.0.0-beta"}, "v1.2.3", "v2.0.0-beta"},
	} {
		if got := versionOf(c.tags, c.before, at, rev); got != c.want {
			t.Errorf("versionOf(%q, %q) = %s, want %s", c.tags, c.before, got, c.want)
		}
	}
}

// TestDist runs dist for this machine's platform, as docs/running.md
// says, and runs the binary it built: returnsim version prints the
// stamped version and revision, outside any checkout, and SHA256SUMS
// holds the binary's sum. .ci/run builds the six platforms.
func TestDist(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	out := t.TempDir()
	const ver, rev = "v1.2.3-test", "0123456789abcdef0123456789abcdef01234567"
	var log bytes.Buffer
	plat := runtime.GOOS + "/" + runtime.GOARCH
	if err := run([]string{"-out", out, "-version", ver, "-revision", rev, "-platforms", plat}, &log); err != nil {
		t.Fatalf("dist: %v\n%s", err, log.String())
	}
	name := binaryName(runtime.GOOS, runtime.GOARCH)
	bin := filepath.Join(out, name)
	cmd := exec.Command(bin, "version")
	cmd.Dir = t.TempDir()
	got, err := cmd.Output()
	if want := "returnsim " + ver + " " + rev + "\n"; err != nil || string(got) != want {
		t.Errorf("%s version = %q, %v: want %q", name, got, err, want)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	sums, err := os.ReadFile(filepath.Join(out, "SHA256SUMS"))
	if want := hex.EncodeToString(sum[:]) + "  " + name + "\n"; err != nil || string(sums) != want {
		t.Errorf("SHA256SUMS = %q, %v: want %q", sums, err, want)
	}
	// -trimpath: no path of this machine is in the binary
	wd, _ := os.Getwd()
	if src := filepath.Join(wd, "..", "..", "cmd", "returnsim"); bytes.Contains(data, []byte(src)) {
		t.Errorf("%s holds the path %s of this machine: built without -trimpath?", name, src)
	}
}

// TestFromGit: in a work tree of this module, the defaults are the
// commit and its version, "+modified" and "+dirty" together.
func TestFromGit(t *testing.T) {
	if err := exec.Command("git", "rev-parse", "HEAD").Run(); err != nil {
		t.Skip("not in a git work tree:", err)
	}
	ver, rev, err := fromGit()
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{40}(\+modified)?$`).MatchString(rev) {
		t.Errorf("revision %q: want 40 hexadecimal digits, +modified with changes", rev)
	}
	if !semver.MatchString(strings.TrimSuffix(ver, "+dirty")) || strings.HasSuffix(ver, "+dirty") != strings.HasSuffix(rev, "+modified") {
		t.Errorf("version %q with revision %q: want a semantic version, +dirty when the revision is +modified", ver, rev)
	}
}

// TestStamp: -stamp prints the version and revision on one line, as the
// Dockerfile's build arguments take them, and builds nothing.
func TestStamp(t *testing.T) {
	var out bytes.Buffer
	dir := filepath.Join(t.TempDir(), "dist")
	if err := run([]string{"-stamp", "-out", dir, "-version", "v1.2.3", "-revision", "abc"}, &out); err != nil || out.String() != "v1.2.3 abc\n" {
		t.Errorf("dist -stamp = %q, %v: want %q", out.String(), err, "v1.2.3 abc\n")
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("dist -stamp made %s", dir)
	}
}
