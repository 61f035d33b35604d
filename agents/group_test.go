package agents_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/agents"
)

// groupOrigins are three origins, one of each cooperation class.
var groupOrigins = []agents.Origin{
	{Code: "MA", Share: 0.5, Cooperation: 0.1, Class: agents.CoopLow},
	{Code: "IQ", Share: 0.3, Cooperation: 0.5, Class: agents.CoopMedium},
	{Code: "AL", Share: 0.2, Cooperation: 0.9, Class: agents.CoopHigh},
}

func ptr[T any](x T) *T { return &x }

// TestRuleFirstMatch: the first rule whose selector matches a person gives
// their policy, in the order the rules are written, whatever a later rule
// would give; a person no rule matches has the policy itself; thresholds
// are "at least".
func TestRuleFirstMatch(t *testing.T) {
	fam, single := agents.Family, agents.Single
	p := agents.DefaultPolicy()
	p.Groups = []agents.Rule{
		{For: agents.Selector{Household: &fam, MinMonths: 36}, Enforcement: ptr(3.0)},            // 0
		{For: agents.Selector{Household: &fam}, Enforcement: ptr(2.0)},                           // 1
		{For: agents.Selector{Cooperation: ptr(agents.CoopHigh)}, Enforcement: ptr(4.0)},         // 2
		{For: agents.Selector{Origins: []string{"MA", "AL"}, MinFile: 2}, Enforcement: ptr(5.0)}, // 3
		{For: agents.Selector{Household: &single}, Enforcement: ptr(6.0)},                        // 4: after 2 and 3
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := p.Prepare(groupOrigins); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		origin       int
		h            agents.Household
		months, file int
		rule         int
		enforcement  float64
	}{
		{0, fam, 36, 1, 0, 3},   // the first rule, at its threshold
		{0, fam, 35, 1, 1, 2},   // below it: the second
		{2, fam, 0, 1, 1, 2},    // a family from a high-cooperation origin: rule 1 comes before rule 2
		{2, single, 0, 1, 2, 4}, // a single person from it: rule 2 before rule 4
		{0, single, 0, 2, 3, 5}, // MA, second file: rule 3 before rule 4
		{0, single, 0, 1, 4, 6}, // MA, first file: rule 4
		{1, single, 99, 5, 4, 6},
	} {
		a := agents.Agent{Origin: c.origin, Household: c.h, MonthsIrregular: c.months, FileNumber: c.file}
		if got := p.RuleOf(c.origin, c.h, c.months, c.file); got != c.rule {
			t.Errorf("RuleOf(%s, %s, %d months, file %d) = %d, want %d", groupOrigins[c.origin].Code, c.h, c.months, c.file, got, c.rule)
		}
		if got := p.For(&a).Enforcement; got != c.enforcement {
			t.Errorf("For(%s, %s, %d months, file %d).Enforcement = %g, want %g", groupOrigins[c.origin].Code, c.h, c.months, c.file, got, c.enforcement)
		}
	}
	// a person no rule matches: only single persons and families exist, so
	// drop rule 4 and take a single person from IQ
	q := agents.DefaultPolicy()
	q.Groups = p.Groups[:4]
	if err := q.Prepare(groupOrigins); err != nil {
		t.Fatal(err)
	}
	a := agents.Agent{Origin: 1, Household: single, FileNumber: 1}
	if got := q.For(&a); got != &q {
		t.Errorf("For(IQ, single) = %p, want the policy itself %p", got, &q)
	}
}

// TestRuleNextChange: the rule of a person moves only at the threshold of a
// rule before the one that matches them now, and only if their file number
// lets that rule match.
func TestRuleNextChange(t *testing.T) {
	p := agents.DefaultPolicy()
	p.Groups = []agents.Rule{
		{For: agents.Selector{MinMonths: 60}, Enforcement: ptr(3.0)},
		{For: agents.Selector{MinMonths: 24, MinFile: 2}, Enforcement: ptr(2.0)},
		{For: agents.Selector{MinMonths: 12}, Enforcement: ptr(1.5)},
	}
	if err := p.Prepare(groupOrigins); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ months, file, want int }{
		{0, 1, 12}, {12, 1, 60}, {30, 1, 60}, {60, 1, -1},
		{0, 2, 12}, {12, 2, 24}, {24, 2, 60}, {59, 2, 60}, {60, 2, -1},
	} {
		a := agents.Agent{Origin: 0, FileNumber: c.file}
		if got := p.NextChange(&a, c.months, c.file); got != c.want {
			t.Errorf("NextChange(%d months, file %d) = %d, want %d", c.months, c.file, got, c.want)
		}
	}
	none := agents.DefaultPolicy()
	if err := none.Prepare(groupOrigins); err != nil {
		t.Fatal(err)
	}
	if got := none.NextChange(&agents.Agent{}, 0, 1); got != -1 {
		t.Errorf("NextChange without rules = %d, want -1", got)
	}
}

