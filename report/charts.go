package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Chart is one figure: drawn once, written as SVG (inline and as a file)
// and PNG.
type Chart struct {
	Name    string // file name without extension
	Num     int    // figure number on the page
	Title   string
	Reading string // one sentence computed from the numbers
	SVG     []byte // inline form: no XML prolog
	PNG     []byte
	svgFile []byte
}

// Chart sizes: wide enough for scenario names, small enough for a page.
const (
	chartW      = 23 * vg.Centimeter
	chartH      = 8 * vg.Centimeter
	barRowH     = 0.9 * vg.Centimeter // per scenario in horizontal charts
	chartMinH   = 5 * vg.Centimeter
	pngDPI      = 144
	sansVariant = "Sans"
)

// palette is Okabe and Ito's colour-blind safe set; the baseline is drawn
// in black.
var palette = []color.RGBA{
	{0, 0, 0, 255}, {230, 159, 0, 255}, {86, 180, 233, 255}, {0, 158, 115, 255},
	{213, 94, 0, 255}, {0, 114, 178, 255}, {204, 121, 167, 255}, {180, 160, 0, 255}, // Okabe-Ito's yellow darkened to show on white
	{120, 120, 120, 255},
}

// colour is series i's colour: black for the baseline (0), then the
// other colours in turn, never black again.
func colour(i int) color.Color {
	if i == 0 {
		return palette[0]
	}
	return palette[1+(i-1)%(len(palette)-1)]
}

// dashes vary by turn through the palette, so a tenth series is still told
// apart from the first.
func dashes(i int) []vg.Length {
	if i == 0 {
		return nil
	}
	switch ((i - 1) / (len(palette) - 1)) % 3 {
	case 1:
		return []vg.Length{vg.Points(6), vg.Points(3)}
	case 2:
		return []vg.Length{vg.Points(2), vg.Points(2)}
	}
	return nil
}

func sans(size vg.Length) font.Font {
	return font.Font{Typeface: "Liberation", Variant: sansVariant, Size: size}
}

// newPlot returns a plot with a title, axis labels and sans-serif text.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = sans(13)
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text, p.Y.Label.Text = xlabel, ylabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = sans(11)
		a.Tick.Label.Font = sans(9.5)
		a.Tick.Marker = cleanTicks{}
	}
	p.Legend.TextStyle.Font = sans(10)
	p.BackgroundColor = color.White
	return p
}

func newLegend() plot.Legend {
	l := plot.NewLegend()
	l.TextStyle.Font = sans(10)
	l.Top, l.Left = true, true
	l.Padding = vg.Points(3)
	return l
}

// legendEntry is one entry of a chart's legend: its label and what
// stands for it (a line, a bar, a band).
type legendEntry struct {
	label  string
	thumbs []plot.Thumbnailer
}

// Legend layout: below the plot, in as many columns of equal width as the
// longest label leaves room for, filled column by column, so that every
// label is whole however long the scenario names are.
const (
	legendGap    = 14 // points between columns
	legendMargin = 8  // points around the legend
)

// legendLayout returns the number of columns and rows of a legend below a
// plot of width w, and the legend's height.
func legendLayout(entries []legendEntry, w vg.Length) (cols, rows int, height vg.Length) {
	if len(entries) == 0 {
		return 0, 0, 0
	}
	all := newLegend()
	for _, e := range entries {
		all.Add(e.label, e.thumbs...)
	}
	r := all.Rectangle(draw.Canvas{})
	colW := r.Size().X + vg.Points(legendGap)
	cols = max(1, min(len(entries), int((w-2*vg.Points(legendMargin))/colW)))
	rows = (len(entries) + cols - 1) / cols
	n := vg.Length(len(entries))
	enth := (r.Size().Y+all.Padding)/n - all.Padding
	height = vg.Length(rows)*enth + vg.Length(rows-1)*all.Padding + 2*vg.Points(legendMargin)
	return cols, rows, height
}

// render draws p with a height of h for the plot, and below it the legend
// when there are entries, as an SVG for the page and the file, and as a
// PNG.
func render(name, title, reading string, p *plot.Plot, entries []legendEntry, h vg.Length) (*Chart, error) {
	c := &Chart{Name: name, Title: title, Reading: reading}
	cols, rows, legH := legendLayout(entries, chartW)
	total := h + legH
	for _, format := range []string{"svg", "png"} {
		var cw vg.CanvasWriterTo
		if format == "png" {
			cw = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(chartW, total), vgimg.UseDPI(pngDPI))}
		} else {
			cw = vgsvg.New(chartW, total)
		}
		dc := draw.New(cw)
		p.Draw(draw.Crop(dc, 0, 0, legH, 0))
		if cols > 0 {
			colW := (chartW - 2*vg.Points(legendMargin)) / vg.Length(cols)
			for col := range cols {
				leg := newLegend()
				for _, e := range entries[min(len(entries), col*rows):min(len(entries), (col+1)*rows)] {
					leg.Add(e.label, e.thumbs...)
				}
				x0 := vg.Points(legendMargin) + vg.Length(col)*colW
				leg.Draw(draw.Crop(dc, x0, x0+colW-chartW, vg.Points(legendMargin), legH-total-vg.Points(legendMargin)))
			}
		}
		var b bytes.Buffer
		if _, err := cw.WriteTo(&b); err != nil {
			return nil, fmt.Errorf("chart %s: %w", name, err)
		}
		if format == "png" {
			c.PNG = b.Bytes()
		} else {
			c.svgFile = b.Bytes()
			c.SVG = inlineSVG(b.Bytes(), title)
		}
	}
	return c, nil
}

