package scenarios

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// TestWorkedExampleRates checks the values that the worked example of
// docs/ODD.md (agents.Example_workedExample) takes from outside package
// agents, which cannot import sim: Iraq's and Nigeria's rows of the origin table, the
// rates of finding, status and requests out of sight, and the policy in force in the
// default study's baseline in March 2019.
func TestWorkedExampleRates(t *testing.T) {
	cfg := sim.DefaultConfig()
	if cfg.State.FindRate != 0.016784 || cfg.State.StatusOutOfSight != 0.0005 || cfg.State.RequestOutOfSight != 0.0047225 {
		t.Errorf("state.find_rate %v, state.status_out_of_sight %v, state.request_out_of_sight %v; the worked example takes 0.016784, 0.0005 and 0.0047225: update agents/worked_example_test.go and docs/ODD.md",
			cfg.State.FindRate, cfg.State.StatusOutOfSight, cfg.State.RequestOutOfSight)
	}
	for _, want := range []agents.Origin{
		{Code: "IQ", Name: "Iraq", Share: 0.08, Cooperation: 0.45, Class: agents.CoopMedium, Conditions: 0.5, Distance: 0.5, Eligible: true},
		{Code: "NG", Name: "Nigeria", Share: 0.06, Cooperation: 0.85, Class: agents.CoopHigh, Conditions: 0.25, Distance: 0.9, Eligible: true},
	} {
		var got *agents.Origin
		for i := range cfg.Origins {
			if cfg.Origins[i].Code == want.Code {
				got = &cfg.Origins[i]
			}
		}
		if got == nil || *got != want {
			t.Errorf("origin %s is %+v; the worked example takes %+v", want.Code, got, want)
		}
	}
	st, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	base := st.Scenarios[0].Config
	month, err := sim.ParseMonth("2019-03")
	if err != nil {
		t.Fatal(err)
	}
	start, err := sim.ParseMonth(base.Start)
	if err != nil {
		t.Fatal(err)
	}
	pol := base.Policy
	for _, c := range base.Changes {
		if c.FromMonth <= month-start {
			pol = c.Policy
		}
	}
	c, r := pol.Counselling, pol.Reintegration
	if c.Timing != agents.AtFinalDecision || c.Provider != agents.Only(agents.Government) || c.CountryKnowledge != 0.3 ||
		c.PartnerContact || r.CashEUR != 300 || r.InKindEUR != 1500 || r.RequireDeadline || len(r.Eligible) != 0 || pol.Enforcement != 1 {
		t.Errorf("the baseline's policy in March 2019 is %+v; the worked example takes government counselling at the final decision, country knowledge 0.3, no partner, 300 EUR cash and 1,500 in kind for every eligible origin, enforcement 1", pol)
	}
}

// TestWorkedExampleInODD checks that docs/ODD.md shows the numbers that
// agents.Example_workedExample prints: every value of its // Output: with
// five decimals (other than 0.00000) must appear in the ODD, so that the
// Example and the document are changed together.
func TestWorkedExampleInODD(t *testing.T) {
	ex, err := os.ReadFile(filepath.Join("..", "agents", "worked_example_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	odd, err := os.ReadFile(filepath.Join("..", "docs", "ODD.md"))
	if err != nil {
		t.Fatal(err)
	}
	if bad := missingFromODD(string(ex), string(odd)); len(bad) > 0 {
		t.Errorf("docs/ODD.md does not show %d values that agents.Example_workedExample prints: %v", len(bad), bad)
	}
	// the check itself: the first printed value, its last digit changed
	// wherever the ODD shows it, must be reported, and nothing else
	v := regexp.MustCompile(`-?[0-9]+\.[0-9]{5}\b`).FindString(string(ex)[strings.Index(string(ex), "// Output:"):])
	w := v[:len(v)-1] + string('0'+(v[len(v)-1]-'0'+1)%10)
	if bad := missingFromODD(string(ex), strings.ReplaceAll(string(odd), v, w)); len(bad) != 1 || bad[0] != v {
		t.Errorf("%s changed to %s in the ODD gave %v, want the one value", v, w, bad)
	}
}

// missingFromODD returns the values of example's // Output: block, with
// five decimals, that odd does not contain.
func missingFromODD(example, odd string) []string {
	i := strings.Index(example, "// Output:")
	if i < 0 {
		return []string{"(no // Output: block)"}
	}
	var bad []string
	seen := map[string]bool{}
	for _, v := range regexp.MustCompile(`-?[0-9]+\.[0-9]{5}\b`).FindAllString(example[i:], -1) {
		if seen[v] || strings.Trim(v, "-0.") == "" {
			continue
		}
		seen[v] = true
		if !strings.Contains(odd, v) {
			bad = append(bad, v)
		}
	}
	if len(seen) < 20 {
		bad = append(bad, "(fewer than 20 values read from the Output block)")
	}
	return bad
}
