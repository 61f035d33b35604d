package calibrate

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// The 2x2 table: x = 0 has 30 successes in 100 trials, x = 1 has 10 in 50.
// A logistic regression with an intercept and x is saturated, so by hand:
//
//	P(x=0) = 0.3, P(x=1) = 0.2
//	intercept = ln(0.3/0.7) = ln(3/7)
//	slope = log odds ratio = ln((0.2/0.8)/(0.3/0.7)) = ln(7/12)
//	SE(intercept) = sqrt(1/30 + 1/70) = sqrt(1/21)
//	SE(slope) = sqrt(1/30 + 1/70 + 1/10 + 1/40) = sqrt(1/21 + 1/8) (Woolf)
//	log-likelihood = 30 ln 0.3 + 70 ln 0.7 + 10 ln 0.2 + 40 ln 0.8
func TestFitLogitTwoByTwo(t *testing.T) {
	wantCoef := []float64{math.Log(3.0 / 7), math.Log(7.0 / 12)}
	wantSE := []float64{math.Sqrt(1.0 / 21), math.Sqrt(1.0/21 + 1.0/8)}
	wantLL := 30*math.Log(0.3) + 70*math.Log(0.7) + 10*math.Log(0.2) + 40*math.Log(0.8)

	var rowsX, rowsY []float64
	for _, c := range []struct{ x, s, n int }{{0, 30, 100}, {1, 10, 50}} {
		for i := 0; i < c.n; i++ {
			rowsX = append(rowsX, float64(c.x))
			rowsY = append(rowsY, b2f(i < c.s))
		}
	}
	fits := []struct {
		name string
		fit  func() (*LogitFit, error)
	}{
		{"counts", func() (*LogitFit, error) {
			return FitLogitCounts(Design([]float64{0, 1}), []float64{30, 10}, []float64{100, 50})
		}},
		{"weighted rows", func() (*LogitFit, error) {
			return FitLogit(Design([]float64{0, 0, 1, 1}), []float64{1, 0, 1, 0}, []float64{30, 70, 10, 40})
		}},
		{"150 rows", func() (*LogitFit, error) {
			return FitLogit(Design(rowsX), rowsY, nil)
		}},
	}
	for _, f := range fits {
		t.Run(f.name, func(t *testing.T) {
			fit, err := f.fit()
			if err != nil {
				t.Fatalf("fit: %v", err)
			}
			for x, want := range []float64{0.3, 0.2} {
				if got := fit.Predict([]float64{1, float64(x)}); !near(got, want, 1e-9) {
					t.Errorf("Predict([1 %d]) = %v, want %v", x, got, want)
				}
			}
			for j := range wantCoef {
				if !near(fit.Coef[j], wantCoef[j], 1e-9) {
					t.Errorf("Coef[%d] = %v, want %v", j, fit.Coef[j], wantCoef[j])
				}
				if !near(fit.SE[j], wantSE[j], 1e-8) {
					t.Errorf("SE[%d] = %v, want %v", j, fit.SE[j], wantSE[j])
				}
			}
			if !near(fit.LogLik, wantLL, 1e-12) {
				t.Errorf("LogLik = %v, want %v", fit.LogLik, wantLL)
			}
		})
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// sample draws n observations of P(y=1) = logistic(b0 + b1 x), x uniform
// on the file numbers 1..6, from a fixed PCG stream.
func sample(n int, b0, b1 float64) (x, y []float64) {
	r := rand.New(rand.NewPCG(2017, 2023))
	x, y = make([]float64, n), make([]float64, n)
	for i := range x {
		x[i] = float64(1 + r.IntN(6))
		p := 1 / (1 + math.Exp(-(b0 + b1*x[i])))
		y[i] = b2f(r.Float64() < p)
	}
	return x, y
}

// A fit recovers the coefficients it was drawn with, within four of its own
// standard errors: a miss that large has probability 6e-5 per coefficient.
func TestFitLogitRecovers(t *testing.T) {
	// coefficients near the study's: 19% at file 1, 2% at file 6
	want := []float64{-0.9, -0.48}
	for _, n := range []int{2000, 20000} {
		x, y := sample(n, want[0], want[1])
		fit, err := FitLogit(Design(x), y, nil)
		if err != nil {
			t.Fatalf("n=%d: FitLogit: %v", n, err)
		}
		for j := range want {
			if d := math.Abs(fit.Coef[j] - want[j]); d > 4*fit.SE[j] {
				t.Errorf("n=%d: Coef[%d] = %v, want %v within 4 SE (%v)", n, j, fit.Coef[j], want[j], 4*fit.SE[j])
			}
		}
	}
}

// Aggregating rows into counts per covariate pattern changes nothing.
func TestFitLogitCountsEqualsRows(t *testing.T) {
	x, y := sample(20000, -0.9, -0.48)
	rows, err := FitLogit(Design(x), y, nil)
	if err != nil {
		t.Fatalf("FitLogit: %v", err)
	}
	succ, trials := make([]float64, 6), make([]float64, 6)
	for i := range x {
		f := int(x[i]) - 1
		trials[f]++
		succ[f] += y[i]
	}
	counts, err := FitLogitCounts(Design([]float64{1, 2, 3, 4, 5, 6}), succ, trials)
	if err != nil {
		t.Fatalf("FitLogitCounts: %v", err)
	}
	for j := range rows.Coef {
		if !near(counts.Coef[j], rows.Coef[j], 1e-9) {
			t.Errorf("FitLogitCounts: Coef[%d] = %v, want %v", j, counts.Coef[j], rows.Coef[j])
		}
		if !near(counts.SE[j], rows.SE[j], 1e-8) {
			t.Errorf("FitLogitCounts: SE[%d] = %v, want %v", j, counts.SE[j], rows.SE[j])
		}
	}
	if !near(counts.LogLik, rows.LogLik, 1e-10) {
		t.Errorf("FitLogitCounts: LogLik = %v, want %v", counts.LogLik, rows.LogLik)
	}
}

func TestFitLogitSeparation(t *testing.T) {
	tests := []struct {
		name      string
		x         *mat.Dense
		succ, n   []float64
		separated bool // else another error
	}{
		{"complete", Design([]float64{0, 1}), []float64{0, 50}, []float64{50, 50}, true},
		{"quasi-complete: no success at x=0", Design([]float64{0, 1}), []float64{0, 10}, []float64{50, 50}, true},
		{"quasi-complete: a class with no AVR", Design([]float64{1, 0, 0}, []float64{0, 1, 0}), []float64{30, 0, 10}, []float64{100, 80, 100}, true},
		{"no success at all", Design([]float64{1, 2, 3}), []float64{0, 0, 0}, []float64{10, 10, 10}, true},
		{"collinear columns", Design([]float64{1, 2, 3}, []float64{2, 4, 6}), []float64{1, 2, 3}, []float64{10, 10, 10}, false},
		{"fewer rows than coefficients", Design([]float64{1}), []float64{1}, []float64{10}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fit, err := FitLogitCounts(tt.x, tt.succ, tt.n)
			if err == nil {
				t.Fatalf("FitLogitCounts(%v, %v) = %v, want an error", tt.succ, tt.n, fit.Coef)
			}
			if got := errors.Is(err, ErrSeparation); got != tt.separated {
				t.Errorf("FitLogitCounts(%v, %v): errors.Is(%q, ErrSeparation) = %v, want %v", tt.succ, tt.n, err, got, tt.separated)
			}
		})
	}
}

func TestFitLogitBadInput(t *testing.T) {
	x := Design([]float64{0, 1, 2})
	tests := []struct {
		name string
		y, w []float64
	}{
		{"outcomes shorter than rows", []float64{0, 1}, nil},
		{"weights shorter than rows", []float64{0, 1, 1}, []float64{1, 1}},
		{"negative weight", []float64{0, 1, 1}, []float64{1, -1, 1}},
		{"NaN weight", []float64{0, 1, 1}, []float64{1, math.NaN(), 1}},
		{"outcome above 1", []float64{0, 1.5, 1}, nil},
		{"NaN outcome", []float64{0, math.NaN(), 1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := FitLogit(x, tt.y, tt.w); err == nil {
				t.Errorf("FitLogit(x, %v, %v) = nil error, want an error", tt.y, tt.w)
			}
		})
	}
	if _, err := FitLogitCounts(x, []float64{1, 3, 1}, []float64{2, 2, 2}); err == nil {
		t.Errorf("FitLogitCounts(x, [1 3 1], [2 2 2]) = nil error, want an error: 3 successes in 2 trials")
	}
}
