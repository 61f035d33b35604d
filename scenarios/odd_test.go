package scenarios

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// The ODD's parameter tables are generated from the struct tags that
// generate docs/scenarios.md (Reference), so that the model description
// cannot give a default, unit or source other than the code's. Each table
// sits between two marker comments; the opening one lists its keys:
//
//	<!-- keys: state.appeal_months state.appeal_success -->
//	| key | default | unit | source | meaning |
//	...
//	<!-- end keys -->
//
// go test ./scenarios -run Reference -update rewrites the tables between
// the markers and nothing else.

const (
	oddOpen  = "<!-- keys:"
	oddClose = "<!-- end keys -->"
)

// oddTables returns text with every table between the markers rendered
// from specs, or an error naming the first marker that is malformed or
// names a key the code does not have.
func oddTables(text string, specs map[string]agents.Spec) (string, error) {
	var b strings.Builder
	rest := text
	for {
		i := strings.Index(rest, oddOpen)
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		end := strings.Index(rest[i:], "-->")
		if end < 0 {
			return "", fmt.Errorf("docs/ODD.md: %q without its closing -->", oddOpen)
		}
		head := rest[i : i+end+3]
		keys := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(head, oddOpen), "-->"))
		if len(keys) == 0 {
			return "", fmt.Errorf("docs/ODD.md: %s lists no key", head)
		}
		j := strings.Index(rest[i+end:], oddClose)
		if j < 0 {
			return "", fmt.Errorf("docs/ODD.md: %s without %s", head, oddClose)
		}
		b.WriteString(rest[:i])
		b.WriteString(head)
		b.WriteString("\n| key | default | unit | source | meaning |\n| --- | --- | --- | --- | --- |\n")
		for _, k := range keys {
			s, ok := specs[k]
			if !ok {
				return "", fmt.Errorf("docs/ODD.md: %s: %q is not a scenario key", head, k)
			}
			fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s | %s |\n", s.Key, s.Default, s.Unit, s.Source, s.Desc)
		}
		b.WriteString(oddClose)
		rest = rest[i+end+j+len(oddClose):]
	}
}

// scenarioSpecs are the scenario keys of the default configuration, by key.
func scenarioSpecs() map[string]agents.Spec {
	cfg := sim.DefaultConfig()
	m := map[string]agents.Spec{}
	for _, s := range agents.Specs(&cfg) {
		m[s.Key] = s
	}
	return m
}

// TestReferenceODD keeps the ODD's parameter tables equal to what the code
// declares, as TestReference keeps docs/scenarios.md.
func TestReferenceODD(t *testing.T) {
	path := filepath.Join("..", "docs", "ODD.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := string(b)
	if n := strings.Count(want, oddOpen); n < 10 {
		t.Fatalf("docs/ODD.md has %d generated parameter tables, want at least 10 (the markers are gone?)", n)
	}
	got, err := oddTables(want, scenarioSpecs())
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got != want {
		t.Errorf("docs/ODD.md's parameter tables are out of date: run go test ./scenarios -run Reference -update")
	}
}

// TestODDTablesFail shows that the check bites: a default changed in the
// code, or a key the code does not have, is caught.
func TestODDTablesFail(t *testing.T) {
	specs := scenarioSpecs()
	doc := oddOpen + " params.avr.base -->\n" + oddClose + "\n"
	first, err := oddTables(doc, specs)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := oddTables(first, specs); again != first {
		t.Errorf("rendering is not stable: %q then %q", first, again)
	}
	s := specs["params.avr.base"]
	s.Default = "-1"
	specs["params.avr.base"] = s
	if changed, _ := oddTables(first, specs); changed == first {
		t.Errorf("a changed default left the table as it was: %q", changed)
	}
	if _, err := oddTables(oddOpen+" params.avr.nope -->\n"+oddClose, specs); err == nil {
		t.Error("an unknown key was accepted")
	}
}
