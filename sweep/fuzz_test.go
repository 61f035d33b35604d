package sweep

import (
	"strings"
	"testing"
)

// FuzzParse: the sweep file parser never panics, and every error names
// the file.
func FuzzParse(f *testing.F) {
	f.Add(sweepText("lhs", "samples = 4", "", ""))
	f.Add(sweepText("grid", "", "points = 3", "points = 2"))
	f.Add(sweepText("morris", "trajectories = 3\nlevels = 4", "", ""))
	f.Add(sweepText("sobol", "samples = 8", "", ""))
	f.Add("[[factors]]\nkey = \"x\"\nlevels = [1, 2, nan]\n")
	f.Add("outputs = 3\n[design]\nkind = 1\n")
	f.Fuzz(func(t *testing.T, text string) {
		file, err := Parse("fz.toml", []byte(text))
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "fz.toml") {
					t.Errorf("error line %q does not name the file", line)
				}
			}
			return
		}
		if !file.layoutOnly() && file.Points() < 1 {
			t.Errorf("accepted a %s design of %d points", file.Design.Kind, file.Points())
		}
	})
}

// FuzzDesignCSV: reading a design CSV never panics, every error names the
// file, and what is accepted writes and reads back to the same points.
func FuzzDesignCSV(f *testing.F) {
	f.Add("population.network_mean,params.avr.conditions\n0.2,1\n0.3,0.5\n")
	f.Add("params.avr.conditions,population.network_mean\n1,0.7\n")
	f.Add("population.network_mean,params.avr.conditions\n\"0.2\",1e0\n")
	f.Fuzz(func(t *testing.T, text string) {
		file, err := Parse("t.toml", []byte(sweepText("lhs", "samples = 4", "", "")))
		if err != nil {
			t.Fatal(err)
		}
		file.Design.Kind = External
		d, err := file.ParseDesign("d.csv", []byte(text))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "d.csv") {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		var b strings.Builder
		if err := d.WriteCSV(&b); err != nil {
			t.Fatal(err)
		}
		d2, err := file.ParseDesign("again.csv", []byte(b.String()))
		if err != nil || d2.SHA256() != d.SHA256() {
			t.Errorf("round trip of %q: %v", text, err)
		}
	})
}
