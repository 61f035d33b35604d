package tomlpos

import (
	"slices"
	"strings"
	"testing"
)

// lines joins its arguments as the lines of a file, so that argument N is
// line N: the positions in the tables below are read off that way.
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

// keysText has one of each construct Keys meets; line N is the N-th
// argument of lines.
var keysText = lines(
	`name = "study" # a comment with = and #`, // 1
	``,                     // 2
	`[base]`,               // 3
	`months = 84`,          // 4
	`  warmup_months = 24`, // 5: indented, column 3
	`policy.counselling.timing = "deadline" # dotted`, // 6
	`"quoted key" = 1`,                      // 7
	`description = "a = b # not a comment"`, // 8
	`shares = [`,                            // 9: a multi-line array
	`  0.5, # x = 1`,                        // 10
	`  "y = ] [", # a bracket in a string`,  // 11
	`]`,                                     // 12
	`after = 1`,                             // 13
	`text = """`,                            // 14: a multi-line string
	`x = 1`,                                 // 15
	`[not.a.table]`,                         // 16
	`"""`,                                   // 17
	`lit = '''a = 1 # '''`,                  // 18: a one-line literal string
	`raw = '''`,                             // 19: a multi-line literal string
	`[[not.an.array]]`,                      // 20
	`'''`,                                   // 21
	`provider = { government = 0.5, ngo = 0.5 }`, // 22: an inline table
	``,                                    // 23
	`[[base.policy_changes]]`,             // 24
	`from_month = 12`,                     // 25
	``,                                    // 26
	`[base.policy_changes.reintegration]`, // 27: a sub-table of the element
	`cash_eur = 100`,                      // 28
	``,                                    // 29
	`  [[base.policy_changes]]`,           // 30: indented, column 3
	`from_month = 24`,                     // 31
	``,                                    // 32
	`[[a]]`,                               // 33
	`[a.b]`,                               // 34
	`c = 1`,                               // 35
	`[ "variants" . 'v' ]`,                // 36: quoted parts, spaces
	`months = 12`,                         // 37
)

