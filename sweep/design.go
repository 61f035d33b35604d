package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/returnsim/returnsim/sim"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"
	"gonum.org/v1/gonum/stat/samplemv"
)

// Design is a sweep's points, in their canonical order: Values[p][i] is
// factor i at point p, and Unit[p][i] the same in [0,1], where Sobol and
// Morris designs are drawn and Morris effects measured.
type Design struct {
	Kind    string // the layout: grid, lhs, sobol, morris, or external
	Factors []string
	Values  [][]float64
	Unit    [][]float64
}

// Value maps u in [0,1] to the factor's scale: linearly (uniform), on a
// log scale (log-uniform), or to the level that holds u when the levels
// split [0,1] evenly. The ends map to min and max exactly.
func (fa *Factor) Value(u float64) float64 {
	switch fa.Distribution {
	case Levels:
		return fa.Levels[min(int(u*float64(len(fa.Levels))), len(fa.Levels)-1)]
	case LogUniform:
		switch {
		case u <= 0:
			return *fa.Min
		case u >= 1:
			return *fa.Max
		}
		a, b := math.Log(*fa.Min), math.Log(*fa.Max)
		return math.Exp(a + u*(b-a))
	}
	switch {
	case u <= 0:
		return *fa.Min
	case u >= 1:
		return *fa.Max
	}
	return *fa.Min + u*(*fa.Max-*fa.Min)
}

// Unit is the inverse of Value: where x lies in [0,1]. A level maps to the
// middle of its share of [0,1]. ok is false when x is outside the factor's
// range or not one of its levels.
func (fa *Factor) Unit(x float64) (u float64, ok bool) {
	switch fa.Distribution {
	case Levels:
		i := slices.Index(fa.Levels, x)
		return (float64(i) + 0.5) / float64(len(fa.Levels)), i >= 0
	case LogUniform:
		a, b := math.Log(*fa.Min), math.Log(*fa.Max)
		return (math.Log(x) - a) / (b - a), x >= *fa.Min && x <= *fa.Max
	}
	return (x - *fa.Min) / (*fa.Max - *fa.Min), x >= *fa.Min && x <= *fa.Max
}

// designSeed is the seed of the design's stream: the run seed alone, so
// every shard of a sweep makes the same design.
func designSeed(seed uint64) uint64 { return sim.StreamSeed(seed, 0, "sweep design", false) }

// MakeDesign draws the file's design from the run seed. Grids draw
// nothing; lhs, sobol and morris draw from one stream of the seed.
func (f *File) MakeDesign(seed uint64) (*Design, error) {
	k := len(f.Factors)
	if f.layoutOnly() {
		return nil, fmt.Errorf("%s: the %s design has no size here: it is made outside; give it with --design points.csv", f.Path, f.Design.Kind)
	}
	d := &Design{Kind: f.Design.Kind, Factors: f.FactorKeys()}
	src := sim.NewStream(designSeed(seed))
	rng := rand.New(src)
	switch f.Design.Kind {
	case Grid:
		n := f.Points()
		idx := make([]int, k)
		for p := 0; p < n; p++ {
			u := make([]float64, k)
			for i := range f.Factors {
				c := f.Factors[i].count()
				if f.Factors[i].Distribution == Levels {
					u[i] = (float64(idx[i]) + 0.5) / float64(c)
				} else {
					u[i] = float64(idx[i]) / float64(c-1)
				}
			}
			d.Unit = append(d.Unit, u)
			for i := k - 1; i >= 0; i-- { // the last factor changes fastest
				if idx[i]++; idx[i] < f.Factors[i].count() {
					break
				}
				idx[i] = 0
			}
		}
	case LHS:
		n := f.Design.Samples
		batch := mat.NewDense(n, k, nil)
		samplemv.LatinHypercube{Q: distmv.NewUnitUniform(k, src), Src: src}.Sample(batch)
		for p := 0; p < n; p++ {
			d.Unit = append(d.Unit, slices.Clone(batch.RawRowView(p)))
		}
	case Sobol:
		// Saltelli's scheme from plain pseudo-random A and B (no
		// quasi-random Sobol sequence exists in gonum): for each base
		// sample, A, then AB_i (A with column i from B), then B.
		for j := 0; j < f.Design.Samples; j++ {
			a, b := make([]float64, k), make([]float64, k)
			for i := range a {
				a[i], b[i] = rng.Float64(), rng.Float64()
			}
			d.Unit = append(d.Unit, a)
			for i := 0; i < k; i++ {
				ab := slices.Clone(a)
				ab[i] = b[i]
				d.Unit = append(d.Unit, ab)
			}
			d.Unit = append(d.Unit, b)
		}
	case Morris:
		d.Unit = morrisTrajectories(f.Design.Trajectories, k, f.Design.Levels, rng)
	}
	for _, u := range d.Unit {
		v := make([]float64, k)
		for i := range v {
			v[i] = f.Factors[i].Value(u[i])
		}
		d.Values = append(d.Values, v)
	}
	return d, nil
}

