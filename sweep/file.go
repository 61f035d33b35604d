package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/returnsim/returnsim/internal/tomlpos"
	"github.com/returnsim/returnsim/results"
	"github.com/returnsim/returnsim/scenarios"
)

// Error is one problem in a sweep file or a design file:
// "file:line:col: key: msg".
type Error = tomlpos.Error

// Errors is every problem found in a file, one a line.
type Errors = tomlpos.Errors

// Design kinds.
const (
	Grid     = "grid"     // full factorial over each factor's levels or points
	LHS      = "lhs"      // Latin hypercube of Samples points
	Sobol    = "sobol"    // Saltelli's scheme: Samples base samples, Samples*(k+2) points
	Morris   = "morris"   // Trajectories trajectories of k+1 points on Levels levels
	External = "external" // points read from a CSV (--design), in its row order
)

// Distributions of a factor over its range.
const (
	Uniform    = "uniform"
	LogUniform = "log-uniform"
	Levels     = "levels"
)

// File is a sweep file: what to vary, on which scenario, and what to
// measure.
type File struct {
	Path        string // as given, for errors and the manifest
	SHA256      string // of the file's text
	Name        string
	Description string
	Study       string // study file, relative to the sweep file; "" is the embedded default study
	Scenario    string // scenario of the study; "" is its first (the baseline)
	Replicates  int
	Outputs     []string // metrics of results.OwnMetricNames
	Bootstrap   int      // resamples for the intervals of sensitivity indices
	Design      DesignSpec
	Factors     []Factor

	doc *tomlpos.Doc // where its keys are, for errors found after Parse
}

// DesignSpec is the [design] table.
type DesignSpec struct {
	Kind         string `toml:"kind"`
	Samples      int    `toml:"samples"`      // lhs: points; sobol: base samples
	Trajectories int    `toml:"trajectories"` // morris
	Levels       int    `toml:"levels"`       // morris: grid levels, even (default 4)
}

// Factor is one scenario key that the sweep varies.
type Factor struct {
	Key          string    `toml:"key" json:"key"`
	Distribution string    `toml:"distribution" json:"distribution"` // uniform (default with min and max), log-uniform, levels (default with levels)
	Min          *float64  `toml:"min" json:"min,omitempty"`
	Max          *float64  `toml:"max" json:"max,omitempty"`
	Levels       []float64 `toml:"levels" json:"levels,omitempty"`
	Points       int       `toml:"points" json:"points,omitempty"` // grid: evenly spaced values from min to max
}

// Limits of what one sweep may ask for, so a typo cannot ask for a
// billion tasks.
const (
	MaxTasks      = 10_000_000
	MaxReplicates = 100_000
	MaxBootstrap  = 100_000
)