// inlineSVG drops the XML prolog and comment that gonum's SVG begins with,
// which do not belong inside HTML, and gives the figure an accessible name.
func inlineSVG(b []byte, title string) []byte {
	s := string(b)
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:]
	}
	s = strings.Replace(s, "<svg ", `<svg role="img" aria-label="`+htmlAttr(title)+`" `, 1)
	return []byte(s)
}

func htmlAttr(s string) string {
	return strings.NewReplacer(`&`, "&amp;", `"`, "&quot;", `<`, "&lt;", `>`, "&gt;").Replace(s)
}

// interval is a point with a 95% interval for the error-bar charts.
type interval struct {
	label           string
	mean, low, high float64
}

// hIntervals implements plotter.XYer and plotter.XErrorer: scenario i at
// y = n-1-i, so the first is on top.
type hIntervals []interval

func (h hIntervals) Len() int { return len(h) }
func (h hIntervals) XY(i int) (float64, float64) {
	return h[i].mean, float64(len(h) - 1 - i)
}
func (h hIntervals) XError(i int) (float64, float64) {
	lo, hi := h[i].mean-h[i].low, h[i].high-h[i].mean
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return 0, 0
	}
	return lo, hi
}

// intervalChart draws one point with error bars per row, rows named on the
// y axis, and a dashed line at zero when zero is in range.
func intervalChart(name, title, xlabel, reading string, rows []interval, zeroLine bool) (*Chart, error) {
	p := newPlot(title, xlabel, "")
	pts := hIntervals(rows)
	sc, err := dots(pts)
	if err != nil {
		return nil, err
	}
	eb, err := plotter.NewXErrorBars(pts)
	if err != nil {
		return nil, err
	}
	eb.LineStyle.Width = vg.Points(1.5)
	eb.LineStyle.Color = colour(5)
	eb.CapWidth = vg.Points(8)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		for _, x := range []float64{r.mean, r.low, r.high} {
			if !math.IsNaN(x) {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
	}
	lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	pad := 0.08 * (hi - lo)
	if pad == 0 {
		pad = 1
	}
	p.X.Min, p.X.Max = lo-pad, hi+pad
	zero, err := guide(plotter.XYs{{X: 0, Y: -0.5}, {X: 0, Y: float64(len(rows)) - 0.5}})
	if err != nil {
		return nil, err
	}
	p.Add(plotter.NewGrid())
	if zeroLine {
		p.Add(zero)
	}
	p.Add(eb, sc)
	names := make([]string, len(rows))
	for i, r := range rows {
		names[len(rows)-1-i] = r.label
	}
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.6, float64(len(rows))-0.4
	return render(name, title, reading, p, nil, rowsHeight(len(rows)))
}

// dots are the points of the charts' scatters: filled circles in one colour.
func dots(xy plotter.XYer) (*plotter.Scatter, error) {
	sc, err := plotter.NewScatter(xy)
	if err != nil {
		return nil, err
	}
	sc.GlyphStyle.Shape = draw.CircleGlyph{}
	sc.GlyphStyle.Radius = vg.Points(3.5)
	sc.GlyphStyle.Color = colour(5)
	return sc, nil
}

// guide is a dashed grey reference line through xy: zero, a diagonal.
func guide(xy plotter.XYs) (*plotter.Line, error) {
	l, err := plotter.NewLine(xy)
	if err != nil {
		return nil, err
	}
	l.LineStyle.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	l.LineStyle.Color = color.Gray{Y: 110}
	return l, nil
}

func rowsHeight(n int) vg.Length {
	return max(chartMinH, vg.Length(n)*barRowH+3*vg.Centimeter)
}

// cleanTicks are gonum's default ticks labelled without trailing zeros
// and with thousands separators: "2,500", not "2500.00".
type cleanTicks struct{}

func (cleanTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label == "" {
			continue
		}
		v := ts[i].Value
		if math.Abs(v) < 1e-9*math.Max(math.Abs(min), math.Abs(max)) {
			v = 0
		}
		ts[i].Label = group(strconv.FormatFloat(v, 'f', -1, 64))
	}
	return ts
}

// line is one series of a line chart.
type line struct {
	label string
	xs    []float64
	ys    []float64
}

