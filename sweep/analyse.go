package sweep

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/returnsim/returnsim/results"
	"github.com/returnsim/returnsim/sensitivity"
	"github.com/returnsim/returnsim/sim"
)

// pointsTail ends points.csv's header, after "point" and the factor keys.
const pointsTail = "metric,mean,ci_low,ci_high"

// SensitivityHeader is the header of sensitivity.csv.
const SensitivityHeader = "metric,method,factor,index,value,ci_low,ci_high"

// aggregator receives runs.csv rows in task order and keeps, per point,
// the factor values and the mean of each output over replicates; with a
// writer it streams points.csv as each point completes.
type aggregator struct {
	keys, outputs []string
	reps, points  int
	w             *bufio.Writer // points.csv, or nil

	next   int         // task expected next
	cur    [][]float64 // this point's replicates, by output
	val    []float64   // this point's factors
	keep   bool        // keep values and means of every point, for the indices
	values [][]float64 // by point, the factors
	means  [][]float64 // by point, the outputs' means
}

// newAggregator aggregates runs of the given layout; only for a design
// with indices (sobol, morris) does it keep every point's values and
// means, so that other designs stream in memory independent of their size.
func newAggregator(keys, outputs []string, reps, points int, design string) *aggregator {
	return &aggregator{keys: keys, outputs: outputs, reps: reps, points: points, cur: make([][]float64, len(outputs)),
		keep: design == Sobol || design == Morris}
}

// add takes task i's row of runs.csv.
func (a *aggregator) add(i int, row []byte) error {
	if i != a.next {
		return fmt.Errorf("runs: task %d where task %d was due", i, a.next)
	}
	a.next++
	f := strings.Split(strings.TrimSuffix(string(row), "\n"), ",")
	k := len(a.keys)
	if len(f) != 3+k+len(a.outputs) {
		return fmt.Errorf("runs: task %d: %d fields, want %d", i, len(f), 3+k+len(a.outputs))
	}
	pt, r := i/a.reps, i%a.reps
	if f[0] != strconv.Itoa(pt) || f[1] != strconv.Itoa(r) {
		return fmt.Errorf("runs: task %d: point %s replicate %s, want %d and %d", i, f[0], f[1], pt, r)
	}
	if r == 0 {
		v := make([]float64, k)
		for j := range v {
			x, err := strconv.ParseFloat(f[2+j], 64)
			if err != nil {
				return fmt.Errorf("runs: task %d: %s: %q is not a number", i, a.keys[j], f[2+j])
			}
			v[j] = x
		}
		a.val = v
		if a.keep {
			a.values = append(a.values, v)
		}
		for m := range a.cur {
			a.cur[m] = a.cur[m][:0]
		}
	}
	for m := range a.outputs {
		x, err := strconv.ParseFloat(f[3+k+m], 64)
		if err != nil {
			return fmt.Errorf("runs: task %d: %s: %q is not a number", i, a.outputs[m], f[3+k+m])
		}
		a.cur[m] = append(a.cur[m], x)
	}
	if r < a.reps-1 {
		return nil
	}
	means := make([]float64, len(a.outputs))
	for m, name := range a.outputs {
		iv := results.MeanCI(a.cur[m])
		means[m] = iv.Mean
		if a.w != nil {
			a.w.WriteString(strconv.Itoa(pt))
			for _, x := range a.val {
				a.w.WriteString("," + FormatValue(x))
			}
			fmt.Fprintf(a.w, ",%s,%s,%s,%s\n", name, results.FormatFixed(iv.Mean), results.FormatFixed(iv.Low), results.FormatFixed(iv.High))
		}
	}
	if a.keep {
		a.means = append(a.means, means)
	}
	return nil
}

// complete checks that every task arrived.
func (a *aggregator) complete() error {
	if a.next != a.points*a.reps {
		return fmt.Errorf("runs: %d of %d tasks", a.next, a.points*a.reps)
	}
	return nil
}

// Index is one line of sensitivity.csv: a Sobol index (S1, ST) or a
// Morris statistic of one factor for one output, by SALib's names: mu_star
// (with a percentile bootstrap interval), mu, sigma and mu_star_conf,
// SALib's half-width of mu*'s 95% interval (1.96 bootstrap SDs).
type Index struct {
	Metric, Method, Factor, Index string
	Value, Low, High              float64
}

// bootstrapSeed is the seed of the bootstrap's stream: the run seed alone.
func bootstrapSeed(seed uint64) uint64 {
	return sim.StreamSeed(seed, 0, "sensitivity bootstrap", false)
}

