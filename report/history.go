package report

import (
	"fmt"
	"image/color"
	"maps"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/returnsim/returnsim/results"
)

// The charts over time, for a timeseries.csv with calendar months: each
// scenario's departures a month, the mean of each calendar year, beside
// what DT&V published for the same year (Options.Published, as a month's
// mean over the months the figure covers, times the run's intake scale);
// for the years after the last published one, the projection, a band over
// the replicates (over the parameter draws when the run drew them, one a
// replicate).

// byYear is a series by calendar year.
type byYear struct {
	years []int
	// per scenario, per year: the mean over replicates of the year's mean
	// a month, and the band over replicates (results.Predictive: the 5%
	// and 95% empirical quantiles, with 10 or fewer replicates their least
	// and greatest)
	mean, low, high map[string][]float64
	reps            int // replicates of the baseline
}

// yearly is the sum of cols of timeseries.csv by calendar year.
func (sr *Series) yearly(cols []string) *byYear {
	idx := map[int][]int{} // year -> indices of X
	for j, x := range sr.X {
		y := int(math.Floor(x + 1e-9))
		idx[y] = append(idx[y], j)
	}
	yb := &byYear{years: slices.Sorted(maps.Keys(idx)), mean: map[string][]float64{}, low: map[string][]float64{}, high: map[string][]float64{}}
	for i, sc := range sr.Scenarios {
		var reps [][]float64 // [replicate][x], summed over cols
		for _, c := range cols {
			rs := sr.Replicates(sc, c)
			if rs == nil {
				return nil
			}
			if reps == nil {
				reps = make([][]float64, len(rs))
				for r := range rs {
					reps[r] = make([]float64, len(sr.X))
				}
			}
			for r := range rs {
				for j, v := range rs[r] {
					reps[r][j] += v
				}
			}
		}
		if i == 0 {
			yb.reps = len(reps)
		}
		for _, y := range yb.years {
			var vals []float64
			for _, rep := range reps {
				var sum float64
				var n int
				for _, j := range idx[y] {
					if !math.IsNaN(rep[j]) {
						sum += rep[j]
						n++
					}
				}
				if n > 0 {
					vals = append(vals, sum/float64(n))
				}
			}
			m, band := math.NaN(), results.PredictiveInterval{Low: math.NaN(), High: math.NaN()}
			if len(vals) > 0 {
				m, band = nanMean(vals), results.Predictive(vals)
			}
			yb.mean[sc] = append(yb.mean[sc], m)
			yb.low[sc] = append(yb.low[sc], band.Low)
			yb.high[sc] = append(yb.high[sc], band.High)
		}
	}
	return yb
}

// historyWhat is one chart over time: timeseries.csv's columns and, when
// DT&V publishes the same, its figure.
type historyWhat struct {
	name, title, noun string
	cols              []string
	published         func(Published) float64 // nil: DT&V publishes none
}

var histories = []historyWhat{
	{"time-independent", "Verified independent departures (assisted or not) a month", "verified independent departures", []string{"avr", "independent"}, func(p Published) float64 { return p.Independent }},
	{"time-forced", "Forced returns a month", "forced returns", []string{"forced"}, func(p Published) float64 { return p.Forced }},
	{"time-unsupervised", "Departures without supervision a month", "departures without supervision", []string{"absconded"}, func(p Published) float64 { return p.Unsupervised }},
	{"time-avr", "Assisted returns (AVR) a month", "assisted returns", []string{"avr"}, nil},
}

// intakeScale is the baseline's intake.scale from manifest.json: the
// share of the published intake the run simulated, 1 without one.
func (in *inputs) intakeScale() (float64, bool) {
	cfg := in.config(in.baseline())
	if x, ok := lookup(cfg, "intake.scale").(float64); ok && x > 0 {
		return x, true
	}
	return 1, false
}

// publishedMonthly is DT&V's figure for each of years as a month's mean
// over the months it covers, times scale; NaN where none was published.
func (in *inputs) publishedMonthly(years []int, f func(Published) float64, scale float64) []float64 {
	out := make([]float64, len(years))
	for i, y := range years {
		out[i] = math.NaN()
		for _, p := range in.opt.Published {
			if p.Year == y && p.Months > 0 && !math.IsNaN(f(p)) {
				out[i] = f(p) / float64(p.Months) * scale
			}
		}
	}
	return out
}

