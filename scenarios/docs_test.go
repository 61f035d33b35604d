package scenarios

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// The README and the documents in docs/ copy some of the code's values.
// These tests hold each copy to the code, so a changed default fails here
// until the documents say the same. (docs/scenarios.md and the ODD's
// parameter tables are generated: TestReference, TestReferenceODD.)

// docFiles are the documents whose copies are checked: the README and
// every docs/*.md but the generated docs/scenarios.md.
func docFiles(t *testing.T) map[string]string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	paths = append(paths, filepath.Join("..", "README.md"))
	docs := map[string]string{}
	for _, p := range paths {
		if filepath.Base(p) == "scenarios.md" {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		docs[strings.TrimPrefix(filepath.ToSlash(p), "../")] = string(b)
	}
	if len(docs) < 3 {
		t.Fatalf("found %d documents, want README.md and docs/*.md", len(docs))
	}
	return docs
}

var (
	// a TOML line that sets a dotted scenario key to a number
	tomlLine = regexp.MustCompile(`^\s*((?:state|population|params|intake|policy)\.[a-z_.]+)\s*=\s*(-?[0-9][0-9.eE+-]*)\s*(?:#.*)?$`)
	// a table row whose first cell is a backticked key
	keyRow = regexp.MustCompile("^\\|\\s*`([a-z_.]+)`\\s*\\|")
)

// calibrated reports whether a key's source says it is calibrated.
func calibrated(s agents.Spec) bool { return strings.HasPrefix(s.Source, "calibrated") }

// checkDefaults returns, for one document's text, every copy of a default
// that differs from specs: in a Markdown table with a column whose header
// begins with "default", the cell of each row whose first cell is a
// scenario key; and in a TOML line key = value, the value of a calibrated
// key (other keys appear in examples with values of their own), but in a
// dated change ([[...changes]]), whose values are a scenario's own.
func checkDefaults(name, text string, specs map[string]agents.Spec) []string {
	var bad []string
	col := -1       // the "default" column of the table being read, or -1
	change := false // the TOML line is in a [[...changes]] table
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "[") {
			change = strings.HasPrefix(t, "[[") && strings.Contains(t, "changes]]")
		}
		if !strings.HasPrefix(line, "|") {
			col = -1
		} else if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "| ---") {
			col = -1
			for j, h := range strings.Split(strings.Trim(line, "|"), "|") {
				if strings.HasPrefix(strings.TrimSpace(h), "default") {
					col = j
					break
				}
			}
		} else if m := keyRow.FindStringSubmatch(line); m != nil && col >= 0 {
			if s, ok := specs[m[1]]; ok {
				cells := strings.Split(strings.Trim(line, "|"), "|")
				if col < len(cells) {
					if got := strings.Trim(strings.TrimSpace(cells[col]), "`"); got != s.Default {
						bad = append(bad, fmt.Sprintf("%s:%d: %s: default %s, the code has %s", name, i+1, m[1], got, s.Default))
					}
				}
			}
		}
		if m := tomlLine.FindStringSubmatch(line); m != nil {
			if s, ok := specs[m[1]]; ok && calibrated(s) && m[2] != s.Default && !change {
				bad = append(bad, fmt.Sprintf("%s:%d: %s = %s, the code has %s", name, i+1, m[1], m[2], s.Default))
			}
		}
	}
	return bad
}

// TestDocsDefaults holds every default copied into the README and docs/ to
// the code's value.
func TestDocsDefaults(t *testing.T) {
	specs := scenarioSpecs()
	checked := 0
	for name, text := range docFiles(t) {
		for _, b := range checkDefaults(name, text, specs) {
			t.Error(b)
		}
		if strings.Contains(text, "default (the point fit") {
			checked++
		}
	}
	if checked == 0 {
		t.Error("no document has the table of calibrated defaults (docs/ODD.md section 8.2): the check checks nothing")
	}
}

// TestDocsDefaultsFail shows that the check bites on both forms.
func TestDocsDefaultsFail(t *testing.T) {
	specs := scenarioSpecs()
	base := specs["params.avr.base"].Default
	good := "| key | before | default (the point fit) |\n| --- | --- | --- |\n| `params.avr.base` | -4.75 | " + base + " |\n\n```toml\nparams.avr.base = " + base + "\n```\n"
	if bad := checkDefaults("doc", good, specs); len(bad) > 0 {
		t.Fatalf("the code's own value is refused: %v", bad)
	}
	for _, doc := range []string{
		strings.Replace(good, "| "+base+" |", "| -4.83127 |", 1),
		strings.Replace(good, "= "+base, "= -4.83127", 1),
	} {
		if bad := checkDefaults("doc", doc, specs); len(bad) != 1 {
			t.Errorf("a changed copy gave %d problems, want 1: %q", len(bad), doc)
		}
	}
}

// words are the numbers the README writes out.
var words = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
	"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
	"twenty-one", "twenty-two", "twenty-three", "twenty-four", "twenty-five", "twenty-six", "twenty-seven", "twenty-eight", "twenty-nine", "thirty"}

