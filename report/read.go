package report

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// table reads a CSV file row by row, columns by header name.
type table struct {
	path string
	f    *os.File
	r    *csv.Reader
	col  map[string]int
	rec  []string
}

// openTable opens path and reads its header; it fails when a required
// column is missing. A missing file is reported with fs.ErrNotExist.
func openTable(path string, required ...string) (*table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(f)
	r.ReuseRecord = true
	head, err := r.Read()
	if err != nil {
		f.Close()
		if err == io.EOF {
			return nil, fmt.Errorf("%s:1: no header row", path)
		}
		return nil, csvErr(path, err)
	}
	t := &table{path: path, f: f, r: r, col: map[string]int{}}
	for i, h := range head {
		t.col[strings.TrimSpace(h)] = i
	}
	for _, c := range required {
		if _, ok := t.col[c]; !ok {
			f.Close()
			return nil, fmt.Errorf("%s:1: no column %q in the header", path, c)
		}
	}
	return t, nil
}

func csvErr(path string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d:%d: %v", path, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%s: %w", path, err)
}

// next reads the next row; false at the end.
func (t *table) next() (bool, error) {
	rec, err := t.r.Read()
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, csvErr(t.path, err)
	}
	t.rec = rec
	return true, nil
}

func (t *table) line() int {
	l, _ := t.r.FieldPos(0)
	return l
}

func (t *table) has(name string) bool { _, ok := t.col[name]; return ok }

// str is the named column of the current row, "" when absent.
func (t *table) str(name string) string {
	i, ok := t.col[name]
	if !ok || i >= len(t.rec) {
		return ""
	}
	return t.rec[i]
}

// float parses the named column; NaN is allowed (an interval of one
// replicate), Inf and text are not. An absent column is NaN.
func (t *table) float(name string) (float64, error) {
	if !t.has(name) {
		return math.NaN(), nil
	}
	s := t.str(name)
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(x, 0) {
		return 0, fmt.Errorf("%s:%d: %s: %q is not a number", t.path, t.line(), name, s)
	}
	return x, nil
}

func (t *table) int(name string) (int, error) {
	s := t.str(name)
	x, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%s:%d: %s: %q is not a whole number", t.path, t.line(), name, s)
	}
	return x, nil
}

func (t *table) close() { t.f.Close() }

// Row is one line of summary.csv: a metric's mean and the 95% interval of
// the mean over replicates, and the paired difference from the baseline;
// with parameter draws (run --posterior) the 90% predictive intervals over
// the draws of the value and of the difference, and the share of draws
// above the baseline. Columns a folder lacks (written before there were
// draws) read as NaN, as do those of a run without draws.
type Row struct {
	Mean, Low, High, Diff, DiffLow, DiffHigh     float64
	PredLow, PredHigh, DiffPredLow, DiffPredHigh float64
	PAbove                                       float64
	// the same over the same draws with the study's unconstrained
	// assumptions held (NaN unless the run drew some)
	HeldLow, HeldHigh, HeldPAbove float64
}

// Summary is summary.csv.
type Summary struct {
	Scenarios []string // in file order; the first is the baseline
	Metrics   []string // in order of first appearance
	rows      map[[2]string]Row
}

// Get returns a scenario's row of a metric.
func (s *Summary) Get(scenario, metric string) (Row, bool) {
	r, ok := s.rows[[2]string{scenario, metric}]
	return r, ok
}

// Has reports whether summary.csv has metric for every scenario.
func (s *Summary) Has(metric string) bool {
	for _, sc := range s.Scenarios {
		if _, ok := s.Get(sc, metric); !ok {
			return false
		}
	}
	return len(s.Scenarios) > 0
}

