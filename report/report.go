package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/returnsim/returnsim/results"
)

// Page is the report's content, before it becomes HTML.
type Page struct {
	Title    string
	Study    string
	Lead     string // the line under the title; empty: a run's
	Sections []*Section
	Foot     *Foot // nil without manifest.json
	FootNote string
}

// Section is one part of the page. A section without its inputs has only
// a Note saying what is missing.
type Section struct {
	ID, Title  string
	Intro      string
	Items      []Item // a list after the tables
	ItemsIntro string // the line before it
	Note       string
	Tables     []Table
	Charts     []*Chart
	Collapsed  bool // shown folded (the table of every metric)
}

// Table is a table of cells; the first column names the row.
type Table struct {
	Caption string
	Head    []string
	Rows    [][]Cell
}

// Cell is a table cell: a value and, below it, an optional second line
// (the difference from the baseline).
type Cell struct {
	Text, Sub string
	List      []string // items, one a line, after Text
	Left      bool     // text, not a number
}

// Foot is the provenance at the foot of the page.
type Foot struct {
	Version, Revision, Study, Command, Posterior string
	Seed                                         int64
	Replicates                                   int
	Scenarios                                    []results.ManifestScenario
	Inputs                                       []FootInput // a sweep's inputs, in place of Scenarios
}

// FootInput is one input of a sweep in the provenance table: what it is,
// its file (or scenario) and the SHA-256 that identifies it.
type FootInput struct{ What, File, SHA256 string }

// inputs are a result folder's files, nil where absent.
type inputs struct {
	dir     string
	sum     *Summary
	reps    *Replicates
	series  *Series
	man     *results.Manifest
	persons *Origins
	cases   *Cases
	keys    keyTable // manifest.json's keys; empty without
	opt     Options
}

// Published is one calendar year of the departures the Repatriation and
// Departure Service (DT&V) published, which the charts over time show
// beside the model's. A figure not published is NaN.
type Published struct {
	Year   int
	Months int // months of the year the figures cover (10: January to October)
	// verified independent departures (assisted or not), forced returns,
	// departures without supervision
	Independent, Forced, Unsupervised float64
}

// Options are what a page may show besides the folder's files.
type Options struct {
	// Published are DT&V's yearly figures, in order of year, and Source
	// says where they come from; without them the charts over time show
	// the model alone.
	Published []Published
	Source    string
}

// Build reads the result folder dir and lays out the page, without
// published figures (BuildWith).
func Build(dir string) (*Page, error) { return BuildWith(dir, Options{}) }

// BuildWith reads the result folder dir and lays out the page, with the
// published figures of opt in the charts over time. Only summary.csv is
// required; every other file adds its sections.
func BuildWith(dir string, opt Options) (*Page, error) {
	in := &inputs{dir: dir, opt: opt}
	var err error
	if in.sum, err = readSummary(join(dir, "summary.csv")); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if ok, _ := exists(join(dir, "points.csv")); ok {
				return buildSweep(dir) // a sweep's folder
			}
			if ok, _ := exists(join(dir, "fit.csv")); ok {
				return buildCalibration(dir) // a calibration's folder
			}
			return nil, fmt.Errorf("%s: no summary.csv, points.csv or fit.csv: not a result folder of returnsim run, sweep or calibrate", dir)
		}
		return nil, err
	}
	type file struct {
		name string
		read func(string) error
	}
	for _, o := range []file{
		{"replicates.csv", func(p string) (err error) { in.reps, err = readReplicates(p); return }},
		{"timeseries.csv", func(p string) (err error) { in.series, err = readSeries(p); return }},
		{"manifest.json", func(p string) error { in.man = new(results.Manifest); return readJSON(p, in.man) }},
		{"persons.csv", func(p string) (err error) { in.persons, err = readPersons(p); return }},
		{"cases.csv", func(p string) (err error) { in.cases, err = readCases(p); return }},
	} {
		p := join(dir, o.name)
		ok, err := exists(p)
		if err != nil {
			return nil, err
		}
		if ok {
			if err := o.read(p); err != nil {
				return nil, err
			}
		}
	}
	in.keys = newKeyTable(in.man)
	pg := &Page{Title: "Return policies compared", Study: "the study"}
	if in.man != nil && in.man.Study != "" {
		pg.Study = in.man.Study
		pg.Title = "Return policies compared: " + in.man.Study
	}
	for _, f := range []func() (*Section, error){
		in.brief, in.compared, in.headline, in.differences, in.overTime, in.costs,
		in.pathways, in.counselling, in.origins, in.posterior, in.allMetrics,
	} {
		s, err := f()
		if err != nil {
			return nil, err
		}
		pg.Sections = append(pg.Sections, s)
	}
	if in.man != nil {
		m := in.man
		pg.Foot = &Foot{Version: m.Version, Revision: m.Revision, Study: m.Study, Command: strings.Join(m.Command, " "),
			Posterior: m.Posterior, Seed: m.Seed, Replicates: m.Replicates, Scenarios: m.Scenarios}
	} else {
		pg.FootNote = "No manifest.json in the folder: the version, seed and scenario hashes are unknown."
	}
	return pg, nil
}