// TestDocsCalibratedCount holds the README's count of calibrated
// parameters, in words, to the keys whose source says they are calibrated
// and to the free parameters of calibrate/targets.toml.
func TestDocsCalibratedCount(t *testing.T) {
	n := 0
	for _, s := range scenarioSpecs() {
		if calibrated(s) {
			n++
		}
	}
	targets, err := os.ReadFile(filepath.Join("..", "calibrate", "targets.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if free := strings.Count(string(targets), "\n[[parameter]]"); free != n {
		t.Errorf("calibrate/targets.toml frees %d parameters; %d keys' sources say calibrated", free, n)
	}
	if n >= len(words) {
		t.Fatalf("%d calibrated parameters: extend the words", n)
	}
	readme := docFiles(t)["README.md"]
	re := regexp.MustCompile(`(?i)\b([a-z]+(?:-[a-z]+)?) calibrated parameters\b`)
	m := re.FindAllStringSubmatch(readme, -1)
	if len(m) == 0 {
		t.Fatal("README.md does not say how many calibrated parameters there are (\"N calibrated parameters\")")
	}
	for _, x := range m {
		if !strings.EqualFold(x[1], words[n]) {
			t.Errorf("README.md: %q, the code has %d", x[0], n)
		}
	}
}

// TestDocsDefaultStudy holds the README's count of the default study's
// scenarios, its warm-up and its recorded years to the embedded study.
func TestDocsDefaultStudy(t *testing.T) {
	st, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	readme := docFiles(t)["README.md"]
	want := []string{fmt.Sprintf("the %d scenarios of the default study", len(st.Scenarios))}
	cfg := st.Scenarios[0].Config
	if cfg.Warmup%12 != 0 || cfg.Warmup/12 >= len(words) || words[cfg.Warmup/12] == "" {
		t.Fatalf("a warm-up of %d months: extend the words", cfg.Warmup)
	}
	want = append(want, words[cfg.Warmup/12]+"-year warm-up")
	start, err := sim.ParseMonth(cfg.Start)
	if err != nil {
		t.Fatal(err)
	}
	last := start + cfg.Months - 1
	months := []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	if start%12 != 0 || last%12 != 11 {
		t.Fatalf("the baseline runs from month %d to %d, not whole years: the README's sentence needs rewriting", start, last)
	}
	want = append(want, fmt.Sprintf("from %s %d to\n%s %d", months[start%12], start/12, months[last%12], last/12))
	for _, w := range want {
		if !strings.Contains(readme, w) && !strings.Contains(readme, strings.ReplaceAll(w, "\n", " ")) {
			t.Errorf("README.md does not say %q", w)
		}
	}
}

// TestDocsStudies: every study file that docs/running.md shows (a TOML
// block with a [base] table) parses, as `returnsim check` would accept it,
// so that an example a reader copies works; among them one with group
// rules.
func TestDocsStudies(t *testing.T) {
	text := docFiles(t)["docs/running.md"]
	blocks := strings.Split(text, "```toml\n")[1:]
	studies, groups := 0, 0
	for i, b := range blocks {
		code, _, ok := strings.Cut(b, "```")
		if !ok {
			t.Fatalf("docs/running.md: TOML block %d without its end", i)
		}
		if !strings.Contains(code, "[base]") {
			continue
		}
		studies++
		st, err := Parse(fmt.Sprintf("running.md block %d", i), []byte(code))
		if err != nil {
			t.Errorf("docs/running.md, TOML block %d: %v", i, err)
			continue
		}
		for _, sc := range st.Scenarios {
			if len(sc.Config.Policy.Groups) > 0 {
				groups++
			}
		}
	}
	if studies < 3 || groups == 0 {
		t.Errorf("docs/running.md shows %d studies, %d scenarios with group rules: want at least 3, and an example of group rules", studies, groups)
	}
}

// TestDocsPlanner: docs/planner.toml, the planner's three questions, is the
// study docs/running.md shows, and asks them: families counselled by civil
// society at the first decision with a larger package for everyone, twice
// the enforcement for high-cooperation origins, no VBL placements from the
// fork (with the LVV kept, as in the baseline after it).
func TestDocsPlanner(t *testing.T) {
	file, err := os.ReadFile(filepath.Join("..", "docs", "planner.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(docFiles(t)["docs/running.md"], "```toml\n"+string(file)+"```") {
		t.Error("docs/running.md does not show docs/planner.toml as it is")
	}
	st, err := Parse("planner.toml", file)
	if err != nil {
		t.Fatal(err)
	}
	sc := map[string]*sim.Config{}
	for i := range st.Scenarios {
		sc[st.Scenarios[i].Name] = &st.Scenarios[i].Config
	}
	fam, ngo := sc["ngo-families-package"], sc["no-vbl"]
	switch {
	case st.Fork != "2025-01" || len(st.Scenarios) != 4:
		t.Errorf("fork %q, %d scenarios", st.Fork, len(st.Scenarios))
	case fam == nil || len(fam.Policy.Groups) != 1 || *fam.Policy.Groups[0].For.Household != agents.Family || fam.Policy.Reintegration.CashEUR != 3000:
		t.Errorf("ngo-families-package: %+v", fam)
	case ngo == nil || len(ngo.Changes) != 1 || ngo.Changes[0].Population["frl_share"] != 0 || ngo.Changes[0].Policy.Capacity.LVVPlaces != 1000:
		t.Errorf("no-vbl: %+v", ngo)
	case sc["removals-cooperating"] == nil || *sc["removals-cooperating"].Policy.Groups[0].Enforcement != 2:
		t.Errorf("removals-cooperating: %+v", sc["removals-cooperating"])
	}
}