// history draws the charts over calendar years; it returns the charts and
// the section's introduction.
func (in *inputs) history() ([]*Chart, string, error) {
	sr := in.series
	scale, known := in.intakeScale()
	var charts []*Chart
	var reps int
	var partial []string
	for _, p := range in.opt.Published {
		if p.Months > 0 && p.Months < 12 {
			partial = append(partial, fmt.Sprintf("%d covers %s", p.Year, monthsText(p.Months)))
		}
	}
	for _, w := range histories {
		yb := sr.yearly(w.cols)
		if yb == nil {
			continue
		}
		reps = yb.reps
		var pub []float64
		last := math.MinInt // the last year with a published figure
		if w.published != nil && len(in.opt.Published) > 0 {
			pub = in.publishedMonthly(yb.years, w.published, scale)
			for _, p := range in.opt.Published {
				if !math.IsNaN(w.published(p)) {
					last = max(last, p.Year)
				}
			}
		}
		reading := in.historyReading(w, yb, pub, last)
		c, err := historyChart(w.name, w.title, "persons a month, mean of the year", reading, yb, sr.Scenarios, pub, last, scale)
		if err != nil {
			return nil, "", err
		}
		charts = append(charts, c)
	}
	intro := "Each line is a scenario's mean over replicates of its departures a month, the mean of each calendar year; the baseline is the thick black line."
	if len(in.opt.Published) > 0 {
		intro += " The crosses are " + in.opt.Source + ", each as a month's mean over the months it covers"
		if len(partial) > 0 {
			intro += " (" + strings.Join(partial, "; ") + ")"
		}
		switch {
		case !known:
			intro += "; without manifest.json the run's intake scale is unknown and taken as 1"
		case scale != 1:
			intro += fmt.Sprintf(", times %s, the share of the published intake this run simulated (intake.scale)", plainValue(scale))
		}
		intro += fmt.Sprintf(". After the last published year the lines are a projection, and the shaded band around each is where its replicates lie (the 5%% to 95%% of the %d replicates' values; with 10 or fewer, all of them)", reps)
		if in.man != nil && in.man.Posterior != "" {
			intro += ", each replicate with its own parameter draw from " + in.man.Posterior + ", so the band spans both chance and the calibrated parameters' uncertainty"
		}
		intro += "."
	} else {
		intro += " No published figures were given to this page (returnsim report shows DT&V's): the model's lines alone."
	}
	return charts, intro, nil
}

func monthsText(n int) string {
	months := []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	if n < 1 || n > 12 {
		return fmt.Sprintf("%d months", n)
	}
	return "January to " + months[n-1]
}

// historyReading compares the baseline with the published figures over
// the years both have, and gives the scenarios' range in the projection.
func (in *inputs) historyReading(w historyWhat, yb *byYear, pub []float64, last int) string {
	base := yb.mean[in.series.Scenarios[0]]
	var both []int
	var model, data float64
	for i := range yb.years {
		if pub != nil && !math.IsNaN(pub[i]) && !math.IsNaN(base[i]) {
			both = append(both, i)
			model += base[i]
			data += pub[i]
		}
	}
	var parts []string
	if len(both) > 0 && data > 0 {
		span := fmt.Sprintf("%d-%d", yb.years[both[0]], yb.years[both[len(both)-1]])
		if len(both) == 1 {
			span = fmt.Sprint(yb.years[both[0]])
		}
		n := float64(len(both))
		parts = append(parts, fmt.Sprintf("In %s the baseline has %s %s a month on average against %s published, %s%% of them", span, num("x", model/n), w.noun, num("x", data/n), num("x", 100*model/data)))
	} else {
		m := nanMean(base)
		parts = append(parts, fmt.Sprintf("From %d to %d the baseline has %s %s a month on average", yb.years[0], yb.years[len(yb.years)-1], num("x", m), w.noun))
		if w.published == nil {
			parts[0] += " (DT&V publishes no such series)"
		}
	}
	var proj []int
	for i, y := range yb.years {
		if last != math.MinInt && y > last {
			proj = append(proj, i)
		}
	}
	if len(proj) > 0 {
		lo, hi, los, his := math.Inf(1), math.Inf(-1), "", ""
		for _, sc := range in.series.Scenarios {
			ys := yb.mean[sc]
			var s float64
			for _, i := range proj {
				s += ys[i]
			}
			s /= float64(len(proj))
			if s < lo || (s == lo && sc < los) {
				lo, los = s, sc
			}
			if s > hi || (s == hi && sc < his) {
				hi, his = s, sc
			}
		}
		span := fmt.Sprintf("%d-%d", yb.years[proj[0]], yb.years[proj[len(proj)-1]])
		if len(proj) == 1 {
			span = fmt.Sprint(yb.years[proj[0]])
		}
		if len(yb.mean) > 1 && num("x", lo) == num("x", hi) {
			parts = append(parts, fmt.Sprintf("in the projection, %s, every scenario's mean is %s", span, num("x", hi)))
		} else if len(yb.mean) > 1 {
			parts = append(parts, fmt.Sprintf("in the projection, %s, the scenarios' means run from %s (%s) to %s (%s)", span, num("x", lo), los, num("x", hi), his))
		} else {
			parts = append(parts, fmt.Sprintf("in the projection, %s, %s", span, num("x", hi)))
		}
	}
	return strings.Join(parts, "; ") + "."
}

