package report

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"flag"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// full is a result folder with every file the report reads, in the
// layouts of the person model (made by testdata/gen.go).
const full = "testdata/full"

func build(t *testing.T, dir string) *Page {
	t.Helper()
	pg, err := BuildWith(dir, dtv())
	if err != nil {
		t.Fatalf("Build(%s): %v", dir, err)
	}
	return pg
}

func section(t *testing.T, pg *Page, id string) *Section {
	t.Helper()
	for _, s := range pg.Sections {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no section %s", id)
	return nil
}

// readCSV reads a fixture's file independently of the package's reader.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		rows = append(rows, m)
	}
	return rows
}

// TestHeadlineMatchesSummary checks every cell of the headline table
// against summary.csv rounded to one decimal, read with encoding/csv and
// formatted with fmt: the page shows what summary.csv says.
func TestHeadlineMatchesSummary(t *testing.T) {
	pg := build(t, full)
	tab := section(t, pg, "headline").Tables[0]
	want := map[string]map[string]string{} // scenario -> metric -> text
	var metrics []string
	seen := map[string]bool{}
	for _, r := range readCSV(t, filepath.Join(full, "summary.csv")) {
		if !strings.HasSuffix(r["metric"], "_per_1000") {
			continue
		}
		f := func(k string) float64 { x, _ := strconv.ParseFloat(r[k], 64); return x }
		if want[r["scenario"]] == nil {
			want[r["scenario"]] = map[string]string{}
		}
		want[r["scenario"]][r["metric"]] = fmt.Sprintf("%.1f [%.1f, %.1f]", f("mean"), f("ci_low"), f("ci_high"))
		if r["scenario"] != "baseline" {
			want[r["scenario"]][r["metric"]+" diff"] = fmt.Sprintf("%+.1f [%+.1f, %+.1f]", f("diff_vs_baseline"), f("diff_ci_low"), f("diff_ci_high"))
		}
		if !seen[r["metric"]] {
			seen[r["metric"]] = true
			metrics = append(metrics, r["metric"])
		}
	}
	if len(metrics) != 6 || len(tab.Rows) != 5 {
		t.Fatalf("%d metrics per 1,000 in summary.csv, %d rows in the table: want 6 and 5", len(metrics), len(tab.Rows))
	}
	for _, row := range tab.Rows {
		sc := row[0].Text
		for j, m := range metrics {
			if got := row[j+1].Text; got != want[sc][m] {
				t.Errorf("%s %s = %q, want %q from summary.csv", sc, m, got, want[sc][m])
			}
			if w := want[sc][m+" diff"]; w != "" && strings.ReplaceAll(row[j+1].Sub, "+0.0", "0.0") != strings.ReplaceAll(w, "+0.0", "0.0") {
				t.Errorf("%s %s difference = %q, want %q from summary.csv", sc, m, row[j+1].Sub, w)
			}
		}
	}
}

