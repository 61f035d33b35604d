package report

import (
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/results"
)

// testKeys describe the keys of the configurations of TestDiffConfigs as
// a run's manifest.json does (its keys).
var testKeys = newKeyTable(&results.Manifest{Keys: []results.ManifestKey{
	{Key: "start", Desc: "calendar month of the first recorded month (month 0)", Unit: "YYYY-MM"},
	{Key: "params.counselling.effect", Desc: "AVR effect of a session at the best moment, with full trust", Unit: "log-odds", Source: "calibrated: point fit"},
	{Key: "params.counselling.civil_legal", Desc: "boost to a new procedure from a civil-society session", Unit: "log-odds", Source: "assumption"},
	{Key: "params.counselling.moment_first", Desc: "effect of a session at the first negative decision", Unit: "fraction of effect", Source: "seed 001"},
	{Key: "policy.counselling.timing", Desc: "when counselling is given: none, first-decision, ...", Unit: "name", Via: []string{"params.counselling.effect", "params.counselling.moment_first"}},
	{Key: "policy.counselling.provider", Desc: "who counsels: a provider's name, or shares", Via: []string{"params.counselling.effect", "params.counselling.civil_legal"}},
	{Key: "policy.counselling.provider.government", Unit: "share"},
	{Key: "policy.counselling.provider.ngo", Unit: "share"},
	{Key: "policy.counselling.provider.iom", Unit: "share"},
	{Key: "policy.reintegration.cash_eur", Desc: "cash support per returnee", Unit: "EUR", Via: []string{"params.reintegration.effect"}},
	{Key: "params.reintegration.effect", Desc: "AVR effect of a package, on a log scale of its value", Source: "calibrated: point fit"},
	{Key: "population.frl_share", Desc: "share of single persons placed in the freedom-restricting location (VBL) at the deadline, while it has places", Unit: "share"},
	{Key: "intake.scale", Desc: "multiplies every year's intake of new persons", Unit: "multiplier"},
	{Key: "policy.groups", Desc: "group rules: for whom (household, origins, ...) and the keys they set", Unit: "rules", Via: []string{"params.counselling.effect"}},
}})

// cfg is a resolved configuration as manifest.json holds it: policy from
// the first month, then each change (from_month, policy) holding the whole
// policy in force from it.
func cfg(params map[string]any, policy map[string]any, changes ...any) map[string]any {
	c := map[string]any{"start": "2017-01", "params": params, "policy": policy,
		"intake": map[string]any{"scale": 1.0, "entry_irregular_months": 24.0}, "population": map[string]any{"frl_share": 0.34}}
	var cs []any
	for i := 0; i < len(changes); i += 2 {
		cs = append(cs, map[string]any{"from_month": float64(changes[i].(int)), "policy": changes[i+1]})
	}
	if cs != nil {
		c["changes"] = cs
	}
	return c
}

// legacyCfg is cfg as manifest.json held it before changes could set keys
// outside the policy: policy_changes, each table the policy itself.
func legacyCfg(params map[string]any, policy map[string]any, changes ...any) map[string]any {
	c := cfg(params, policy, changes...)
	if cs, ok := c["changes"].([]any); ok {
		for i, ch := range cs {
			m := ch.(map[string]any)
			p := maps.Clone(m["policy"].(map[string]any))
			p["from_month"] = m["from_month"]
			cs[i] = p
		}
		delete(c, "changes")
		c["policy_changes"] = cs
	}
	return c
}

// dated sets keys outside the policy (table, key, value, ...) on change i
// of configuration c.
func dated(c map[string]any, i int, kv ...any) map[string]any {
	ch := c["changes"].([]any)[i].(map[string]any)
	for j := 0; j < len(kv); j += 3 {
		t, _ := ch[kv[j].(string)].(map[string]any)
		if t == nil {
			t = map[string]any{}
			ch[kv[j].(string)] = t
		}
		t[kv[j+1].(string)] = kv[j+2]
	}
	return c
}

