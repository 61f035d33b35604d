package calibrate

import (
	"bytes"
	_ "embed"
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/internal/tomlpos"
	"github.com/returnsim/returnsim/sim"
)

//go:embed targets.toml
var defaultTargets []byte

// DefaultTargetsName is the file name that errors in the embedded targets
// report.
const DefaultTargetsName = "targets.toml"

// DefaultTargetsText returns the text of the embedded targets file.
func DefaultTargetsText() []byte { return bytes.Clone(defaultTargets) }

// Kind is how a target holds a statistic.
type Kind uint8

const (
	kindUnset Kind = iota
	Equals         // the statistic's values should equal the target's
	AtMost         // they should not exceed the target's
	Order          // the statistic's components should increase; the target has no value
)

var kindNames = [...]string{"", "equals", "at_most", "order"}

func (k Kind) String() string { return kindNames[k] }

// MarshalText and UnmarshalText let a Kind round-trip through TOML.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

func (k *Kind) UnmarshalText(b []byte) error {
	for i, n := range kindNames {
		if i > 0 && n == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("%q is not one of equals, at_most, order", b)
}

// Target is one of the study's findings that the model should reproduce.
type Target struct {
	Name      string    `toml:"name"`      // what the study calls it
	Statistic string    `toml:"statistic"` // the statistic of Stats it constrains
	Kind      Kind      `toml:"kind"`
	Value     []float64 `toml:"value,omitempty"` // one per component of the statistic; none for Order
	Tolerance float64   `toml:"tolerance"`       // on the logit scale for shares, the log scale for counts
	Weight    float64   `toml:"weight"`          // shared by the target's components
	Source    string    `toml:"source"`          // where the value comes from
}

// Error is one problem in a targets file: Error() is "file:line:col: key:
// msg", without the position when Line is 0.
type Error = tomlpos.Error

// Errors is every problem found in a targets file, one per line.
type Errors = tomlpos.Errors

// Parameter is a free parameter of the fit: a numeric scenario key (as in
// docs/scenarios.md) with bounds; its prior is uniform between them.
type Parameter struct {
	Key   string  `toml:"key"`
	Lower float64 `toml:"lower"`
	Upper float64 `toml:"upper"`
	Why   string  `toml:"why"` // which targets should pin it down, or why it is free
}

// Method sets how a calibration spends its budget of simulations.
type Method struct {
	Replicates      int     `toml:"replicates" json:"replicates"`             // replicates of the baseline per ABC evaluation (same seeds every time)
	FitReplicates   int     `toml:"fit_replicates" json:"fit_replicates"`     // replicates per evaluation of the point fit
	TableReplicates int     `toml:"table_replicates" json:"table_replicates"` // replicates of the fit table at the fit, for its Monte Carlo errors
	MaxDistance     float64 `toml:"max_distance" json:"max_distance"`         // a posterior with a particle above it is refused; 0 or unset: twice the targets' summed weights
	FitShare        float64 `toml:"fit_share" json:"fit_share"`               // share of the budget for the Nelder-Mead point fit; the rest is ABC-SMC
	Generations     int     `toml:"generations" json:"generations"`           // ABC-SMC generations
	Keep            float64 `toml:"keep" json:"keep"`                         // share of each generation's particles below the next tolerance
	Moves           int     `toml:"moves" json:"moves"`                       // Metropolis-Hastings moves of every particle in each ABC generation after the first (the fewest, with unmoved)
	Unmoved         float64 `toml:"unmoved" json:"unmoved"`                   // 0: moves per generation; else the chance a particle may keep its place through a generation's moves, which sets their number (see ABC)
	StartPrior      float64 `toml:"start_prior" json:"start_prior"`           // share of ABC's generation 0 drawn from the priors when it starts at the point fit
	StartSpread     float64 `toml:"start_spread" json:"start_spread"`         // standard deviation, in prior SDs, of the uniform box around the point fit that draws the rest (half-width start_spread x half the prior width)
}

// Spec is a calibration: targets, free parameters and method.
type Spec struct {
	Targets    []Target
	Parameters []Parameter
	Method     Method
	Pattern    *PatternSpec // nil when the file has no [pattern]
}

// Warnings are what a spec allows but a reader should hear of: a
// method.max_distance set to other than twice the targets' summed weights,
// its default, as when targets are dropped or added and the bound they
// were set for is kept (the embedded file's 22 is twice its 11).
func (s *Spec) Warnings() []string {
	var w float64
	for i := range s.Targets {
		w += s.Targets[i].Weight
	}
	if s.Method.MaxDistance != 2*w { // a file without it has the default for its own targets
		return []string{fmt.Sprintf("method.max_distance is %v, but these targets weigh %v in all: the default bound, twice their weights, is %v; if the targets changed since max_distance was set, set it again (or remove it for the default)", s.Method.MaxDistance, w, 2*w)}
	}
	return nil
}

// needsPattern reports whether a target compares the pattern's changes.
func (s *Spec) needsPattern() bool {
	for i := range s.Targets {
		if s.Targets[i].Statistic == patternStatistic {
			return true
		}
	}
	return false
}

// DefaultMethod is used for keys a spec leaves out.
func DefaultMethod() Method {
	return Method{Replicates: 1, FitReplicates: 2, TableReplicates: 4, FitShare: 0.3, Generations: 4, Keep: 0.5, Moves: 2, StartPrior: 0.2, StartSpread: 0.5}
}

// ParseSpec parses a calibration file, data, that errors call file. It
// rejects unknown keys, wrong types, NaN and Inf, unknown statistics and
// kinds, values that do not fit their statistic, tolerances and weights
// that are not positive, missing names and sources, parameters that are
// not numeric scenario keys or whose bounds are empty or outside the key's
// range, and method settings out of range. The error is of type Errors,
// with every problem found.
func ParseSpec(file string, data []byte) (*Spec, error) {
	raw := struct {
		Target    []Target    `toml:"target"`
		Parameter []Parameter `toml:"parameter"`
		Method    Method      `toml:"method"`
		Pattern   PatternSpec `toml:"pattern"`
	}{Method: DefaultMethod()}
	doc, err := tomlpos.Decode(file, data, &raw, reflect.TypeOf(raw))
	if err != nil {
		return nil, err
	}
	doc.Unknown()
	p := targetParser{doc}
	if len(raw.Target) == 0 {
		p.Add("target", "no targets: want at least one [[target]] table")
	}
	names := map[string]int{}
	for i := range raw.Target {
		t := &raw.Target[i]
		if len(t.Value) == 0 {
			t.Value = nil // value = [] and no value are the same target
		}
		p.check(i, t, names)
	}
	if !p.Failing() {
		total := 0.0
		for i := range raw.Target {
			total += worstTerm(findStatistic(raw.Target[i].Statistic), &raw.Target[i])
			if math.IsInf(total, 0) {
				p.Add(fmt.Sprintf("target[%d].weight", i), fmt.Sprintf("%v: with the targets before it, the distance can be infinite: want smaller weights or larger tolerances", raw.Target[i].Weight))
				break
			}
		}
	}
	paramKeys := map[string]int{}
	for i := range raw.Parameter {
		p.checkParameter(i, &raw.Parameter[i], paramKeys)
	}
	p.checkMethod(&raw.Method)
	var pattern *PatternSpec
	if doc.MD.IsDefined("pattern") {
		pattern = &raw.Pattern
		pattern.check(p.Add)
	}
	spec := &Spec{Targets: raw.Target, Parameters: raw.Parameter, Method: raw.Method, Pattern: pattern}
	if spec.Method.MaxDistance == 0 {
		// a mean squared miss of 2 per target: about 1.4 tolerances each
		for i := range spec.Targets {
			spec.Method.MaxDistance += 2 * spec.Targets[i].Weight
		}
	}
	if pattern == nil && spec.needsPattern() {
		p.Add("pattern", "missing: a target on policy_vs_context needs a [pattern] table with the factors' ranges")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return spec, nil
}

func (p *targetParser) checkParameter(i int, q *Parameter, before map[string]int) {
	key := func(k string) string { return fmt.Sprintf("parameter[%d].%s", i, k) }
	cfg := sim.DefaultConfig()
	_, lo, hi, ok := agents.Field(&cfg, q.Key)
	if !ok {
		p.Add(key("key"), fmt.Sprintf("%q is not a numeric scenario key (see docs/scenarios.md)", q.Key))
		return
	}
	if j, ok := before[q.Key]; ok {
		p.Add(key("key"), fmt.Sprintf("%q is already parameter[%d]", q.Key, j))
	} else {
		before[q.Key] = i
	}
	switch {
	case math.IsNaN(q.Lower) || math.IsNaN(q.Upper) || !(q.Lower < q.Upper):
		p.Add(key("upper"), fmt.Sprintf("bounds [%v, %v]: want lower < upper", q.Lower, q.Upper))
	case q.Lower < lo || q.Upper > hi:
		p.Add(key("lower"), fmt.Sprintf("bounds [%v, %v] leave the key's range [%v, %v]", q.Lower, q.Upper, lo, hi))
	}
}

func (p *targetParser) checkMethod(m *Method) {
	if m.Replicates < 1 || m.Replicates > 1000 {
		p.Add("method.replicates", fmt.Sprintf("%d: want 1 to 1000", m.Replicates))
	}
	for _, r := range []struct {
		key string
		n   int
	}{{"method.fit_replicates", m.FitReplicates}, {"method.table_replicates", m.TableReplicates}} {
		if r.n < 1 || r.n > 1000 {
			p.Add(r.key, fmt.Sprintf("%d: want 1 to 1000", r.n))
		}
	}
	if !(m.MaxDistance >= 0) || math.IsInf(m.MaxDistance, 0) {
		p.Add("method.max_distance", fmt.Sprintf("%v: want a finite distance, 0 or more (0: twice the targets' summed weights)", m.MaxDistance))
	}
	if !(m.FitShare >= 0 && m.FitShare <= 1) {
		p.Add("method.fit_share", fmt.Sprintf("%v: want a share from 0 to 1", m.FitShare))
	}
	if m.Generations < 1 || m.Generations > 100 {
		p.Add("method.generations", fmt.Sprintf("%d: want 1 to 100", m.Generations))
	}
	if !(m.Keep > 0 && m.Keep < 1) {
		p.Add("method.keep", fmt.Sprintf("%v: want a share between 0 and 1, exclusive", m.Keep))
	}
	if m.Moves < 1 || m.Moves > 100 {
		p.Add("method.moves", fmt.Sprintf("%d: want 1 to 100", m.Moves))
	}
	if !(m.Unmoved >= 0 && m.Unmoved < 1) {
		p.Add("method.unmoved", fmt.Sprintf("%v: want a chance from 0 (a fixed number of moves) up to 1, exclusive", m.Unmoved))
	}
	if !(m.StartPrior > 0 && m.StartPrior <= 1) {
		p.Add("method.start_prior", fmt.Sprintf("%v: want a share above 0, at most 1 (the priors' share bounds the importance weights by its inverse)", m.StartPrior))
	}
	if !(m.StartSpread > 0) || math.IsInf(m.StartSpread, 0) {
		p.Add("method.start_spread", fmt.Sprintf("%v: want a finite number of prior SDs above 0", m.StartSpread))
	}
}

type targetParser struct{ *tomlpos.Doc }

// check validates target i, t, against the targets before it, whose
// indices by name are before.
func (p *targetParser) check(i int, t *Target, before map[string]int) {
	key := func(k string) string { return fmt.Sprintf("target[%d].%s", i, k) }
	if t.Name == "" {
		p.Add(key("name"), "missing: want the name of the finding")
	}
	if j, ok := before[t.Name]; ok && t.Name != "" {
		p.Add(key("name"), fmt.Sprintf("%q is already the name of target[%d]", t.Name, j))
	} else if t.Name != "" {
		before[t.Name] = i
	}
	if t.Source == "" {
		p.Add(key("source"), "missing: want where the value comes from (a seed document, a publication)")
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"tolerance", t.Tolerance}, {"weight", t.Weight}} {
		if !(f.v > 0) || math.IsInf(f.v, 0) {
			p.Add(key(f.name), fmt.Sprintf("%v: want a finite number above 0", f.v))
		}
	}
	st := findStatistic(t.Statistic)
	if st == nil {
		names := make([]string, len(statistics))
		for j := range statistics {
			names[j] = statistics[j].name
		}
		p.Add(key("statistic"), fmt.Sprintf("%q is not one of %s", t.Statistic, strings.Join(names, ", ")))
	}
	if st != nil && t.Weight > 0 && t.Tolerance > 0 && !math.IsInf(t.Weight, 0) && !math.IsInf(t.Tolerance, 0) {
		if b := worstTerm(st, t); math.IsInf(b, 0) || math.IsNaN(b) {
			p.Add(key("weight"), fmt.Sprintf("%v with tolerance %v can make the distance infinite (a miss of %.3g on the target's scale adds weight x (miss/tolerance)^2): want a smaller weight or a larger tolerance", t.Weight, t.Tolerance, worstMiss(st, t)))
		}
	}
	switch t.Kind {
	case kindUnset:
		p.Add(key("kind"), "missing: want equals, at_most or order")
	case Order:
		if len(t.Value) > 0 {
			p.Add(key("value"), "an order target takes no value: it asks that the statistic's components increase")
		}
		if st != nil && len(st.labels) < 2 {
			p.Add(key("statistic"), fmt.Sprintf("%s has one component: an order target needs at least two", st.name))
		}
	default:
		if st == nil {
			break
		}
		if len(t.Value) != len(st.labels) {
			p.Add(key("value"), fmt.Sprintf("%d values: want %d (%s)", len(t.Value), len(st.labels), strings.Join(st.labels, ", ")))
			break
		}
		for k, v := range t.Value {
			vk := fmt.Sprintf("%s[%d]", key("value"), k)
			switch {
			case math.IsNaN(v) || math.IsInf(v, 0):
				p.Add(vk, fmt.Sprintf("%v is not a finite number", v))
			case st.count && v <= 0:
				p.Add(vk, fmt.Sprintf("%v: want a count above 0", v))
			case st.ratio && v <= 0:
				p.Add(vk, fmt.Sprintf("%v: want a ratio above 0", v))
			case !st.count && !st.ratio && (v <= 0 || v >= 1):
				p.Add(vk, fmt.Sprintf("%v: want a share between 0 and 1, exclusive", v))
			}
		}
	}
}

// maxCount bounds a count statistic: a run of 1200 months at the largest
// intake (10^6 a month) with the largest initial stock (10^7) closes fewer
// than 1.3 x 10^9 files; 10^12 leaves room for scaling to seven years.
const maxCount = 1e12

// worstMiss is the largest miss, on its scale, that target t of statistic
// st can have: shares are clamped into [1e-5, 1-1e-5] before their logit,
// counts raised to at least 1 before their log.
func worstMiss(st *statistic, t *Target) float64 {
	if st.ratio {
		m := math.Log(maxCount) - math.Log(ratioFloor)
		for _, v := range t.Value {
			m = max(m, math.Abs(math.Log(v))+math.Log(maxCount)-math.Log(ratioFloor))
		}
		return m
	}
	if !st.count {
		return 2 * math.Log((1-shareFloor)/shareFloor)
	}
	m := math.Log(maxCount)
	for _, v := range t.Value {
		m = max(m, math.Log(max(v, 1))+math.Log(maxCount))
	}
	return m
}

// worstTerm is the most target t can add to the distance.
func worstTerm(st *statistic, t *Target) float64 {
	e := worstMiss(st, t) / t.Tolerance
	return t.Weight * e * e
}