// TestNetCost: the cost per additional verified departure is net: the
// difference in total cost from the baseline over the net change in
// verified departures (added minus lost), which summary.csv's
// cost_total_eur and net_verified give too (a ratio of means is the ratio
// of the mean difference and the mean net change). A scenario that loses
// departures on balance (timing-none in the fixture, which costs less
// than the baseline, so that its gross cost per added departure is
// negative) shows "loses departures", is left out of the chart and is
// never called the cheapest.
func TestNetCost(t *testing.T) {
	s := section(t, build(t, full), "costs")
	if len(s.Charts) != 1 || len(s.Tables) != 2 {
		t.Fatalf("costs: %d charts and %d tables, want 1 and 2 (note %q)", len(s.Charts), len(s.Tables), s.Note)
	}
	costDiff, net, gross := map[string]float64{}, map[string]float64{}, map[string]float64{}
	for _, r := range readCSV(t, filepath.Join(full, "summary.csv")) {
		x, _ := strconv.ParseFloat(r["mean"], 64)
		switch r["metric"] {
		case "cost_total_eur":
			costDiff[r["scenario"]], _ = strconv.ParseFloat(r["diff_vs_baseline"], 64)
		case "net_verified":
			net[r["scenario"]] = x
		case "cost_per_additional_eur":
			gross[r["scenario"]] = x
		}
	}
	if !(net["timing-none"] < 0 && gross["timing-none"] < 0) {
		t.Fatalf("the fixture's timing-none has net %v and gross cost %v per additional departure: want both below zero, the case this test is for", net["timing-none"], gross["timing-none"])
	}
	paired := s.Tables[1]
	last := len(paired.Head) - 1
	if !strings.HasPrefix(paired.Head[last], "net cost per additional verified departure") {
		t.Fatalf("paired table's last column %q, want the net cost", paired.Head[last])
	}
	cheapest, best := "", math.Inf(1)
	for _, row := range paired.Rows {
		sc, got := row[0].Text, row[last].Text
		if net[sc] < 0 {
			if got != "loses departures" {
				t.Errorf("%s (net %v): net cost %q, want \"loses departures\"", sc, net[sc], got)
			}
			continue
		}
		want := costDiff[sc] / net[sc]
		if !strings.HasPrefix(got, group(fmt.Sprintf("%.0f", want))+" [") {
			t.Errorf("%s: net cost %q, want %.0f = %.0f EUR / %.2f net departures from summary.csv", sc, got, want, costDiff[sc], net[sc])
		}
		if want < best {
			cheapest, best = sc, want
		}
	}
	reading := s.Charts[0].Reading
	if !strings.Contains(reading, cheapest+" has the lowest net cost per additional one: "+group(fmt.Sprintf("%.0f", best))) ||
		!strings.Contains(reading, "timing-none loses departures on balance and is not shown") || strings.Contains(reading, "timing-none has") {
		t.Errorf("reading %q, want %s the cheapest at %.0f EUR, and timing-none losing departures", reading, cheapest, best)
	}
	for _, c := range s.Charts {
		if bytes.Contains(c.SVG, []byte(">timing-none<")) {
			t.Error("the chart of net costs shows timing-none, which loses departures")
		}
	}
}

// TestEverySection checks that the full fixture fills every section with
// its charts, and that the minimal one (today's layout: summary.csv and a
// timeseries without dates) omits each missing part with a note.
func TestEverySection(t *testing.T) {
	charts := map[string]int{"brief": 0, "compared": 0, "headline": 0, "differences": 1, "time": 4, "costs": 1, "pathways": 1, "counselling": 1, "origins": 1, "posterior": 1, "all": 0}
	pg := build(t, full)
	order := []string{"brief", "compared", "headline", "differences", "time", "costs", "pathways", "counselling", "origins", "posterior", "all"}
	if len(pg.Sections) != len(order) {
		t.Fatalf("%d sections, want %d", len(pg.Sections), len(order))
	}
	for i, s := range pg.Sections {
		if s.ID != order[i] {
			t.Errorf("section %d is %s, want %s (the order a planner reads)", i, s.ID, order[i])
		}
		if s.Note != "" {
			t.Errorf("full: section %s has a note %q, want none", s.ID, s.Note)
		}
		if len(s.Charts) != charts[s.ID] {
			t.Errorf("full: section %s has %d charts, want %d", s.ID, len(s.Charts), charts[s.ID])
		}
		for _, c := range s.Charts {
			if c.Title == "" || !strings.HasSuffix(c.Reading, ".") || len(c.SVG) == 0 || len(c.PNG) == 0 {
				t.Errorf("chart %s: title %q, reading %q, %d bytes SVG, %d PNG: want all", c.Name, c.Title, c.Reading, len(c.SVG), len(c.PNG))
			}
		}
	}
	if pg.Foot == nil || pg.Foot.Seed != 1 || len(pg.Foot.Scenarios) != 5 || pg.Foot.Revision == "" {
		t.Errorf("provenance %+v, want seed 1, 5 scenarios and a revision", pg.Foot)
	}

	pg = build(t, "testdata/minimal")
	for _, s := range pg.Sections {
		wantNote := s.ID != "time" && s.ID != "all"
		if (s.Note != "") != wantNote {
			t.Errorf("minimal: section %s note %q, want a note: %v", s.ID, s.Note, wantNote)
		}
	}
	if n := len(section(t, pg, "time").Charts); n != 3 {
		t.Errorf("minimal: %d charts over time from a timeseries without dates, want 3", n)
	}
	if pg.Foot != nil || pg.FootNote == "" {
		t.Errorf("minimal: provenance %+v, note %q: want a note that manifest.json is missing", pg.Foot, pg.FootNote)
	}
}

