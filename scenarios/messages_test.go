package scenarios

import (
	"crypto/sha256"
	"fmt"
	"testing"
)

// TestParseMessages: the whole error text of the mistakes a reviewer made
// as a planner would (in an outside review), each of which was reported wrong: without
// its line, in the library's words, out of order, with a spurious line or
// with a problem left out.
func TestParseMessages(t *testing.T) {
	tests := []struct {
		name string
		text []byte
		want string
	}{
		{
			// was "bad.toml: base: missing: a study file needs a [base] table" alone
			name: "key outside base, no base",
			text: lines(`name = "x"`, `this_key_does_not_exist = 3`),
			want: "bad.toml:2:1: this_key_does_not_exist: unknown key\n" +
				"bad.toml: base: missing: a study file needs a [base] table",
		},
		{
			name: "key outside base",
			text: lines(`[base]`, `months = 84`, `[variants.a]`, `months = 12`, `[other]`, `this_key_does_not_exist = 3`),
			want: "bad.toml:5:1: other: unknown key",
		},
		{
			// the mark hid the [base] header from the key scan: no position
			name: "byte-order mark, unknown key",
			text: append([]byte("\ufeff"), lines(`[base]`, `monhts = 84`)...),
			want: "bad.toml:2:1: base.monhts: unknown key: did you mean base.months?",
		},
		{
			name: "byte-order mark, key on the first line",
			text: append([]byte("\ufeff"), lines(`  namr = "x"`, `[base]`)...),
			want: "bad.toml:1:3: namr: unknown key: did you mean name?",
		},
		{
			// the base's error stopped the report before the unknown key
			// above it, and the variant's second error was missed
			name: "four errors, two in one variant",
			text: lines(`[base]`, `months = 84`, `foo = 1`, `[base.population]`, `family_share = 2.0`, `[variants.a]`, `months = -1`, `policy.counselling.timing = "erly"`),
			want: "bad.toml:3:1: base.foo: unknown key\n" +
				"bad.toml:5:1: base.population.family_share: 2 is out of range: want 0 to 1 (share)\n" +
				"bad.toml:7:1: variants.a.months: -1 is out of range: want 1 to 1200 (months)\n" +
				"bad.toml:8:30: variants.a.policy.counselling.timing: \"erly\" " + notTiming,
		},
		{
			name: "two errors in one variant, one of type",
			text: lines(`[base]`, `[variants.a]`, `months = -1`, `policy.counselling.timing = "erly"`, `zap = 3`),
			want: "bad.toml:3:1: variants.a.months: -1 is out of range: want 1 to 1200 (months)\n" +
				"bad.toml:4:30: variants.a.policy.counselling.timing: \"erly\" " + notTiming + "\n" +
				"bad.toml:5:1: variants.a.zap: unknown key",
		},
		{
			name: "two bad types in one table",
			text: lines(`[base]`, `months = "many"`, `warmup_months = "some"`),
			want: "bad.toml:2:1: base.months: incompatible types: TOML value has type string; want integer\n" +
				"bad.toml:3:1: base.warmup_months: incompatible types: TOML value has type string; want integer",
		},
		{
			name: "bad type and bad range in a policy change",
			text: lines(`[base]`, `[[base.policy_changes]]`, `from_month = 12`, `enforcement = "high"`, `counselling.counsellors = -1`),
			want: "bad.toml:4:1: base.policy_changes[0].enforcement: incompatible types: TOML value has type string; want float\n" +
				"bad.toml:5:1: base.policy_changes[0].counselling.counsellors: -1 is out of range: want 0 to 100000 (counsellors)",
		},
		{
			// from_month was reported too: 0, want a month after 0
			name: "bad date",
			text: lines(`[base]`, `[[base.policy_changes]]`, `from = "2025/01"`),
			want: `bad.toml:3:1: base.policy_changes[0].from: "2025/01": want a calendar month as YYYY-MM`,
		},
		{
			name: "keys a dated change cannot set, or that are not there",
			text: lines(`[base]`, `[[base.changes]]`, `from = "2020-01"`, `warmup_months = 12`, `intake.initial_stock = 5`, `state.vbl_mnths = 0`, `population.frl_share = 2`, `policy.enforcment = 2`),
			want: "bad.toml:4:1: base.changes[0].warmup_months: warmup_months cannot change from a date: it holds for the whole run (set it in the scenario's table); a change sets policy.*, intake.scale, population.*, state.*\n" +
				"bad.toml:5:1: base.changes[0].intake.initial_stock: intake.initial_stock cannot change from a date: it holds for the whole run; of intake, a change sets only scale\n" +
				"bad.toml:6:1: base.changes[0].state.vbl_mnths: no such key of state: want one of docs/scenarios.md's state.* keys\n" +
				"bad.toml:7:1: base.changes[0].population.frl_share: 2 is out of range: want 0 to 1\n" +
				"bad.toml:8:1: base.changes[0].policy.enforcment: unknown key: did you mean base.changes.policy.enforcement?",
		},
		{
			name: "both forms of dated changes",
			text: lines(`[base]`, `[[base.changes]]`, `from = "2020-01"`, `[[base.policy_changes]]`, `from = "2021-01"`),
			want: "bad.toml:4:1: base.policy_changes: give changes or policy_changes (its older form, for the policy alone), not both: move these tables into [[base.changes]], their keys under policy.",
		},
		{
			// was "bad.toml:4:2: variants: Key 'variants.a' has already been defined."
			name: "scenario table twice",
			text: lines(`[base]`, `[variants.a]`, `months = 12`, `[variants.a]`, `months = 13`),
			want: "bad.toml:4:1: variants.a: given twice: a key or table is defined once in a file",
		},
		{
			name: "key twice",
			text: lines(`[base]`, `months = 84`, `  months = 85`),
			want: "bad.toml:3:3: base.months: given twice: a key or table is defined once in a file",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("bad.toml", tt.text)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Parse(%q) error =\n%v\nwant\n%s", tt.text, err, tt.want)
			}
		})
	}
}

// TestParseHashWithMark: the file's hash is of its text as written, a
// byte-order mark included, as before the mark was dropped for parsing.
func TestParseHashWithMark(t *testing.T) {
	text := append([]byte("\ufeff"), lines(`[base]`, `months = 84`)...)
	st := mustParse(t, "bom.toml", text)
	if got, want := st.Scenarios[0].FileSHA256, fmt.Sprintf("%x", sha256.Sum256(text)); got != want {
		t.Errorf("Parse(%q) FileSHA256 = %s, want %s", text, got, want)
	}
}
