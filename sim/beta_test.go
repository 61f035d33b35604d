package sim

import (
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestBetaSameAsGonum: beta is gonum's Beta sampler operation for
// operation, so from the same stream it returns the same numbers, bit for
// bit, in every branch of gonum's Gamma sampler (shape below 0.2, below 1,
// exactly 1, above 1), and leaves the stream where gonum leaves it.
func TestBetaSameAsGonum(t *testing.T) {
	cases := []struct {
		name       string
		mean, conc float64
	}{
		{"defaults: pull", 0.3, 4},         // shapes 1.2 and 2.8
		{"defaults: trust", 0.5, 4},        // shapes 2 and 2
		{"shape 1", 0.25, 4},               // shapes 1 and 3
		{"shapes below 1", 0.5, 1},         // shapes 0.5 and 0.5
		{"shape below 0.2", 0.05, 2},       // shapes 0.1 and 1.9
		{"concentrated", 0.4, 1000},        // shapes 400 and 600
		{"lowest concentration", 0.5, 0.1}, // shapes 0.05 and 0.05
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mine, theirs := personStream(7, 1), personStream(7, 1)
			r := wrap(&mine)
			g := distuv.Beta{Alpha: c.mean * c.conc, Beta: (1 - c.mean) * c.conc, Src: &theirs}
			for i := range 20000 {
				if got, want := beta(c.mean, c.conc, r), g.Rand(); got != want {
					t.Fatalf("draw %d: beta(%v, %v) = %v, want %v (gonum)", i, c.mean, c.conc, got, want)
				}
			}
			if mine != theirs {
				t.Errorf("after 20000 draws the streams differ")
			}
		})
	}
}