func readSummary(path string) (*Summary, error) {
	t, err := openTable(path, "scenario", "metric", "mean")
	if err != nil {
		return nil, err
	}
	defer t.close()
	s := &Summary{rows: map[[2]string]Row{}}
	seenS, seenM := map[string]bool{}, map[string]bool{}
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		sc, m := t.str("scenario"), t.str("metric")
		if sc == "" || m == "" {
			return nil, fmt.Errorf("%s:%d: empty scenario or metric", path, t.line())
		}
		var r Row
		for _, f := range []struct {
			col string
			x   *float64
		}{{"mean", &r.Mean}, {"ci_low", &r.Low}, {"ci_high", &r.High}, {"diff_vs_baseline", &r.Diff}, {"diff_ci_low", &r.DiffLow}, {"diff_ci_high", &r.DiffHigh},
			{"pred90_low", &r.PredLow}, {"pred90_high", &r.PredHigh}, {"diff_pred90_low", &r.DiffPredLow}, {"diff_pred90_high", &r.DiffPredHigh},
			{"p_above_baseline", &r.PAbove}, {"diff_pred90_low_held", &r.HeldLow}, {"diff_pred90_high_held", &r.HeldHigh}, {"p_above_baseline_held", &r.HeldPAbove}} {
			if *f.x, err = t.float(f.col); err != nil {
				return nil, err
			}
		}
		k := [2]string{sc, m}
		if _, dup := s.rows[k]; dup {
			return nil, fmt.Errorf("%s:%d: scenario %s, metric %s appears twice", path, t.line(), sc, m)
		}
		s.rows[k] = r
		if !seenS[sc] {
			seenS[sc] = true
			s.Scenarios = append(s.Scenarios, sc)
		}
		if !seenM[m] {
			seenM[m] = true
			s.Metrics = append(s.Metrics, m)
		}
	}
	if len(s.Scenarios) == 0 {
		return nil, fmt.Errorf("%s: no rows", path)
	}
	return s, nil
}

// Replicates is replicates.csv: each metric's value by scenario and
// replicate index.
type Replicates struct {
	values map[[2]string]map[int]float64 // scenario, metric -> replicate -> value
}

// Paired returns the replicates both scenarios have for metric, as two
// slices in replicate order.
func (r *Replicates) Paired(a, b, metric string) (xa, xb []float64) {
	ma, mb := r.values[[2]string{a, metric}], r.values[[2]string{b, metric}]
	idx := make([]int, 0, len(ma))
	for i := range ma {
		if _, ok := mb[i]; ok {
			idx = append(idx, i)
		}
	}
	slices.Sort(idx)
	for _, i := range idx {
		xa, xb = append(xa, ma[i]), append(xb, mb[i])
	}
	return xa, xb
}

func readReplicates(path string) (*Replicates, error) {
	t, err := openTable(path, "scenario", "replicate")
	if err != nil {
		return nil, err
	}
	defer t.close()
	var metrics []string
	for name := range t.col {
		if name != "scenario" && name != "replicate" && name != "seed" && name != "draw" {
			metrics = append(metrics, name)
		}
	}
	r := &Replicates{values: map[[2]string]map[int]float64{}}
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return r, nil
		}
		rep, err := t.int("replicate")
		if err != nil {
			return nil, err
		}
		sc := t.str("scenario")
		for _, m := range metrics {
			x, err := t.float(m)
			if err != nil {
				return nil, err
			}
			k := [2]string{sc, m}
			if r.values[k] == nil {
				r.values[k] = map[int]float64{}
			}
			r.values[k][rep] = x
		}
	}
}

// Series are timeseries.csv's columns, mean over replicates, by scenario
// and calendar month. A projection's timeseries.csv (one with a part
// column) writes the months before its fork once, under the baseline's
// name with part history: they are every scenario's, and each scenario's
// series has them.
type Series struct {
	Dated     bool                 // x is a calendar month (date column), not a run month
	X         []float64            // sorted: year + (month-1)/12, or the run month
	Labels    []string             // "2017-01", or the run month
	Scenarios []string             // in file order
	mean      map[string][]float64 // scenario + "\x00" + column -> value at each X
	reps      map[string][][]float64
}

// Replicates returns column's values for scenario, one slice per
// replicate (in order of replicate number) holding the value at each X,
// NaN where the replicate has no row; nil if the column is absent.
func (s *Series) Replicates(scenario, column string) [][]float64 {
	return s.reps[scenario+"\x00"+column]
}

// Mean returns the mean of column over replicates for scenario at each X,
// NaN where the scenario has no row; nil if the column is absent.
func (s *Series) Mean(scenario, column string) []float64 {
	return s.mean[scenario+"\x00"+column]
}

// seriesColumns are the timeseries.csv columns the report charts; verified
// is the sum of the first three.
var seriesColumns = []string{"avr", "independent", "forced", "absconded"}