// TestBadInput checks that malformed files give one line naming the file,
// line and column.
func TestBadInput(t *testing.T) {
	head := "scenario,metric,mean,ci_low,ci_high,diff_vs_baseline,diff_ci_low,diff_ci_high\n"
	good := head + "baseline,verified_per_1000,1,0,2,0,0,0\n"
	tests := []struct {
		name  string
		files map[string]string
		want  string // after the folder
	}{
		{"not a number", map[string]string{"summary.csv": good + "ngo,verified_per_1000,x,0,2,0,0,0\n"}, `summary.csv:3: mean: "x" is not a number`},
		{"infinite", map[string]string{"summary.csv": good + "ngo,verified_per_1000,1,0,+Inf,0,0,0\n"}, `summary.csv:3: ci_high: "+Inf" is not a number`},
		{"short row", map[string]string{"summary.csv": good + "ngo,verified_per_1000,1\n"}, `summary.csv:3:1: wrong number of fields`},
		{"no metric column", map[string]string{"summary.csv": "scenario,mean\nbaseline,1\n"}, `summary.csv:1: no column "metric" in the header`},
		{"twice", map[string]string{"summary.csv": good + "baseline,verified_per_1000,1,0,2,0,0,0\n"}, `summary.csv:3: scenario baseline, metric verified_per_1000 appears twice`},
		{"no summary", map[string]string{"replicates.csv": "scenario,replicate\n"}, `: no summary.csv, points.csv or fit.csv: not a result folder of returnsim run, sweep or calibrate`},
		{"bad date", map[string]string{"summary.csv": good, "timeseries.csv": "scenario,replicate,month,date,avr\nbaseline,0,0,2017-1,3\n"}, `timeseries.csv:2: date: "2017-1" is not a month like 2017-01`},
		{"bad replicate", map[string]string{"summary.csv": good, "replicates.csv": "scenario,replicate,seed,x\nbaseline,one,1,2\n"}, `replicates.csv:2: replicate: "one" is not a whole number`},
		{"bad manifest", map[string]string{"summary.csv": good, "manifest.json": "{\n  \"seed\": 1,\n  \"study\": 3\n}\n"}, `manifest.json:3:`},
		{"broken manifest", map[string]string{"summary.csv": good, "manifest.json": "{\n  \"seed\": 1,\n  \"study\" \"x\"\n}\n"}, `manifest.json:3:`},
	}
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, s := range c.files {
				os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644)
			}
			_, err := Build(dir)
			if err == nil {
				t.Fatalf("Build = nil error, want %q", c.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, dir) || !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") {
				t.Errorf("Build error %q, want one line naming %s and %q", msg, dir, c.want)
			}
		})
	}
}

// TestWrite checks the files Write makes: the page, each chart as a
// well-formed SVG and a decodable PNG, nothing half-written, nothing
// fetched from elsewhere, and the same bytes twice.
func TestWrite(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r", "page.html")
	files, err := Write(full, out)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1+2*10 || files[0] != out {
		t.Fatalf("Write = %v, want the page and 10 charts x 2", files)
	}
	for _, f := range files[1:] {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(f) {
		case ".png":
			if _, err := png.Decode(bytes.NewReader(b)); err != nil {
				t.Errorf("%s: %v", f, err)
			}
		case ".svg":
			d := xml.NewDecoder(bytes.NewReader(b))
			for {
				if _, err := d.Token(); err != nil {
					if err.Error() != "EOF" {
						t.Errorf("%s: not well-formed: %v", f, err)
					}
					break
				}
			}
		}
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "*", ".*.tmp"))
	left2, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*.tmp"))
	if len(left)+len(left2) > 0 {
		t.Errorf("temporary files left: %v %v", left, left2)
	}
	html, _ := os.ReadFile(out)
	for _, bad := range []string{"<script", "<link", "<img", "@import", "url(", `src="`} {
		if bytes.Contains(html, []byte(bad)) {
			t.Errorf("the page contains %q: want it self-contained", bad)
		}
	}
	for _, u := range regexp.MustCompile(`https?://[^"' <]+`).FindAll(html, -1) {
		if !bytes.HasPrefix(u, []byte("http://www.w3.org/")) { // SVG namespaces, not fetched
			t.Errorf("the page refers to %s: want no network", u)
		}
	}
	if n := bytes.Count(html, []byte("<svg")); n != 10 {
		t.Errorf("%d inline SVG charts, want 10", n)
	}
	again := filepath.Join(t.TempDir(), "again.html")
	if _, err := Write(full, again); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(again); !bytes.Equal(b, html) {
		t.Error("two reports of the same folder differ")
	}
}