// morrisTrajectories draws r trajectories of k+1 points on a grid of p
// levels {0, 1/(p-1), ..., 1} with step delta = p/(2(p-1)) (Morris 1991):
// each starts at a random grid point from which every factor can move by
// delta in a random direction, then moves the factors one at a time in a
// random order.
func morrisTrajectories(r, k, p int, rng *rand.Rand) [][]float64 {
	delta := float64(p) / float64(2*(p-1))
	starts := p / 2 // levels j/(p-1) with j < p/2 leave room for +delta
	var out [][]float64
	for t := 0; t < r; t++ {
		x := make([]float64, k)
		dir := make([]float64, k)
		for i := range x {
			x[i] = float64(rng.IntN(starts)) / float64(p-1)
			dir[i] = 1
			if rng.IntN(2) == 0 {
				x[i] += delta
				dir[i] = -1
			}
		}
		out = append(out, slices.Clone(x))
		for _, i := range rng.Perm(k) {
			x[i] += dir[i] * delta
			x[i] = math.Round(x[i]*float64(p-1)) / float64(p-1) // stay on the grid exactly
			out = append(out, slices.Clone(x))
		}
	}
	return out
}

// FormatValue writes a factor value as in every CSV of a sweep: the
// shortest text that reads back to the same float64.
func FormatValue(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// WriteCSV writes the design in SALib's layout: a header of factor keys,
// then one point a row.
func (d *Design) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(d.Factors); err != nil {
		return err
	}
	row := make([]string, len(d.Factors))
	for _, v := range d.Values {
		for i, x := range v {
			row[i] = FormatValue(x)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// SHA256 is the hash of the design's CSV: equal hashes, equal points.
func (d *Design) SHA256() string {
	var b bytes.Buffer
	d.WriteCSV(&b) // writes to memory do not fail
	h := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(h[:])
}

// ReadDesign reads an external design in SALib's layout (a header of
// factor names, one point a row, as SALib's samplers and the EMA
// Workbench write it), kept in its row order. The columns must be the
// file's factors, in any order; every value must be a finite number in its
// factor's range (or one of its levels). The design's Kind is the sweep
// file's design kind when it names a layout (sobol, morris), which the
// sensitivity analysis then assumes; errors name file:line:col and the key.
func (f *File) ReadDesign(path string) (*Design, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return f.ParseDesign(path, data)
}

// ParseDesign is ReadDesign on the text data that errors call file.
func (f *File) ParseDesign(file string, data []byte) (*Design, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.ReuseRecord = false
	cr.Comment = '#'
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: file, Msg: "empty: want a header of factor names and one point a row"}
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	keys := f.FactorKeys()
	col := make([]int, len(keys)) // factor i is in column col[i]
	for i, k := range keys {
		col[i] = slices.Index(head, k)
		if col[i] < 0 {
			return nil, &Error{File: file, Line: 1, Col: 1, Key: k, Msg: fmt.Sprintf("factor missing from the header %q", strings.Join(head, ","))}
		}
	}
	for j, h := range head {
		if !slices.Contains(keys, h) || slices.Index(head, h) != j {
			line, c := cr.FieldPos(j)
			return nil, &Error{File: file, Line: line, Col: c, Key: h, Msg: "not a factor of the sweep file, or repeated"}
		}
	}
	d := &Design{Kind: f.Design.Kind, Factors: keys}
	if d.Kind == Grid || d.Kind == LHS {
		d.Kind = External // points given, not the file's design
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		v, u := make([]float64, len(keys)), make([]float64, len(keys))
		for i := range keys {
			line, c := cr.FieldPos(col[i])
			s := strings.TrimSpace(rec[col[i]])
			x, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, &Error{File: file, Line: line, Col: c, Key: keys[i], Msg: fmt.Sprintf("%q is not a finite number", s)}
			}
			var ok bool
			if u[i], ok = f.Factors[i].Unit(x); !ok {
				lo, hi := f.Factors[i].bounds()
				return nil, &Error{File: file, Line: line, Col: c, Key: keys[i], Msg: fmt.Sprintf("%g is outside the factor (%g to %g, %s)", x, lo, hi, f.Factors[i].Distribution)}
			}
			v[i] = x
		}
		d.Values = append(d.Values, v)
		d.Unit = append(d.Unit, u)
	}
	if len(d.Values) == 0 {
		return nil, &Error{File: file, Line: 1, Col: 1, Msg: "no points: want one point a row below the header"}
	}
	if len(d.Values)*f.Replicates > MaxTasks {
		return nil, &Error{File: file, Msg: fmt.Sprintf("%d points x %d replicates: want at most %d tasks", len(d.Values), f.Replicates, MaxTasks)}
	}
	if d.Kind == Sobol {
		if err := checkSaltelli(d.Values, len(keys)); err != nil {
			return nil, &Error{File: file, Msg: "design.kind is sobol: " + err.Error()}
		}
	}
	return d, nil
}

// checkSaltelli checks that rows follow Saltelli's layout without second
// order: blocks of k+2 rows A, AB_1..AB_k, B with AB_i equal to A except
// in column i, where it equals B.
func checkSaltelli(rows [][]float64, k int) error {
	if len(rows)%(k+2) != 0 {
		return fmt.Errorf("%d points is not a multiple of k+2 = %d (SALib's layout without second-order indices)", len(rows), k+2)
	}
	for j := 0; j < len(rows); j += k + 2 {
		a, b := rows[j], rows[j+k+1]
		for i := 0; i < k; i++ {
			for c, x := range rows[j+1+i] {
				want := a[c]
				if c == i {
					want = b[c]
				}
				if x != want {
					return fmt.Errorf("row %d (line %d) is not A with column %d from B of its block", j+1+i, j+i+3, i+1)
				}
			}
		}
	}
	return nil
}