func readSeries(path string) (*Series, error) {
	t, err := openTable(path, "scenario")
	if err != nil {
		return nil, err
	}
	defer t.close()
	s := &Series{Dated: t.has("date")}
	if !s.Dated && !t.has("month") {
		return nil, fmt.Errorf("%s:1: no column \"date\" or \"month\" in the header", path)
	}
	var cols []string
	for _, c := range seriesColumns {
		if t.has(c) {
			cols = append(cols, c)
		}
	}
	type key struct {
		sc string
		x  float64
	}
	type repKey struct {
		sc  string
		rep int
		x   float64
	}
	sum := map[key][]float64{}
	n := map[key]int{}
	byRep := map[repKey][]float64{}
	repsOf := map[string]map[int]bool{}
	xs := map[float64]string{}
	seen := map[string]bool{}
	type shared struct {
		rep  int
		x    float64
		vals []float64
	}
	var history []shared // rows of part history: every scenario's
	hasPart := t.has("part")
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		var x float64
		var label string
		if s.Dated {
			label = t.str("date")
			var y, m int
			if _, err := fmt.Sscanf(label, "%4d-%2d", &y, &m); err != nil || m < 1 || m > 12 || len(label) != 7 {
				return nil, fmt.Errorf("%s:%d: date: %q is not a month like 2017-01", path, t.line(), label)
			}
			x = float64(y) + float64(m-1)/12
		} else {
			m, err := t.int("month")
			if err != nil {
				return nil, err
			}
			x, label = float64(m), strconv.Itoa(m)
		}
		sc := t.str("scenario")
		if !seen[sc] {
			seen[sc] = true
			s.Scenarios = append(s.Scenarios, sc)
			repsOf[sc] = map[int]bool{}
		}
		rep := 0
		if t.has("replicate") {
			if rep, err = t.int("replicate"); err != nil {
				return nil, err
			}
		}
		repsOf[sc][rep] = true
		xs[x] = label
		k := key{sc, x}
		if sum[k] == nil {
			sum[k] = make([]float64, len(cols))
		}
		rk := repKey{sc, rep, x}
		if byRep[rk] == nil {
			byRep[rk] = make([]float64, len(cols))
		}
		for i, c := range cols {
			v, err := t.float(c)
			if err != nil {
				return nil, err
			}
			sum[k][i] += v
			byRep[rk][i] += v
		}
		n[k]++
		if hasPart && t.str("part") == "history" {
			history = append(history, shared{rep, x, byRep[rk]})
		}
	}
	for _, sc := range s.Scenarios {
		for _, h := range history {
			k, rk := key{sc, h.x}, repKey{sc, h.rep, h.x}
			if byRep[rk] != nil {
				continue // the scenario that wrote it
			}
			repsOf[sc][h.rep] = true
			byRep[rk] = h.vals
			if sum[k] == nil {
				sum[k] = make([]float64, len(cols))
			}
			for i, v := range h.vals {
				sum[k][i] += v
			}
			n[k]++
		}
	}
	for x := range xs {
		s.X = append(s.X, x)
	}
	slices.Sort(s.X)
	for _, x := range s.X {
		s.Labels = append(s.Labels, xs[x])
	}
	s.mean = map[string][]float64{}
	for _, sc := range s.Scenarios {
		for i, c := range cols {
			v := make([]float64, len(s.X))
			for j, x := range s.X {
				k := key{sc, x}
				if n[k] == 0 {
					v[j] = math.NaN()
					continue
				}
				v[j] = sum[k][i] / float64(n[k])
			}
			s.mean[sc+"\x00"+c] = v
		}
	}
	s.reps = map[string][][]float64{}
	for _, sc := range s.Scenarios {
		reps := slices.Sorted(maps.Keys(repsOf[sc]))
		for i, c := range cols {
			vs := make([][]float64, len(reps))
			for r, rep := range reps {
				vs[r] = make([]float64, len(s.X))
				for j, x := range s.X {
					vs[r][j] = math.NaN()
					if v, ok := byRep[repKey{sc, rep, x}]; ok {
						vs[r][j] = v[i]
					}
				}
			}
			s.reps[sc+"\x00"+c] = vs
		}
	}
	return s, nil
}