// text is the page's text as a reader sees it, without the charts' inner
// text (tick labels are gonum's) and with one line per block.
func text(html []byte) string {
	s := string(html)
	s = regexp.MustCompile(`(?s)<style>.*?</style>`).ReplaceAllString(s, "")
	s = regexp.MustCompile(`(?s)<svg.*?</svg>`).ReplaceAllString(s, "[chart]")
	s = regexp.MustCompile(`</(p|h1|h2|tr|caption|figcaption|li|summary|th|td)>|<br>`).ReplaceAllString(s, "$0\n")
	s = regexp.MustCompile(`<[^>]+>`).ReplaceAllString(s, " ")
	s = strings.NewReplacer("&#39;", "'", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#43;", "+").Replace(s)
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// TestGoldenText compares the page's text, numbers at fixed precision,
// with testdata/*.golden.txt; go test -update rewrites them.
func TestGoldenText(t *testing.T) {
	for _, dir := range []string{"full", "minimal"} {
		t.Run(dir, func(t *testing.T) {
			pg := build(t, filepath.Join("testdata", dir))
			html, err := pg.HTML()
			if err != nil {
				t.Fatal(err)
			}
			got := text(html)
			golden := filepath.Join("testdata", dir+".golden.txt")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("%s line %d:\n got %s\nwant %s", golden, i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("%s: %d lines, want %d", golden, len(gl), len(wl))
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		metric string
		x      float64
		want   string
	}{
		{"verified_per_1000", 4.149, "4.1"},
		{"verified_per_1000", -0.04, "-0.0"},
		{"cost_total_eur", 1234567.5, "1,234,568"},
		{"cost_total_eur", -2500, "-2,500"},
		{"counselled_share", 0.3456, "34.6"},
		{"return_rate", 0.2, "20.0"},
		{"mean_wait_months", 2.25, "2.2"}, // binary 2.25 rounds to even
		{"intake", 14940.56, "14,940.6"},
		{"x", 0.0 / zero, "n/a"},
	}
	for _, c := range tests {
		if got := num(c.metric, c.x); got != c.want {
			t.Errorf("num(%s, %v) = %q, want %q", c.metric, c.x, got, c.want)
		}
	}
	if got := signed("verified_per_1000", 4.1); got != "+4.1" {
		t.Errorf("signed(4.1) = %q, want +4.1", got)
	}
	if got := iv("verified_per_1000", 4.1, 2.0, 6.3, true); got != "+4.1 [+2.0, +6.3]" {
		t.Errorf("iv = %q", got)
	}
}

var zero float64

// copyFixture copies the full fixture to a temporary folder without the
// files named in drop, and applies edit to summary.csv's text.
func copyFixture(t *testing.T, edit func(string) string, drop ...string) string {
	t.Helper()
	dir := t.TempDir()
	names, _ := filepath.Glob(filepath.Join(full, "*"))
	for _, n := range names {
		base := filepath.Base(n)
		if slicesContains(drop, base) {
			continue
		}
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		if base == "summary.csv" && edit != nil {
			b = []byte(edit(string(b)))
		}
		os.WriteFile(filepath.Join(dir, base), b, 0o644)
	}
	return dir
}

func slicesContains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// TestOriginsFromCases: without persons.csv the origins come from
// cases.csv, as returns per replicate, and the page says so.
func TestOriginsFromCases(t *testing.T) {
	pg := build(t, copyFixture(t, nil, "persons.csv"))
	s := section(t, pg, "origins")
	if s.Note != "" || len(s.Charts) != 1 || !strings.Contains(s.Tables[0].Caption, "cases.csv") {
		t.Fatalf("origins without persons.csv: note %q, %d charts, caption %q: want a chart from cases.csv", s.Note, len(s.Charts), s.Tables[0].Caption)
	}
	// cases.csv of the fixture has one row per person: the baseline's
	// verified returns by origin per replicate, counted here directly.
	count := map[string]float64{}
	for _, r := range readCSV(t, filepath.Join(full, "cases.csv")) {
		if r["scenario"] == "baseline" && (r["outcome"] == "avr" || r["outcome"] == "independent" || r["outcome"] == "forced") {
			count[r["origin"]]++
		}
	}
	for _, row := range s.Tables[0].Rows {
		if want := fmt.Sprintf("%.1f", count[row[0].Text]/4); row[1].Text != want {
			t.Errorf("origin %s baseline = %s, want %s (4 replicates)", row[0].Text, row[1].Text, want)
		}
	}
}

// TestNoAdditional: when no scenario adds a verified departure on
// balance, the net cost per additional one is NaN in summary.csv and the
// page says there is none instead of drawing a chart or printing Inf.
func TestNoAdditional(t *testing.T) {
	nanRow := regexp.MustCompile(`(?m)^([a-z0-9-]+),cost_per_net_verified_eur,.*$`)
	dir := copyFixture(t, func(s string) string {
		return nanRow.ReplaceAllString(s, "$1,cost_per_net_verified_eur,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN")
	})
	pg := build(t, dir)
	s := section(t, pg, "costs")
	if len(s.Charts) != 0 || !strings.Contains(s.Note, "No scenario added verified departures on balance") || !strings.Contains(s.Note, "timing-none loses departures") {
		t.Errorf("costs with no additional departures: %d charts, note %q", len(s.Charts), s.Note)
	}
	html, _ := pg.HTML()
	if bytes.Contains(html, []byte("Inf")) || bytes.Contains(html, []byte("NaN")) {
		t.Error("the page shows Inf or NaN: want n/a or a note")
	}
}

// TestSweepPage: a sweep's folder (points.csv, sensitivity.csv,
// manifest.json; testdata/sweep holds the real output of a Sobol sweep of
// the default study, points.csv cut short) gives the page of what was
// swept and which factors drive each output, one chart per output ranked
// by total-order index, whose reading names the factor with the largest.
func TestSweepPage(t *testing.T) {
	pg, err := Build("testdata/sweep")
	if err != nil {
		t.Fatal(err)
	}
	if len(pg.Sections) != 2 || pg.Sections[0].ID != "swept" || pg.Sections[1].ID != "drivers" {
		t.Fatalf("sections %v, want swept and drivers", pg.Sections)
	}
	if got := len(pg.Sections[0].Tables[0].Rows); got != 12 {
		t.Errorf("%d factors listed, want the manifest's 12", got)
	}
	d := pg.Sections[1]
	if len(d.Charts) != 3 || len(d.Tables) != 3 {
		t.Fatalf("%d charts and %d tables, want one each for the 3 outputs", len(d.Charts), len(d.Tables))
	}
	// the largest ST of verified_per_1000 in testdata/sweep/sensitivity.csv
	rows, err := readSensitivity("testdata/sweep/sensitivity.csv")
	if err != nil {
		t.Fatal(err)
	}
	best, bestV := "", -1.0
	for _, r := range rows {
		if r.metric == "verified_per_1000" && r.index == "ST" && r.value > bestV {
			best, bestV = r.factor, r.value
		}
	}
	if !strings.HasPrefix(d.Charts[0].Reading, best+" moves") {
		t.Errorf("first chart's reading %q, want it to name %s (ST %.3f)", d.Charts[0].Reading, best, bestV)
	}
	if pg.Foot == nil || pg.Foot.Seed != 1 {
		t.Errorf("foot %+v, want the sweep's seed 1", pg.Foot)
	}
	if _, err := Build(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a result folder") {
		t.Errorf("Build(empty folder) = %v, want a one-line refusal", err)
	}
}

// TestPosteriorFromSummary: the probability of beating the baseline is
// summary.csv's p_above_baseline of verified departures, shown beside the
// 90% predictive interval of the difference, and, as the run drew
// unconstrained assumptions too (manifest.json's uncertain), the interval
// and probability with those held (summary.csv's *_held columns); a
// folder whose summary.csv
// predates those columns gets it counted from replicates.csv instead, in
// which provider-ngo has more verified departures than the baseline in
// every one of the fixture's 4 replicates.
func TestPosteriorFromSummary(t *testing.T) {
	ngo := regexp.MustCompile(`(?m)^(provider-ngo,verified_per_1000,(?:[^,]*,){10})[^,]*(,[^,]*,[^,]*,[^,]*)$`)
	edited := copyFixture(t, func(s string) string {
		if !ngo.MatchString(s) {
			t.Fatal("the fixture has no provider-ngo row of verified_per_1000 with 16 fields")
		}
		return ngo.ReplaceAllString(s, "${1}0.250000${2}")
	})
	old := copyFixture(t, func(s string) string {
		var b strings.Builder
		for _, l := range strings.SplitAfter(s, "\n") {
			if f := strings.Split(strings.TrimSuffix(l, "\n"), ","); len(f) == 16 {
				l = strings.Join(f[:8], ",") + "\n"
			}
			b.WriteString(l)
		}
		return b.String()
	})
	for _, tc := range []struct {
		name, dir, source string
		row               []string
	}{
		{"summary.csv", edited, "From summary.csv: p_above_baseline", []string{"provider-ngo", "25.0", "[+61.9, +95.0]", "+78.3 [+55.5, +101.2]", "[+70.1, +86.7]", "100.0"}},
		{"replicates.csv", old, "From replicates.csv", []string{"provider-ngo", "100.0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := section(t, build(t, tc.dir), "posterior")
			if !strings.HasPrefix(s.Intro, tc.source) || len(s.Tables) != 1 {
				t.Fatalf("posterior section: intro %q, %d tables; want one table and an intro starting %q", s.Intro, len(s.Tables), tc.source)
			}
			var got []string
			for _, c := range s.Tables[0].Rows[0] {
				got = append(got, c.Text)
			}
			if !slices.Equal(got, tc.row) {
				t.Errorf("first row %q, want %q", got, tc.row)
			}
		})
	}
}

// TestCalibrationPage: a calibration's folder (testdata/calibration, the
// files of returnsim calibrate testdata/targets-small.toml --study
// testdata/small.toml --budget 40 --seed 3) gets the fit table, ABC's
// generations with their chart, a histogram per free parameter and the
// identification table.
func TestCalibrationPage(t *testing.T) {
	pg, err := Build("testdata/calibration")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range pg.Sections {
		ids = append(ids, s.ID)
	}
	if got := strings.Join(ids, " "); got != "fit abc marginals pairs identification" {
		t.Fatalf("sections %s, want fit abc marginals pairs identification", got)
	}
	fit := pg.Sections[0].Tables[0]
	if len(fit.Rows) != 4 || fit.Rows[0][1].Text != "departure_mix: avr+independent" || fit.Caption != "4 of 4 rows within their tolerance" {
		t.Errorf("fit table: %d rows, first statistic %q, caption %q; want fit.csv's 4 rows, departure_mix: avr+independent, 4 of 4 within", len(fit.Rows), fit.Rows[0][1].Text, fit.Caption)
	}
	if !strings.Contains(pg.Sections[0].Intro, "2.649 at the start, 0.2770 at the fit") {
		t.Errorf("fit intro %q, want the manifest's distances at the start and the fit", pg.Sections[0].Intro)
	}
	if abc := pg.Sections[1]; len(abc.Tables[0].Rows) != 3 || len(abc.Charts) != 1 {
		t.Errorf("ABC section: %d generations and %d charts, want abc.csv's 3 and one chart", len(abc.Tables[0].Rows), len(abc.Charts))
	}
	if n := len(pg.Sections[2].Charts); n != 2 {
		t.Errorf("%d marginal charts, want one per free parameter, 2", n)
	}
	if len(pg.Sections[3].Charts) != 1 {
		t.Errorf("%d pair plots, want one", len(pg.Sections[3].Charts))
	}
	if id := pg.Sections[4].Tables[0]; len(id.Rows) != 2 || !strings.Contains(id.Rows[0][4].Text, "[") {
		t.Errorf("identification: %d rows, ratio %q; want 2 rows with the ratio's Monte Carlo interval", len(id.Rows), id.Rows[0][4].Text)
	}
	if _, err := pg.HTML(); err != nil {
		t.Fatal(err)
	}
}

// TestMorrisSweepPage: a Morris sweep's page (testdata/sweep-morris: the
// real output of `returnsim sweep cmd/returnsim/testdata/sweep-morris.toml
// --workers 1`) speaks of Morris, not Sobol; draws for each output the
// ranked mu* and the mu*-sigma plane; has no NaN cell (mu, sigma and
// mu_star_conf have no interval, and show none); and lists its inputs'
// hashes in the provenance table.
func TestMorrisSweepPage(t *testing.T) {
	pg, err := Build("testdata/sweep-morris")
	if err != nil {
		t.Fatal(err)
	}
	d := pg.Sections[1]
	if strings.Contains(d.Intro, "Sobol") || !strings.Contains(d.Intro, "Morris") || strings.Contains(pg.Lead, "variation each factor accounts for") {
		t.Errorf("lead %q, intro %q: want Morris wording, not Sobol's", pg.Lead, d.Intro)
	}
	var planes int
	for _, c := range d.Charts {
		if strings.HasPrefix(c.Name, "morris-plane-") {
			planes++
		}
	}
	if len(d.Charts) != 6 || planes != 3 {
		t.Errorf("%d charts, %d of them mu*-sigma planes: want mu* and the plane for each of the 3 outputs", len(d.Charts), planes)
	}
	if got := strings.Join(d.Tables[0].Head, ","); got != "factor,mu_star,mu,sigma,mu_star_conf" {
		t.Errorf("table head %s, want SALib's names", got)
	}
	b, err := pg.HTML()
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	if strings.Contains(html, "NaN") {
		t.Errorf("the page shows NaN")
	}
	for _, want := range []string{"d58789063a9496b652b9b26d4e1024cae596695ced6f3a689f60cf554a034c08", "29ef708e7b40dd335e5ab9a4cfccda492a556f8d40fd6386c9f38458314d0043", "1c9202a646e8770c056dcc30dc689f80df1a3e2880a352da7b648b6c13db4e6a"} {
		if !strings.Contains(html, want) {
			t.Errorf("the provenance table lacks %s (the manifest's sweep, design and scenario hashes)", want)
		}
	}
}

// TestSeriesSharedHistory: a projection's timeseries.csv writes the months
// before the fork once, under the baseline's name with part history; each
// scenario's series has them, replicate by replicate, and its own months
// from the fork.
func TestSeriesSharedHistory(t *testing.T) {
	dir := t.TempDir()
	text := "scenario,replicate,month,date,part,avr,independent,forced,absconded\n" +
		"base,0,0,2024-12,history,1,0,0,0\nbase,0,1,2025-01,projection,2,0,0,0\n" +
		"base,1,0,2024-12,history,3,0,0,0\nbase,1,1,2025-01,projection,4,0,0,0\n" +
		"v,0,1,2025-01,projection,5,0,0,0\nv,1,1,2025-01,projection,7,0,0,0\n"
	p := filepath.Join(dir, "timeseries.csv")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := readSeries(p)
	if err != nil {
		t.Fatal(err)
	}
	for sc, want := range map[string][]float64{"base": {2, 3}, "v": {2, 6}} {
		if got := s.Mean(sc, "avr"); !slices.Equal(got, want) {
			t.Errorf("%s: avr by month %v, want %v (the history's months are every scenario's)", sc, got, want)
		}
	}
	if got := s.Replicates("v", "avr"); len(got) != 2 || !slices.Equal(got[0], []float64{1, 5}) || !slices.Equal(got[1], []float64{3, 7}) {
		t.Errorf("v: avr by replicate %v, want [[1 5] [3 7]]", got)
	}
}