// historyChart draws one line per scenario by year, DT&V's published
// figures as crosses, and after the last published year (last) a band
// over replicates around each line, starting at the last published year.
func historyChart(name, title, ylabel, reading string, yb *byYear, scenarios []string, pub []float64, last int, scale float64) (*Chart, error) {
	p := newPlot(title, "calendar year", ylabel)
	p.Add(plotter.NewGrid())
	var leg []legendEntry
	var bandThumb plot.Thumbnailer
	for i, sc := range scenarios {
		var band plotter.XYs
		var upper, lower plotter.XYs
		for k, y := range yb.years {
			if last == math.MinInt || y < last || math.IsNaN(yb.low[sc][k]) {
				continue
			}
			upper = append(upper, plotter.XY{X: float64(y), Y: yb.high[sc][k]})
			lower = append(lower, plotter.XY{X: float64(y), Y: yb.low[sc][k]})
		}
		if len(upper) > 1 || (len(upper) == 1 && upper[0].X > float64(last)) {
			if len(upper) == 1 { // one year alone: a narrow band around it
				upper = plotter.XYs{{X: upper[0].X - 0.15, Y: upper[0].Y}, {X: upper[0].X + 0.15, Y: upper[0].Y}}
				lower = plotter.XYs{{X: lower[0].X - 0.15, Y: lower[0].Y}, {X: lower[0].X + 0.15, Y: lower[0].Y}}
			}
			band = append(band, upper...)
			for k := len(lower) - 1; k >= 0; k-- {
				band = append(band, lower[k])
			}
			poly, err := plotter.NewPolygon(band)
			if err != nil {
				return nil, err
			}
			c := color.RGBAModel.Convert(colour(i)).(color.RGBA)
			if i == 0 {
				c = color.RGBA{90, 90, 90, 255}
			}
			poly.Color = color.NRGBA{c.R, c.G, c.B, 40}
			poly.LineStyle.Width = 0
			p.Add(poly)
			if i == 0 {
				bandThumb = poly
			}
		}
	}
	for i, sc := range scenarios {
		var xys plotter.XYs
		for k, y := range yb.years {
			if !math.IsNaN(yb.mean[sc][k]) {
				xys = append(xys, plotter.XY{X: float64(y), Y: yb.mean[sc][k]})
			}
		}
		if len(xys) == 0 {
			continue
		}
		ln, err := scenarioLine(xys, i, 2.2)
		if err != nil {
			return nil, err
		}
		p.Add(ln)
		leg = append(leg, legendEntry{sc, []plot.Thumbnailer{ln}})
	}
	if pub != nil {
		var xys plotter.XYs
		for k, y := range yb.years {
			if !math.IsNaN(pub[k]) {
				xys = append(xys, plotter.XY{X: float64(y), Y: pub[k]})
			}
		}
		if len(xys) > 0 {
			sc, err := plotter.NewScatter(xys)
			if err != nil {
				return nil, err
			}
			sc.GlyphStyle.Shape = draw.CrossGlyph{}
			sc.GlyphStyle.Radius = vg.Points(5)
			sc.GlyphStyle.Color = color.Black
			p.Add(sc)
			label := "DT&V, published"
			if scale != 1 {
				label += " x " + plainValue(scale) + " (the run's intake scale)"
			}
			leg = append(leg, legendEntry{label, []plot.Thumbnailer{sc}})
		}
	}
	if bandThumb != nil {
		leg = append(leg, legendEntry{"projection: band over replicates", []plot.Thumbnailer{bandThumb}})
	}
	p.Y.Min = 0
	var ticks plot.ConstantTicks
	for _, y := range yb.years {
		ticks = append(ticks, plot.Tick{Value: float64(y), Label: fmt.Sprint(y)})
	}
	p.X.Tick.Marker = ticks
	if n := len(yb.years); n > 0 {
		p.X.Min, p.X.Max = float64(yb.years[0])-0.3, float64(yb.years[n-1])+0.3
	}
	return render(name, title, reading, p, leg, historyH)
}

// historyH is the height of a chart over time without its legend.
const historyH = 10 * vg.Centimeter
