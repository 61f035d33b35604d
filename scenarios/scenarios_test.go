package scenarios

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// lines joins its arguments as the lines of a file, so that argument N is
// line N: the positions in the tables below are read off that way.
func lines(ls ...string) []byte { return []byte(strings.Join(ls, "\n") + "\n") }

// mustParse parses text as name and fails the test on any error.
func mustParse(t *testing.T, name string, text []byte) *Study {
	t.Helper()
	st, err := Parse(name, text)
	if err != nil {
		t.Fatalf("Parse(%q) error:\n%v", name, err)
	}
	return st
}

// scenario returns the scenario called name, failing the test without one.
func scenario(t *testing.T, st *Study, name string) *Scenario {
	t.Helper()
	for i := range st.Scenarios {
		if st.Scenarios[i].Name == name {
			return &st.Scenarios[i]
		}
	}
	t.Fatalf("no scenario %q in %v", name, names(st))
	return nil
}

func names(st *Study) []string {
	var ns []string
	for _, sc := range st.Scenarios {
		ns = append(ns, sc.Name)
	}
	return ns
}

// diffFields lists the dotted Go paths of the exported leaves that differ
// between a and b, which have the same type. Slices are leaves. Unexported
// fields (the caches set by Validate) are skipped.
func diffFields(a, b any) []string {
	var out []string
	var walk func(x, y reflect.Value, path string)
	walk = func(x, y reflect.Value, path string) {
		if x.Kind() == reflect.Struct {
			for i := 0; i < x.NumField(); i++ {
				f := x.Type().Field(i)
				if !f.IsExported() {
					continue
				}
				p := f.Name
				if path != "" {
					p = path + "." + f.Name
				}
				walk(x.Field(i), y.Field(i), p)
			}
			return
		}
		if !reflect.DeepEqual(x.Interface(), y.Interface()) {
			out = append(out, path)
		}
	}
	walk(reflect.ValueOf(a), reflect.ValueOf(b), "")
	return out
}

func TestLoadDefault(t *testing.T) {
	st, err := LoadDefault()
	if err != nil {
		t.Fatalf("LoadDefault() error:\n%v", err)
	}
	if len(st.Scenarios) < 2 {
		t.Fatalf("LoadDefault() has scenarios %v, want a baseline and variants", names(st))
	}
	if got := st.Scenarios[0].Name; got != "baseline" {
		t.Errorf("LoadDefault().Scenarios[0].Name = %q, want %q", got, "baseline")
	}
	if !st.CRN {
		t.Errorf("LoadDefault().CRN = false, want true (the default)")
	}
	for _, sc := range st.Scenarios {
		if sc.File != DefaultName {
			t.Errorf("LoadDefault() scenario %q File = %q, want %q", sc.Name, sc.File, DefaultName)
		}
	}
	base := st.Scenarios[0].Config
	bc := base.Policy.Counselling
	if bc.Timing != agents.AtFinalDecision {
		t.Errorf("LoadDefault() baseline timing = %v, want %v", bc.Timing, agents.AtFinalDecision)
	}

	// Each comparison is found by what its configuration says, not by its
	// name: a scenario that differs from the baseline in that respect only
	// in its counselling policy.
	has := func(ok func(c *sim.Config) bool) bool {
		for i := range st.Scenarios[1:] {
			if ok(&st.Scenarios[1+i].Config) {
				return true
			}
		}
		return false
	}
	for _, timing := range []agents.Timing{agents.NoCounselling, agents.AtFirstDecision, agents.AtDeadline, agents.InDetention, agents.Periodic} {
		t.Run("timing "+timing.String(), func(t *testing.T) {
			if !has(func(c *sim.Config) bool {
				cc := c.Policy.Counselling
				return cc.Timing == timing && cc.Provider == bc.Provider && cc.Counsellors == bc.Counsellors
			}) {
				t.Errorf("LoadDefault() has no scenario with timing %v and the baseline's provider and counsellors", timing)
			}
		})
	}
	for _, p := range []agents.Provider{agents.NGO, agents.IOM} {
		t.Run("provider "+p.String(), func(t *testing.T) {
			if !has(func(c *sim.Config) bool {
				cc := c.Policy.Counselling
				return cc.Provider == agents.Only(p) && cc.Timing == bc.Timing
			}) {
				t.Errorf("LoadDefault() has no scenario with provider %v only at timing %v", p, bc.Timing)
			}
		})
	}
	t.Run("provider government", func(t *testing.T) {
		if bc.Provider != agents.Only(agents.Government) {
			t.Errorf("LoadDefault() baseline provider = %+v, want government only", bc.Provider)
		}
	})
	t.Run("provider mix", func(t *testing.T) {
		if !has(func(c *sim.Config) bool {
			m := c.Policy.Counselling.Provider
			nonzero := 0
			for _, s := range []float64{m.Government, m.NGO, m.IOM} {
				if s > 0 {
					nonzero++
				}
			}
			return nonzero >= 2 && c.Policy.Counselling.Timing == bc.Timing
		}) {
			t.Errorf("LoadDefault() has no scenario with a mix of providers")
		}
	})
	t.Run("larger package", func(t *testing.T) {
		// the package in force from the fork (from the first recorded
		// month without one): the base's dated changes set it
		from := 0
		if st.Fork != "" {
			from = st.ForkMonth
		}
		br := policyAt(&base, from).Reintegration
		if !has(func(c *sim.Config) bool {
			p := policyAt(c, from)
			r := p.Reintegration
			return r.CashEUR >= br.CashEUR && r.InKindEUR >= br.InKindEUR &&
				r.CashEUR+r.InKindEUR > br.CashEUR+br.InKindEUR &&
				reflect.DeepEqual(p.Counselling, bc)
		}) {
			t.Errorf("LoadDefault() has no scenario with a larger reintegration package than %v+%v EUR and the baseline's counselling", br.CashEUR, br.InKindEUR)
		}
	})
}