func (in *inputs) baseline() string { return in.sum.Scenarios[0] }

func (in *inputs) others() []string { return in.sum.Scenarios[1:] }

func (in *inputs) replicates() string {
	if in.man != nil && in.man.Replicates > 0 {
		return fmt.Sprintf("%d replicates", in.man.Replicates)
	}
	return "replicates"
}

// compared: the scenarios and what each changes from the baseline.
func (in *inputs) compared() (*Section, error) {
	s := &Section{ID: "compared", Title: "What was compared"}
	if in.man == nil {
		s.Note = "No manifest.json in the folder: the scenarios' descriptions and parameters are unknown. Scenarios: " + strings.Join(in.sum.Scenarios, ", ") + "."
		return s, nil
	}
	t := Table{Head: []string{"scenario", "description", "what changes from the baseline"}}
	for _, sc := range in.man.Scenarios {
		c := Cell{Text: "(the baseline)", Left: true}
		if sc.Name != in.baseline() {
			c = Cell{Left: true, List: in.changeTexts(sc.Name)}
			if len(c.List) == 0 {
				c.Text, c.List = "nothing: the same configuration as the baseline's", nil
			}
		}
		t.Rows = append(t.Rows, []Cell{{Text: sc.Name}, {Text: sc.Description, Left: true}, c})
	}
	s.Intro = fmt.Sprintf("%d scenarios, each run %s with the same random streams (common random numbers): every difference from the baseline scenario (%s) is paired replicate by replicate, and person by person where persons are compared. What changes is read from each scenario's resolved configuration in manifest.json, the policy in force month by month against the baseline's; a change that starts later is dated (From 2019-04: ...).",
		len(in.man.Scenarios), in.replicates(), in.baseline())
	if len(in.keys) == 0 {
		s.Intro += " manifest.json does not describe its keys (a run before it did): they are named by their keys."
	}
	s.Tables = []Table{t}
	return s, nil
}

// config is a scenario's resolved configuration from manifest.json, nil
// without one.
func (in *inputs) config(name string) map[string]any {
	if in.man == nil {
		return nil
	}
	for _, sc := range in.man.Scenarios {
		if sc.Name == name {
			return sc.Config
		}
	}
	return nil
}

// changes are a scenario's differences from the baseline (diffConfigs),
// nil without manifest.json.
func (in *inputs) changes(name string) []change {
	base, sc := in.config(in.baseline()), in.config(name)
	if base == nil || sc == nil {
		return nil
	}
	return in.keys.diffConfigs(base, sc, in.forkMonth())
}

// forkMonth is the recorded month of manifest.json's fork, from which the
// scenarios' policies take over (before it every scenario's months are
// the baseline's history); 0 without a fork, or one at or before the
// first recorded month.
func (in *inputs) forkMonth() int {
	if in.man == nil || in.man.Fork == "" {
		return 0
	}
	start, _ := in.config(in.baseline())["start"].(string)
	var y0, m0, y, m int
	if _, err := fmt.Sscanf(start, "%4d-%2d", &y0, &m0); err != nil {
		return 0
	}
	if _, err := fmt.Sscanf(in.man.Fork, "%4d-%2d", &y, &m); err != nil {
		return 0
	}
	return max(0, 12*(y-y0)+m-m0)
}

func (in *inputs) changeTexts(name string) []string {
	var out []string
	for _, c := range in.changes(name) {
		out = append(out, c.text)
	}
	return out
}

// flatten turns a resolved configuration into dotted keys and JSON values.
func flatten(cfg map[string]any) map[string]string {
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				key := k
				if prefix != "" {
					key = prefix + "." + k
				}
				walk(key, e)
			}
		case []any:
			simple := true
			for _, e := range x {
				switch e.(type) {
				case map[string]any, []any:
					simple = false
				}
			}
			if simple {
				b, _ := json.Marshal(x)
				out[prefix] = string(b)
				return
			}
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", prefix, i), e)
			}
		default:
			b, _ := json.Marshal(x)
			out[prefix] = string(b)
		}
	}
	walk("", cfg)
	return out
}

// perThousand are summary.csv's metrics per 1,000 persons, in file order.
func (in *inputs) perThousand() []string {
	var ms []string
	for _, m := range in.sum.Metrics {
		if strings.HasSuffix(m, "_per_1000") && in.sum.Has(m) {
			ms = append(ms, m)
		}
	}
	return ms
}

