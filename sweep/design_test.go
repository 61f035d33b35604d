package sweep

import (
	"bytes"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
)

const twoFactors = `
name = "t"
replicates = 2
[design]
kind = "%s"
%s
[[factors]]
key = "population.network_mean"
min = 0.1
max = 0.7
%s
[[factors]]
key = "params.avr.conditions"
distribution = "log-uniform"
min = 0.25
max = 4
%s
`

func mustParse(t *testing.T, text string) *File {
	t.Helper()
	f, err := Parse("t.toml", []byte(text))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

func sweepText(kind, design, f1, f2 string) string {
	parts := strings.Split(twoFactors, "%s")
	return parts[0] + kind + parts[1] + design + parts[2] + f1 + parts[3] + f2 + parts[4]
}

// TestLHSStratified: in a Latin hypercube of n points every factor has
// exactly one point in each of the n equal strata of [0,1].
func TestLHSStratified(t *testing.T) {
	const n = 50
	f := mustParse(t, sweepText("lhs", "samples = 50", "", ""))
	d, err := f.MakeDesign(7)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Unit) != n {
		t.Fatalf("%d points, want %d", len(d.Unit), n)
	}
	for i := range 2 {
		seen := make([]int, n)
		for _, u := range d.Unit {
			seen[min(int(u[i]*n), n-1)]++
		}
		for s, c := range seen {
			if c != 1 {
				t.Errorf("factor %d: stratum %d holds %d points, want 1", i, s, c)
			}
		}
	}
	for p, v := range d.Values {
		if v[0] < 0.1 || v[0] > 0.7 || v[1] < 0.25 || v[1] > 4 {
			t.Errorf("point %d = %v: outside the factors' ranges", p, v)
		}
		// log-uniform: the unit coordinate is the position on a log scale
		if got := math.Log(v[1]/0.25) / math.Log(16); math.Abs(got-d.Unit[p][1]) > 1e-12 {
			t.Errorf("point %d: log position %v, unit %v", p, got, d.Unit[p][1])
		}
	}
	d2, _ := f.MakeDesign(7)
	d3, _ := f.MakeDesign(8)
	if d.SHA256() != d2.SHA256() || d.SHA256() == d3.SHA256() {
		t.Error("the design must depend on the seed, and only on it")
	}
}

func TestGridOrder(t *testing.T) {
	text := sweepText("grid", "", "points = 3", "points = 2")
	f := mustParse(t, text)
	d, err := f.MakeDesign(1)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{0.1, 0.25}, {0.1, 4}, {0.4, 0.25}, {0.4, 4}, {0.7, 0.25}, {0.7, 4}}
	if len(d.Values) != len(want) {
		t.Fatalf("%d points, want %d", len(d.Values), len(want))
	}
	for p := range want {
		if math.Abs(d.Values[p][0]-want[p][0]) > 1e-15 || d.Values[p][1] != want[p][1] {
			t.Errorf("point %d = %v, want %v (the last factor changes fastest)", p, d.Values[p], want[p])
		}
	}
}

// TestSobolLayout: Saltelli's scheme gives n(k+2) points, each AB_i equal
// to A but in column i, which comes from B.
func TestSobolLayout(t *testing.T) {
	f := mustParse(t, sweepText("sobol", "samples = 16", "", ""))
	d, err := f.MakeDesign(3)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Values) != 16*4 {
		t.Fatalf("%d points, want 64", len(d.Values))
	}
	if err := checkSaltelli(d.Values, 2); err != nil {
		t.Error(err)
	}
	d.Values[1][1] += 1e-9
	if err := checkSaltelli(d.Values, 2); err == nil {
		t.Error("checkSaltelli accepted a broken AB row")
	}
}

