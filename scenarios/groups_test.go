package scenarios

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/agents"
)

// TestGroupErrors: a mistake in a group rule is one line naming the file,
// line, column and key: an unknown selector field, an unknown origin code,
// a bad cooperation class or household name, a rule that sets no policy
// key, a shared capacity set in a rule, a threshold out of range; in a
// scenario's policy and in a dated change, and each in the element of the
// array it is in (not at the last element that writes the same key).
func TestGroupErrors(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       []string // the error lines, in order
	}{
		{"unknown selector field", `[base]
[[base.policy.groups]]
for.househld = "family"
enforcement = 2
`, []string{"f.toml:3:1: base.policy.groups[0].for.househld: unknown key: did you mean base.policy.groups.for.household?"}},
		{"unknown origin code", `[base]
[[base.policy.groups]]
for.household = "single"
enforcement = 2
[[base.policy.groups]]
for.origins = ["IQ", "ZZ"]
enforcement = 2
`, []string{`f.toml:6:1: base.policy.groups[1].for.origins: "ZZ" is not the code of an origin in the origin table`}},
		{"bad class, in the first of two rules", `[base]
[[base.policy.groups]]
for.cooperation = "hi"
enforcement = 2
[[base.policy.groups]]
for.cooperation = "high"
enforcement = 3
`, []string{`f.toml:3:1: base.policy.groups[0].for.cooperation: "hi" is not one of low, medium, high`}},
		{"bad household, and an unknown key in another rule", `[base]
[[base.policy.groups]]
for.household = "families"
enforcement = 2
[[base.policy.groups]]
for.household = "single"
enforcment = 2
`, []string{
			`f.toml:3:1: base.policy.groups[0].for.household: "families" is not one of single, family`,
			`f.toml:7:1: base.policy.groups[1].enforcment: unknown key: did you mean base.policy.groups.enforcement?`,
		}},
		{"no policy key", `[base]
[variants.v]
[[variants.v.policy.groups]]
for.household = "family"
`, []string{"f.toml:3:1: variants.v.policy.groups[0]: sets no policy key: want at least one of counselling.timing, counselling.period_months, counselling.provider, counselling.country_knowledge, counselling.partner_contact, reintegration.cash_eur, reintegration.in_kind_eur, reintegration.eligible, reintegration.require_deadline, enforcement"}},
		{"a shared capacity", `[base]
[[base.policy.groups]]
for.household = "family"
counselling.counsellors = 3
enforcement = 2
`, []string{"f.toml:4:1: base.policy.groups[0].counselling.counsellors: a group rule cannot set counselling.counsellors: capacities are shared by every group"}},
		{"in a dated change", `[base]
[[base.policy_changes]]
from = "2018-01"
enforcement = 1.5
[[base.policy_changes.groups]]
for.origins = ["QQ"]
for.min_months_without_status = -3
enforcement = 11
`, []string{
			`f.toml:6:1: base.policy_changes[0].groups[0].for.origins: "QQ" is not the code of an origin in the origin table`,
			"f.toml:7:1: base.policy_changes[0].groups[0].for.min_months_without_status: -3 is out of range: want 0 to 1200 (months)",
			"f.toml:8:1: base.policy_changes[0].groups[0].enforcement: 11 is out of range: want 0 to 10 (multiplier)",
		}},
		{"a timing the shared counsellors cannot give", `[base]
policy.counselling.timing = "none"
policy.counselling.counsellors = 0
[[base.policy.groups]]
for.household = "family"
counselling.timing = "periodic"
`, []string{`f.toml:6:1: base.policy.groups[0].counselling.timing: 0 counsellors cannot give counselling at periodic`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("f.toml", []byte(c.text))
			if err == nil {
				t.Fatal("no error")
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(c.want) {
				t.Fatalf("%d lines, want %d:\n%v", len(lines), len(c.want), err)
			}
			for i, w := range c.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("line %d\n got %s\nwant %s...", i, lines[i], w)
				}
			}
		})
	}
}

