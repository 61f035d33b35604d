package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestForkErrors: what would change a study's shared history is refused,
// each on a line of its own with the file, line and key.
func TestForkErrors(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       []string // substrings of the error lines, in order
	}{
		{"variant key outside its policy", `fork = "2020-01"
[base]
[variants.v]
policy.enforcement = 2
params.avr.threat = 2
`, []string{"f.toml:5:1: variants.v.params.avr.threat: with a fork (2020-01), a variant changes only its policy"}},
		{"own change before the fork", `fork = "2020-01"
[base]
[variants.v]
[[variants.v.policy_changes]]
from = "2019-06"
enforcement = 2
[[variants.v.policy_changes]]
from = "2021-01"
enforcement = 3
`, []string{"f.toml:5:1: variants.v.policy_changes[0].from: 2019-06 is before the fork, 2020-01"}},
		{"own dated change of a state key before the fork", `fork = "2020-01"
[base]
[[variants.v.changes]]
from = "2019-06"
state.vbl_months = 0
`, []string{"f.toml:4:1: variants.v.changes[0].from: 2019-06 is before the fork, 2020-01"}},
		{"a key outside the policy set on the variant, not dated", `fork = "2020-01"
[base]
[variants.v]
population.frl_share = 0
`, []string{"f.toml:4:1: variants.v.population.frl_share: with a fork (2020-01), a variant changes only its policy, and from the fork on, in [[variants.v.changes]], the keys that can change from a date"}},
		{"fork after the horizon", `fork = "2026-01"
[base]
`, []string{`f.toml:1:1: fork: "2026-01": want a month from the warm-up's first, 1987-01, to the horizon, 2025-01`}},
		{"fork without common random numbers", `fork = "2020-01"
common_random_numbers = false
[base]
`, []string{"f.toml:1:1: fork: a shared history needs common random numbers"}},
		{"not a month", `fork = "2020-13"
[base]
`, []string{`f.toml:1:1: fork: "2020-13": want a calendar month as YYYY-MM`}},
	} {
		_, err := Parse("f.toml", []byte(c.text))
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		lines := strings.Split(err.Error(), "\n")
		if len(lines) != len(c.want) {
			t.Errorf("%s: %d lines, want %d:\n%v", c.name, len(lines), len(c.want), err)
			continue
		}
		for i, w := range c.want {
			if !strings.HasPrefix(lines[i], w) {
				t.Errorf("%s: line %d\n got %s\nwant %s...", c.name, i, lines[i], w)
			}
		}
	}
	// a variant whose changes all fall from the fork on, and whose other
	// keys are its policy, is fine
	st, err := Parse("f.toml", []byte(`fork = "2020-01"
[base]
[variants.v]
policy.counselling.timing = "deadline"
[[variants.v.policy_changes]]
from = "2020-01"
enforcement = 2
`))
	if err != nil || st.ForkMonth != 36 || st.Fork != "2020-01" {
		t.Errorf("a variant from the fork on: fork %q month %d, %v; want 2020-01, 36, no error", st.Fork, st.ForkMonth, err)
	}
	// and so are keys outside the policy dated from the fork on: the
	// planner's "no freedom-restricting location from 2020"
	st, err = Parse("f.toml", []byte(`fork = "2020-01"
[base]
[[variants.no-vbl.changes]]
from = "2020-01"
population.frl_share = 0
[[variants.no-vbl.changes]]
from = "2021-01"
intake.scale = 1.2
state.vbl_months = 1
`))
	if err != nil {
		t.Fatalf("keys outside the policy from the fork: %v", err)
	}
	if ch := st.Scenarios[1].Config.Changes; len(ch) != 2 || ch[0].FromMonth != 36 || ch[0].Population["frl_share"] != 0 || len(ch[0].Population) != 1 ||
		ch[1].Intake["scale"] != 1.2 || ch[1].State["vbl_months"] != 1 || ch[1].Population != nil {
		t.Errorf("keys outside the policy from the fork: changes %+v", ch)
	}
	// the files of one study share one fork
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.toml"), filepath.Join(dir, "b.toml")
	os.WriteFile(a, []byte("fork = \"2020-01\"\n[base]\nname = \"a\"\n"), 0o644)
	os.WriteFile(b, []byte("fork = \"2021-01\"\n[base]\nname = \"b\"\n"), 0o644)
	if _, err := Load(a, b); err == nil || !strings.Contains(err.Error(), "b.toml: fork: fork \"2021-01\", but "+a+" forks at \"2020-01\"") {
		t.Errorf("two forks: %v", err)
	}
}

// TestLoadTwoFiles: two study files given together compare every variant
// with one baseline when their bases are the same (the second is not
// repeated); bases that differ under one name are an error that says how
// to combine them.
func TestLoadTwoFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.toml", "[base]\n[variants.ngo]\npolicy.counselling.provider = \"ngo\"\n")
	b := write("b.toml", "[base]\n[variants.iom]\npolicy.counselling.provider = \"iom\"\n")
	st, err := Load(a, b)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, sc := range st.Scenarios {
		names = append(names, sc.Name)
	}
	if got := strings.Join(names, " "); got != "baseline ngo iom" {
		t.Errorf("scenarios %q, want \"baseline ngo iom\"", got)
	}
	c := write("c.toml", "[base]\npolicy.enforcement = 2\n[variants.iom]\npolicy.counselling.provider = \"iom\"\n")
	_, err = Load(a, c)
	if err == nil || !strings.Contains(err.Error(), c+": base.name: scenario \"baseline\" is already defined in "+a+": this file's [base] differs from it; give it a name of its own") {
		t.Errorf("two different bases: %v", err)
	}
}