// metricTable is a table of scenarios by metrics: each cell the mean with
// its interval and, below it, the paired difference from the baseline.
func (in *inputs) metricTable(metrics []string, withDiff, withCI bool) Table {
	t := Table{Head: []string{"scenario"}}
	for _, m := range metrics {
		h := label(m)
		if u := unit(m); u != "" && u != "per 1,000 persons" {
			h += ", " + u
		}
		t.Head = append(t.Head, h)
	}
	for i, sc := range in.sum.Scenarios {
		row := []Cell{{Text: sc}}
		for _, m := range metrics {
			r, ok := in.sum.Get(sc, m)
			if !ok {
				row = append(row, Cell{Text: "n/a"})
				continue
			}
			c := Cell{Text: num(m, r.Mean)}
			if withCI {
				c.Text = iv(m, r.Mean, r.Low, r.High, false)
			}
			if withDiff && i > 0 {
				c.Sub = iv(m, r.Diff, r.DiffLow, r.DiffHigh, true)
			}
			row = append(row, c)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func (in *inputs) headline() (*Section, error) {
	s := &Section{ID: "headline", Title: "Per 1,000 persons"}
	ms := in.perThousand()
	if len(ms) == 0 {
		s.Note = "summary.csv has no metric per 1,000 persons (names ending in _per_1000); see every metric at the end of the page."
		return s, nil
	}
	who := "persons who entered"
	if in.man != nil && in.man.Persons != "" {
		who = in.man.Persons // whom the run's per-person metrics count: in a projection, the persons reachable from the fork
	}
	if r, ok := in.sum.Get(in.baseline(), "persons"); ok {
		if in.man != nil && in.man.Persons != "" {
			who = fmt.Sprintf("%s (%s in the baseline, mean per replicate)", who, num("persons", r.Mean))
		} else {
			who = fmt.Sprintf("persons who entered in the recorded window (%s in the baseline, mean per replicate)", num("persons", r.Mean))
		}
	}
	s.Intro = fmt.Sprintf("Outcomes per 1,000 %s. Each cell: the mean over %s and the 95%% interval of that mean; below it, the difference from the baseline, paired by replicate.", who, in.replicates())
	s.Tables = []Table{in.metricTable(ms, true, true)}
	return s, nil
}

// headMetric is the metric the difference chart and the origin chart show.
func (in *inputs) headMetric() string {
	if in.sum.Has("verified_per_1000") {
		return "verified_per_1000"
	}
	if ms := in.perThousand(); len(ms) > 0 {
		return ms[0]
	}
	return ""
}

func (in *inputs) differences() (*Section, error) {
	s := &Section{ID: "differences", Title: "Difference from the baseline"}
	m := in.headMetric()
	switch {
	case m == "":
		s.Note = "No metric per 1,000 persons in summary.csv: no chart of differences."
		return s, nil
	case len(in.others()) == 0:
		s.Note = "Only the baseline was run: nothing to compare it with."
		return s, nil
	}
	var rows []interval
	for _, sc := range in.others() {
		r, _ := in.sum.Get(sc, m)
		rows = append(rows, interval{sc, r.Diff, r.DiffLow, r.DiffHigh})
	}
	best := rows[0]
	above := 0
	for _, r := range rows {
		if r.mean > best.mean {
			best = r
		}
		if r.low > 0 {
			above++
		}
	}
	verb, amount := "adds", iv(m, best.mean, best.low, best.high, false)
	if best.mean < 0 {
		verb, amount = "changes by", iv(m, best.mean, best.low, best.high, true)
	}
	reading := fmt.Sprintf("%s %s %s %s per 1,000 persons against the baseline; %d of %d scenarios have an interval above zero.",
		best.label, verb, amount, label(m), above, len(rows))
	if best.mean < 0 {
		reading = "No scenario adds " + label(m) + ": the best, " + reading
	}
	title := "Difference from the baseline: " + label(m)
	c, err := intervalChart("differences", title, label(m)+" per 1,000 persons, difference from the baseline (95% interval)", reading, rows, true)
	if err != nil {
		return nil, err
	}
	s.Intro = "Each point is a scenario's mean difference from the baseline; the bar is its 95% interval over paired replicates. An interval that does not cross the dashed zero line is a difference the replicates resolve."
	s.Charts = []*Chart{c}
	return s, nil
}

func (in *inputs) overTime() (*Section, error) {
	s := &Section{ID: "time", Title: "Over calendar time"}
	sr := in.series
	if sr == nil {
		s.Note = "No timeseries.csv in the folder: no charts over time."
		return s, nil
	}
	if sr.Dated {
		cs, intro, err := in.history()
		if err != nil {
			return nil, err
		}
		if len(cs) == 0 {
			s.Note = "timeseries.csv has none of the columns avr, independent, forced, absconded: no charts over time."
		}
		s.Charts, s.Intro = cs, intro
		return s, nil
	}
	xlabel := "calendar month"
	if !sr.Dated {
		xlabel = "month of the run (timeseries.csv has no date column)"
	}
	type what struct {
		name, title, noun, ylabel string
		cols                      []string
	}
	var made int
	for _, w := range []what{
		{"time-verified", "Verified departures a month", "verified departures", "departures / month", []string{"avr", "independent", "forced"}},
		{"time-avr", "Assisted returns (AVR) a month", "assisted returns", "AVR / month", []string{"avr"}},
		{"time-absconded", "Absconding a month", "abscondings", "abscondings / month", []string{"absconded"}},
	} {
		var lines []line
		best, bestMean, baseMean := "", math.Inf(-1), math.NaN()
		for i, sc := range sr.Scenarios {
			ys := make([]float64, len(sr.X))
			ok := true
			for _, c := range w.cols {
				v := sr.Mean(sc, c)
				if v == nil {
					ok = false
					break
				}
				for j := range ys {
					ys[j] += v[j]
				}
			}
			if !ok {
				break
			}
			lines = append(lines, line{sc, sr.X, ys})
			mean := nanMean(ys)
			if i == 0 {
				baseMean = mean
			}
			if mean > bestMean {
				best, bestMean = sc, mean
			}
		}
		if len(lines) == 0 {
			s.Tables = nil
			continue
		}
		span := sr.Labels[0] + " to " + sr.Labels[len(sr.Labels)-1]
		if !sr.Dated {
			span = "month " + span
		}
		var reading string
		if len(lines) == 1 || best == sr.Scenarios[0] {
			reading = fmt.Sprintf("From %s the baseline has the most %s, %s a month on average.", span, w.noun, num("x", bestMean))
		} else {
			reading = fmt.Sprintf("From %s, %s has the most %s, %s a month on average, against %s in the baseline.", span, best, w.noun, num("x", bestMean), num("x", baseMean))
		}
		c, err := lineChart(w.name, w.title, xlabel, w.ylabel, reading, sr.Dated, lines)
		if err != nil {
			return nil, err
		}
		s.Charts = append(s.Charts, c)
		made++
	}
	if made == 0 {
		s.Note = "timeseries.csv has none of the columns avr, independent, forced, absconded: no charts over time."
	} else {
		s.Intro = "Each line is a scenario's mean over replicates, month by month, in persons a month; the baseline is the thick black line."
	}
	return s, nil
}

func nanMean(xs []float64) float64 {
	var s float64
	var n int
	for _, x := range xs {
		if !math.IsNaN(x) {
			s += x
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return s / float64(n)
}

// costItems are the cost items in the order of results.Metrics;
// the report finds them by name, so it works on a folder without them.
var costItems = []string{"cost_forced_eur", "cost_avr_eur", "cost_package_eur", "cost_sessions_eur", "cost_reception_eur", "cost_vbl_eur", "cost_family_location_eur", "cost_lvv_eur", "cost_detention_eur"}

func (in *inputs) costs() (*Section, error) {
	s := &Section{ID: "costs", Title: "Costs and additional returns"}
	if !in.sum.Has("cost_total_eur") {
		s.Note = "summary.csv has no cost metrics (cost_total_eur): costs are not reported."
		return s, nil
	}
	var items []string
	for _, m := range costItems {
		if in.sum.Has(m) {
			items = append(items, m)
		}
	}
	s.Intro = fmt.Sprintf("Costs to the state over the recorded window, in EUR, mean per replicate over %s (unit costs from each scenario's [costs]); the total's difference from the baseline below it. Additional verified departures are persons who leave verifiably in the scenario but not in the baseline, the same persons in the same replicate; lost ones the reverse; the net change is the added minus the lost, and the net cost per additional verified departure is the difference in total cost from the baseline over that net change (a ratio of means over replicates). A scenario whose net change is below zero loses departures: it has no such cost. Deadweight counts persons paid a package who leave verifiably in the baseline too.", in.replicates())
	byItem := in.metricTable(items, false, false)
	byItem.Caption = "Cost by item, EUR (means; the total with its 95% interval)"
	for i := range byItem.Head {
		byItem.Head[i] = strings.TrimSuffix(byItem.Head[i], ", EUR")
	}
	total := in.metricTable([]string{"cost_total_eur"}, true, true)
	for i := range byItem.Rows {
		byItem.Rows[i] = append(byItem.Rows[i], total.Rows[i][1])
	}
	byItem.Head = append(byItem.Head, "total")
	s.Tables = append(s.Tables, byItem)
	var pm []string
	for _, m := range []string{"additional_verified", "lost_verified", "net_verified", "deadweight"} {
		if in.sum.Has(m) {
			pm = append(pm, m)
		}
	}
	if len(pm) > 0 {
		t := in.metricTable(pm, false, true)
		t.Caption = "Paired by person against the baseline (means per replicate, 95% intervals): verified departures added (gross), lost, and net (added minus lost); deadweight"
		if in.sum.Has(costPerNet) {
			t.Head = append(t.Head, "net cost per additional verified departure, EUR (below zero: a saving)")
			for i, sc := range in.sum.Scenarios {
				c := Cell{Text: "n/a"}
				if x, _ := in.sum.Get(sc, costPerNet); !math.IsNaN(x.Mean) {
					c.Text = iv(costPerNet, x.Mean, x.Low, x.High, false)
				} else if net, ok := in.sum.Get(sc, "net_verified"); ok && net.Mean < 0 {
					c.Text = "loses departures"
				} else if ok {
					c.Text = "adds none on balance"
				}
				t.Rows[i] = append(t.Rows[i], c)
			}
		}
		t.Rows = t.Rows[1:] // the baseline against itself says nothing
		s.Tables = append(s.Tables, t)
	}
	if !in.sum.Has(costPerNet) {
		s.Note = "summary.csv has no cost_per_net_verified_eur (a run written before it was): no net cost per additional verified departure. Its cost_per_additional_eur divides by the departures added alone, ignoring those lost, and is not shown."
		return s, nil
	}
	var rows []interval
	var losing []string
	for _, sc := range in.others() {
		r, _ := in.sum.Get(sc, costPerNet)
		if !math.IsNaN(r.Mean) {
			rows = append(rows, interval{sc, r.Mean, r.Low, r.High})
		} else if net, ok := in.sum.Get(sc, "net_verified"); ok && net.Mean < 0 {
			losing = append(losing, sc)
		}
	}
	if len(rows) == 0 {
		s.Note = "No scenario added verified departures on balance, so there is no net cost per additional one."
		if len(losing) > 0 {
			s.Note += " " + strings.Join(losing, ", ") + " " + plural(len(losing), "loses", "lose") + " departures."
		}
		return s, nil
	}
	var parts []string
	if c := in.cheapest(); c != "" {
		x, _ := in.sum.Get(c, costPerNet)
		parts = append(parts, fmt.Sprintf("Of the scenarios that add verified departures on balance at a cost, %s has the lowest net cost per additional one: %s EUR", c, iv(costPerNet, x.Mean, x.Low, x.High, false)))
	}
	if sv := in.saving(); len(sv) > 0 {
		parts = append(parts, fmt.Sprintf("below zero, %s %s verified departures on balance and %s less than the baseline: a saving per departure added, not a price", list(sv), plural(len(sv), "adds", "add"), plural(len(sv), "costs", "cost")))
	}
	reading := strings.Join(parts, "; ") + "."
	reading = strings.ToUpper(reading[:1]) + reading[1:]
	if len(losing) > 0 {
		reading = strings.TrimSuffix(reading, ".") + fmt.Sprintf("; %s %s departures on balance and %s not shown.", list(losing), plural(len(losing), "loses", "lose"), plural(len(losing), "is", "are"))
	}
	if n := len(in.others()) - len(rows) - len(losing); n > 0 {
		reading = strings.TrimSuffix(reading, ".") + fmt.Sprintf("; %d %s none on balance.", n, plural(n, "scenario adds", "scenarios add"))
	}
	c, err := intervalChart("cost-per-net", "Net cost per additional verified departure", "EUR per net additional verified departure (95% interval)", reading, rows, true)
	if err != nil {
		return nil, err
	}
	s.Charts = []*Chart{c}
	return s, nil
}

func (in *inputs) pathways() (*Section, error) {
	s := &Section{ID: "pathways", Title: "Returns by place on the agency spectrum"}
	var names []string
	share := func(sc, p string) float64 { return math.NaN() }
	source := ""
	switch {
	case in.cases != nil && len(in.cases.Pathways) > 0:
		names = spectrumOrder(in.cases.Pathways)
		share = in.cases.PathwayShare
		source = "cases.csv: verified returns (AVR, independent, forced) by the pathway of the person at the return"
	default:
		for _, m := range in.sum.Metrics {
			if strings.HasPrefix(m, "pathway_") && in.sum.Has(m) {
				names = append(names, strings.TrimPrefix(m, "pathway_"))
			}
		}
		names = spectrumOrder(names)
		share = func(sc, p string) float64 {
			var tot float64
			for _, q := range names {
				r, _ := in.sum.Get(sc, "pathway_"+q)
				tot += r.Mean
			}
			r, _ := in.sum.Get(sc, "pathway_"+p)
			if tot == 0 {
				return math.NaN()
			}
			return r.Mean / tot
		}
		source = "summary.csv's pathway_ metrics"
	}
	if len(names) == 0 {
		s.Note = "No cases.csv with a pathway column (run with --cases) and no pathway_ metrics in summary.csv: the agency-spectrum mix is not reported."
		return s, nil
	}
	var series []line
	t := Table{Head: []string{"scenario"}}
	for _, p := range names {
		t.Head = append(t.Head, strings.ReplaceAll(p, "_", " ")+", %")
		ys := make([]float64, len(in.sum.Scenarios))
		for i, sc := range in.sum.Scenarios {
			ys[i] = share(sc, p)
		}
		series = append(series, line{strings.ReplaceAll(p, "_", " "), nil, ys})
	}
	for i, sc := range in.sum.Scenarios {
		row := []Cell{{Text: sc}}
		for _, l := range series {
			row = append(row, Cell{Text: num("share", l.ys[i])})
		}
		t.Rows = append(t.Rows, row)
	}
	// The reading: the baseline's most common pathway and its range.
	top := 0
	for j, l := range series {
		if l.ys[0] > series[top].ys[0] {
			top = j
		}
	}
	lo, hi := 0, 0
	for i, y := range series[top].ys {
		if y < series[top].ys[lo] {
			lo = i
		}
		if y > series[top].ys[hi] {
			hi = i
		}
	}
	ys := series[top].ys
	reading := fmt.Sprintf("In the baseline %s%% of verified returns come by %s; across scenarios that share runs from %s%% (%s) to %s%% (%s).",
		num("share", ys[0]), series[top].label, num("share", ys[lo]), in.sum.Scenarios[lo], num("share", ys[hi]), in.sum.Scenarios[hi])
	for i := range series {
		for j := range series[i].ys {
			series[i].ys[j] *= 100
		}
	}
	c, err := barChart("pathways", "Verified returns by pathway", "share of verified returns, %", reading, in.sum.Scenarios, series, true, false)
	if err != nil {
		return nil, err
	}
	s.Intro = "The pathway is the person's place on the agency spectrum when they returned (seed 001): from " + source + ", pooled over replicates."
	s.Tables = []Table{t}
	s.Charts = []*Chart{c}
	return s, nil
}

// spectrum is the agency spectrum from most to least agency (seed 001);
// pathways it does not name follow in the order given.
var spectrum = []string{"high_agency", "acceptance", "hopelessness", "coercion"}

func spectrumOrder(names []string) []string {
	rank := func(p string) int {
		if i := slices.Index(spectrum, p); i >= 0 {
			return i
		}
		return len(spectrum)
	}
	out := slices.Clone(names)
	slices.SortStableFunc(out, func(a, b string) int { return rank(a) - rank(b) })
	return out
}

var counsellingMetrics = []string{"sessions_asked", "sessions_given", "mean_wait_months", "counselled_share"}

func (in *inputs) counselling() (*Section, error) {
	s := &Section{ID: "counselling", Title: "Counselling's reach"}
	var ms []string
	for _, m := range counsellingMetrics {
		if in.sum.Has(m) {
			ms = append(ms, m)
		}
	}
	if len(ms) == 0 {
		s.Note = "summary.csv has none of sessions_asked, sessions_given, mean_wait_months, counselled_share: counselling's reach is not reported."
		return s, nil
	}
	s.Intro = fmt.Sprintf("Sessions asked and given over the recorded window, the mean wait for a session and the share of persons counselled at least once: mean per replicate over %s with 95%% intervals; the difference from the baseline below.", in.replicates())
	s.Tables = []Table{in.metricTable(ms, true, true)}
	if !in.sum.Has("counselled_share") {
		return s, nil
	}
	var rows []interval
	for _, sc := range in.sum.Scenarios {
		r, _ := in.sum.Get(sc, "counselled_share")
		rows = append(rows, interval{sc, 100 * r.Mean, 100 * r.Low, 100 * r.High})
	}
	best := rows[0]
	for _, r := range rows {
		if r.mean > best.mean {
			best = r
		}
	}
	pc := func(r interval) string {
		s := num("x", r.mean) + "%"
		if !math.IsNaN(r.low) {
			s += " [" + num("x", r.low) + ", " + num("x", r.high) + "]"
		}
		return s
	}
	reading := fmt.Sprintf("%s counsels the largest share of persons, %s, against %s in the baseline.", best.label, pc(best), pc(rows[0]))
	if best.label == rows[0].label {
		reading = fmt.Sprintf("The baseline counsels the largest share of persons, %s.", pc(best))
	}
	if in.sum.Has("mean_wait_months") {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, sc := range in.sum.Scenarios {
			r, _ := in.sum.Get(sc, "mean_wait_months")
			lo, hi = math.Min(lo, r.Mean), math.Max(hi, r.Mean)
		}
		reading = strings.TrimSuffix(reading, ".") + fmt.Sprintf("; the mean wait for a session runs from %s to %s months.", num("x", lo), num("x", hi))
	}
	c, err := intervalChart("counselled", "Share of persons counselled", "persons counselled at least once, % (95% interval)", reading, rows, false)
	if err != nil {
		return nil, err
	}
	s.Charts = []*Chart{c}
	return s, nil
}

// maxOrigins is how many origins the chart shows; the table shows all.
const maxOrigins = 12

func (in *inputs) origins() (*Section, error) {
	s := &Section{ID: "origins", Title: "Results by origin"}
	o := in.persons
	what, unitText := "verified departures per 1,000 persons", "verified departures per 1,000 persons of the origin, pooled over replicates (persons.csv)"
	if o == nil && in.cases != nil && in.cases.Origins != nil {
		o = in.cases.Origins
		what, unitText = "verified returns per replicate", "case files closed by a verified return, mean per replicate (cases.csv; no persons.csv)"
	}
	if o == nil {
		s.Note = "No persons.csv or cases.csv in the folder (run with --cases): results by origin are not reported."
		return s, nil
	}
	base := in.baseline()
	weight := map[string]float64{}
	for k, c := range o.count {
		if k[0] == base {
			weight[k[1]] = c[0]
			if !o.PerPerson {
				weight[k[1]] = c[1]
			}
		}
	}
	origins := slices.Collect(maps.Keys(weight))
	sort.Slice(origins, func(i, j int) bool {
		if weight[origins[i]] != weight[origins[j]] {
			return weight[origins[i]] > weight[origins[j]]
		}
		return origins[i] < origins[j]
	})
	if len(origins) == 0 {
		s.Note = "The baseline has no persons by origin in the folder: results by origin are not reported."
		return s, nil
	}
	t := Table{Head: append([]string{"origin"}, in.sum.Scenarios...)}
	for _, org := range origins {
		row := []Cell{{Text: org}}
		for _, sc := range in.sum.Scenarios {
			row = append(row, Cell{Text: num("x", o.Rate(sc, org))})
		}
		t.Rows = append(t.Rows, row)
	}
	t.Caption = strings.ToUpper(unitText[:1]) + unitText[1:]
	s.Tables = []Table{t}
	// The chart: the baseline and the scenario with the best headline.
	best := ""
	if m := in.headMetric(); m != "" && len(in.others()) > 0 {
		bd := math.Inf(-1)
		for _, sc := range in.others() {
			if r, _ := in.sum.Get(sc, m); r.Diff > bd {
				best, bd = sc, r.Diff
			}
		}
	}
	shown := origins[:min(len(origins), maxOrigins)]
	series := []line{{label: base}}
	if best != "" {
		series = append(series, line{label: best})
	}
	for i := range series {
		for _, org := range shown {
			series[i].ys = append(series[i].ys, o.Rate(series[i].label, org))
		}
	}
	var reading string
	if best != "" {
		gi, gain := 0, math.Inf(-1)
		for j := range shown {
			if d := series[1].ys[j] - series[0].ys[j]; d > gain {
				gi, gain = j, d
			}
		}
		reading = fmt.Sprintf("%s, the scenario with the largest gain overall, gains most among persons from %s: %s against %s %s in the baseline.",
			best, shown[gi], num("x", series[1].ys[gi]), num("x", series[0].ys[gi]), what)
	} else {
		hi := 0
		for j := range shown {
			if series[0].ys[j] > series[0].ys[hi] {
				hi = j
			}
		}
		reading = fmt.Sprintf("In the baseline persons from %s leave verifiably most often: %s %s.", shown[hi], num("x", series[0].ys[hi]), what)
		if !o.PerPerson {
			reading = fmt.Sprintf("In the baseline persons from %s account for the most verified returns, %s per replicate (without persons.csv there is no rate per person).", shown[hi], num("x", series[0].ys[hi]))
		}
	}
	title := "Verified departures by origin"
	if len(origins) > maxOrigins {
		title += fmt.Sprintf(" (the %d largest origins)", maxOrigins)
	}
	c, err := barChart("origins", title, what, reading, shown, series, false, true)
	if err != nil {
		return nil, err
	}
	s.Intro = "Origins in order of their number in the baseline. The chart compares the baseline with the scenario that adds most overall; the table has every scenario."
	s.Charts = []*Chart{c}
	return s, nil
}

// drawn reports whether summary.csv has values over parameter draws (run
// --posterior): a predictive interval for metric m of every scenario.
func (in *inputs) drawn(m string) bool {
	if !in.sum.Has(m) {
		return false
	}
	for _, sc := range in.sum.Scenarios {
		if r, _ := in.sum.Get(sc, m); math.IsNaN(r.PredLow) {
			return false
		}
	}
	return true
}

// heldDrawn reports whether summary.csv has, for metric m of every other
// scenario, the predictive interval with the unconstrained assumptions
// held (a run over a posterior that drew them), and the manifest names
// them.
func (in *inputs) heldDrawn(m string) bool {
	if in.man == nil || len(in.man.Uncertain) == 0 {
		return false
	}
	for _, sc := range in.others() {
		if r, _ := in.sum.Get(sc, m); math.IsNaN(r.HeldLow) {
			return false
		}
	}
	return true
}

// posterior is the probability that each scenario beats the baseline on
// the head metric, for which more is better: from summary.csv's
// p_above_baseline, with the 90% predictive interval of the difference
// beside the 95% interval of its mean, or, for a folder written before
// summary.csv had them, counted from replicates.csv. Either way a tie
// counts half.
func (in *inputs) posterior() (*Section, error) {
	s := &Section{ID: "posterior", Title: "Probability of beating the baseline"}
	var probs []float64
	var pred []string // the difference's 90% predictive interval, from summary.csv
	source, over := "", ""
	m := in.headMetric()
	if m != "" && in.drawn(m) {
		for _, sc := range in.others() {
			r, _ := in.sum.Get(sc, m)
			probs = append(probs, r.PAbove)
			pred = append(pred, span(m, r.DiffPredLow, r.DiffPredHigh, true))
		}
		if in.man != nil && in.man.Replicates > 0 {
			over = fmt.Sprintf(" over %d parameter draws", in.man.Replicates)
		}
		source = fmt.Sprintf("summary.csv: p_above_baseline of %s, the share of parameter draws (one per replicate) in which the scenario has more than the baseline, a tie counting half", label(m))
	}
	if probs == nil && in.man != nil && in.man.Posterior != "" && in.reps != nil && m != "" {
		for _, sc := range in.others() {
			xb, xs := in.reps.Paired(in.baseline(), sc, m)
			if len(xb) == 0 {
				probs = append(probs, math.NaN())
				continue
			}
			var k float64
			for r := range xb {
				switch {
				case xs[r] > xb[r]:
					k++
				case xs[r] == xb[r]:
					k += 0.5
				}
			}
			probs = append(probs, k/float64(len(xb)))
			over = fmt.Sprintf(" over %d parameter draws", len(xb))
		}
		source = fmt.Sprintf("replicates.csv: the share of replicates, each with its own parameter draw from %s, in which the scenario has more %s than the baseline, a tie counting half", in.man.Posterior, label(m))
	}
	if probs == nil {
		s.Note = "This run did not draw its parameters from a posterior (returnsim run --posterior): no probability of beating the baseline."
		return s, nil
	}
	if len(in.others()) == 0 {
		s.Note = "Only the baseline was run."
		return s, nil
	}
	t := Table{Head: []string{"scenario", "probability of beating the baseline, %"}}
	held := pred != nil && in.heldDrawn(m)
	if pred != nil {
		t.Head = append(t.Head, "difference from the baseline: 90% predictive interval over parameter draws", "mean difference [95% interval of the mean]")
	}
	if held {
		t.Head = append(t.Head, "with the unconstrained assumptions held: 90% predictive interval", "probability, %, with them held")
	}
	best := 0
	for i, sc := range in.others() {
		row := []Cell{{Text: sc}, {Text: num("p_beats", probs[i])}}
		if pred != nil {
			r, _ := in.sum.Get(sc, m)
			row = append(row, Cell{Text: pred[i]}, Cell{Text: iv(m, r.Diff, r.DiffLow, r.DiffHigh, true)})
		}
		if held {
			r, _ := in.sum.Get(sc, m)
			row = append(row, Cell{Text: span(m, r.HeldLow, r.HeldHigh, true)}, Cell{Text: num("p_beats", r.HeldPAbove)})
		}
		t.Rows = append(t.Rows, row)
		if probs[i] > probs[best] {
			best = i
		}
	}
	reading := fmt.Sprintf("%s beats the baseline with the highest probability, %s%%%s.", in.others()[best], num("p_beats", probs[best]), over)
	ys := make([]float64, len(probs))
	for i, p := range probs {
		ys[i] = 100 * p
	}
	c, err := barChart("posterior", "Probability of beating the baseline", "probability, %", reading, in.others(), []line{{label: "P(beats the baseline)", ys: ys}}, true, false)
	if err != nil {
		return nil, err
	}
	s.Intro = "From " + source + "."
	if pred != nil {
		s.Intro += " Two intervals of the difference in " + label(m) + " per 1,000 persons, not to be confused: the 90% predictive interval is where one outcome may lie given what the parameters could be (5% to 95% of the draws' values), and more replicates do not narrow it; the 95% interval of the mean is where the average over the draws lies, and more replicates narrow it."
	}
	if held {
		var keys []string
		for _, u := range in.man.Uncertain {
			keys = append(keys, fmt.Sprintf("%s (%s to %s: %s)", u.Key, strconv.FormatFloat(u.Low, 'g', -1, 64), strconv.FormatFloat(u.High, 'g', -1, 64), u.Reason))
		}
		s.Intro += fmt.Sprintf(" Each draw also drew %d assumptions that no target constrains, each from a plausible range: %s. The last two columns are the same parameter draws with those held at their values: how much narrower they are is the part of the uncertainty that comes from what is assumed, not from what the calibration left open.", len(keys), strings.Join(keys, "; "))
	}
	s.Tables = []Table{t}
	s.Charts = []*Chart{c}
	return s, nil
}

func (in *inputs) allMetrics() (*Section, error) {
	s := &Section{ID: "all", Title: "Every metric of summary.csv", Collapsed: true}
	t := Table{Head: []string{"scenario", "metric", "mean [95% interval of the mean]", "difference from the baseline [95% interval of the mean]"}}
	drawn := slices.ContainsFunc(in.sum.Metrics, in.drawn)
	if drawn {
		t.Head = append(t.Head, "value: 90% predictive over parameter draws", "difference: 90% predictive", "draws above the baseline, %")
	}
	for _, sc := range in.sum.Scenarios {
		for _, m := range in.sum.Metrics {
			r, ok := in.sum.Get(sc, m)
			if !ok {
				continue
			}
			d := ""
			if sc != in.baseline() {
				d = iv(m, r.Diff, r.DiffLow, r.DiffHigh, true)
			}
			name := m
			if u := unit(m); u != "" {
				name += " (" + u + ")"
			}
			row := []Cell{{Text: sc}, {Text: name}, {Text: iv(m, r.Mean, r.Low, r.High, false)}, {Text: d}}
			if drawn {
				row = append(row, Cell{Text: span(m, r.PredLow, r.PredHigh, false)}, Cell{}, Cell{})
				if sc != in.baseline() {
					row[5].Text, row[6].Text = span(m, r.DiffPredLow, r.DiffPredHigh, true), num("p_above", r.PAbove)
				}
			}
			t.Rows = append(t.Rows, row)
		}
	}
	s.Intro = "Shares in percent, euros whole, everything else to one decimal."
	if drawn {
		s.Intro += " The 95% intervals are of the mean over replicates; the 90% predictive intervals are where the metric itself may lie over the parameter draws, one per replicate (5% to 95% of the draws' values). Draws above the baseline: the share in which the scenario's paired difference is above 0, a tie counting half; whether above is better depends on the metric."
	}
	s.Tables = []Table{t}
	return s, nil
}