// groupStudy has rules in the base, a variant that replaces them, one that
// inherits them, and changes that keep them, replace them, or remove them.
const groupStudy = `[base]
policy.counselling.timing = "final-decision"
[[base.policy.groups]]
for.household = "family"
counselling.timing = "first-decision"
counselling.provider = "ngo"
[[base.policy.groups]]
for.cooperation = "high"
for.min_file_number = 2
enforcement = 2

[[base.policy_changes]]
from = "2018-01"
enforcement = 1.5
counselling.country_knowledge = 0.9

[[base.policy_changes]]
from = "2019-01"
[[base.policy_changes.groups]]
for.min_months_without_status = 36
counselling.partner_contact = true

[variants.inherits]
policy.reintegration.cash_eur = 2000

[variants.own]
[[variants.own.policy.groups]]
for.origins = ["IQ", "NG"]
reintegration.cash_eur = 3000

[variants.none]
policy.groups = []
`

// TestGroupParse: rules keep the order they are written in; a variant that
// gives policy.groups replaces the base's, one that gives none inherits
// them, an empty array removes them; a change that gives no groups keeps
// the rules in force, one that gives groups replaces them; a rule's unset
// keys follow the policy in force (a change of the general policy reaches
// the rule's persons); and every scenario survives Encode and Parse.
func TestGroupParse(t *testing.T) {
	st, err := Parse("g.toml", []byte(groupStudy))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*Scenario{}
	for i := range st.Scenarios {
		byName[st.Scenarios[i].Name] = &st.Scenarios[i]
	}
	base := &byName["baseline"].Config
	if n := len(base.Policy.Groups); n != 2 || base.Policy.Groups[0].For.Household == nil || base.Policy.Groups[1].For.Cooperation == nil {
		t.Fatalf("base rules = %+v, want the family rule, then the high-cooperation rule", base.Policy.Groups)
	}
	if !reflect.DeepEqual(base.Changes[0].Groups, base.Policy.Groups) {
		t.Errorf("the first change, which gives no groups, has rules %+v, want the base's", base.Changes[0].Groups)
	}
	if g := base.Changes[1].Groups; len(g) != 1 || g[0].For.MinMonths != 36 {
		t.Errorf("the second change's rules = %+v, want its own one rule", g)
	}
	// the family rule's policy after the first change: its own timing and
	// provider, the change's enforcement and country knowledge
	fam := agents.Agent{Household: agents.Family, FileNumber: 1}
	q := base.Changes[0].Policy.For(&fam)
	if q.Counselling.Timing != agents.AtFirstDecision || q.Counselling.Provider != agents.Only(agents.NGO) || q.Enforcement != 1.5 || q.Counselling.CountryKnowledge != 0.9 {
		t.Errorf("the family rule after the change: timing %v, provider %+v, enforcement %g, knowledge %g; want first-decision, ngo, 1.5, 0.9", q.Counselling.Timing, q.Counselling.Provider, q.Enforcement, q.Counselling.CountryKnowledge)
	}
	if inh := &byName["inherits"].Config; !reflect.DeepEqual(inh.Policy.Groups, base.Policy.Groups) || inh.Policy.For(&fam).Reintegration.CashEUR != 2000 {
		t.Errorf("a variant without groups: rules %+v, family package %g; want the base's rules, and its own package 2000", inh.Policy.Groups, inh.Policy.For(&fam).Reintegration.CashEUR)
	}
	if own := byName["own"].Config.Policy.Groups; len(own) != 1 || !reflect.DeepEqual(own[0].For.Origins, []string{"IQ", "NG"}) {
		t.Errorf("a variant with its own groups: %+v, want its one rule", own)
	}
	if none := &byName["none"].Config; len(none.Policy.Groups) != 0 || none.Policy.HasGroups() || len(none.Changes[0].Groups) != 0 {
		t.Errorf("a variant with groups = []: %+v, in its first change %+v; want none", none.Policy.Groups, none.Changes[0].Groups)
	}
	for _, sc := range st.Scenarios {
		var b bytes.Buffer
		if err := Encode(&b, &sc); err != nil {
			t.Fatal(err)
		}
		back, err := Parse("back.toml", b.Bytes())
		if err != nil {
			t.Fatalf("%s: Parse(Encode) = %v\n%s", sc.Name, err, b.String())
		}
		if !reflect.DeepEqual(back.Scenarios[0].Config, sc.Config) {
			t.Errorf("%s: Parse(Encode) differs\n%s", sc.Name, b.String())
		}
	}
}