// TestMorrisTrajectories: each trajectory has k+1 points on the grid of p
// levels, and each step moves exactly one factor, by delta = p/(2(p-1)).
func TestMorrisTrajectories(t *testing.T) {
	f := mustParse(t, sweepText("morris", "trajectories = 30\nlevels = 6", "", ""))
	d, err := f.MakeDesign(5)
	if err != nil {
		t.Fatal(err)
	}
	const k, p = 2, 6
	delta := float64(p) / float64(2*(p-1))
	if len(d.Unit) != 30*(k+1) {
		t.Fatalf("%d points, want %d", len(d.Unit), 30*(k+1))
	}
	for j, u := range d.Unit {
		for i, x := range u {
			if g := x * (p - 1); math.Abs(g-math.Round(g)) > 1e-12 || x < 0 || x > 1 {
				t.Errorf("point %d factor %d = %v: not on the grid of %d levels", j, i, x, p)
			}
		}
		if j%(k+1) == 0 {
			continue
		}
		moved := 0
		for i := range u {
			if d := math.Abs(u[i] - d.Unit[j-1][i]); d > 1e-12 {
				moved++
				if math.Abs(d-delta) > 1e-12 {
					t.Errorf("point %d moves factor %d by %v, want %v", j, i, d, delta)
				}
			}
		}
		if moved != 1 {
			t.Errorf("point %d moves %d factors, want 1", j, moved)
		}
	}
}

// TestSALibRoundTrip: a design written by SALib (numpy's savetxt, %.18e,
// with a header) reads to its values in its row order; written back in our
// layout and read again it is the same points, and writing it once more
// gives the same bytes.
func TestSALibRoundTrip(t *testing.T) {
	f := mustParse(t, sweepText("sobol", "samples = 2", "", ""))
	d, err := f.ReadDesign("testdata/salib-saltelli.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{0.328125, 1.71875}, {0.590625, 1.71875}, {0.328125, 0.609375}, {0.590625, 0.609375},
		{0.215625, 0.296875}, {0.403125, 0.296875}, {0.215625, 1.40625}, {0.403125, 1.40625}}
	for p := range want {
		if !slices.Equal(d.Values[p], want[p]) {
			t.Errorf("point %d = %v, want %v", p, d.Values[p], want[p])
		}
	}
	var b1 bytes.Buffer
	if err := d.WriteCSV(&b1); err != nil {
		t.Fatal(err)
	}
	d2, err := f.ParseDesign("again.csv", b1.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var b2 bytes.Buffer
	d2.WriteCSV(&b2)
	if b1.String() != b2.String() || d.SHA256() != d2.SHA256() {
		t.Errorf("round trip changed the design:\n%s\nthen\n%s", b1.String(), b2.String())
	}
	// columns in another order are matched by name
	swapped := "params.avr.conditions,population.network_mean\n1.71875,0.328125\n"
	d3, err := f.ParseDesign("swapped.csv", []byte(swapped))
	if err == nil || !strings.Contains(err.Error(), "multiple of k+2") {
		t.Errorf("a one-row design for a sobol sweep: %v, want the layout error", err)
	}
	f.Design.Kind = External
	if d3, err = f.ParseDesign("swapped.csv", []byte(swapped)); err != nil || !slices.Equal(d3.Values[0], []float64{0.328125, 1.71875}) {
		t.Errorf("swapped columns: %v, %v; want the point in file order of factors", d3, err)
	}
}

func TestDesignErrors(t *testing.T) {
	f := mustParse(t, sweepText("lhs", "samples = 4", "", ""))
	f.Design.Kind = External
	for _, c := range []struct{ name, text, want string }{
		{"missing factor", "population.network_mean\n0.2\n", "d.csv:1:1: params.avr.conditions: factor missing"},
		{"extra column", "population.network_mean,params.avr.conditions,x\n0.2,1,3\n", "d.csv:1:47: x: not a factor"},
		{"not a number", "population.network_mean,params.avr.conditions\n0.2,abc\n", "d.csv:2:5: params.avr.conditions: \"abc\" is not a finite number"},
		{"NaN", "population.network_mean,params.avr.conditions\nNaN,1\n", "d.csv:2:1: population.network_mean: \"NaN\" is not a finite number"},
		{"out of range", "population.network_mean,params.avr.conditions\n0.2,1\n0.9,1\n", "d.csv:3:1: population.network_mean: 0.9 is outside the factor (0.1 to 0.7, uniform)"},
		{"no rows", "population.network_mean,params.avr.conditions\n", "d.csv:1:1: no points"},
		{"empty", "", "d.csv: empty"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.ParseDesign("d.csv", []byte(c.text))
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("ParseDesign(%q) = %v, want %q...", c.text, err, c.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"unknown key", sweepText("lhs", "samples = 4\nsample = 3", "", ""), "t.toml:7:1: design.sample: unknown key"},
		// a sweep file once suggested nothing where a study file did
		{"misspelt key", "replicatse = 2\n" + sweepText("lhs", "samples = 4", "", ""), "t.toml:1:1: replicatse: unknown key: did you mean replicates?"},
		{"key nested 41 levels", "x" + strings.Repeat(".a", 40) + " = 1\n" + sweepText("lhs", "samples = 4", "", ""), "t.toml:1:1: x.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a...: nested 41 levels deep: at most 12 are read"},
		{"unknown design", sweepText("latin", "", "", ""), "t.toml:5:1: design.kind: \"latin\" is not one of"},
		{"inverted range", strings.Replace(sweepText("lhs", "samples = 4", "", ""), "max = 0.7", "max = 0.05", 1), "t.toml:10:1: factors[0].max: 0.05: want more than min (0.1)"},
		{"log of zero", strings.Replace(sweepText("lhs", "samples = 4", "", ""), "min = 0.25", "min = 0", 1), "t.toml:15:1: factors[1].min: 0: a log-uniform factor needs min above 0"},
		{"grid without points", sweepText("grid", "", "points = 3", ""), "t.toml:12:1: factors[1]: points = 0: a grid needs"},
		{"NaN", strings.Replace(sweepText("lhs", "samples = 4", "", ""), "max = 0.7", "max = nan", 1), "t.toml:7:1: factors[0]: min 0.1, max NaN: want finite numbers"},
		{"bad output", "outputs = [\"avr\", \"nope\"]\n" + sweepText("lhs", "samples = 4", "", ""), "t.toml:1:1: outputs: \"nope\" is not a metric"},
		{"wrong type", sweepText("lhs", "samples = \"4\"", "", ""), "t.toml:6:1: design.samples:"},
		{"too big", sweepText("grid", "", "points = 100000", "points = 100000"), "t.toml:4:1: design: more than 10000000 tasks"},
		{"no factors", "replicates = 1\n[design]\nkind = \"lhs\"\nsamples = 3\n", "t.toml: factors: no factors"},
		{"duplicate factor", strings.Replace(sweepText("lhs", "samples = 4", "", ""), "params.avr.conditions", "population.network_mean", 1), "t.toml:13:1: factors[1].key: \"population.network_mean\" is a factor already"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("t.toml", []byte(c.text))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Parse = %v\nwant %q", err, c.want)
			}
		})
	}
}