// inheritBase sets a value of every kind, away from its default, so that a
// variant that loses one is noticed.
var inheritBase = lines(
	`[base]`,
	`months = 96`,
	`warmup_months = 12`,
	`intake.scale = 0.5`,
	`intake.years = [{year = 2020, ind = 900, police = 100, kmar = 50, other = 10}]`,
	`population.family_share = 0.25`,
	`state.forced_rate = 0.03`,
	`params.avr.base = -4.0`,
	`policy.counselling.timing = "deadline"`,
	`policy.counselling.provider = { government = 0.5, ngo = 0.5 }`,
	`policy.counselling.overload = "wait"`,
	`policy.reintegration.cash_eur = 800`,
	`policy.reintegration.eligible = ["NG", "IQ"]`,
	`policy.enforcement = 1.5`,
	``,
	`[[base.policy_changes]]`,
	`from_month = 36`,
	`enforcement = 2.0`,
	``,
)

func TestVariantInheritsBase(t *testing.T) {
	tests := []struct {
		name    string
		variant string   // the body of [variants.v]
		changed []string // the Go paths the variant may change
		check   func(c *sim.Config) string
	}{
		{"months", `months = 60`, []string{"Months"}, nil},
		// a policy key also changes the inherited policy change, which
		// starts from the variant's own policy (doc.go)
		{"timing", `policy.counselling.timing = "periodic"`, []string{"Policy.Counselling.Timing", "Changes"}, func(c *sim.Config) string {
			if ch := c.Changes[0]; ch.Counselling.Timing != agents.Periodic || ch.Enforcement != 2 {
				return fmt.Sprintf("inherited change has timing %s and enforcement %v, want periodic and 2", ch.Counselling.Timing, ch.Enforcement)
			}
			return ""
		}},
		{"provider", `policy.counselling.provider = "iom"`, []string{"Policy.Counselling.Provider.Government", "Policy.Counselling.Provider.NGO", "Policy.Counselling.Provider.IOM", "Changes"}, nil},
		{"param", `params.avr.hope = 2.5`, []string{"Params.AVR.Hope"}, nil},
		{"population", `population.pull_mean = 0.4`, []string{"Population.PullMean"}, nil},
		{"intake years replaced", `intake.years = [{year = 2030, ind = 5, police = 4, kmar = 3, other = 2}]`, []string{"Intake.Years"}, func(c *sim.Config) string {
			if want := []sim.IntakeYear{{Year: 2030, IND: 5, Police: 4, KMar: 3, Other: 2}}; !slices.Equal(c.Intake.Years, want) {
				return fmt.Sprintf("Years = %v, want %v", c.Intake.Years, want)
			}
			return ""
		}},
		{"eligible replaced", `policy.reintegration.eligible = ["IQ"]`, []string{"Policy.Reintegration.Eligible", "Changes"}, func(c *sim.Config) string {
			if !slices.Equal(c.Policy.Reintegration.Eligible, []string{"IQ"}) {
				return fmt.Sprintf("Eligible = %q, want [IQ]", c.Policy.Reintegration.Eligible)
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := string(inheritBase) + "[variants.v]\n" + tt.variant + "\n"
			st := mustParse(t, "inherit.toml", []byte(text))
			base, v := st.Scenarios[0].Config, scenario(t, st, "v").Config
			got := diffFields(base, v)
			for _, f := range got {
				if !slices.Contains(tt.changed, f) {
					t.Errorf("variant %q changed %s: base %v, variant %v; want only %v changed", tt.variant, f, fieldAt(base, f), fieldAt(v, f), tt.changed)
				}
			}
			if len(got) == 0 {
				t.Errorf("variant %q changed nothing, want %v changed", tt.variant, tt.changed)
			}
			if tt.check != nil {
				if msg := tt.check(&v); msg != "" {
					t.Errorf("variant %q: %s", tt.variant, msg)
				}
			}
		})
	}
}

// fieldAt returns the value at a Go path of diffFields, for messages.
func fieldAt(v any, path string) any {
	x := reflect.ValueOf(v)
	for _, f := range strings.Split(path, ".") {
		x = x.FieldByName(f)
	}
	return x.Interface()
}

func TestArraysReplace(t *testing.T) {
	text := lines(
		`[base]`,
		`intake.years = [{year = 2020, ind = 1, police = 2, kmar = 3, other = 4}, {year = 2021, ind = 5, police = 6, kmar = 7, other = 8}]`,
		``,
		`[[base.origins]]`,
		`code = "NG"`,
		`share = 0.5`,
		`cooperation = 0.85`,
		`class = "high"`,
		``,
		`[[base.origins]]`,
		`code = "IQ"`,
		`share = 0.5`,
		`cooperation = 0.45`,
		`class = "medium"`,
		``,
		`[base.policy.reintegration]`,
		`eligible = ["NG", "IQ"]`,
		``,
		`[variants.v]`,
		`intake.years = [{year = 2022, ind = 9, police = 9, kmar = 9, other = 9}]`,
		`policy.reintegration.eligible = ["NG"]`,
		``,
		`[[variants.v.origins]]`,
		`code = "NG"`,
		`share = 1`,
		`cooperation = 0.9`,
		`class = "high"`,
	)
	st := mustParse(t, "arrays.toml", text)
	base, v := st.Scenarios[0].Config, scenario(t, st, "v").Config
	if got, want := len(base.Origins), 2; got != want {
		t.Errorf("base len(Origins) = %d, want %d", got, want)
	}
	want := []agents.Origin{{Code: "NG", Share: 1, Cooperation: 0.9, Class: agents.CoopHigh}}
	if !reflect.DeepEqual(v.Origins, want) {
		t.Errorf("variant Origins = %+v, want %+v", v.Origins, want)
	}
	if got, want := v.Intake.Years, []sim.IntakeYear{{Year: 2022, IND: 9, Police: 9, KMar: 9, Other: 9}}; !slices.Equal(got, want) {
		t.Errorf("variant intake years = %v, want %v", got, want)
	}
	if got := len(base.Intake.Years); got != 2 {
		t.Errorf("base has %d intake years, want 2", got)
	}
	if got, want := v.Policy.Reintegration.Eligible, []string{"NG"}; !slices.Equal(got, want) {
		t.Errorf("variant Eligible = %q, want %q", got, want)
	}
	if got, want := base.Policy.Reintegration.Eligible, []string{"NG", "IQ"}; !slices.Equal(got, want) {
		t.Errorf("base Eligible = %q after the variant, want %q", got, want)
	}
}

func TestPolicyChangesChain(t *testing.T) {
	text := lines(
		`[base]`,
		`months = 84`,
		`policy.counselling.timing = "deadline"`,
		`policy.reintegration.cash_eur = 800`,
		`policy.reintegration.eligible = ["NG", "IQ"]`,
		``,
		`[[base.policy_changes]]`,
		`from_month = 12`,
		`enforcement = 2.0`,
		``,
		`[[base.policy_changes]]`,
		`from_month = 24`,
		`reintegration.cash_eur = 1000`,
		`reintegration.eligible = ["IQ"]`,
		``,
		`[variants.v]`,
		`months = 60`,
		``,
		`[variants.w]`,
		`policy.counselling.timing = "none"`,
		``,
		`[[variants.w.policy_changes]]`,
		`from_month = 6`,
		`counselling.timing = "periodic"`,
	)
	st := mustParse(t, "changes.toml", text)
	c := st.Scenarios[0].Config
	if len(c.Changes) != 2 {
		t.Fatalf("base has %d policy changes, want 2", len(c.Changes))
	}
	tests := []struct {
		name    string
		before  agents.Policy
		after   sim.Change
		month   int
		changed []string
	}{
		{"first from base", c.Policy, c.Changes[0], 12, []string{"Enforcement"}},
		{"second from first", c.Changes[0].Policy, c.Changes[1], 24, []string{"Reintegration.CashEUR", "Reintegration.Eligible"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.after.FromMonth != tt.month {
				t.Errorf("FromMonth = %d, want %d", tt.after.FromMonth, tt.month)
			}
			if got := diffFields(tt.before, tt.after.Policy); !slices.Equal(got, tt.changed) {
				t.Errorf("diffFields(policy before, change) = %v, want %v", got, tt.changed)
			}
		})
	}
	if got := c.Changes[1].Policy.Enforcement; got != 2 {
		t.Errorf("second change Enforcement = %v, want 2 (inherited from the first)", got)
	}
	if got, want := c.Changes[1].Policy.Reintegration.Eligible, []string{"IQ"}; !slices.Equal(got, want) {
		t.Errorf("second change Eligible = %q, want %q (replaced)", got, want)
	}
	if got, want := c.Changes[0].Policy.Reintegration.Eligible, []string{"NG", "IQ"}; !slices.Equal(got, want) {
		t.Errorf("first change Eligible = %q, want %q (the base's)", got, want)
	}

	t.Run("variant keeps base changes", func(t *testing.T) {
		v := scenario(t, st, "v").Config
		if !reflect.DeepEqual(v.Changes, c.Changes) {
			t.Errorf("variant Changes = %+v, want the base's %+v", v.Changes, c.Changes)
		}
	})
	// An inherited change starts from the policy in force before it,
	// which in a variant is the variant's policy: a variant of the
	// counselling timing must not fall back to the base's timing when the
	// base's enforcement change comes into force.
	t.Run("variant policy flows into inherited changes", func(t *testing.T) {
		st := mustParse(t, "changes.toml", append(slices.Clip(text), lines(
			``,
			`[variants.x]`,
			`policy.counselling.timing = "periodic"`,
		)...))
		x := scenario(t, st, "x").Config
		if len(x.Changes) != 2 {
			t.Fatalf("variant x has %d policy changes, want the base's 2", len(x.Changes))
		}
		for i, ch := range x.Changes {
			if got := ch.Policy.Counselling.Timing; got != agents.Periodic {
				t.Errorf("variant x Changes[%d] timing = %v, want %v (the variant's, unchanged by the base's change)", i, got, agents.Periodic)
			}
		}
		if got := diffFields(x.Policy, x.Changes[0].Policy); !slices.Equal(got, []string{"Enforcement"}) {
			t.Errorf("diffFields(x policy, x first change) = %v, want [Enforcement]", got)
		}
	})
	t.Run("variant replaces changes", func(t *testing.T) {
		w := scenario(t, st, "w").Config
		if len(w.Changes) != 1 {
			t.Fatalf("variant w has %d policy changes, want 1 (its own)", len(w.Changes))
		}
		if got, want := diffFields(w.Policy, w.Changes[0].Policy), []string{"Counselling.Timing"}; !slices.Equal(got, want) {
			t.Errorf("diffFields(w policy, w change) = %v, want %v", got, want)
		}
		if w.Changes[0].Policy.Reintegration.CashEUR != 800 {
			t.Errorf("w change CashEUR = %v, want 800 (the base's policy)", w.Changes[0].Policy.Reintegration.CashEUR)
		}
	})
}

const notTiming = "is not one of none, first-decision, final-decision, deadline, detention, periodic"

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name      string
		text      []byte
		line, col int // 0, 0 when there is no place to point at
		key       string
		msg       string // a part of the message
	}{
		{
			name: "unknown timing", // the style guide's example
			text: lines(`[base]`, ``, `[base.policy.counselling]`, `timing = "erly"`),
			line: 4, col: 11, key: "base.policy.counselling.timing", msg: `"erly" ` + notTiming, // col 11: the e of "erly"
		},
		{
			name: "unknown timing in variant",
			text: lines(`[base]`, ``, `[variants.a]`, `policy.counselling.timing = "erly"`),
			line: 4, col: 30, key: "variants.a.policy.counselling.timing", msg: notTiming, // 28 characters before "erly"
		},
		{
			name: "unknown key in base",
			text: lines(`[base]`, `months = 84`, `foo = 1`),
			line: 3, col: 1, key: "base.foo", msg: "unknown key",
		},
		{
			name: "unknown dotted key in base",
			text: lines(`[base]`, `  policy.counselling.timin = "none"`),
			line: 2, col: 3, key: "base.policy.counselling.timin", msg: "unknown key",
		},
		{
			name: "unknown key in variant",
			text: lines(`[base]`, ``, `[variants.a]`, `months = 12`, `bar = 2`),
			line: 5, col: 1, key: "variants.a.bar", msg: "unknown key",
		},
		{
			// the key in its element, where it is written
			name: "unknown key in policy change",
			text: lines(`[base]`, `months = 84`, ``, `[[base.policy_changes]]`, `from_month = 12`, `zap = 1`),
			line: 6, col: 1, key: "base.policy_changes[0].zap", msg: "unknown key",
		},
		{
			name: "wrong type",
			text: lines(`[base]`, `months = "many"`),
			line: 2, col: 1, key: "base.months", msg: "TOML value has type string; want integer",
		},
		{
			name: "wrong type of provider",
			text: lines(`[base]`, `[base.policy.counselling]`, `provider = 5`),
			line: 3, col: 12, key: "base.policy.counselling.provider", msg: "want a provider name", // col 12: the 5
		},
		{
			name: "wrong type in variant",
			text: lines(`[base]`, ``, `[variants.a]`, `months = 1.5`),
			line: 4, col: 1, key: "variants.a.months", msg: "want integer",
		},
		{
			name: "wrong type in policy change",
			text: lines(`[base]`, ``, `[variants.a]`, ``, `[[variants.a.policy_changes]]`, `from_month = 12`, `enforcement = "high"`),
			line: 7, col: 1, key: "variants.a.policy_changes[0].enforcement", msg: "want float",
		},
		{
			name: "unknown timing in policy change",
			text: lines(`[base]`, ``, `[[base.policy_changes]]`, `from_month = 12`, ``, `[[base.policy_changes]]`, `from_month = 24`, `counselling.timing = "soon"`),
			line: 8, col: 23, key: "base.policy_changes[1].counselling.timing", msg: `"soon" ` + notTiming, // col 23: the s of "soon"
		},
		{
			name: "float out of range",
			text: lines(`[base.population]`, `family_share = 1.5`),
			line: 2, col: 1, key: "base.population.family_share", msg: "1.5 is out of range: want 0 to 1 (share)",
		},
		{
			name: "int out of range",
			text: lines(`[base]`, `months = 2000`),
			line: 2, col: 1, key: "base.months", msg: "2000 is out of range: want 1 to 1200 (months)",
		},
		{
			name: "negative count",
			text: lines(`[base.intake]`, `initial_stock = -5`),
			line: 2, col: 1, key: "base.intake.initial_stock", msg: "-5 is out of range",
		},
		{
			name: "negative counsellors",
			text: lines(`[base]`, `[base.policy.counselling]`, `counsellors = -3`),
			line: 3, col: 1, key: "base.policy.counselling.counsellors", msg: "-3 is out of range",
		},
		{
			name: "nan",
			text: lines(`[base.state]`, `appeal_success = nan`),
			line: 2, col: 1, key: "base.state.appeal_success", msg: "NaN is not a finite number",
		},
		{
			name: "inf",
			text: lines(`[base.state]`, `forced_rate = -inf`),
			line: 2, col: 1, key: "base.state.forced_rate", msg: "-Inf is not a finite number",
		},
		{
			name: "provider shares",
			text: lines(`[base.policy.counselling]`, `provider = { government = 0.5, ngo = 0.25 }`),
			line: 2, col: 1, key: "base.policy.counselling.provider", msg: "shares sum to 0.75, want 1",
		},
		{
			name: "intake years not consecutive",
			text: lines(`[base]`, `[base.intake]`, `years = [{year = 2020, ind = 1, police = 1, kmar = 1, other = 1}, {year = 2022, ind = 1, police = 1, kmar = 1, other = 1}]`),
			line: 3, col: 1, key: "base.intake.years[1].year", msg: "2022 after 2020: want consecutive years",
		},
		{
			name: "counselling without counsellors",
			text: lines(`[base.policy.counselling]`, `counsellors = 0`),
			line: 2, col: 1, key: "base.policy.counselling.counsellors", msg: "0 counsellors cannot give counselling at final-decision",
		},
		{
			// the key is not in the variant: its nearest parent there is [variants.a]
			name: "counselling without counsellors in variant",
			text: lines(`[base]`, `policy.counselling.timing = "none"`, `policy.counselling.counsellors = 0`, ``, `[variants.a]`, `policy.counselling.timing = "periodic"`),
			line: 5, col: 1, key: "variants.a.policy.counselling.counsellors", msg: "0 counsellors cannot give counselling at periodic",
		},
		{
			name: "unknown eligible origin",
			text: lines(`[base.policy.reintegration]`, `eligible = ["NG", "ZZ"]`),
			line: 2, col: 1, key: "base.policy.reintegration.eligible", msg: `"ZZ" is not the code of an origin`,
		},
		{
			name: "duplicate origin code",
			text: lines(
				`[base]`,
				`[[base.origins]]`, `code = "NG"`, `share = 0.5`, `cooperation = 0.85`, `class = "high"`,
				``,
				`[[base.origins]]`, `code = "NG"`, `share = 0.5`, `cooperation = 0.85`, `class = "high"`,
			),
			line: 9, col: 1, key: "base.origins[1].code", msg: `"NG" appears twice`,
		},
		{
			name: "class against cooperation",
			text: lines(`[base]`, `[[base.origins]]`, `code = "NG"`, `share = 1`, `cooperation = 0.85`, `class = "low"`),
			line: 6, col: 1, key: "base.origins[0].class", msg: `"low" does not match cooperation 0.85`,
		},
		{
			name: "policy changes out of order",
			text: lines(`[base]`, `months = 84`, ``, `[[base.policy_changes]]`, `from_month = 24`, ``, `[[base.policy_changes]]`, `from_month = 12`),
			line: 8, col: 1, key: "base.policy_changes[1].from_month", msg: "12: want a month after 24",
		},
		{
			name: "policy change at month 0",
			text: lines(`[base]`, `months = 84`, ``, `[[base.policy_changes]]`, `from_month = 0`),
			line: 5, col: 1, key: "base.policy_changes[0].from_month", msg: "0: want a month after 0",
		},
		{
			name: "policy change beyond horizon",
			text: lines(`[base]`, `months = 84`, ``, `[[base.policy_changes]]`, `from_month = 84`),
			line: 5, col: 1, key: "base.policy_changes[0].from_month", msg: "before the horizon 84",
		},
		{
			// keyIndex must find its way out of a multi-line array
			name: "error after a multi-line array",
			text: lines(`[base]`, `policy.reintegration.eligible = [`, `  "NG",`, `  "IQ",`, `]`, `months = 0`),
			line: 6, col: 1, key: "base.months", msg: "0 is out of range",
		},
		{
			name: "missing base",
			text: lines(`name = "x"`, ``, `[variants.a]`, `months = 12`),
			line: 0, col: 0, key: "base", msg: "missing",
		},
		{
			name: "toml syntax",
			text: lines(`[base]`, `months = 84`, `warmup_months = `),
			line: 3, col: 17, key: "base.warmup_months", msg: "expected value", // col 17: the end of the line
		},
		{
			name: "toml duplicate key",
			text: lines(`[base]`, `months = 84`, `months = 85`),
			line: 3, col: 1, key: "base.months", msg: "given twice: a key or table is defined once in a file",
		},
		{
			// left out, travel would read as 0: no departure at all
			name: "restriction without travel",
			text: lines(`[base]`, `[[base.restrictions]]`, `from = "2020-04"`, `to = "2020-06"`, `travel = 0.07`, `[[base.restrictions]]`, `from = "2021-01"`, `to = "2021-12"`, `removals_lost = 0.22`),
			line: 6, col: 1, key: "base.restrictions[1].travel", msg: "missing: want the share",
		},
		{
			name: "inline restriction without travel",
			text: lines(`[base]`, ``, `[variants.a]`, `restrictions = [{from = "2021-01", to = "2021-12", removals_lost = 0.22}]`),
			line: 4, col: 1, key: "variants.a.restrictions[0].travel", msg: "missing: want the share",
		},
		{
			name: "restriction of an origin written wrong",
			text: lines(`[base]`, `[[base.restrictions]]`, `from = "2020-07"`, `to = "2021-05"`, `travel = 0.07`, `origins = ["DZ", "ma"]`),
			line: 6, col: 1, key: "base.restrictions[0].origins[1]", msg: `"ma": want an origin's code, two capital letters`,
		},
		{
			name: "base name with comma",
			text: lines(`[base]`, `name = "a,b"`),
			line: 2, col: 1, key: "base.name", msg: `scenario name "a,b"`,
		},
		{
			name: "variant name with comma",
			text: lines(`[base]`, ``, `[variants.a]`, `months = 12`, `name = "x,y"`),
			line: 5, col: 1, key: "variants.a.name", msg: `scenario name "x,y"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Parse("bad.toml", tt.text)
			if err == nil {
				t.Fatalf("Parse(%q) = %v scenarios, want an error at %s", tt.text, names(st), tt.key)
			}
			if !strings.HasPrefix(err.Error(), "bad.toml") {
				t.Errorf("Parse(%q) error = %q, want it to start with bad.toml", tt.text, err)
			}
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("Parse(%q) error = %#v, want Errors", tt.text, err)
			}
			e := es[0]
			got := fmt.Sprintf("%s %d:%d %s", e.File, e.Line, e.Col, e.Key)
			want := fmt.Sprintf("bad.toml %d:%d %s", tt.line, tt.col, tt.key)
			if got != want {
				t.Errorf("Parse(%q) error at %s, want %s (error %q)", tt.text, got, want, err)
			}
			if !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("Parse(%q) error message = %q, want it to contain %q", tt.text, e.Msg, tt.msg)
			}
			if tt.line > 0 {
				prefix := fmt.Sprintf("bad.toml:%d:%d: %s: ", tt.line, tt.col, tt.key)
				if !strings.HasPrefix(e.Error(), prefix) {
					t.Errorf("Parse(%q) error = %q, want it to start with %q", tt.text, e, prefix)
				}
			}
			if len(es) != 1 {
				t.Errorf("Parse(%q) gave %d errors, want 1:\n%v", tt.text, len(es), err)
			}
		})
	}
}

// The whole message of the style guide's example.
func TestParseErrorString(t *testing.T) {
	text := lines(`[base]`, ``, `[base.policy.counselling]`, `timing = "erly"`)
	_, err := Parse("bad.toml", text)
	want := `bad.toml:4:11: base.policy.counselling.timing: "erly" is not one of none, first-decision, final-decision, deadline, detention, periodic`
	if err == nil || err.Error() != want {
		t.Errorf("Parse(%q) error = %v, want %s", text, err, want)
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	tests := []struct {
		name string
		text []byte
		want []string // the start of each error, in order
	}{
		{
			name: "base invalid, unknown keys",
			text: lines(`[base]`, `months = 84`, `foo = 1`, ``, `[base.population]`, `family_share = 2.0`, ``, `[variants.a]`, `bar = 3`),
			want: []string{ // in file order
				"bad.toml:3:1: base.foo: unknown key",
				"bad.toml:6:1: base.population.family_share: ",
				"bad.toml:9:1: variants.a.bar: unknown key",
			},
		},
		{
			name: "two invalid variants",
			text: lines(`[base]`, `months = 84`, ``, `[variants.a]`, `policy.counselling.timing = "erly"`, ``, `[variants.b]`, `months = -1`),
			want: []string{
				"bad.toml:5:30: variants.a.policy.counselling.timing: ",
				"bad.toml:8:1: variants.b.months: -1 is out of range",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("bad.toml", tt.text)
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("Parse(%q) error = %v, want Errors", tt.text, err)
			}
			if len(es) != len(tt.want) {
				t.Fatalf("Parse(%q) gave %d errors, want %d:\n%v", tt.text, len(es), len(tt.want), err)
			}
			for i, e := range es {
				if !strings.HasPrefix(e.Error(), tt.want[i]) {
					t.Errorf("Parse(%q) error %d = %q, want it to start with %q", tt.text, i, e, tt.want[i])
				}
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, text []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, text, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.toml", lines(`name = "first"`, `[base]`, `name = "a0"`, `[variants.a1]`, `months = 60`))
	b := write("b.toml", lines(`name = "second"`, `[base]`, `name = "b0"`, `[variants.b1]`, `months = 48`))
	dup := write("dup.toml", lines(`[base]`, `name = "a1"`))

	t.Run("joins in order", func(t *testing.T) {
		st, err := Load(a, b)
		if err != nil {
			t.Fatalf("Load(a, b) error:\n%v", err)
		}
		if got, want := names(st), []string{"a0", "a1", "b0", "b1"}; !slices.Equal(got, want) {
			t.Errorf("Load(a, b) scenarios = %v, want %v", got, want)
		}
		if st.Name != "first" {
			t.Errorf("Load(a, b).Name = %q, want %q (the first file's)", st.Name, "first")
		}
		for _, sc := range st.Scenarios {
			if want := map[byte]string{'a': a, 'b': b}[sc.Name[0]]; sc.File != want {
				t.Errorf("Load(a, b) scenario %q File = %q, want %q", sc.Name, sc.File, want)
			}
		}
	})
	t.Run("duplicate name", func(t *testing.T) {
		_, err := Load(a, dup)
		if err == nil {
			t.Fatalf("Load(a, dup) = nil error, want a duplicate scenario name")
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, dup) || !strings.Contains(msg, a) || !strings.Contains(msg, `"a1"`) {
			t.Errorf("Load(a, dup) error = %q, want it to start with %s and name a1 and %s", msg, dup, a)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		missing := filepath.Join(dir, "missing.toml")
		_, err := Load(a, missing)
		if err == nil || !strings.HasPrefix(err.Error(), missing) {
			t.Errorf("Load(a, missing) error = %v, want it to start with %s", err, missing)
		}
	})
	t.Run("bad file", func(t *testing.T) {
		bad := write("bad.toml", lines(`[base]`, `months = 0`))
		_, err := Load(a, bad)
		want := bad + ":2:1: base.months: "
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Load(a, bad) error = %v, want it to start with %s", err, want)
		}
	})
}

func TestConfigSHA256(t *testing.T) {
	st := mustParse(t, "hash.toml", lines(
		`[base]`,
		`months = 84`,
		``,
		`[variants.same]`,
		`months = 84`, // the base's value: the same configuration
	))
	again := mustParse(t, "other-name.toml", DefaultText())
	def, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	base := st.Scenarios[0]
	changed := func(f func(c *sim.Config)) *Scenario {
		sc := base
		sc.Config = cloneConfig(base.Config)
		f(&sc.Config)
		return &sc
	}
	tests := []struct {
		name  string
		a, b  *Scenario
		equal bool
	}{
		{"same scenario parsed twice", &def.Scenarios[0], &again.Scenarios[0], true},
		{"copy", &base, changed(func(c *sim.Config) {}), true},
		{"same configuration in a variant", &base, scenario(t, st, "same"), true},
		{"months", &base, changed(func(c *sim.Config) { c.Months++ }), false},
		{"param", &base, changed(func(c *sim.Config) { c.Params.AVR.Base += 0.1 }), false},
		{"origin", &base, changed(func(c *sim.Config) { c.Origins[3].Distance += 0.01 }), false},
		{"eligible", &base, changed(func(c *sim.Config) { c.Policy.Reintegration.Eligible = []string{"NG"} }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ha, hb := tt.a.ConfigSHA256(), tt.b.ConfigSHA256()
			if len(ha) != 64 {
				t.Errorf("ConfigSHA256() = %q, want 64 hex digits", ha)
			}
			if (ha == hb) != tt.equal {
				t.Errorf("ConfigSHA256() of %s = %s, of %s = %s: want equal %v", tt.a.Name, ha, tt.b.Name, hb, tt.equal)
			}
		})
	}
}

// TestRestrictions checks that a study's [[base.restrictions]] replace the
// default (the spring 2020 stop), that a variant's empty array removes
// them and one that gives none inherits the base's.
func TestRestrictions(t *testing.T) {
	st := mustParse(t, "r.toml", []byte(`name = "r"
[base]
name = "b"
[[base.restrictions]]
from = "2021-01"
to = "2021-03"
travel = 0.5
[variants.none]
restrictions = []
[variants.same]
description = "inherits"
`))
	want := map[string]int{"b": 1, "none": 0, "same": 1}
	for _, sc := range st.Scenarios {
		rs := sc.Config.Restrictions
		if len(rs) != want[sc.Name] {
			t.Errorf("%s: %d restrictions %v, want %d", sc.Name, len(rs), rs, want[sc.Name])
			continue
		}
		if len(rs) == 1 && (rs[0].From != "2021-01" || rs[0].To != "2021-03" || rs[0].Travel != 0.5 || rs[0].KeepShelter) {
			t.Errorf("%s: restriction %+v, want 2021-01 to 2021-03 at travel 0.5, shelter not kept", sc.Name, rs[0])
		}
	}
	def := mustParse(t, DefaultName, DefaultText())
	got, defaults := def.Scenarios[0].Config.Restrictions, sim.DefaultRestrictions()
	same := len(got) == len(defaults)
	for i := 0; same && i < len(got); i++ {
		g, w := got[i], defaults[i]
		same = g.From == w.From && g.To == w.To && g.Travel == w.Travel && g.RemovalsLost == w.RemovalsLost && g.KeepShelter == w.KeepShelter
	}
	if !same {
		t.Errorf("the default study's baseline has restrictions %+v, want the default %+v", got, defaults)
	}
}