func pol(timing string, cash float64, provider map[string]any) map[string]any {
	return map[string]any{"counselling": map[string]any{"timing": timing, "provider": provider}, "reintegration": map[string]any{"cash_eur": cash}}
}

var (
	gov = map[string]any{"government": 1.0, "ngo": 0.0, "iom": 0.0}
	ngo = map[string]any{"government": 0.0, "ngo": 1.0, "iom": 0.0}
	mix = map[string]any{"government": 0.5, "ngo": 0.25, "iom": 0.25}
	par = map[string]any{"counselling": map[string]any{"effect": 2.4, "civil_legal": 0.5, "moment_first": 0.4}}
)

// TestDiffConfigs: what changes is each difference of the resolved
// configurations, said once, in words, dated when it starts after the
// first month; settings equal to the baseline's are never listed, however
// many dated changes a scenario gives of its own.
func TestDiffConfigs(t *testing.T) {
	// the baseline: final-decision throughout, cash 0 then 300 from
	// 2017-07 (month 6)
	base := cfg(par, pol("final-decision", 0, gov), 6, pol("final-decision", 300, gov))
	tests := []struct {
		name string
		sc   map[string]any
		want []string
	}{
		{"the same", cfg(par, pol("final-decision", 0, gov), 6, pol("final-decision", 300, gov)), nil},
		{"a policy key throughout, once, however many periods",
			cfg(par, pol("none", 0, gov), 6, pol("none", 300, gov)),
			[]string{"when counselling is given: none (baseline: final-decision)"}},
		{"its own dated change restating the base's: only the real one, dated",
			cfg(par, pol("final-decision", 0, gov), 6, pol("final-decision", 300, gov), 96, pol("first-decision", 300, gov)),
			[]string{"From 2025-01: when counselling is given: first-decision (baseline: final-decision)"}},
		{"a difference that ends",
			cfg(par, pol("final-decision", 3000, gov), 6, pol("final-decision", 300, gov)),
			[]string{"cash support per returnee: 3,000 EUR (baseline: 0 EUR)", "From 2017-07: cash support per returnee: as the baseline, 300 EUR"}},
		{"the baseline changes under a held value",
			cfg(par, pol("final-decision", 3000, gov)),
			[]string{"cash support per returnee: 3,000 EUR (baseline: 0 EUR)", "From 2017-07: cash support per returnee: 3,000 EUR (baseline: 300 EUR)"}},
		{"a group said as one",
			cfg(par, pol("final-decision", 0, mix), 6, pol("final-decision", 300, ngo)),
			[]string{"who counsels: government 50%, ngo 25%, iom 25% (baseline: government)", "From 2017-07: who counsels: ngo (baseline: government)"}},
		{"the older form of changes, the same difference",
			legacyCfg(par, pol("final-decision", 0, gov), 6, pol("final-decision", 300, gov), 96, pol("first-decision", 300, gov)),
			[]string{"From 2025-01: when counselling is given: first-decision (baseline: final-decision)"}},
		{"a key outside the policy from the first month",
			func() map[string]any {
				c := cfg(par, pol("final-decision", 0, gov), 6, pol("final-decision", 300, gov))
				c["population"] = map[string]any{"frl_share": 0.1}
				return c
			}(),
			[]string{"share of single persons placed in the freedom-restricting location (VBL) at the deadline: 0.1 (baseline: 0.34)"}},
		{"a parameter, and a key the manifest does not describe",
			func() map[string]any {
				c := cfg(map[string]any{"counselling": map[string]any{"effect": 2.4, "civil_legal": 1.5, "moment_first": 0.4}}, pol("final-decision", 0, gov), 6, pol("final-decision", 300, gov))
				c["warmup_months"] = 12.0
				return c
			}(),
			[]string{"boost to a new procedure from a civil-society session: 1.5 log-odds (baseline: 0.5 log-odds)", "warmup months: 12 (baseline: (none))"}},
	}
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, ch := range testKeys.diffConfigs(base, c.sc, 0) {
				got = append(got, ch.text)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("diffConfigs =\n %q\nwant\n %q", got, c.want)
			}
		})
	}
	// with a fork at 2025-01 (month 96), the months before it are the
	// baseline's in every scenario: a variant's policy key is a change
	// from the fork, and its own change that drops the base's (cash 0 in
	// its resolved policy before the fork) is no difference before it
	for _, c := range []struct {
		name string
		sc   map[string]any
		want []string
	}{
		{"a policy key from the fork", cfg(par, pol("none", 0, gov), 6, pol("none", 300, gov)),
			[]string{"From 2025-01: when counselling is given: none (baseline: final-decision)"}},
		{"its own change at the fork replacing the base's", cfg(par, pol("final-decision", 0, gov), 96, pol("final-decision", 3000, gov)),
			[]string{"From 2025-01: cash support per returnee: 3,000 EUR (baseline: 300 EUR)"}},
		{"the same from the fork", cfg(par, pol("final-decision", 0, gov), 96, pol("final-decision", 300, gov)), nil},
		{"keys outside the policy dated from the fork, and one that ends",
			dated(dated(cfg(par, pol("final-decision", 0, gov), 6, pol("final-decision", 300, gov), 96, pol("final-decision", 300, gov), 108, pol("final-decision", 300, gov)),
				1, "population", "frl_share", 0.0, "intake", "scale", 1.2), 2, "intake", "scale", 1.0),
			[]string{"From 2025-01: share of single persons placed in the freedom-restricting location (VBL) at the deadline: 0 (baseline: 0.34)",
				"From 2025-01: multiplies every year's intake of new persons: 1.2 (baseline: 1)",
				"From 2026-01: multiplies every year's intake of new persons: as the baseline, 1"}},
		{"group rules said as one, in words", func() map[string]any {
			p := pol("final-decision", 0, gov)
			p["groups"] = []any{map[string]any{
				"for":         map[string]any{"household": "family", "min_months_without_status": 0.0, "min_file_number": 0.0},
				"counselling": map[string]any{"timing": "periodic", "period_months": 6.0, "provider": ngo},
			}}
			return cfg(par, p, 6, func() map[string]any { q := pol("final-decision", 300, gov); q["groups"] = p["groups"]; return q }())
		}(), []string{"From 2025-01: group rules: for family households: counselling period months 6, counselling timing periodic, counselling provider ngo (baseline: none)"}},
	} {
		var got []string
		for _, ch := range testKeys.diffConfigs(base, c.sc, 96) {
			got = append(got, ch.text)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s, fork 2025-01: diffConfigs =\n %q\nwant\n %q", c.name, got, c.want)
		}
	}
	// what the changes rest on: the via of the settings changed, split by
	// their sources; a parameter the scenario sets is its own
	b := testKeys.basisOf(testKeys.diffConfigs(base, cfg(map[string]any{"counselling": map[string]any{"effect": 2.4, "civil_legal": 1.5, "moment_first": 0.4}}, pol("none", 0, ngo), 6, pol("none", 300, ngo)), 0))
	if !slices.Equal(b.calibrated, []string{"params.counselling.effect"}) || !slices.Equal(b.assumed, []string{"params.counselling.civil_legal", "params.counselling.moment_first"}) || !slices.Equal(b.own, []string{"params.counselling.civil_legal"}) {
		t.Errorf("basisOf = %+v, want calibrated effect; assumed civil_legal, moment_first; own civil_legal", b)
	}
}

