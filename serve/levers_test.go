package serve

import (
	"strings"
	"testing"

	"github.com/returnsim/returnsim/scenarios"
)

func defaultBuilder(t testing.TB) (*Builder, *scenarios.Study) {
	t.Helper()
	st, err := scenarios.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewBuilder(scenarios.DefaultName, scenarios.DefaultText(), st)
	if err != nil {
		t.Fatal(err)
	}
	return b, st
}

// TestLeversSayTheStudy: the levers of every scenario of the default
// study give its policy from the fork to the horizon, month by month, and
// their study file parses to a study of the baseline and one variant.
func TestLeversSayTheStudy(t *testing.T) {
	b, st := defaultBuilder(t)
	for i := range st.Scenarios {
		sc := &st.Scenarios[i]
		ls, note := b.Start(sc)
		if note != "" {
			t.Errorf("%s: %s\n%s", sc.Name, note, b.Text(ls, sc.Name))
		}
		if testing.Verbose() {
			t.Logf("%s: %v", sc.Name, ls)
			text := string(b.Text(ls, sc.Name))
			t.Log(text[strings.Index(text, "# A what-if"):])
		}
	}
}

// TestLeverProblems: a value the study file's parser refuses comes back
// with its message, beside the field it was typed in: a number out of
// range, a word for a number, an unknown name, a month before the fork or
// not a month, shares that do not sum to 1, a group rule that sets
// nothing; and a text that tries to write TOML of its own stays one value.
func TestLeverProblems(t *testing.T) {
	b, st := defaultBuilder(t)
	for _, tc := range []struct {
		set         Levers
		field, want string
	}{
		{Levers{"counselling.counsellors": "-5"}, "counselling.counsellors", "out of range"},
		{Levers{"enforcement": "11"}, "enforcement", "out of range"},
		{Levers{"enforcement": "lots"}, "enforcement", "want"},
		{Levers{"counselling.counsellors": "60.5"}, "counselling.counsellors", ""},
		{Levers{"counselling.timing": "sometimes"}, "counselling.timing", "not one of"},
		{Levers{"from": "2024-03"}, "from", "fork"},
		{Levers{"from": "2025-13"}, "from", "YYYY-MM"},
		{Levers{"from": "2031-01"}, "from", ""},
		{Levers{"counselling.provider.ngo": "1"}, "counselling.provider", "sum"},
		{Levers{"counselling.provider.ngo": "1.5", "counselling.provider.government": "-0.5"}, "counselling.provider.ngo", "range"},
		{Levers{"for.household": "family"}, "group", "sets no policy key"},
		{Levers{"for.household": "families", "counselling.timing": "none"}, "for.household", "not one of"},
		{Levers{"for.household": "family", "counselling.timing": "none", "for.min_months_without_status": "-1"}, "for.min_months_without_status", "range"},
		{Levers{"counselling.timing": "none\"\n[variants.x]\nmonths = 1"}, "counselling.timing", "not one of"},
		{Levers{"enforcement": "1\nmonths = 1"}, "enforcement", "want"},
	} {
		ls, _ := b.Start(&st.Scenarios[0])
		for k, v := range tc.set {
			ls[k] = v
		}
		text := b.Text(ls, "baseline")
		_, probs := b.Parse(text)
		found := false
		for _, p := range probs {
			found = found || p.Field == tc.field && strings.Contains(p.Message, tc.want)
		}
		if testing.Verbose() {
			t.Logf("%v: %+v", tc.set, probs)
		}
		if !found {
			t.Errorf("%v: problems %+v, want one at %s saying %q\n%s", tc.set, probs, tc.field, tc.want, text[strings.Index(string(text), "[variants"):])
		}
	}
}

// FuzzLevers: whatever the levers hold, their study file is TOML that
// the parser reads to the end: it either parses, or each of its problems
// names a key (a value refused at its key, never a text that is not
// TOML, which no field could show), and the variant is the only one.
func FuzzLevers(f *testing.F) {
	b, st := defaultBuilder(f)
	fields := []string{}
	for _, l := range b.Levers() {
		fields = append(fields, l.Field)
	}
	for _, v := range []string{"1", "-5", "1e400", "nan", "\"", "\\", "x\ny = 1", "]\n[variants.x]", "\x00", "\xff\xfe", "'''", "2025-01", "family", "true", "0x10", "1_000", "+inf"} {
		for i := range fields {
			f.Add(i, v)
		}
	}
	f.Fuzz(func(t *testing.T, i int, v string) {
		if i < 0 {
			i = -i
		}
		field := fields[i%len(fields)]
		ls, _ := b.Start(&st.Scenarios[0])
		ls[field] = v
		if field != "for.household" && v != "" {
			ls["for.household"] = "family" // a rule too
		}
		parsed, probs := b.Parse(b.Text(ls, "baseline"))
		for _, p := range probs {
			if p.Key == "" {
				t.Fatalf("%s = %q: a problem without a key: %s", field, v, p.Message)
			}
		}
		if parsed != nil && (len(parsed.Scenarios) != 2 || parsed.Scenarios[1].Name != b.Name) {
			t.Fatalf("%s = %q: %d scenarios", field, v, len(parsed.Scenarios))
		}
	})
}
