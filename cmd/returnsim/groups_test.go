package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckGroups: check prints each mistake of a group rule on one line
// with the file, line, column and key.
func TestCheckGroups(t *testing.T) {
	f := filepath.Join(t.TempDir(), "g.toml")
	text := `[base]
[[base.policy.groups]]
for.household = "families"
enforcement = 2
[[base.policy.groups]]
for.origins = ["ZZ"]
for.cooperation = "high"
enforcement = 2
[[base.policy.groups]]
for.househld = "single"
enforcement = 2
[[base.policy.groups]]
for.cooperation = "low"
`
	if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := runArgs(t, "check", f)
	if err == nil {
		t.Fatal("check succeeded")
	}
	for _, want := range []string{
		f + `:3:18: base.policy.groups[0].for.household: "families" is not one of single, family`,
		f + `:10:1: base.policy.groups[2].for.househld: unknown key: did you mean base.policy.groups.for.household?`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("check:\n%v\nwant a line %q", err, want)
		}
	}
	// with the household fixed, the rules that decode are checked
	text = strings.Replace(strings.Replace(text, `"families"`, `"family"`, 1), "househld", "household", 1)
	if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = runArgs(t, "check", f)
	for _, want := range []string{
		f + `:6:1: base.policy.groups[1].for.origins: "ZZ" is not the code of an origin in the origin table`,
		f + `:12:1: base.policy.groups[3]: sets no policy key`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("check:\n%v\nwant a line %q", err, want)
		}
	}
}

// TestRunWarnsOfEmptyRule: run warns, on stderr, of a group rule that
// selected no person when it came into force, naming where the study file
// writes it, and of no other rule.
func TestRunWarnsOfEmptyRule(t *testing.T) {
	out, err := runArgs(t, "run", "testdata/groups.toml", "--out", t.TempDir(), "--replicates", "2")
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	want := "warning: testdata/groups.toml:19:1: variants.nobody.policy.groups[0]: selected no person in the return system when it came into force in scenario nobody (2017-01), in any of 2 replicates"
	if !strings.Contains(out, want) || strings.Count(out, "warning") != 1 {
		t.Errorf("run printed:\n%s\nwant one warning, %q", out, want)
	}
}
