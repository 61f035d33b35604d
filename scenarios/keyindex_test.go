package scenarios

import (
	"maps"
	"slices"
	"testing"
)

// keyIndexText has one of each construct keyIndex meets; line N is the
// N-th argument of lines.
var keyIndexText = string(lines(
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
))

func TestKeyIndex(t *testing.T) {
	want := map[string]pos{
		"name":                                 {1, 1},
		"base":                                 {3, 1},
		"base.months":                          {4, 1},
		"base.warmup_months":                   {5, 3},
		"base.policy.counselling.timing":       {6, 1},
		"base.quoted key":                      {7, 1},
		"base.description":                     {8, 1},
		"base.shares":                          {9, 1},
		"base.after":                           {13, 1},
		"base.text":                            {14, 1},
		"base.lit":                             {18, 1},
		"base.raw":                             {19, 1},
		"base.provider":                        {22, 1},
		"base.provider.government":             {22, 1},
		"base.provider.ngo":                    {22, 1},
		"base.policy_changes":                  {24, 1},
		"base.policy_changes[0]":               {24, 1},
		"base.policy_changes[0].from_month":    {25, 1},
		"base.policy_changes[0].reintegration": {27, 1},
		"base.policy_changes[0].reintegration.cash_eur": {28, 1},
		"base.policy_changes[1]":                        {30, 3},
		"base.policy_changes[1].from_month":             {31, 1},
		"a":                                             {33, 1},
		"a[0]":                                          {33, 1},
		"a[0].b":                                        {34, 1},
		"a[0].b.c":                                      {35, 1},
		"variants.v":                                    {36, 1},
		"variants.v.months":                             {37, 1},
	}
	got := keyIndex(keyIndexText)
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if p, ok := got[k]; !ok {
			t.Errorf("keyIndex(text)[%q] missing, want %v", k, want[k])
		} else if p != want[k] {
			t.Errorf("keyIndex(text)[%q] = %v, want %v", k, p, want[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[k]; !ok {
			t.Errorf("keyIndex(text)[%q] = %v, want no such key", k, got[k])
		}
	}
}

func TestKeyIndexCases(t *testing.T) {
	tests := []struct {
		name string
		text string
		want map[string]pos
	}{
		{"empty", "", map[string]pos{}},
		{"crlf", "[base]\r\nmonths = 84\r\n", map[string]pos{"base": {1, 1}, "base.months": {2, 1}}},
		{"one-line multi-line string", "a = \"\"\"x = 1\"\"\"\nb = 2\n", map[string]pos{"a": {1, 1}, "b": {2, 1}}},
		{"one-line array", "a = [1, [2, 3]]\nb = 2\n", map[string]pos{"a": {1, 1}, "b": {2, 1}}},
		{"nested multi-line array", "a = [\n  [1,\n   2],\n]\nb = 2\n", map[string]pos{"a": {1, 1}, "b": {5, 1}}},
		{"escaped quote", "a = \"x\\\" # y\" # z = 1\nb = 2\n", map[string]pos{"a": {1, 1}, "b": {2, 1}}},
		{"arrays of tables apart", "[[a]]\n[[b]]\n[[a]]\n[a.c]\n", map[string]pos{
			"a": {1, 1}, "a[0]": {1, 1}, "b": {2, 1}, "b[0]": {2, 1}, "a[1]": {3, 1}, "a[1].c": {4, 1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := keyIndex(tt.text); !maps.Equal(got, tt.want) {
				t.Errorf("keyIndex(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	idx := keyIndex(keyIndexText)
	tests := []struct {
		key  string
		want pos // {0, 0}: not found
	}{
		{"base.months", pos{4, 1}},
		{"base.policy.counselling.timing", pos{6, 1}},
		{"base.policy.counselling.overload", pos{3, 1}},                  // only the dotted key was written: falls back to [base]
		{"base.policy_changes[0].reintegration.in_kind_eur", pos{27, 1}}, // the sub-table
		{"base.policy_changes[1].counselling.timing", pos{30, 3}},        // the element
		{"base.policy_changes[7].from_month", pos{24, 1}},                // no such element: the array
		{"base.policy_changes.zap", pos{24, 1}},                          // a key without index: the array
		{"base.provider.iom", pos{22, 1}},                                // the inline table
		{"variants.v.policy.enforcement", pos{36, 1}},
		{"variants.w.months", pos{}},
		{"nothing", pos{}},
		{"", pos{}},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got, ok := lookup(idx, tt.key)
			if ok != (tt.want != pos{}) || got != tt.want {
				t.Errorf("lookup(idx, %q) = %v, %v, want %v, %v", tt.key, got, ok, tt.want, tt.want != pos{})
			}
		})
	}
}
