package scenarios

import (
	"strings"
	"testing"
)

// TestUncertain: a study's [[uncertain]] tables are read with their
// reasons and positions, and each problem is one line with file:line:col:
// a key that is not a numeric scenario key, a range upside down or outside
// the key's, a key given twice, a range without a reason.
func TestUncertain(t *testing.T) {
	st, err := Parse("u.toml", []byte(`[base]
[[uncertain]]
key = "params.counselling.civil_legal"
low = 0.1
high = 1.5
reason = "no target measures it"
`))
	if err != nil {
		t.Fatal(err)
	}
	if u := st.Uncertain; len(u) != 1 || u[0].Key != "params.counselling.civil_legal" || u[0].Low != 0.1 || u[0].High != 1.5 || u[0].Where != "u.toml:2:1" {
		t.Errorf("Uncertain = %+v", u)
	}
	_, err = Parse("u.toml", []byte(`[base]
[[uncertain]]
key = "params.counselling.civil_legl"
low = 0.1
high = 1.5
reason = "r"
[[uncertain]]
key = "params.counselling.knowledge"
low = 0.6
high = 0.1
reason = "r"
[[uncertain]]
key = "params.counselling.knowledge"
low = 0
high = 1
reason = "r"
[[uncertain]]
key = "params.counselling.partner"
low = 0
high = 1
reason = " "
`))
	want := []string{
		`u.toml:3:1: uncertain[0].key: params.counselling.civil_legl: not a numeric scenario key`,
		`u.toml:9:1: uncertain[1].low: 0.6 to 0.1: want low below high`,
		`u.toml:13:1: uncertain[2].key: "params.counselling.knowledge" is given twice`,
		`u.toml:21:1: uncertain[3].reason: empty`,
	}
	lines := strings.Split(strings.TrimSpace(errText(err)), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d\n got %s\nwant %s...", i, lines[i], w)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