func TestBaseChecksKeys(t *testing.T) {
	for _, c := range []struct{ from, to, want string }{
		{"population.network_mean", "population.nope", "t.toml:8:1: factors[0].key: \"population.nope\": not a numeric scenario key"},
		{"max = 0.7", "max = 1.5", "t.toml:7:1: factors[0]: population.network_mean: values 0.1 to 1.5 leave the key's range 0.01 to 0.99"},
		{"population.network_mean", "origins.ZZ.conditions", "factors[0].key: \"origins.ZZ.conditions\": the scenario has no origin \"ZZ\""},
	} {
		f := mustParse(t, strings.Replace(sweepText("lhs", "samples = 4", "", ""), c.from, c.to, 1))
		if _, err := f.Base(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Base with %s: %v\nwant %q", c.to, err, c.want)
		}
	}
	f := mustParse(t, "scenario = \"nope\"\n"+sweepText("lhs", "samples = 4", "", ""))
	if _, err := f.Base(); err == nil || !strings.Contains(err.Error(), "t.toml:1:1: scenario: \"nope\" is not a scenario of the study") {
		t.Errorf("Base with scenario nope: %v", err)
	}
	if _, err := os.Stat("testdata"); err != nil {
		t.Fatal(err)
	}
}

func TestGridLevels(t *testing.T) {
	f := mustParse(t, strings.Replace(sweepText("grid", "", "levels = [0.6, 0.2]", "points = 3"), "min = 0.1\nmax = 0.7\n", "", 1))
	d, err := f.MakeDesign(1)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{0.6, 0.25}, {0.6, 1}, {0.6, 4}, {0.2, 0.25}, {0.2, 1}, {0.2, 4}}
	for p := range want {
		if math.Abs(d.Values[p][0]-want[p][0]) > 0 || math.Abs(d.Values[p][1]-want[p][1]) > 1e-12 {
			t.Errorf("point %d = %v, want %v (levels in their order; log-spaced points)", p, d.Values[p], want[p])
		}
	}
}