// Analyse computes the sensitivity indices of every output from the
// points' factor values and output means: Sobol S1 and ST for a sobol
// design (Saltelli's layout), Morris mu_star, mu, sigma and mu_star_conf
// for a morris design.
// Other designs have no indices (nil, nil). The bootstrap draws from a
// stream of seed, the same for every output.
func Analyse(design string, factors []Factor, values, means [][]float64, outputs []string, bootstrap int, seed uint64) ([]Index, error) {
	if design != Sobol && design != Morris {
		return nil, nil
	}
	k := len(factors)
	var out []Index
	for m, name := range outputs {
		y := make([]float64, len(means))
		for p := range means {
			y[p] = means[p][m]
		}
		switch design {
		case Sobol:
			s, err := sensitivity.Sobol(y, k, bootstrap, sim.NewStream(bootstrapSeed(seed)))
			if errors.Is(err, sensitivity.ErrNoVariance) {
				// no factor moves this output: its indices are undefined,
				// which is a finding, not a failure of the sweep
				s = make([]sensitivity.SobolIndex, k)
				nan := sensitivity.Interval{Value: math.NaN(), Low: math.NaN(), High: math.NaN()}
				for i := range s {
					s[i] = sensitivity.SobolIndex{S1: nan, ST: nan}
				}
			} else if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			for i, f := range factors {
				out = append(out,
					Index{name, "sobol", f.Key, "S1", s[i].S1.Value, s[i].S1.Low, s[i].S1.High},
					Index{name, "sobol", f.Key, "ST", s[i].ST.Value, s[i].ST.Low, s[i].ST.High})
			}
		case Morris:
			x := make([][]float64, len(values))
			for p, v := range values {
				x[p] = make([]float64, k)
				for i := range v {
					x[p][i], _ = factors[i].Unit(v[i])
				}
			}
			s, err := sensitivity.Morris(x, y, k, bootstrap, sim.NewStream(bootstrapSeed(seed)))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			nan := math.NaN()
			for i, f := range factors {
				out = append(out,
					Index{name, "morris", f.Key, "mu_star", s[i].MuStar.Value, s[i].MuStar.Low, s[i].MuStar.High},
					Index{name, "morris", f.Key, "mu", s[i].Mu, nan, nan},
					Index{name, "morris", f.Key, "sigma", s[i].Sigma, nan, nan},
					Index{name, "morris", f.Key, "mu_star_conf", s[i].MuStarConf, nan, nan})
			}
		}
	}
	return out, nil
}

// WriteSensitivity writes sensitivity.csv: a header and one row per
// output, factor and index, at the fixed precision of every result CSV.
func WriteSensitivity(w io.Writer, idx []Index) error {
	var b bytes.Buffer
	b.WriteString(SensitivityHeader + "\n")
	for _, x := range idx {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s\n", x.Metric, x.Method, x.Factor, x.Index, results.FormatFixed(x.Value), results.FormatFixed(x.Low), results.FormatFixed(x.High))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Table prints, for each output (or only metric, when not empty), the
// factors ranked by total-order index (Sobol) or mu* (Morris), largest
// first, with their intervals.
func Table(w io.Writer, idx []Index, metric string) error {
	type row struct {
		factor string
		cols   map[string]Index
	}
	var metrics []string
	byMetric := map[string][]*row{}
	for _, x := range idx {
		if metric != "" && x.Metric != metric {
			continue
		}
		rows, ok := byMetric[x.Metric]
		if !ok {
			metrics = append(metrics, x.Metric)
		}
		var r *row
		for _, q := range rows {
			if q.factor == x.Factor {
				r = q
			}
		}
		if r == nil {
			r = &row{factor: x.Factor, cols: map[string]Index{}}
			byMetric[x.Metric] = append(rows, r)
		}
		r.cols[x.Index] = x
	}
	if len(metrics) == 0 {
		return fmt.Errorf("no indices for metric %q", metric)
	}
	iv := func(x Index) string {
		if math.IsNaN(x.Value) {
			return fmt.Sprintf("%7s", "-")
		}
		if math.IsNaN(x.Low) {
			return fmt.Sprintf("%7.3f", x.Value)
		}
		return fmt.Sprintf("%7.3f [%6.3f, %6.3f]", x.Value, x.Low, x.High)
	}
	for n, m := range metrics {
		rows := byMetric[m]
		width := len("factor")
		for _, r := range rows {
			width = max(width, len(r.factor))
		}
		sobol := idx[0].Method == "sobol"
		rank := "ST"
		if !sobol {
			rank = "mu_star"
		}
		sort.SliceStable(rows, func(i, j int) bool {
			a, b := rows[i].cols[rank].Value, rows[j].cols[rank].Value
			return a > b || !math.IsNaN(a) && math.IsNaN(b)
		})
		if n > 0 {
			fmt.Fprintln(w)
		}
		if sobol {
			fmt.Fprintf(w, "%s: Sobol indices, ranked by total order (95%% bootstrap intervals)\n", m)
			fmt.Fprintf(w, "%-*s  %-25s  %-25s\n", width, "factor", "first order S1", "total order ST")
			for _, r := range rows {
				fmt.Fprintf(w, "%-*s  %-25s  %-25s\n", width, r.factor, iv(r.cols["S1"]), iv(r.cols["ST"]))
			}
		} else {
			fmt.Fprintf(w, "%s: Morris elementary effects per whole factor range, ranked by mu_star (95%% bootstrap intervals; SALib's names)\n", m)
			fmt.Fprintf(w, "%-*s  %-25s  %-12s  %-10s  %-10s\n", width, "factor", "mu_star", "mu_star_conf", "mu", "sigma")
			for _, r := range rows {
				fmt.Fprintf(w, "%-*s  %-25s  %-12s  %-10s  %-10s\n", width, r.factor, iv(r.cols["mu_star"]), iv(r.cols["mu_star_conf"]), iv(r.cols["mu"]), iv(r.cols["sigma"]))
			}
		}
	}
	return nil
}

// writeSensitivity writes sensitivity.csv, for a sobol or morris design,
// once every point has arrived; other designs get no file.
func (a *aggregator) writeSensitivity(fo creator, design string, factors []Factor, bootstrap int, seed uint64) error {
	if err := a.complete(); err != nil {
		return err
	}
	idx, err := Analyse(design, factors, a.values, a.means, a.outputs, bootstrap, seed)
	if err != nil || idx == nil {
		return err
	}
	w, err := fo.Create("sensitivity.csv")
	if err != nil {
		return err
	}
	return WriteSensitivity(w, idx)
}

// creator is what a result folder offers: a new file by name.
type creator interface {
	Create(name string) (*bufio.Writer, error)
}
