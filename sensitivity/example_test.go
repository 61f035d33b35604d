package sensitivity_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/returnsim/returnsim/sensitivity"
)

// Sobol indices of y = x1 + 2 x2 with x1, x2 uniform on [0, 1]: an
// additive model, so first and total order agree, at 1/5 and 4/5.
func ExampleSobol() {
	const n, k = 20000, 2
	rng := rand.New(rand.NewPCG(1, 2))
	f := func(x []float64) float64 { return x[0] + 2*x[1] }
	var y []float64
	for range n { // SALib's layout: A, AB_1, AB_2, B
		a := []float64{rng.Float64(), rng.Float64()}
		b := []float64{rng.Float64(), rng.Float64()}
		y = append(y, f(a), f([]float64{b[0], a[1]}), f([]float64{a[0], b[1]}), f(b))
	}
	idx, err := sensitivity.Sobol(y, k, 200, rand.NewPCG(3, 4))
	if err != nil {
		panic(err)
	}
	for i, s := range idx {
		fmt.Printf("x%d: S1 %.1f, ST %.1f\n", i+1, s.S1.Value, s.ST.Value)
	}
	// Output:
	// x1: S1 0.2, ST 0.2
	// x2: S1 0.8, ST 0.8
}

// Morris elementary effects of y = 3 x1 - x2 along one trajectory: each
// effect is the factor's slope over its whole range.
func ExampleMorris() {
	x := [][]float64{{0, 1}, {2.0 / 3, 1}, {2.0 / 3, 1.0 / 3}}
	y := make([]float64, len(x))
	for i, p := range x {
		y[i] = 3*p[0] - p[1]
	}
	idx, err := sensitivity.Morris(x, y, 2, 0, rand.NewPCG(1, 1))
	if err != nil {
		panic(err)
	}
	for i, m := range idx {
		fmt.Printf("x%d: mu %.0f, mu* %.0f\n", i+1, m.Mu, m.MuStar.Value)
	}
	// Output:
	// x1: mu 3, mu* 3
	// x2: mu -1, mu* 1
}
