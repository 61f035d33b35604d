package calibrate

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// shareFloor keeps shares away from 0 and 1 before their logit is taken:
// about one file in the study's 118,000, below any share it could tell from
// zero.
const shareFloor = 1e-5

// ratioFloor keeps ratios above 0 before their log is taken.
const ratioFloor = 1e-6

// Row is one line of a fit table: one component of a target, or for an
// order target one pair of consecutive components.
type Row struct {
	Target    string // the target's name
	Statistic string // statistic and component, "avr_by_file: file 3", or pair, "avr_nigeria_iraq: NG < IQ"
	// Stat, Component and Year are Statistic in parts, for tools that
	// want them in columns of their own: the statistic's name as targets
	// give it ("departures_independent_by_year"), the component without
	// its calendar year ("independent"; "" when the label is a year
	// alone) and the year (0 when the component has none).
	Stat      string
	Component string
	Year      int
	Kind      Kind
	Observed  float64 // the target's value; for an order, 0: the largest difference allowed
	Simulated float64 // the statistic's value; for an order, the first component minus the second
	Error     float64 // in tolerances on the target's scale; see Distance
	Within    bool    // |Error| <= 1 for equals; the inequality holds for at_most and order
}

// Table compares the statistics s with the targets ts, which must have
// passed ParseTargets' checks, one row per component (per pair of
// components for an order target), in the order of ts.
func Table(ts []Target, s *Stats) []Row {
	var rows []Row
	for i := range ts {
		rows = append(rows, ts[i].rows(s)...)
	}
	return rows
}

// Distance measures how far the statistics s are from the targets ts,
// which must have passed ParseTargets' checks:
//
//	D = Σ_t w_t · (1/K_t) Σ_k e_tk²
//
// over targets t with weight w_t and K_t rows (see Table), where e is the
// row's Error: the miss in tolerances on the target's scale,
//
//	equals:   e = (g(simulated) − g(value)) / tolerance
//	at_most:  e = max(0, g(simulated) − g(value)) / tolerance
//	order:    e = max(0, g(first) − g(second)) / tolerance, for each consecutive pair
//
// with g the logit for shares, after clamping them into [1e-5, 1−1e-5], and
// the natural log for counts, after raising them to at least 1. A target
// missed by one tolerance adds its weight; an inequality that holds adds
// nothing, and one that fails adds a penalty that grows with the square of
// the violation, so D is continuous. (At a tie an order target adds
// nothing though its row is not Within.) D is +Inf when a statistic is NaN.
func Distance(ts []Target, s *Stats) float64 {
	return distance(ts, s, "")
}

// distance is Distance over the targets whose statistic is not skip.
func distance(ts []Target, s *Stats, skip string) float64 {
	d := 0.0
	for i := range ts {
		t := &ts[i]
		if t.Statistic == skip {
			continue
		}
		rows := t.rows(s)
		sum := 0.0
		for _, r := range rows {
			sum += r.Error * r.Error
		}
		d += t.Weight * sum / float64(len(rows))
	}
	if math.IsNaN(d) {
		return math.Inf(1)
	}
	return d
}

func (t *Target) rows(s *Stats) []Row {
	st := findStatistic(t.Statistic)
	if st == nil {
		panic(fmt.Sprintf("calibrate: target %q: unknown statistic %q", t.Name, t.Statistic))
	}
	v := st.values(s)
	g := st.scale
	var rows []Row
	if t.Kind == Order {
		for k := 0; k+1 < len(v); k++ {
			pair := st.labels[k] + " < " + st.labels[k+1]
			rows = append(rows, Row{
				Target: t.Name, Kind: t.Kind,
				Statistic: st.name + ": " + pair, Stat: st.name, Component: pair,
				Simulated: v[k] - v[k+1],
				Error:     max(0, g(v[k])-g(v[k+1])) / t.Tolerance,
				Within:    v[k] < v[k+1],
			})
		}
		return rows
	}
	for k, x := range v {
		comp, year := splitYear(st.labels[k])
		r := Row{
			Target: t.Name, Kind: t.Kind,
			Statistic: st.name + ": " + st.labels[k], Stat: st.name, Component: comp, Year: year,
			Observed: t.Value[k], Simulated: x,
			Error: (g(x) - g(t.Value[k])) / t.Tolerance,
		}
		switch t.Kind {
		case AtMost:
			r.Error = max(0, r.Error)
			r.Within = x <= t.Value[k]
		case Equals:
			r.Within = math.Abs(r.Error) <= 1
		default:
			panic(fmt.Sprintf("calibrate: target %q: kind %d", t.Name, t.Kind))
		}
		rows = append(rows, r)
	}
	return rows
}

// splitYear splits a component's label into the label without a calendar
// year at its end and the year: "independent 2017" is ("independent",
// 2017), "2020" is ("", 2020), "file 3" is ("file 3", 0).
func splitYear(label string) (string, int) {
	rest, last := "", label
	if i := strings.LastIndexByte(label, ' '); i >= 0 {
		rest, last = label[:i], label[i+1:]
	}
	if y, err := strconv.Atoi(last); err == nil && len(last) == 4 && y >= 1900 && y <= 2100 {
		return rest, y
	}
	return label, 0
}

// scale is the transform on which the statistic is compared: the logit for
// shares, the log for counts.
func (st *statistic) scale(x float64) float64 {
	if st.count {
		return math.Log(math.Max(x, 1))
	}
	if st.ratio {
		return math.Log(math.Max(x, ratioFloor))
	}
	return logit(math.Min(math.Max(x, shareFloor), 1-shareFloor))
}

// TargetFit is how well one target is met: the root mean square of its
// rows' errors, in tolerances. A target is met when that is at most 1: a
// row missed by one tolerance is as far as the target allows, and an
// inequality that holds has error 0. It is the target's share of
// Distance, before its weight, under the square root.
type TargetFit struct {
	Target string
	Rows   int
	RMS    float64
	Met    bool
}

// Fits summarises a fit table by target, in the order of its rows.
func Fits(rows []Row) []TargetFit {
	var out []TargetFit
	sum := 0.0
	for i, r := range rows {
		sum += r.Error * r.Error
		if len(out) == 0 || out[len(out)-1].Target != r.Target {
			out = append(out, TargetFit{Target: r.Target})
		}
		f := &out[len(out)-1]
		f.Rows++
		if i == len(rows)-1 || rows[i+1].Target != r.Target {
			f.RMS = math.Sqrt(sum / float64(f.Rows))
			f.Met = f.RMS <= 1
			sum = 0
		}
	}
	return out
}
