package tomlpos_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/sweep"
)

// frontEnds are the three kinds of TOML file, each with a valid text that
// ends inside a table, the table's name, a key of it and a misspelling
// of that key.
var frontEnds = []struct {
	kind             string
	parse            func(file string, data []byte) error
	head             string
	table, key, typo string
}{
	{
		kind:  "study",
		parse: func(f string, d []byte) error { _, err := scenarios.Parse(f, d); return err },
		head:  "[base]\nmonths = 84\n",
		table: "base", key: "months", typo: "monhts",
	},
	{
		kind:  "targets",
		parse: func(f string, d []byte) error { _, err := calibrate.ParseSpec(f, d); return err },
		head: "[[target]]\nname = \"a\"\nstatistic = \"return_rate\"\nkind = \"at_most\"\nvalue = [0.34]\n" +
			"tolerance = 0.2\nweight = 1\nsource = \"seed 001\"\n[method]\nreplicates = 1\n",
		table: "method", key: "replicates", typo: "replicatse",
	},
	{
		kind:  "sweep",
		parse: func(f string, d []byte) error { _, err := sweep.Parse(f, d); return err },
		head: "replicates = 1\n[[factors]]\nkey = \"population.network_mean\"\nmin = 0.2\nmax = 0.6\n" +
			"[design]\nkind = \"lhs\"\nsamples = 4\n",
		table: "design", key: "samples", typo: "sampels",
	},
}

// TestFrontEndsAgree: study, targets and sweep files get the same
// treatment for the same mistakes, so that their front ends cannot drift
// apart again (a sweep file once decoded a key nested 41 levels
// that a study file refused, and suggested nothing for a misspelt key).
func TestFrontEndsAgree(t *testing.T) {
	for _, fe := range frontEnds {
		if err := fe.parse("ok.toml", []byte(fe.head)); err != nil {
			t.Fatalf("%s: the valid text is refused: %v", fe.kind, err)
		}
		line := strings.Count(fe.head, "\n") + 1 // of the mistake
		var many strings.Builder
		for i := range 150 {
			fmt.Fprintf(&many, "zz_%d = 1\n", i)
		}
		for _, tc := range []struct {
			mistake, want string
		}{
			{
				"misspelt key",
				fmt.Sprintf("f.toml:%d:1: %s.%s: unknown key: did you mean %s.%s?", line, fe.table, fe.typo, fe.table, fe.key),
			},
			{
				// 41 parts below a table of one: MaxDepth is 12
				"too deep",
				fmt.Sprintf("f.toml:%d:1: x.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a...: nested 42 levels deep: at most 12 are read (no key of this program is deeper than 7)", line),
			},
			{
				// 150 unknown keys: the first 100 in file order, then a count
				"too many problems",
				fmt.Sprintf("f.toml:%d:1: %s.zz_0: unknown key\n", line, fe.table) +
					"...\n" +
					fmt.Sprintf("f.toml:%d:1: %s.zz_99: unknown key\n", line+99, fe.table) +
					"f.toml: 50 more problems not shown",
			},
		} {
			t.Run(fe.kind+"/"+tc.mistake, func(t *testing.T) {
				text := fe.head
				switch tc.mistake {
				case "misspelt key":
					text += fe.typo + " = 2\n"
				case "too deep":
					text += "x" + strings.Repeat(".a", 40) + " = 1\n"
				case "too many problems":
					text += many.String()
				}
				err := fe.parse("f.toml", []byte(text))
				if err == nil {
					t.Fatalf("Parse(%s) = no error, want %s", tc.mistake, tc.want)
				}
				got := err.Error()
				if ls := strings.Split(got, "\n"); len(ls) == 101 {
					got = strings.Join([]string{ls[0], "...", ls[99], ls[100]}, "\n")
				}
				if got != tc.want {
					t.Errorf("Parse(%s) error =\n%s\nwant\n%s", tc.mistake, got, tc.want)
				}
			})
		}
	}
}
