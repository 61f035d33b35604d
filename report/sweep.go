package report

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strings"

	"github.com/returnsim/returnsim/results"
)

// sensRow is one line of sensitivity.csv.
type sensRow struct {
	metric, method, factor, index string
	value, low, high              float64
}

// buildSweep lays out the page of a sweep's folder (points.csv, and
// sensitivity.csv for a sobol or morris design): what was swept, which
// factors drive each output, and how far the outputs range over the
// design.
func buildSweep(dir string) (*Page, error) {
	var m results.SweepManifest
	if err := readJSON(join(dir, "manifest.json"), &m); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: a sweep folder without manifest.json: %w", dir, err)
		}
		return nil, err
	}
	pg := &Page{Title: "Which factors drive the outputs: " + m.Name, Study: m.Name,
		Lead: "What a parameter sweep of " + m.Name + " shows: how much of each output's variation each factor accounts for; every number comes from the sweep folder's files."}
	if m.Design == "morris" {
		pg.Lead = "What a Morris screening of " + m.Name + " shows: how strongly, and how evenly, each output responds to each factor moved one at a time; every number comes from the sweep folder's files."
	}
	swept := &Section{ID: "swept", Title: "What was swept",
		Intro: fmt.Sprintf("Scenario %s of %s, %d design points (%s design) x %d replicates; every factor's range below.", m.Scenario, m.Study, m.Points, m.Design, m.Replicates)}
	t := Table{Head: []string{"factor", "distribution", "range or levels"}}
	for _, f := range m.Factors {
		r := ""
		switch {
		case f.Min != nil && f.Max != nil:
			r = fmt.Sprintf("%g to %g", *f.Min, *f.Max)
		case len(f.Levels) > 0:
			parts := make([]string, len(f.Levels))
			for i, l := range f.Levels {
				parts[i] = fmt.Sprintf("%g", l)
			}
			r = strings.Join(parts, ", ")
		}
		t.Rows = append(t.Rows, []Cell{{Text: f.Key, Left: true}, {Text: f.Distribution, Left: true}, {Text: r}})
	}
	swept.Tables = append(swept.Tables, t)
	pg.Sections = append(pg.Sections, swept)

	drivers := &Section{ID: "drivers", Title: "Which factors drive the outputs"}
	rows, err := readSensitivity(join(dir, "sensitivity.csv"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		drivers.Note = "No sensitivity.csv: the design (" + m.Design + ") gives no sensitivity indices; a sobol or morris design does."
	case err != nil:
		return nil, err
	default:
		if err := sensitivitySections(drivers, rows); err != nil {
			return nil, err
		}
	}
	pg.Sections = append(pg.Sections, drivers)
	pg.Foot = &Foot{Version: m.Version, Revision: m.Revision, Study: m.Name + " (" + m.Study + ", " + m.Scenario + ")",
		Command: strings.Join(m.Command, " "), Seed: int64(m.Seed), Replicates: m.Replicates, Inputs: sweepInputs(&m)}
	return pg, nil
}

// sweepInputs are what a sweep's provenance table lists: the sweep file,
// the scenario's resolved configuration, the design (its file, when the
// points came from one) and, for a merged sweep, the shard folders.
func sweepInputs(m *results.SweepManifest) []FootInput {
	design := m.Design + " design, " + fmt.Sprintf("%d points", m.Points)
	if m.DesignFile != "" {
		design = m.DesignFile + " (" + design + ")"
	}
	in := []FootInput{
		{"sweep file", m.SweepFile, m.SweepSHA256},
		{"scenario configuration", m.Scenario + " of " + m.Study, m.ScenarioSHA256},
		{"design", design, m.DesignSHA256},
	}
	if len(m.MergedFrom) > 0 {
		in = append(in, FootInput{"merged from", strings.Join(m.MergedFrom, ", "), ""})
	}
	for _, f := range m.Files {
		in = append(in, FootInput{"output", f.Name, f.SHA256})
	}
	return in
}