// TestRuleApply: a rule sets exactly the keys it gives, each to its value,
// and leaves every other key of the policy as it was; every key a rule may
// set is a key of Policy (Apply panics otherwise).
func TestRuleApply(t *testing.T) {
	base := agents.DefaultPolicy()
	r := agents.Rule{
		Counselling: agents.RuleCounselling{
			Timing: ptr(agents.Periodic), PeriodMonths: ptr(3), Provider: ptr(agents.Only(agents.NGO)),
			CountryKnowledge: ptr(0.9), PartnerContact: ptr(true),
		},
		Reintegration: agents.RuleReintegration{CashEUR: ptr(2000.0), InKindEUR: ptr(0.0), Eligible: &[]string{"MA"}, RequireDeadline: ptr(true)},
		Enforcement:   ptr(2.0),
	}
	if got, want := r.Keys(), agents.RuleKeys(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Keys() of a rule that sets every key = %v, want RuleKeys() %v", got, want)
	}
	got := base
	r.Apply(&got)
	want := base
	want.Counselling.Timing, want.Counselling.PeriodMonths, want.Counselling.Provider = agents.Periodic, 3, agents.Only(agents.NGO)
	want.Counselling.CountryKnowledge, want.Counselling.PartnerContact = 0.9, true
	want.Reintegration.CashEUR, want.Reintegration.InKindEUR, want.Reintegration.Eligible, want.Reintegration.RequireDeadline = 2000, 0, []string{"MA"}, true
	want.Enforcement = 2
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Apply(every key) = %+v, want %+v", got, want)
	}
	(*r.Reintegration.Eligible)[0] = "AL"
	if got.Reintegration.Eligible[0] != "MA" {
		t.Error("Apply shares the rule's eligible origins with the policy, want a copy")
	}
	one := agents.Rule{Enforcement: ptr(2.0)}
	got = base
	one.Apply(&got)
	want = base
	want.Enforcement = 2
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(one.Keys(), []string{"enforcement"}) {
		t.Errorf("Apply(enforcement only) = %+v with keys %v, want %+v with [enforcement]", got, one.Keys(), want)
	}
}

// TestRuleValidate: a rule without a policy key, with a value out of its
// range, with a timing the shared counsellors cannot give, with an unknown
// origin, or with a threshold out of range is refused at the rule's key;
// a rule that is valid is accepted.
func TestRuleValidate(t *testing.T) {
	fam := agents.Family
	for _, c := range []struct {
		name    string
		rule    agents.Rule
		noStaff bool   // the general policy has no counsellors and no counselling
		key     string // "" when valid
		msg     string
	}{
		{"valid", agents.Rule{For: agents.Selector{Household: &fam}, Counselling: agents.RuleCounselling{Timing: ptr(agents.AtFirstDecision)}}, false, "", ""},
		{"no policy key", agents.Rule{For: agents.Selector{Household: &fam}}, false, "groups[0]", "sets no policy key"},
		{"enforcement out of range", agents.Rule{Enforcement: ptr(11.0)}, false, "groups[0].enforcement", "out of range"},
		{"shares that do not sum to 1", agents.Rule{Counselling: agents.RuleCounselling{Provider: &agents.ProviderMix{NGO: 0.5}}}, false, "groups[0].counselling.provider", "sum to 0.5"},
		{"counselling without counsellors", agents.Rule{Counselling: agents.RuleCounselling{Timing: ptr(agents.Periodic)}}, true, "groups[0].counselling.timing", "0 counsellors"},
		{"threshold out of range", agents.Rule{For: agents.Selector{MinMonths: -1}, Enforcement: ptr(1.0)}, false, "groups[0].for.min_months_without_status", "out of range"},
		{"unknown origin", agents.Rule{For: agents.Selector{Origins: []string{"ZZ"}}, Enforcement: ptr(1.0)}, false, "groups[0].for.origins", `"ZZ" is not the code of an origin`},
		{"unknown eligible origin", agents.Rule{Reintegration: agents.RuleReintegration{Eligible: &[]string{"ZZ"}}}, false, "groups[0].reintegration.eligible", `"ZZ"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := agents.DefaultPolicy()
			if c.noStaff {
				p.Counselling.Timing, p.Counselling.Counsellors = agents.NoCounselling, 0
			}
			p.Groups = []agents.Rule{c.rule}
			err := p.Validate()
			if err == nil {
				err = p.Prepare(groupOrigins)
			}
			if c.key == "" {
				if err != nil {
					t.Fatalf("Validate, Prepare = %v, want nil", err)
				}
				return
			}
			if got := fieldKey(t, "Validate, Prepare", err); got != c.key || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("Validate, Prepare = %v, want an error at %q saying %q", err, c.key, c.msg)
			}
		})
	}
}

// TestRuleCarriesOver: a key a rule does not set is the policy's own, so a
// change of the policy reaches the rule's persons too; a rule's policy
// has no rules of its own.
func TestRuleCarriesOver(t *testing.T) {
	p := agents.DefaultPolicy()
	p.Groups = []agents.Rule{{Enforcement: ptr(2.0)}}
	p.Reintegration.CashEUR = 1234
	if err := p.Prepare(groupOrigins); err != nil {
		t.Fatal(err)
	}
	q := p.For(&agents.Agent{FileNumber: 1})
	if q.Enforcement != 2 || q.Reintegration.CashEUR != 1234 || q.Counselling != p.Counselling || q.HasGroups() || len(q.Groups) != 0 {
		t.Errorf("For = enforcement %g, cash %g, counselling %+v, groups %v; want 2, 1234, the policy's, none", q.Enforcement, q.Reintegration.CashEUR, q.Counselling, q.Groups)
	}
}

func TestHouseholdText(t *testing.T) {
	for _, h := range []agents.Household{agents.Single, agents.Family} {
		b, _ := h.MarshalText()
		var got agents.Household
		if err := got.UnmarshalText(b); err != nil || got != h {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", b, got, err, h)
		}
	}
	var h agents.Household
	if err := h.UnmarshalText([]byte("families")); err == nil || !strings.Contains(err.Error(), "single, family") {
		t.Errorf(`UnmarshalText("families") = %v, want an error naming single, family`, err)
	}
}