// lineChart draws series over x with a legend; dated x is a calendar
// month as year + (month-1)/12, ticked at each January.
func lineChart(name, title, xlabel, ylabel, reading string, dated bool, lines []line) (*Chart, error) {
	p := newPlot(title, xlabel, ylabel)
	p.Add(plotter.NewGrid())
	var leg []legendEntry
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for i, l := range lines {
		var xys plotter.XYs
		for j, y := range l.ys {
			if !math.IsNaN(y) {
				xys = append(xys, plotter.XY{X: l.xs[j], Y: y})
				xmin, xmax = math.Min(xmin, l.xs[j]), math.Max(xmax, l.xs[j])
			}
		}
		if len(xys) == 0 {
			continue
		}
		ln, err := scenarioLine(xys, i, 2)
		if err != nil {
			return nil, err
		}
		p.Add(ln)
		leg = append(leg, legendEntry{l.label, []plot.Thumbnailer{ln}})
	}
	p.Y.Min = 0
	if dated {
		var ticks plot.ConstantTicks
		for y := math.Floor(xmin); y <= xmax; y++ {
			ticks = append(ticks, plot.Tick{Value: y, Label: fmt.Sprintf("%.0f", y)})
		}
		p.X.Tick.Marker = ticks
	}
	return render(name, title, reading, p, leg, chartH)
}

// barChart draws horizontal bars: one group per category (rows named on
// the y axis), one bar per series, or stacked. The legend names the series
// when there are two or more. With baseline, the first series is the
// baseline and is drawn grey, as its line is black in the line charts.
func barChart(name, title, xlabel, reading string, categories []string, series []line, stacked, baseline bool) (*Chart, error) {
	p := newPlot(title, xlabel, "")
	p.Add(plotter.NewGrid())
	var leg []legendEntry
	n := len(categories)
	groupH := barRowH
	if !stacked {
		groupH = vg.Length(max(1, len(series))) * vg.Points(9)
	}
	h := max(chartMinH, vg.Length(n)*(groupH+vg.Points(8))+3*vg.Centimeter)
	barW := groupH
	if !stacked {
		barW = vg.Points(9)
	}
	var below *plotter.BarChart
	for i, s := range series {
		vals := make(plotter.Values, n)
		for j := range categories {
			v := s.ys[j]
			if math.IsNaN(v) {
				v = 0
			}
			vals[n-1-j] = v // first category on top
		}
		b, err := plotter.NewBarChart(vals, barW)
		if err != nil {
			return nil, err
		}
		b.Horizontal = true
		b.Color = colour(i + 1)
		if baseline {
			b.Color = colour(i)
			if i == 0 {
				b.Color = palette[len(palette)-1]
			}
		}
		b.LineStyle.Width = 0
		if stacked {
			if below != nil {
				b.StackOn(below)
			}
			below = b
		} else {
			b.Offset = vg.Length(len(series)-1-2*i) * barW / 2
		}
		p.Add(b)
		leg = append(leg, legendEntry{s.label, []plot.Thumbnailer{b}})
	}
	names := make([]string, n)
	for i, c := range categories {
		names[n-1-i] = c
	}
	p.NominalY(names...)
	p.X.Min = 0
	if len(series) < 2 {
		return render(name, title, reading, p, nil, h)
	}
	return render(name, title, reading, p, leg, h)
}

// point is one labelled point of a scatter chart.
type point struct {
	label string
	x, y  float64
}

// labelledScatter draws labelled points from 0 on both axes, with a
// dashed diagonal y = x when diagonal is set (for Morris' mu*-sigma plane:
// above it a factor's effects vary more than their mean size, the mark of
// non-linearity or interaction).
func labelledScatter(name, title, xlabel, ylabel, reading string, pts []point, diagonal bool) (*Chart, error) {
	p := newPlot(title, xlabel, ylabel)
	xys := make(plotter.XYs, len(pts))
	labels := make([]string, len(pts))
	hi := 0.0
	for i, q := range pts {
		xys[i].X, xys[i].Y, labels[i] = q.x, q.y, q.label
		hi = math.Max(hi, math.Max(q.x, q.y))
	}
	if hi == 0 {
		hi = 1
	}
	hi *= 1.15
	sc, err := dots(xys)
	if err != nil {
		return nil, err
	}
	lb, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
	if err != nil {
		return nil, err
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i].Font = sans(9)
		lb.TextStyle[i].XAlign = draw.XLeft
	}
	lb.Offset = vg.Point{X: vg.Points(5), Y: vg.Points(2)}
	p.Add(plotter.NewGrid())
	if diagonal {
		d, err := guide(plotter.XYs{{X: 0, Y: 0}, {X: hi, Y: hi}})
		if err != nil {
			return nil, err
		}
		p.Add(d)
	}
	p.Add(sc, lb)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, hi*1.35, 0, hi // room on the right for the labels
	return render(name, title, reading, p, nil, chartH)
}

// scenarioLine is scenario i's line through xys: its colour and dashes,
// and the baseline's (i = 0) drawn wider, basePoints points.
func scenarioLine(xys plotter.XYs, i int, basePoints float64) (*plotter.Line, error) {
	ln, err := plotter.NewLine(xys)
	if err != nil {
		return nil, err
	}
	ln.LineStyle.Color = colour(i)
	ln.LineStyle.Width = vg.Points(1.2)
	if i == 0 {
		ln.LineStyle.Width = vg.Points(basePoints)
	}
	ln.LineStyle.Dashes = dashes(i)
	return ln, nil
}