// TestWhatChanges: the fixture's "What changes" column says each change
// once and in words, with no raw keys and nothing hidden behind "more";
// first-decision-2025, which gives its own dated changes restating the
// base's, lists only its one real change, dated.
func TestWhatChanges(t *testing.T) {
	s := section(t, build(t, full), "compared")
	want := map[string][]string{
		"provider-ngo":        {"who counsels: ngo (baseline: government)"},
		"periodic":            {"when counselling is given: periodic (baseline: final-decision)"},
		"timing-none":         {"when counselling is given: none (baseline: final-decision)"},
		"first-decision-2025": {"From 2025-01: when counselling is given: first-decision (baseline: final-decision)"},
	}
	for _, row := range s.Tables[0].Rows {
		sc, c := row[0].Text, row[2]
		if sc == "baseline" {
			if c.Text != "(the baseline)" {
				t.Errorf("baseline: %q, want (the baseline)", c.Text)
			}
			continue
		}
		if !slices.Equal(c.List, want[sc]) {
			t.Errorf("%s: what changes %q, want %q", sc, c.List, want[sc])
		}
	}
}

// TestOpening: the page opens with a paragraph computed from summary.csv:
// it names the scenario with the largest paired difference in verified
// departures per 1,000 persons with that difference and its 95% interval
// as summary.csv gives them (rounded to one decimal), says which effects
// are calibrated and which are assumptions, and the table below it says
// "loses departures" for the scenario that loses departures on balance.
func TestOpening(t *testing.T) {
	s := section(t, build(t, full), "brief")
	best, diff := "", math.Inf(-1)
	var want string
	for _, r := range readCSV(t, filepath.Join(full, "summary.csv")) {
		if r["metric"] != "verified_per_1000" || r["scenario"] == "baseline" {
			continue
		}
		f := func(k string) float64 { x, _ := strconv.ParseFloat(r[k], 64); return x }
		if f("diff_vs_baseline") > diff {
			best, diff = r["scenario"], f("diff_vs_baseline")
			want = fmt.Sprintf("%+.1f [%+.1f, %+.1f] verified departures", f("diff_vs_baseline"), f("diff_ci_low"), f("diff_ci_high"))
		}
	}
	if !strings.Contains(s.Intro, "The scenario that adds the most is "+best+": "+want) {
		t.Errorf("opening %q, want it to name %s with %q from summary.csv", s.Intro, best, want)
	}
	for _, w := range []string{"calibrated to data", "assumptions", "The one that loses the most is timing-none"} {
		if !strings.Contains(s.Intro, w) {
			t.Errorf("opening %q, want %q", s.Intro, w)
		}
	}
	cost := map[string]string{}
	for _, row := range s.Tables[0].Rows {
		cost[row[0].Text] = row[len(row)-1].Text
	}
	if cost["timing-none"] != "loses departures" || !strings.HasSuffix(cost["provider-ngo"], " EUR") {
		t.Errorf("net costs in the opening table %q, want timing-none to lose departures and provider-ngo a cost in EUR", cost)
	}
	var items []string
	for _, it := range s.Items {
		items = append(items, it.Head+": "+it.Text)
	}
	all := strings.Join(items, "\n")
	if !strings.Contains(all, "1 calibrated parameter (AVR effect of a session at the best moment)") || !strings.Contains(all, "boost to a new procedure and to regularisation from a civil-society session") {
		t.Errorf("what the differences rest on:\n%s\nwant the calibrated session effect and, for provider-ngo, the assumed civil-society legal boost", all)
	}
}

