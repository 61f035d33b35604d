package report

import (
	"errors"
	"fmt"
	"image/color"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/returnsim/returnsim/results"
)

// calManifest is what the page reads of a calibration's manifest.json
// (calibrate.Manifest, which report may not import: calibrate imports
// results).
type calManifest struct {
	Kind               string   `json:"kind"`
	Version            string   `json:"version"`
	Revision           string   `json:"revision"`
	Command            []string `json:"command"`
	Seed               int64    `json:"seed"`
	Budget             int      `json:"budget"`
	Evaluations        int      `json:"evaluations"`
	TargetsFile        string   `json:"targets_file"`
	Study              string   `json:"study"`
	Scenario           string   `json:"scenario"`
	StartDistance      float64  `json:"start_distance"`
	FitDistance        float64  `json:"fit_distance"`
	KeptStart          bool     `json:"kept_start"`
	PosteriorParticles int      `json:"posterior_particles"`
	PosteriorRefused   bool     `json:"posterior_refused"`
	ABCESS             float64  `json:"abc_ess"`
	ABCFinalDistance   float64  `json:"abc_final_distance"`
}

// sig is a calibration's number in fixed notation, four significant
// digits, as the console writes it.
func sig(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "n/a"
	}
	return results.FormatSignificant(x, 4)
}