func TestKeys(t *testing.T) {
	want := []Key{
		{"name", "name", 1, 1},
		{"base", "base", 3, 1},
		{"base.months", "base.months", 4, 1},
		{"base.warmup_months", "base.warmup_months", 5, 3},
		{"base.policy.counselling.timing", "base.policy.counselling.timing", 6, 1},
		{"base.quoted key", "base.quoted key", 7, 1},
		{"base.description", "base.description", 8, 1},
		{"base.shares", "base.shares", 9, 1},
		{"base.after", "base.after", 13, 1},
		{"base.text", "base.text", 14, 1},
		{"base.lit", "base.lit", 18, 1},
		{"base.raw", "base.raw", 19, 1},
		{"base.provider", "base.provider", 22, 1},
		{"base.provider.government", "base.provider.government", 22, 1},
		{"base.provider.ngo", "base.provider.ngo", 22, 1},
		{"base.policy_changes[0]", "base.policy_changes", 24, 1},
		{"base.policy_changes[0].from_month", "base.policy_changes.from_month", 25, 1},
		{"base.policy_changes[0].reintegration", "base.policy_changes.reintegration", 27, 1},
		{"base.policy_changes[0].reintegration.cash_eur", "base.policy_changes.reintegration.cash_eur", 28, 1},
		{"base.policy_changes[1]", "base.policy_changes", 30, 3},
		{"base.policy_changes[1].from_month", "base.policy_changes.from_month", 31, 1},
		{"a[0]", "a", 33, 1},
		{"a[0].b", "a.b", 34, 1},
		{"a[0].b.c", "a.b.c", 35, 1},
		{"variants.v", "variants.v", 36, 1},
		{"variants.v.months", "variants.v.months", 37, 1},
	}
	got := Keys(keysText)
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			t.Errorf("Keys(text)[%d] missing, want %+v", i, want[i])
		case i >= len(want):
			t.Errorf("Keys(text)[%d] = %+v, want no such key", i, got[i])
		case got[i] != want[i]:
			t.Errorf("Keys(text)[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestKeysCases(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []Key
	}{
		{"empty", "", nil},
		{"crlf", "[base]\r\nmonths = 84\r\n", []Key{{"base", "base", 1, 1}, {"base.months", "base.months", 2, 1}}},
		{"one-line multi-line string", "a = \"\"\"x = 1\"\"\"\nb = 2\n", []Key{{"a", "a", 1, 1}, {"b", "b", 2, 1}}},
		{"one-line array", "a = [1, [2, 3]]\nb = 2\n", []Key{{"a", "a", 1, 1}, {"b", "b", 2, 1}}},
		{"nested multi-line array", "a = [\n  [1,\n   2],\n]\nb = 2\n", []Key{{"a", "a", 1, 1}, {"b", "b", 5, 1}}},
		// a line of only ']' closes the array: depth is clamped in the running total only
		{"array closed alone", "a = [\n  1,\n]\n[t]\nb = 2\n", []Key{{"a", "a", 1, 1}, {"t", "t", 4, 1}, {"t.b", "t.b", 5, 1}}},
		{"escaped quote", "a = \"x\\\" # y\" # z = 1\nb = 2\n", []Key{{"a", "a", 1, 1}, {"b", "b", 2, 1}}},
		{"arrays of tables apart", "[[a]]\n[[b]]\n[[a]]\n[a.c]\n", []Key{
			{"a[0]", "a", 1, 1}, {"b[0]", "b", 2, 1}, {"a[1]", "a", 3, 1}, {"a[1].c", "a.c", 4, 1},
		}},
		{"nested arrays of tables", "[[a]]\n[[a.b]]\n[[a]]\n[[a.b]]\n[[a.b]]\nx = 1\n", []Key{
			{"a[0]", "a", 1, 1}, {"a[0].b[0]", "a.b", 2, 1}, {"a[1]", "a", 3, 1},
			{"a[1].b[0]", "a.b", 4, 1}, {"a[1].b[1]", "a.b", 5, 1}, {"a[1].b[1].x", "a.b.x", 6, 1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Keys(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("Keys(%q) = %+v, want %+v", tt.text, got, tt.want)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	keys := Keys(keysText)
	apart := Keys("[[a]]\n[[b]]\n[[a]]\n[a.c]\n")
	tests := []struct {
		keys []Key
		path string
		line int // 0: not found
		col  int
	}{
		{keys, "base.months", 4, 1},
		{keys, "base.policy.counselling.timing", 6, 1},
		{keys, "base.policy.counselling.overload", 3, 1},                  // only the dotted key was written: falls back to [base]
		{keys, "base.policy_changes", 24, 1},                              // the array: its first element
		{keys, "base.policy_changes[0].reintegration.in_kind_eur", 27, 1}, // the sub-table
		{keys, "base.policy_changes[1].counselling.timing", 30, 3},        // the element
		{keys, "base.policy_changes[7].from_month", 24, 1},                // no such element: the array
		{keys, "base.policy_changes.zap", 24, 1},                          // a key without index: the array
		{keys, "base.provider.iom", 22, 1},                                // the inline table
		{keys, "a", 33, 1},
		{keys, "variants.v.policy.enforcement", 36, 1},
		{keys, "variants.w.months", 0, 0},
		{keys, "nothing", 0, 0},
		{keys, "", 0, 0},
		{apart, "a", 1, 1},
		{apart, "b", 2, 1},
		{apart, "a[1].c", 4, 1},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, ok := NewIndex(tt.keys).Lookup(tt.path)
			if ok != (tt.line > 0) || got.Line != tt.line || got.Col != tt.col {
				t.Errorf("Lookup(keys, %q) = %d:%d, %v, want %d:%d, %v", tt.path, got.Line, got.Col, ok, tt.line, tt.col, tt.line > 0)
			}
		})
	}
}

func TestLookupPlain(t *testing.T) {
	keys := Keys(keysText)
	tests := []struct {
		plain string
		want  []string // paths
	}{
		{"base.policy_changes.from_month", []string{"base.policy_changes[0].from_month", "base.policy_changes[1].from_month"}},
		{"base.policy_changes", []string{"base.policy_changes[0]", "base.policy_changes[1]"}},
		{"a.b.c", []string{"a[0].b.c"}},
		{"base.months", []string{"base.months"}},
		{"base.policy_changes[0].from_month", nil}, // a path, not a plain path
		{"nothing", nil},
	}
	for _, tt := range tests {
		t.Run(tt.plain, func(t *testing.T) {
			var got []string
			for _, k := range NewIndex(keys).LookupPlain(tt.plain) {
				got = append(got, k.Path)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("LookupPlain(keys, %q) = %q, want %q", tt.plain, got, tt.want)
			}
		})
	}
}

// FuzzKeys: the scans never panic; every key Keys places is on a line of
// the text, at a column within that line, and the index finds it; Shape's
// error, if any, is one line placed within the text.
func FuzzKeys(f *testing.F) {
	f.Add(keysText)
	f.Add("a = [\n]\n[[b]]\nc = { d = 1 }\n")
	f.Add("a = \"\"\"x\n\"\"\"\nb.c = { d = [1, {e = 2}], 'f.g' = 3 }\n[h.\"i.j\"]\n")
	f.Fuzz(func(t *testing.T, text string) {
		ls := strings.Split(text, "\n")
		keys := Keys(text)
		ix := NewIndex(keys)
		for _, k := range keys {
			if k.Line < 1 || k.Line > len(ls) || k.Col < 1 || k.Col > max(len(ls[k.Line-1]), 1) {
				t.Fatalf("Keys(%q) places %+v outside the text", text, k)
			}
			if _, ok := ix.Lookup(k.Path); !ok && k.Path != "" { // "" is no path
				t.Fatalf("Keys(%q): the index does not find %q", text, k.Path)
			}
		}
		if e := Shape("fuzz.toml", text); e != nil {
			if e.Line > len(ls) || e.Line >= 1 && (e.Col < 1 || e.Col > len(ls[e.Line-1])+1) {
				t.Fatalf("Shape(%q) = %v: placed outside the text", text, e)
			}
			if msg := e.Error(); strings.ContainsAny(msg, "\n\r") || !strings.HasPrefix(msg, "fuzz.toml") {
				t.Fatalf("Shape(%q) = %q: want one line naming the file", text, msg)
			}
		}
	})
}