// TestHistoryPublished: the charts over time compare the baseline with
// DT&V's published figures, each as a month's mean over the months it
// covers, times the run's intake scale (0.01 in the fixture), over the
// years both have; the years after the last published one are the
// projection.
func TestHistoryPublished(t *testing.T) {
	s := section(t, build(t, full), "time")
	if len(s.Charts) != 4 || !strings.Contains(s.Intro, "2023 covers January to October") || !strings.Contains(s.Intro, "times 0.01") {
		t.Fatalf("time: %d charts, intro %q: want 4, the partial year and the scale", len(s.Charts), s.Intro)
	}
	// the published verified independent departures of 2017-2023 a month,
	// from calibrate's table directly, and the fixture's baseline's
	var pub float64
	var n int
	last := 0
	for _, p := range dtv().Published {
		if p.Year >= 2017 && p.Year <= 2025 && !math.IsNaN(p.Independent) {
			pub += p.Independent / float64(p.Months) * 0.01
			n++
			last = max(last, p.Year)
		}
	}
	model := map[int][2]float64{} // year -> sum, months (over replicates)
	for _, r := range readCSV(t, filepath.Join(full, "timeseries.csv")) {
		if r["scenario"] != "baseline" {
			continue
		}
		y, _ := strconv.Atoi(r["date"][:4])
		a, _ := strconv.ParseFloat(r["avr"], 64)
		i, _ := strconv.ParseFloat(r["independent"], 64)
		m := model[y]
		model[y] = [2]float64{m[0] + a + i, m[1] + 1}
	}
	var mod float64
	for y := 2017; y <= last; y++ {
		mod += model[y][0] / model[y][1]
	}
	want := fmt.Sprintf("In 2017-%d the baseline has %s verified independent departures a month on average against %s published", last, num("x", mod/float64(n)), num("x", pub/float64(n)))
	if r := s.Charts[0].Reading; !strings.HasPrefix(r, want) || !strings.Contains(r, fmt.Sprintf("in the projection, %d-2025", last+1)) {
		t.Errorf("reading %q, want it to start %q and give the projection from %d", r, want, last+1)
	}
	if r := s.Charts[3].Reading; !strings.Contains(r, "DT&V publishes no such series") {
		t.Errorf("AVR chart's reading %q, want it to say DT&V publishes none", r)
	}
	// each chart's legend names every scenario whole, and the published
	// series and the band where they are drawn
	for _, c := range s.Charts[:3] {
		for _, w := range []string{">first-decision-2025<", ">DT&amp;V, published x 0.01 (the run&#39;s intake scale)<", ">projection: band over replicates<"} {
			if !strings.Contains(string(c.SVG), w) {
				t.Errorf("chart %s has no legend entry %s", c.Name, w)
			}
		}
	}
}