// readJSON decodes the JSON file path (a manifest.json) into v; a
// malformed file is an error that names the line and column.
func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			l, c := lineCol(b, se.Offset)
			return fmt.Errorf("%s:%d:%d: %v", path, l, c, err)
		case errors.As(err, &te):
			l, c := lineCol(b, te.Offset)
			return fmt.Errorf("%s:%d:%d: %s: want %v, not a JSON %s", path, l, c, te.Field, te.Type, te.Value)
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func lineCol(b []byte, off int64) (line, col int) {
	line = 1
	for i := int64(0); i < off && i < int64(len(b)); i++ {
		col++
		if b[i] == '\n' {
			line, col = line+1, 0
		}
	}
	return line, col
}

// verifiedFates are the fates of persons.csv and outcomes of cases.csv
// that are verified departures.
var verifiedFates = map[string]bool{"avr": true, "independent": true, "forced": true}

// Origins are verified departures by origin and scenario.
type Origins struct {
	PerPerson bool                     // from persons.csv: per 1,000 persons; else returns per replicate from cases.csv
	Origins   []string                 // sorted by persons (or returns) in the baseline, most first
	count     map[[2]string][2]float64 // scenario, origin -> persons (or replicates), verified
}

// Rate is verified departures per 1,000 persons of the origin (persons.csv)
// or per replicate (cases.csv); NaN without persons.
func (o *Origins) Rate(scenario, origin string) float64 {
	c := o.count[[2]string{scenario, origin}]
	if c[0] == 0 {
		return math.NaN()
	}
	if o.PerPerson {
		return 1000 * c[1] / c[0]
	}
	return c[1] / c[0]
}

func readPersons(path string) (*Origins, error) {
	t, err := openTable(path, "scenario", "replicate", "origin", "fate")
	if err != nil {
		return nil, err
	}
	defer t.close()
	o := &Origins{PerPerson: true, count: map[[2]string][2]float64{}}
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		k := [2]string{t.str("scenario"), t.str("origin")}
		c := o.count[k]
		c[0]++
		if verifiedFates[t.str("fate")] {
			c[1]++
		}
		o.count[k] = c
	}
	return o, nil
}

// Cases is what the report takes from cases.csv: returns by pathway and by
// origin, per scenario.
type Cases struct {
	Pathways []string              // in order of first appearance
	pathway  map[[2]string]float64 // scenario, pathway -> returns
	returns  map[string]float64    // scenario -> returns with a pathway
	Origins  *Origins              // returns per replicate by origin
}

// PathwayShare is the share of a scenario's verified returns that came by
// pathway.
func (c *Cases) PathwayShare(scenario, pathway string) float64 {
	if c.returns[scenario] == 0 {
		return math.NaN()
	}
	return c.pathway[[2]string{scenario, pathway}] / c.returns[scenario]
}

func readCases(path string) (*Cases, error) {
	t, err := openTable(path, "scenario", "replicate", "outcome")
	if err != nil {
		return nil, err
	}
	defer t.close()
	c := &Cases{pathway: map[[2]string]float64{}, returns: map[string]float64{}}
	seenP := map[string]bool{}
	reps := map[string]map[string]bool{}
	withOrigin := t.has("origin")
	org := &Origins{count: map[[2]string][2]float64{}}
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		sc := t.str("scenario")
		if reps[sc] == nil {
			reps[sc] = map[string]bool{}
		}
		reps[sc][t.str("replicate")] = true
		if !verifiedFates[t.str("outcome")] {
			continue
		}
		if p := t.str("pathway"); p != "" {
			if !seenP[p] {
				seenP[p] = true
				c.Pathways = append(c.Pathways, p)
			}
			c.pathway[[2]string{sc, p}]++
			c.returns[sc]++
		}
		if withOrigin {
			k := [2]string{sc, t.str("origin")}
			n := org.count[k]
			n[1]++
			org.count[k] = n
		}
	}
	if withOrigin {
		for k, n := range org.count {
			n[0] = float64(len(reps[k[0]]))
			org.count[k] = n
		}
		c.Origins = org
	}
	return c, nil
}

// exists reports whether path is there; other errors are returned.
func exists(path string) (bool, error) {
	_, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

func join(dir, name string) string { return filepath.Join(dir, name) }
