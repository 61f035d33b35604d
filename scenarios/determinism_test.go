package scenarios

import (
	"strings"
	"testing"
)

// TestParseDeterministic: the same text gives the same errors on every
// parse. BurntSushi/toml decodes a table's keys in map order and stops at
// the first that fails; before this was fixed the keys it had not reached were
// reported unknown ("policy_changes.from_month: unknown key" one run in
// ten), and of two bad keys in one table either could be reported.
func TestParseDeterministic(t *testing.T) {
	texts := map[string][]byte{
		"bad type in a policy change": lines(`[base]`, ``, `[variants.a]`, ``, `[[variants.a.policy_changes]]`, `from_month = 12`, `enforcement = "high"`, `reintegration.cash_eur = 1000`),
		"two bad types in one table":  lines(`[base]`, `months = "many"`, `warmup_months = "some"`, `intake.per_month = 5`, `intake.initial_stock = 3`),
		"bad types at two levels":     lines(`[base]`, `policy.enforcement = "x"`, `policy.counselling.counsellors = "y"`, `state.forced_rate = 0.1`),
		"bad type beside unknown key": lines(`[base]`, `months = "many"`, `zap = 1`, `warmup_months = 2`),
		"two bad top-level keys":      lines(`name = 1`, `description = 2`, `[base]`),
		"bad origin elements":         lines(`[base]`, `[[base.origins]]`, `code = 1`, `share = "x"`, `[[base.origins]]`, `code = "NG"`, `share = "y"`),
	}
	for name, text := range texts {
		t.Run(name, func(t *testing.T) {
			_, first := Parse("bad.toml", text)
			if first == nil {
				t.Fatalf("Parse(%q) = nil error, want one", text)
			}
			for range 200 {
				if _, err := Parse("bad.toml", text); err == nil || err.Error() != first.Error() {
					t.Fatalf("Parse(%q) error changed between runs:\n%v\nthen\n%v", text, first, err)
				}
			}
			if strings.Contains(first.Error(), "from_month: unknown key") {
				t.Errorf("Parse(%q) reports a known key unknown:\n%v", text, first)
			}
		})
	}
}

func TestParseDidYouMean(t *testing.T) {
	for _, tc := range []struct {
		text []byte
		want string
	}{
		{lines(`[base]`, `monhts = 84`), "bad.toml:2:1: base.monhts: unknown key: did you mean base.months?"},
		{lines(`[base]`, `[variants.a]`, `policy.counseling.timing = "none"`), "bad.toml:3:1: variants.a.policy.counseling.timing: unknown key: did you mean variants.a.policy.counselling.timing?"},
		{lines(`[base]`, `[[base.policy_changes]]`, `from_month = 3`, `enforcment = 3`), "bad.toml:4:1: base.policy_changes[0].enforcment: unknown key: did you mean base.policy_changes.enforcement?"},
		{lines(`[base]`, `[base.intake]`, `initial_stok = 3`), "bad.toml:3:1: base.intake.initial_stok: unknown key: did you mean base.intake.initial_stock?"},
		{lines(`[bsae]`, `[base]`), "bad.toml:1:1: bsae: unknown key: did you mean base?"},
		{lines(`[base]`, `frobnicate = 1`), "bad.toml:2:1: base.frobnicate: unknown key"},
		// BurntSushi/toml ignores case where no key matches exactly: Base
		// and base would both fill [base], whichever came last in map order
		{lines(`[Base]`, `months = 12`, `[base]`), "bad.toml:1:1: Base: keys are case-sensitive: want base"},
		{lines(`[base]`, `Months = 12`), "bad.toml:2:1: base.Months: keys are case-sensitive: want months"},
	} {
		_, err := Parse("bad.toml", tc.text)
		if err == nil || strings.Split(err.Error(), "\n")[0] != tc.want {
			t.Errorf("Parse(%q) error = %v, want first line %q", tc.text, err, tc.want)
		}
	}
}