// eachRow calls row for each row of dir's CSV file name, which must have
// the required columns. A missing file puts note in s and returns false;
// with note "" it is an error.
func eachRow(dir, name string, s *Section, note string, required []string, row func(t *table) error) (bool, error) {
	t, err := openTable(join(dir, name), required...)
	if errors.Is(err, fs.ErrNotExist) && note != "" {
		s.Note = note
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer t.close()
	for {
		ok, err := t.next()
		if err != nil || !ok {
			return err == nil, err
		}
		if err := row(t); err != nil {
			return false, err
		}
	}
}

// floats parses the named columns of t's current row.
func floats(t *table, names ...string) ([]float64, error) {
	x := make([]float64, len(names))
	for i, c := range names {
		var err error
		if x[i], err = t.float(c); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// buildCalibration lays out the page of a calibration's folder: the fit
// table (fit.csv), ABC-SMC's generations (abc.csv), the posterior's
// marginals (posterior-draws.csv) and identification (identification.csv).
// Only fit.csv is required; manifest.json adds the provenance and the
// distances at the start and the fit.
func buildCalibration(dir string) (*Page, error) {
	var m *calManifest
	switch err := readJSON(join(dir, "manifest.json"), &m); {
	case errors.Is(err, fs.ErrNotExist):
		m = nil
	case err != nil:
		return nil, err
	}
	pg := &Page{Title: "Calibration", Study: "the calibration",
		Lead: "How well the fitted model meets its targets, how ABC-SMC narrowed the tolerance, and what the posterior says of each free parameter; every number comes from the calibration folder's files."}
	if m != nil && m.Study != "" {
		pg.Title = "Calibration: " + m.Study + ", " + m.Scenario
	}
	for _, f := range []func(string, *calManifest) (*Section, error){calFit, calGenerations, calMarginals, calPairs, calIdentification} {
		s, err := f(dir, m)
		if err != nil {
			return nil, err
		}
		pg.Sections = append(pg.Sections, s)
	}
	if m != nil {
		pg.FootNote = fmt.Sprintf("Provenance: returnsim %s, revision %s; targets %s; seed %d; budget %d, %d evaluations. Command: %s",
			m.Version, m.Revision, m.TargetsFile, m.Seed, m.Budget, m.Evaluations, strings.Join(m.Command, " "))
	} else {
		pg.FootNote = "No manifest.json in the folder: the version, seed and targets file are unknown."
	}
	return pg, nil
}

// calFit is the fit table at the point fit, as fit.csv has it.
func calFit(dir string, m *calManifest) (*Section, error) {
	s := &Section{ID: "fit", Title: "The fit table"}
	if m != nil {
		kept := "the fit"
		if m.KeptStart {
			kept = "the start, as the fit was no closer"
		}
		s.Intro = fmt.Sprintf("Distance to the targets on the same replicates: %s at the start, %s at the fit; params.toml holds %s. Each row's error is its miss in tolerances on the target's scale: a row within one tolerance (or an inequality that holds) meets its target.", sig(m.StartDistance), sig(m.FitDistance), kept)
	}
	tab := Table{Head: []string{"target", "statistic", "observed", "simulated", "MC SE", "error (tolerances)", "within"}}
	met, rows := 0, 0
	_, err := eachRow(dir, "fit.csv", s, "", []string{"target", "statistic", "observed", "simulated", "error", "within_tolerance"}, func(t *table) error {
		stat := t.str("statistic")
		if t.has("component") { // fit.csv splits statistic, component and year
			stat = strings.TrimSpace(stat + ": " + strings.TrimSpace(t.str("component")+" "+t.str("year")))
		}
		x, err := floats(t, "observed", "simulated", "mc_se", "error")
		if err != nil {
			return err
		}
		within := t.str("within_tolerance") == "true"
		rows++
		if within {
			met++
		}
		tab.Rows = append(tab.Rows, []Cell{{Text: t.str("target")}, {Text: stat, Left: true}, {Text: sig(x[0])}, {Text: sig(x[1])}, {Text: sig(x[2])}, {Text: strconv.FormatFloat(x[3], 'f', 2, 64)}, {Text: map[bool]string{true: "yes", false: "no"}[within], Left: true}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	tab.Caption = fmt.Sprintf("%d of %d rows within their tolerance", met, rows)
	s.Tables = append(s.Tables, tab)
	return s, nil
}

// calGenerations is ABC-SMC's generations: tolerance, acceptance and ESS,
// as a table and a chart.
func calGenerations(dir string, m *calManifest) (*Section, error) {
	s := &Section{ID: "abc", Title: "ABC-SMC's generations"}
	tab := Table{Head: []string{"generation", "tolerance", "moves", "proposed", "accepted", "acceptance", "ESS", "shift (prior SDs)"}}
	var gens, tols, esss []float64
	found, err := eachRow(dir, "abc.csv", s, "No abc.csv in the folder: the generations are unknown.", []string{"generation", "tolerance", "proposed", "accepted", "ess"}, func(t *table) error {
		g, err := t.int("generation")
		if err != nil {
			return err
		}
		tol := math.Inf(1) // generation 0 has none
		if t.str("tolerance") != "+Inf" {
			if tol, err = t.float("tolerance"); err != nil {
				return err
			}
		}
		x, err := floats(t, "proposed", "accepted", "ess", "shift")
		if err != nil {
			return err
		}
		acc := "n/a"
		if x[0] > 0 {
			acc = strconv.FormatFloat(100*x[1]/x[0], 'f', 1, 64) + "%"
		}
		tab.Rows = append(tab.Rows, []Cell{{Text: strconv.Itoa(g)}, {Text: sig(tol)}, {Text: t.str("moves")}, {Text: sig(x[0])}, {Text: sig(x[1])}, {Text: acc}, {Text: strconv.FormatFloat(x[2], 'f', 1, 64)}, {Text: sig(x[3])}})
		gens, tols, esss = append(gens, float64(g)), append(tols, tol), append(esss, x[2])
		return nil
	})
	if err != nil || !found {
		return s, err
	}
	s.Tables = append(s.Tables, tab)
	if m != nil {
		s.Intro = fmt.Sprintf("The posterior's %d particles lie within distance %s of the targets; their effective sample size is %s.", m.PosteriorParticles, sig(m.ABCFinalDistance), strconv.FormatFloat(m.ABCESS, 'f', 0, 64))
		if m.PosteriorRefused {
			s.Intro += " The posterior was refused: its particles lie above the targets file's max_distance."
		}
	}
	finite := func(xs []float64) []float64 {
		out := make([]float64, len(xs))
		for i, x := range xs {
			out[i] = x
			if math.IsInf(x, 0) {
				out[i] = math.NaN()
			}
		}
		return out
	}
	if len(gens) > 1 {
		last := len(gens) - 1
		c, err := lineChart("abc-tolerance", "ABC-SMC: tolerance and effective sample size by generation", "generation", "tolerance; ESS",
			fmt.Sprintf("The tolerance fell to %s by generation %d, at an effective sample size of %.1f.", sig(tols[last]), last, esss[last]),
			false, []line{{label: "tolerance", xs: gens, ys: finite(tols)}, {label: "ESS", xs: gens, ys: esss}})
		if err != nil {
			return nil, err
		}
		s.Charts = append(s.Charts, c)
	}
	return s, nil
}

// calMarginals draws a histogram of each parameter's posterior draws
// (posterior-draws.csv, equal weights).
func calMarginals(dir string, _ *calManifest) (*Section, error) {
	s := &Section{ID: "marginals", Title: "The posterior's marginals"}
	var keys []string
	draws := map[string][]float64{}
	found, err := eachRow(dir, "posterior-draws.csv", s, "No posterior-draws.csv in the folder (no posterior was written, or the calibration predates the file).", []string{"draw", "parameter", "value"}, func(t *table) error {
		k := t.str("parameter")
		x, err := t.float("value")
		if err != nil {
			return err
		}
		if _, seen := draws[k]; !seen {
			keys = append(keys, k)
		}
		draws[k] = append(draws[k], x)
		return nil
	})
	if err != nil || !found {
		return s, err
	}
	s.Intro = "Equal-weight draws resampled from the posterior's particles; a draw repeats a particle, so few distinct particles show as few tall bars."
	for i, k := range keys {
		xs := append([]float64(nil), draws[k]...)
		sort.Float64s(xs)
		q := func(p float64) float64 { return xs[min(len(xs)-1, int(p*float64(len(xs))))] }
		p := newPlot(k, k, "draws")
		p.X.Tick.Marker = roundTicks{}
		h, err := plotter.NewHist(plotter.Values(xs), 20)
		if err != nil {
			return nil, fmt.Errorf("posterior-draws.csv: %s: %w", k, err)
		}
		h.FillColor = colour(5)
		h.LineStyle.Width = vg.Points(0.5)
		p.Add(plotter.NewGrid(), h)
		c, err := render(fmt.Sprintf("posterior-%02d", i), k,
			fmt.Sprintf("%s: median %s, 90%% of the draws between %s and %s.", k, sig(q(0.5)), sig(q(0.05)), sig(q(0.95))), p, nil, chartMinH)
		if err != nil {
			return nil, err
		}
		s.Charts = append(s.Charts, c)
	}
	return s, nil
}

// calIdentification is identification.csv: each parameter's posterior
// against its prior, with the verdict read off Monte Carlo noise.
func calIdentification(dir string, _ *calManifest) (*Section, error) {
	s := &Section{ID: "identification", Title: "Identification"}
	tab := Table{Head: []string{"parameter", "posterior mean", "MC SE of the mean", "posterior SD", "SD / prior SD", "verdict", "moved by"}}
	found, err := eachRow(dir, "identification.csv", s, "No identification.csv in the folder.", []string{"parameter", "posterior_mean", "posterior_sd", "sd_ratio", "verdict"}, func(t *table) error {
		x, err := floats(t, "posterior_mean", "mean_mc_se", "posterior_sd", "sd_ratio", "sd_ratio_low", "sd_ratio_high")
		if err != nil {
			return err
		}
		ratio := strconv.FormatFloat(x[3], 'f', 2, 64)
		if !math.IsNaN(x[4]) {
			ratio += fmt.Sprintf(" [%.2f, %.2f]", x[4], x[5])
		}
		tab.Rows = append(tab.Rows, []Cell{{Text: t.str("parameter")}, {Text: sig(x[0])}, {Text: sig(x[1])}, {Text: sig(x[2])}, {Text: ratio}, {Text: t.str("verdict"), Left: true}, {Text: t.str("moved_by"), Left: true}})
		return nil
	})
	if err != nil || !found {
		return s, err
	}
	s.Intro = "The posterior's SD over the prior's, with two Monte Carlo standard errors either side where the folder gives them: a verdict is read off that interval, not off the ratio alone (docs/calibration.md, \"Honest labels\")."
	s.Tables = append(s.Tables, tab)
	return s, nil
}

// roundTicks are gonum's default ticks labelled at 6 significant digits:
// a tick at -5.7 computed as -5.700000000000001 reads -5.7.
type roundTicks struct{}

func (roundTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'g', 6, 64)
		}
	}
	return ts
}

// calPairs draws every pair of parameters of the posterior's particles
// (posterior.csv) in one scatter matrix: cell (i, j), below the diagonal,
// has parameter j across and i up, each scaled to the range of its
// particles, so that a ridge or a trade-off between two parameters shows.
// Parameters are numbered on the axes and named in the reading.
func calPairs(dir string, _ *calManifest) (*Section, error) {
	s := &Section{ID: "pairs", Title: "The posterior's pairs"}
	var keys []string
	var vals [][]float64 // per parameter, per particle
	found, err := eachRow(dir, "posterior.csv", s, "No posterior.csv in the folder: no posterior was written.", []string{"particle", "weight", "distance"}, func(t *table) error {
		if keys == nil { // the parameters: every column but these, in order
			for name := range t.col {
				if name != "particle" && name != "weight" && name != "distance" {
					keys = append(keys, name)
				}
			}
			sort.Slice(keys, func(a, b int) bool { return t.col[keys[a]] < t.col[keys[b]] })
			vals = make([][]float64, len(keys))
		}
		x, err := floats(t, keys...)
		for i := range x {
			vals[i] = append(vals[i], x[i])
		}
		return err
	})
	if err != nil || !found {
		return s, err
	}
	k := len(keys)
	if k < 2 || len(vals[0]) < 2 {
		s.Note = "Fewer than two parameters or particles: no pairs to draw."
		return s, nil
	}
	// each parameter scaled to [0, 1] over its particles
	unit := make([][]float64, k)
	for i, xs := range vals {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, x := range xs {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
		unit[i] = make([]float64, len(xs))
		for n, x := range xs {
			if hi > lo {
				unit[i][n] = (x - lo) / (hi - lo)
			} else {
				unit[i][n] = 0.5
			}
		}
	}
	var pts plotter.XYs
	for i := 1; i < k; i++ {
		for j := 0; j < i; j++ {
			for n := range unit[i] {
				pts = append(pts, plotter.XY{X: float64(j) + 0.05 + 0.9*unit[j][n], Y: float64(k-1-i) + 0.05 + 0.9*unit[i][n]})
			}
		}
	}
	p := newPlot("Pairs of the posterior's particles", "parameter (across)", "parameter (up)")
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, err
	}
	sc.GlyphStyle.Radius = vg.Points(1.2)
	sc.GlyphStyle.Color = colour(5)
	sc.GlyphStyle.Shape = draw.CircleGlyph{}
	// each cell's frame
	for i := 1; i < k; i++ {
		for j := 0; j < i; j++ {
			x, y := float64(j), float64(k-1-i)
			frame, err := plotter.NewLine(plotter.XYs{{X: x, Y: y}, {X: x + 1, Y: y}, {X: x + 1, Y: y + 1}, {X: x, Y: y + 1}, {X: x, Y: y}})
			if err != nil {
				return nil, err
			}
			frame.LineStyle.Color = color.Gray{Y: 180}
			frame.LineStyle.Width = vg.Points(0.5)
			p.Add(frame)
		}
	}
	p.Add(sc)
	across, up := plot.ConstantTicks{}, plot.ConstantTicks{}
	for i := 0; i <= k; i++ {
		across = append(across, plot.Tick{Value: float64(i)})
		up = append(up, plot.Tick{Value: float64(i)})
	}
	names := make([]string, k)
	for i, key := range keys {
		names[i] = fmt.Sprintf("%d %s", i+1, key)
		if i < k-1 {
			across = append(across, plot.Tick{Value: float64(i) + 0.5, Label: strconv.Itoa(i + 1)})
		}
		if i > 0 {
			up = append(up, plot.Tick{Value: float64(k-1-i) + 0.5, Label: strconv.Itoa(i + 1)})
		}
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = across, up
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, float64(k-1), 0, float64(k-1)
	c, err := render("posterior-pairs", "Pairs of the posterior's particles",
		fmt.Sprintf("Each of the %d particles in every pair of parameters, each scaled to the range of its particles; parameters: %s.", len(vals[0]), strings.Join(names, ", ")),
		p, nil, max(chartMinH, vg.Length(k)*1.2*vg.Centimeter+3*vg.Centimeter))
	if err != nil {
		return nil, err
	}
	s.Charts = append(s.Charts, c)
	return s, nil
}