// sensitivitySections adds, for each output metric, a chart of its
// total-order Sobol indices (or Morris mu*) with 95% intervals, ranked, for
// a Morris sweep the mu*-sigma plane, and a table of every index, in the
// wording of the sweep's method.
func sensitivitySections(s *Section, rows []sensRow) error {
	var metrics []string
	seen := map[string]bool{}
	morris := false
	for _, r := range rows {
		if !seen[r.metric] {
			seen[r.metric] = true
			metrics = append(metrics, r.metric)
		}
		morris = morris || r.method == "morris"
	}
	main, mainLabel := "ST", "ST"
	s.Intro = "Sobol total-order indices (ST) give the share of an output's variance that a factor accounts for, alone and with the others; first-order (S1), alone. Bars are 95% bootstrap intervals."
	if morris {
		main, mainLabel = "mu_star", "mu*"
		s.Intro = "Morris screening: mu* (mu_star) is the mean absolute elementary effect, the change in the output as a factor moves over its whole range, one factor at a time; mu is the signed mean, sigma the spread of the effects, large when a factor's effect is non-linear or depends on the other factors. mu_star_conf is SALib's half-width of mu*'s 95% interval. Bars are 95% bootstrap intervals. mu* ranks factors; it is not a share of variance."
	}
	for i, metric := range metrics {
		var ivs []interval
		var plane []point
		var idx []string // index names in file order: S1, ST or mu_star, mu, sigma, mu_star_conf
		byFactor := map[string]map[string]sensRow{}
		var factors []string
		for _, r := range rows {
			if r.metric != metric {
				continue
			}
			if byFactor[r.factor] == nil {
				byFactor[r.factor] = map[string]sensRow{}
				factors = append(factors, r.factor)
			}
			if _, ok := byFactor[factors[0]][r.index]; !ok && r.factor == factors[0] {
				idx = append(idx, r.index)
			}
			byFactor[r.factor][r.index] = r
			if r.index == main {
				ivs = append(ivs, interval{label: r.factor, mean: r.value, low: r.low, high: r.high})
			}
		}
		caption := label(metric) + ": every index, with its 95% interval where it has one"
		t := Table{Caption: caption, Head: append([]string{"factor"}, idx...)}
		for _, f := range factors {
			row := []Cell{{Text: f, Left: true}}
			for _, k := range idx {
				r, ok := byFactor[f][k]
				if !ok {
					row = append(row, Cell{})
					continue
				}
				c := Cell{Text: fmt.Sprintf("%.3f", r.value)}
				if !math.IsNaN(r.low) && !math.IsNaN(r.high) {
					c.Sub = fmt.Sprintf("[%.3f, %.3f]", r.low, r.high)
				}
				row = append(row, c)
			}
			t.Rows = append(t.Rows, row)
			if morris {
				mu, sd := byFactor[f]["mu_star"], byFactor[f]["sigma"]
				if _, ok := byFactor[f]["sigma"]; ok {
					plane = append(plane, point{label: f, x: mu.value, y: sd.value})
				}
			}
		}
		sort.SliceStable(ivs, func(a, b int) bool { return ivs[a].mean > ivs[b].mean })
		if len(ivs) > 0 {
			top := ivs[0]
			reading := fmt.Sprintf("%s moves %s most: %s %.2f [%.2f, %.2f].", top.label, label(metric), mainLabel, top.mean, top.low, top.high)
			c, err := intervalChart(fmt.Sprintf("sensitivity-%d", i+1), label(metric)+": "+mainLabel+" by factor", mainLabel, reading, ivs, false)
			if err != nil {
				return err
			}
			s.Charts = append(s.Charts, c)
		}
		if len(plane) > 0 {
			c, err := labelledScatter(fmt.Sprintf("morris-plane-%d", i+1), label(metric)+": mu* against sigma", "mu* (mean absolute effect)", "sigma (spread of the effects)", planeReading(plane), plane, true)
			if err != nil {
				return err
			}
			s.Charts = append(s.Charts, c)
		}
		s.Tables = append(s.Tables, t)
	}
	return nil
}

// planeReading says which factors lie above the diagonal of the mu*-sigma
// plane, whose effects vary more than their mean size.
func planeReading(pts []point) string {
	var above []string
	for _, p := range pts {
		if p.y > p.x {
			above = append(above, p.label)
		}
	}
	if len(above) == 0 {
		return "No factor lies above the diagonal: each factor's effects vary less than their mean size, so its effect is about the same wherever the others are."
	}
	return "Above the diagonal (sigma > mu*: effects that are non-linear or depend on the other factors): " + strings.Join(above, ", ") + "."
}

// readSensitivity reads sensitivity.csv.
func readSensitivity(path string) ([]sensRow, error) {
	t, err := openTable(path, "metric", "method", "factor", "index", "value", "ci_low", "ci_high")
	if err != nil {
		return nil, err
	}
	defer t.close()
	var out []sensRow
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		r := sensRow{metric: t.str("metric"), method: t.str("method"), factor: t.str("factor"), index: t.str("index")}
		for _, f := range []struct {
			name string
			dst  *float64
		}{{"value", &r.value}, {"ci_low", &r.low}, {"ci_high", &r.high}} {
			if *f.dst, err = t.float(f.name); err != nil {
				return nil, err
			}
		}
		if math.IsNaN(r.value) {
			continue // an output no factor moves has undefined indices
		}
		out = append(out, r)
	}
}
