package sensitivity

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// MorrisIndex summarises the elementary effects of one factor: their mean
// Mu, the mean of their absolute values MuStar (with a bootstrap interval)
// and their standard deviation Sigma (n-1 denominator, as SALib).
// MuStarConf is SALib's mu_star_conf: the half-width of a 95% normal
// interval of mu*, 1.96 times the standard deviation (n-1) of its
// bootstrap resamples; NaN without resamples.
type MorrisIndex struct {
	Mu         float64
	MuStar     Interval
	MuStarConf float64
	Sigma      float64
	N          int // elementary effects
}

// z975 is the 97.5% quantile of the standard normal, SALib's
// norm.ppf(0.5 + 0.95/2) for mu_star_conf.
const z975 = 1.959963984540054

// Morris computes elementary effects from trajectories of k+1 points each:
// x holds each point's coordinates in the unit hypercube and y its output,
// trajectory after trajectory. Consecutive points of a trajectory must
// differ in exactly one factor. The interval of mu* comes from resamples
// bootstrap resamples of each factor's effects, drawn from src.
func Morris(x [][]float64, y []float64, k, resamples int, src rand.Source) ([]MorrisIndex, error) {
	if k < 1 {
		return nil, fmt.Errorf("morris: %d factors: want at least 1", k)
	}
	if len(x) != len(y) || len(y)%(k+1) != 0 || len(y) == 0 {
		return nil, fmt.Errorf("morris: %d points and %d outputs: want equal numbers, a multiple of %d (k+1)", len(x), len(y), k+1)
	}
	if src == nil {
		return nil, errors.New("morris: no random source for the bootstrap")
	}
	ee := make([][]float64, k)
	for t := 0; t < len(y)/(k+1); t++ {
		for s := 0; s < k; s++ {
			a, b := t*(k+1)+s, t*(k+1)+s+1
			if len(x[a]) != k || len(x[b]) != k {
				return nil, fmt.Errorf("morris: point %d: want %d coordinates", a, k)
			}
			moved, delta := -1, 0.0
			for i := 0; i < k; i++ {
				if d := x[b][i] - x[a][i]; d != 0 {
					if moved >= 0 {
						return nil, fmt.Errorf("morris: trajectory %d, step %d moves factors %d and %d: want one factor a step", t, s, moved, i)
					}
					moved, delta = i, d
				}
			}
			if moved < 0 {
				return nil, fmt.Errorf("morris: trajectory %d, step %d moves no factor", t, s)
			}
			e := (y[b] - y[a]) / delta
			if math.IsNaN(e) || math.IsInf(e, 0) {
				return nil, fmt.Errorf("morris: trajectory %d, step %d: elementary effect %v", t, s, e)
			}
			ee[moved] = append(ee[moved], e)
		}
	}
	rng := rand.New(src)
	out := make([]MorrisIndex, k)
	for i, es := range ee {
		if len(es) == 0 {
			return nil, fmt.Errorf("morris: factor %d never moves", i)
		}
		var sum, abs float64
		for _, e := range es {
			sum += e
			abs += math.Abs(e)
		}
		n := float64(len(es))
		m := MorrisIndex{Mu: sum / n, MuStar: Interval{Value: abs / n}, N: len(es), Sigma: math.NaN()}
		if len(es) > 1 {
			var ss float64
			for _, e := range es {
				ss += (e - m.Mu) * (e - m.Mu)
			}
			m.Sigma = math.Sqrt(ss / (n - 1))
		}
		m.MuStar.Low, m.MuStar.High, m.MuStarConf = math.NaN(), math.NaN(), math.NaN()
		if resamples > 0 {
			bs := make([]float64, resamples)
			for b := range bs {
				var a float64
				for range es {
					a += math.Abs(es[rng.IntN(len(es))])
				}
				bs[b] = a / n
			}
			m.MuStar.Low, m.MuStar.High = percentileInterval(bs)
			if resamples > 1 {
				var mean, ss float64
				for _, b := range bs {
					mean += b
				}
				mean /= float64(resamples)
				for _, b := range bs {
					ss += (b - mean) * (b - mean)
				}
				m.MuStarConf = z975 * math.Sqrt(ss/float64(resamples-1))
			}
		}
		out[i] = m
	}
	return out, nil
}