// TestLegendWhole: a legend below the plot, in columns as wide as the
// longest label: every label of a chart with long scenario names lies
// inside the chart's width, by gonum's own text metrics.
func TestLegendWhole(t *testing.T) {
	long := []string{"baseline", "a-scenario-with-a-long-name-that-once-was-cut-off", "ngo-knowledge-partner-and-a-larger-package-from-2025"}
	var lines []line
	for i, l := range long {
		lines = append(lines, line{l, []float64{2017, 2018}, []float64{float64(i), float64(i + 1)}})
	}
	c, err := lineChart("long", "Long names", "year", "n", "Long names.", true, lines)
	if err != nil {
		t.Fatal(err)
	}
	w := regexp.MustCompile(`<svg[^>]* width="([0-9.]+)pt"`).FindStringSubmatch(string(c.SVG))
	if w == nil {
		t.Fatalf("no width in the SVG's head: %.200s", c.SVG)
	}
	width, _ := strconv.ParseFloat(w[1], 64)
	leg := newLegend()
	for _, l := range long {
		// the text's x and its width by the legend's font
		re := regexp.MustCompile(`<text x="([0-9.]+)"[^>]*>` + regexp.QuoteMeta(l) + `<`)
		m := re.FindStringSubmatch(string(c.SVG))
		if m == nil {
			t.Errorf("legend entry %q not in the SVG whole", l)
			continue
		}
		x, _ := strconv.ParseFloat(m[1], 64)
		if end := x + float64(leg.TextStyle.Rectangle(l).Max.X.Points()); end > width {
			t.Errorf("legend entry %q ends at %.1f pt, beyond the chart's %.1f pt", l, end, width)
		}
	}
}