// Load reads and parses a sweep file.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse parses the sweep file data, that errors call file. It rejects
// unknown keys, wrong types, NaN and Inf, unknown designs, distributions
// and outputs, empty or inverted ranges and designs too large. Whether a
// factor's key exists is checked against the base scenario by Base.
func Parse(file string, data []byte) (*File, error) {
	raw := struct {
		Name        string      `toml:"name"`
		Description string      `toml:"description"`
		Study       string      `toml:"study"`
		Scenario    string      `toml:"scenario"`
		Replicates  *int        `toml:"replicates"`
		Outputs     []string    `toml:"outputs"`
		Bootstrap   *int        `toml:"bootstrap"`
		Design      *DesignSpec `toml:"design"`
		Factors     []Factor    `toml:"factors"`
	}{}
	doc, err := tomlpos.Decode(file, data, &raw, reflect.TypeOf(raw))
	if err != nil {
		return nil, err
	}
	doc.Unknown()
	p := parser{doc}
	sum := sha256.Sum256(data)
	f := &File{
		Path: file, SHA256: hex.EncodeToString(sum[:]), Name: raw.Name, Description: raw.Description,
		Study: raw.Study, Scenario: raw.Scenario, Replicates: 1, Outputs: raw.Outputs, Bootstrap: 1000,
		Factors: raw.Factors, doc: doc,
	}
	if f.Name == "" {
		f.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	if raw.Replicates != nil {
		f.Replicates = *raw.Replicates
		if f.Replicates < 1 || f.Replicates > MaxReplicates {
			p.Add("replicates", fmt.Sprintf("%d: want 1 to %d", f.Replicates, MaxReplicates))
		}
	}
	if raw.Bootstrap != nil {
		f.Bootstrap = *raw.Bootstrap
		if f.Bootstrap < 0 || f.Bootstrap > MaxBootstrap {
			p.Add("bootstrap", fmt.Sprintf("%d: want 0 (no intervals) to %d", f.Bootstrap, MaxBootstrap))
		}
	}
	if len(f.Outputs) == 0 {
		f.Outputs = slices.Clone(results.OwnMetricNames)
	}
	for i, o := range f.Outputs {
		if !slices.Contains(results.OwnMetricNames, o) {
			p.Add("outputs", fmt.Sprintf("%q is not a metric of one run: want one of %s", o, strings.Join(results.OwnMetricNames, ", ")))
		} else if slices.Contains(f.Outputs[:i], o) {
			p.Add("outputs", fmt.Sprintf("%q is listed twice", o))
		}
	}
	f.Design.Kind = External
	if raw.Design != nil {
		f.Design = *raw.Design
		p.checkDesign(&f.Design)
	}
	if len(f.Factors) == 0 {
		p.Add("factors", "no factors: want at least one [[factors]] table")
	}
	for i := range f.Factors {
		p.checkFactor(i, &f.Factors[i], f.Factors[:i], f.Design.Kind)
	}
	if !p.Failing() && !f.layoutOnly() {
		if n := f.Points(); n < 1 || n > MaxTasks || n*f.Replicates > MaxTasks {
			p.Add("design", fmt.Sprintf("more than %d tasks (points x replicates): want fewer", MaxTasks))
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return f, nil
}

// layoutOnly says whether the design is made outside (--design): an
// external design, or a sobol or morris table with no size, which names the
// layout of the CSV.
func (f *File) layoutOnly() bool {
	d := &f.Design
	return d.Kind == External || (d.Kind == Sobol || d.Kind == Morris) && d.Samples == 0 && d.Trajectories == 0
}

// Points is the number of design points of a design made here; -1 for an
// external design or when the number overflows.
func (f *File) Points() int {
	k := len(f.Factors)
	switch f.Design.Kind {
	case Grid:
		n := 1
		for i := range f.Factors {
			n *= f.Factors[i].count()
			if n > MaxTasks {
				return -1
			}
		}
		return n
	case LHS:
		return f.Design.Samples
	case Sobol:
		return f.Design.Samples * (k + 2)
	case Morris:
		return f.Design.Trajectories * (k + 1)
	}
	return -1
}

// FactorKeys lists the factors' keys in file order.
func (f *File) FactorKeys() []string {
	out := make([]string, len(f.Factors))
	for i := range f.Factors {
		out[i] = f.Factors[i].Key
	}
	return out
}

// count is the number of values of a factor in a grid.
func (fa *Factor) count() int {
	if fa.Distribution == Levels {
		return len(fa.Levels)
	}
	return fa.Points
}

// Base loads the scenario the sweep varies and checks every factor's key
// against it: the key must be a numeric scenario key (or an origin's
// field) and the factor's range inside the key's declared range.
func (f *File) Base() (*scenarios.Scenario, error) {
	var st *scenarios.Study
	var err error
	if f.Study == "" {
		st, err = scenarios.LoadDefault()
	} else {
		path := f.Study
		if !filepath.IsAbs(path) {
			path = filepath.Join(filepath.Dir(f.Path), path)
		}
		st, err = scenarios.Load(path)
	}
	if err != nil {
		return nil, err
	}
	sc := &st.Scenarios[0]
	if f.Scenario != "" {
		sc = nil
		var names []string
		for i := range st.Scenarios {
			names = append(names, st.Scenarios[i].Name)
			if st.Scenarios[i].Name == f.Scenario {
				sc = &st.Scenarios[i]
			}
		}
		if sc == nil {
			p := f.doc.Fresh()
			p.Add("scenario", fmt.Sprintf("%q is not a scenario of the study: want one of %s", f.Scenario, strings.Join(names, ", ")))
			return nil, p.Err()
		}
	}
	p := f.doc.Fresh()
	for i := range f.Factors {
		fa := &f.Factors[i]
		at := fmt.Sprintf("factors[%d]", i)
		lo, hi, err := scenarios.NumericKey(&sc.Config, fa.Key)
		if err != nil {
			_, msg, _ := strings.Cut(err.Error(), ": ")
			p.Add(at+".key", fmt.Sprintf("%q: %s", fa.Key, msg))
			continue
		}
		a, b := fa.bounds()
		if a < lo || b > hi {
			p.Add(at, fmt.Sprintf("%s: values %g to %g leave the key's range %g to %g", fa.Key, a, b, lo, hi))
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return sc, nil
}

// bounds are the smallest and largest values the factor takes.
func (fa *Factor) bounds() (lo, hi float64) {
	if fa.Distribution == Levels {
		return slices.Min(fa.Levels), slices.Max(fa.Levels)
	}
	return *fa.Min, *fa.Max
}

type parser struct{ *tomlpos.Doc }

func (p *parser) checkDesign(d *DesignSpec) {
	switch d.Kind {
	case Sobol, Morris:
		// with neither samples nor trajectories the table only names the
		// layout of a --design file
		if d.Samples == 0 && d.Trajectories == 0 {
			if d.Levels != 0 {
				p.Add("design.levels", "levels without trajectories")
			}
			return
		}
	}
	switch d.Kind {
	case Grid:
	case LHS, Sobol:
		if d.Samples < 2 {
			p.Add("design.samples", fmt.Sprintf("%d: want 2 or more (%s)", d.Samples, map[string]string{LHS: "points of the Latin hypercube", Sobol: "base samples of Saltelli's scheme"}[d.Kind]))
		}
	case Morris:
		if d.Trajectories < 2 {
			p.Add("design.trajectories", fmt.Sprintf("%d: want 2 or more", d.Trajectories))
		}
		if d.Levels == 0 {
			d.Levels = 4
		}
		if d.Levels < 2 || d.Levels%2 != 0 || d.Levels > 1000 {
			p.Add("design.levels", fmt.Sprintf("%d: want an even number from 2 to 1000 (Morris' levels; 4 by default)", d.Levels))
		}
	case "":
		p.Add("design", "no kind: want kind = one of grid, lhs, sobol, morris")
	case External:
		// the layout of a --design file; nothing to check
	default:
		p.Add("design.kind", fmt.Sprintf("%q is not one of grid, lhs, sobol, morris, external", d.Kind))
	}
	if d.Kind != LHS && d.Kind != Sobol && d.Samples != 0 {
		p.Add("design.samples", fmt.Sprintf("not used by a %s design", d.Kind))
	}
	if d.Kind != Morris && (d.Trajectories != 0 || d.Levels != 0) {
		p.Add("design", fmt.Sprintf("trajectories and levels are for morris, not %s", d.Kind))
	}
}

func (p *parser) checkFactor(i int, fa *Factor, before []Factor, design string) {
	at := fmt.Sprintf("factors[%d]", i)
	if fa.Key == "" {
		p.Add(at, "no key: want key = a numeric scenario key, such as \"population.network_mean\"")
	}
	for _, b := range before {
		if b.Key == fa.Key && fa.Key != "" {
			p.Add(at+".key", fmt.Sprintf("%q is a factor already", fa.Key))
		}
	}
	if fa.Distribution == "" {
		fa.Distribution = Uniform
		if fa.Levels != nil {
			fa.Distribution = Levels
		}
	}
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch fa.Distribution {
	case Uniform, LogUniform:
		if fa.Min == nil || fa.Max == nil {
			p.Add(at, fmt.Sprintf("%s: want min and max", fa.Distribution))
			return
		}
		if fa.Levels != nil {
			p.Add(at+".levels", fmt.Sprintf("a %s factor takes min and max, not levels", fa.Distribution))
		}
		lo, hi := *fa.Min, *fa.Max
		switch {
		case !finite(lo) || !finite(hi):
			p.Add(at, fmt.Sprintf("min %v, max %v: want finite numbers", lo, hi))
		case !(lo < hi):
			p.Add(at+".max", fmt.Sprintf("%g: want more than min (%g)", hi, lo))
		case fa.Distribution == LogUniform && lo <= 0:
			p.Add(at+".min", fmt.Sprintf("%g: a log-uniform factor needs min above 0", lo))
		}
		if design == Grid && fa.Points < 2 {
			p.Add(at, fmt.Sprintf("points = %d: a grid needs 2 or more points from min to max, or levels", fa.Points))
		}
		if design != Grid && fa.Points != 0 {
			p.Add(at+".points", fmt.Sprintf("only a grid design uses points, not %s", design))
		}
	case Levels:
		if len(fa.Levels) == 0 {
			p.Add(at, "levels: want at least one value")
		}
		if fa.Min != nil || fa.Max != nil || fa.Points != 0 {
			p.Add(at, "a levels factor takes levels only, not min, max or points")
		}
		for j, x := range fa.Levels {
			if !finite(x) {
				p.Add(at+".levels", fmt.Sprintf("%v: want finite numbers", x))
			} else if slices.Contains(fa.Levels[:j], x) {
				p.Add(at+".levels", fmt.Sprintf("%g is listed twice", x))
			}
		}
	default:
		p.Add(at+".distribution", fmt.Sprintf("%q is not one of uniform, log-uniform, levels", fa.Distribution))
	}
}
