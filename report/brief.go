package report

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Item is one entry of a section's list: a head in bold, then its text.
type Item struct{ Head, Text string }

// brief is the page's opening: a paragraph that says what the comparison
// found, computed from summary.csv (which scenarios change verified
// departures and AVR per 1,000 persons, by how much, with the 95%
// interval of the paired difference and, with parameter draws, the
// probability of beating the baseline; the net cost per additional
// verified departure) and from manifest.json (which of the parameters
// through which the changed settings act are calibrated to data and which
// are assumptions); then one entry per scenario saying the same of it.
func (in *inputs) brief() (*Section, error) {
	s := &Section{ID: "brief", Title: "In brief"}
	const m, a = "verified_per_1000", "avr_per_1000"
	switch {
	case !in.sum.Has(m):
		s.Note = "summary.csv has no verified departures per 1,000 persons (verified_per_1000): there is no finding to open with; the sections below show what the folder holds."
		return s, nil
	case len(in.others()) == 0:
		s.Note = "Only the baseline was run: there is nothing to compare it with."
		return s, nil
	}
	var up, down, same []string
	best, worst := in.others()[0], in.others()[0]
	for _, sc := range in.others() {
		r, _ := in.sum.Get(sc, m)
		switch {
		case r.DiffLow > 0:
			up = append(up, sc)
		case r.DiffHigh < 0:
			down = append(down, sc)
		default:
			same = append(same, sc)
		}
		if b, _ := in.sum.Get(best, m); r.Diff > b.Diff {
			best = sc
		}
		if w, _ := in.sum.Get(worst, m); r.Diff < w.Diff {
			worst = sc
		}
	}
	var b strings.Builder
	n := len(in.others())
	fmt.Fprintf(&b, "Against the baseline (%s), %s", in.baseline(), count(len(up), n, "adds", "add", "verified departures per 1,000 persons"))
	var rest []string
	if len(down) > 0 {
		rest = append(rest, fmt.Sprintf("%d %s them", len(down), plural(len(down), "loses", "lose")))
	}
	if len(same) > 0 {
		rest = append(rest, fmt.Sprintf("%d %s no difference that the replicates resolve", len(same), plural(len(same), "shows", "show")))
	}
	if len(rest) > 0 {
		b.WriteString(", " + strings.Join(rest, " and "))
	}
	b.WriteString(" (the 95% interval of the paired difference above or below zero). ")
	r, _ := in.sum.Get(best, m)
	fmt.Fprintf(&b, "The scenario that %s is %s: %s%s. ", mostVerb(r.Diff), best, in.effects(best, m, a), in.netCostClause(best))
	if worst != best {
		if w, _ := in.sum.Get(worst, m); w.Diff < 0 {
			fmt.Fprintf(&b, "The one that loses the most is %s: %s%s. ", worst, in.effects(worst, m, a), in.netCostClause(worst))
		}
	}
	if saving := in.saving(); len(saving) > 0 {
		fmt.Fprintf(&b, "%s and %s less than the baseline: %s. ", count(len(saving), n, "adds", "add", "verified departures on balance"), plural(len(saving), "costs", "cost"), list(saving))
	}
	if c := in.cheapest(); c != "" && c != best {
		x, _ := in.sum.Get(c, costPerNet)
		fmt.Fprintf(&b, "Of the scenarios that add verified departures on balance at a cost, %s has the lowest net cost per additional one, %s EUR. ", c, iv(costPerNet, x.Mean, x.Low, x.High, false))
	}
	b.WriteString(in.basisSentence())
	s.Intro = strings.TrimSpace(b.String())
	s.Tables = []Table{in.briefTable(m, a)}
	if s.Items = in.basisItems(); len(s.Items) > 0 {
		s.ItemsIntro = "What each difference rests on: the settings the scenarios change act through the parameters named here, each calibrated to data or an assumption (docs/scenarios.md gives every parameter's source)."
	}
	return s, nil
}

// briefTable is each scenario's finding on a line: what it changes, its
// paired differences with their 95% intervals (and, with parameter draws,
// the probability of beating the baseline), and the net cost per
// additional verified departure.
func (in *inputs) briefTable(m, a string) Table {
	t := Table{Caption: "Each scenario against the baseline: mean paired difference per 1,000 persons [95% interval]",
		Head: []string{"scenario", "changes", "verified departures", "assisted returns (AVR)"}}
	drawn := in.drawn(m)
	if drawn {
		t.Head = append(t.Head, "P(beats baseline), verified departures, %")
	}
	withCost := in.sum.Has(costPerNet)
	if withCost {
		t.Head = append(t.Head, "net cost per additional verified departure")
	}
	for _, sc := range in.others() {
		set := in.keys.settingLabels(in.changes(sc))
		r, _ := in.sum.Get(sc, m)
		row := []Cell{{Text: sc}, {Text: strings.Join(set, "; "), Left: true}, {Text: iv(m, r.Diff, r.DiffLow, r.DiffHigh, true)}, {Text: "n/a"}}
		if ra, ok := in.sum.Get(sc, a); ok {
			row[3].Text = iv(a, ra.Diff, ra.DiffLow, ra.DiffHigh, true)
		}
		if drawn {
			row = append(row, Cell{Text: num("p_beats", r.PAbove)})
		}
		if withCost {
			row = append(row, Cell{Text: in.netCostCell(sc), Left: true})
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// netCostCell is the net cost per additional verified departure in a
// table: "1,234 [1,100, 1,400] EUR", "saves 2,000 [...] EUR", "loses
// departures", "adds none on balance".
func (in *inputs) netCostCell(sc string) string {
	x, _ := in.sum.Get(sc, costPerNet)
	switch {
	case !math.IsNaN(x.Mean) && x.Mean < 0:
		return "saves " + iv(costPerNet, -x.Mean, -x.High, -x.Low, false) + " EUR"
	case !math.IsNaN(x.Mean):
		return iv(costPerNet, x.Mean, x.Low, x.High, false) + " EUR"
	}
	if net, ok := in.sum.Get(sc, "net_verified"); ok && net.Mean < 0 {
		return "loses departures"
	}
	return "adds none on balance"
}

// basisItems say, for the scenarios whose differences rest on the same
// parameters, which of those are calibrated and which assumptions.
func (in *inputs) basisItems() []Item {
	if in.man == nil || len(in.keys) == 0 {
		return nil
	}
	type group struct {
		scenarios, settings []string
		b                   basis
	}
	var groups []*group
	for _, sc := range in.others() {
		cs := in.changes(sc)
		b := in.keys.basisOf(cs)
		set := in.keys.settingLabels(cs)
		var g *group
		for _, h := range groups {
			if slices.Equal(h.b.calibrated, b.calibrated) && slices.Equal(h.b.assumed, b.assumed) && slices.Equal(h.b.own, b.own) {
				g = h
			}
		}
		if g == nil {
			g = &group{b: b}
			groups = append(groups, g)
		}
		g.scenarios = append(g.scenarios, sc)
		g.settings = appendNew(g.settings, set...)
	}
	var items []Item
	for _, g := range groups {
		var parts []string
		if len(g.b.calibrated) > 0 {
			parts = append(parts, fmt.Sprintf("%d calibrated %s (%s)", len(g.b.calibrated), plural(len(g.b.calibrated), "parameter", "parameters"), in.labels(g.b.calibrated)))
		}
		if len(g.b.assumed) > 0 {
			parts = append(parts, fmt.Sprintf("%d %s that no calibration target constrains (%s)", len(g.b.assumed), plural(len(g.b.assumed), "assumption", "assumptions"), in.labels(g.b.assumed)))
		}
		verb := plural(len(g.settings), "acts", "act")
		text := strings.Join(g.settings, "; ")
		switch {
		case len(g.settings) == 0:
			text = "the same configuration as the baseline's"
		case len(parts) > 0:
			text += " " + verb + " through " + strings.Join(parts, " and ")
		case len(g.b.own) == 0:
			text += ": manifest.json names no parameter through which " + plural(len(g.settings), "it acts", "they act")
		}
		if len(g.b.own) > 0 {
			text += "; parameters set to " + plural(len(g.scenarios), "its", "their") + " own values: " + in.labels(g.b.own)
		}
		items = append(items, Item{list(g.scenarios), text + "."})
	}
	return items
}

// costPerNet is the metric of the net cost per additional verified
// departure (results.CostPerNetName).
const costPerNet = "cost_per_net_verified_eur"

func mostVerb(diff float64) string {
	if diff > 0 {
		return "adds the most"
	}
	return "loses the least"
}

// count is "3 of the 10 scenarios add x", "1 of the 10 adds x", "none of
// the 10 adds x".
func count(k, n int, one, many, what string) string {
	if k == 0 {
		return fmt.Sprintf("none of the %d scenarios %s %s", n, one, what)
	}
	return fmt.Sprintf("%d of the %d scenarios %s %s", k, n, plural(k, one, many), what)
}

func plural(k int, one, many string) string {
	if k == 1 {
		return one
	}
	return many
}

// effects is a scenario's paired differences in verified departures and
// AVR per 1,000 persons, with their 95% intervals and, with parameter
// draws, the probability of beating the baseline.
func (in *inputs) effects(sc, m, a string) string {
	r, _ := in.sum.Get(sc, m)
	s := iv(m, r.Diff, r.DiffLow, r.DiffHigh, true) + " verified departures"
	ps := []string{}
	if p := in.pBeats(sc, m); !math.IsNaN(p) {
		ps = append(ps, num("p_beats", p)+"%")
	}
	if ra, ok := in.sum.Get(sc, a); ok {
		s += " and " + iv(a, ra.Diff, ra.DiffLow, ra.DiffHigh, true) + " AVR"
		if p := in.pBeats(sc, a); !math.IsNaN(p) && len(ps) > 0 {
			ps = append(ps, num("p_beats", p)+"%")
		}
	}
	s += " per 1,000 persons"
	if len(ps) > 0 {
		s += " (P(beats baseline): " + strings.Join(ps, " and ") + ")"
	}
	return s
}

// pBeats is summary.csv's share of parameter draws in which the scenario
// beats the baseline on metric m; NaN without draws.
func (in *inputs) pBeats(sc, m string) float64 {
	if !in.drawn(m) {
		return math.NaN()
	}
	r, _ := in.sum.Get(sc, m)
	return r.PAbove
}

// netCost says what one more verified departure on balance costs in a
// scenario: "1,234 [1,100, 1,400] EUR per net additional verified
// departure", "loses departures" where the net change is below zero, ""
// where summary.csv does not say.
func (in *inputs) netCost(sc string) string {
	x, ok := in.sum.Get(sc, costPerNet)
	if !ok {
		return ""
	}
	if !math.IsNaN(x.Mean) && x.Mean < 0 {
		return "costs less than the baseline while adding departures on balance: it saves " + iv(costPerNet, -x.Mean, -x.High, -x.Low, false) + " EUR per net additional verified departure"
	}
	if !math.IsNaN(x.Mean) {
		return "a net cost of " + iv(costPerNet, x.Mean, x.Low, x.High, false) + " EUR per additional verified departure"
	}
	net, ok := in.sum.Get(sc, "net_verified")
	switch {
	case !ok:
		return ""
	case net.Mean < 0:
		return "loses departures: " + num("x", -net.Mean) + " fewer verified departures on balance a replicate, so no cost per departure added"
	}
	return "adds no verified departure on balance, so no cost per departure added"
}

func (in *inputs) netCostClause(sc string) string {
	if c := in.netCost(sc); c != "" {
		return "; " + c
	}
	return ""
}

// cheapest is the scenario with the lowest net cost per additional
// verified departure among those that cost more than the baseline, ""
// when none adds departures on balance at a cost. A scenario that adds
// departures and costs less (saving) is not cheap at a price: it has none.
func (in *inputs) cheapest() string {
	best, bx := "", math.Inf(1)
	for _, sc := range in.others() {
		if x, ok := in.sum.Get(sc, costPerNet); ok && x.Mean >= 0 && x.Mean < bx {
			best, bx = sc, x.Mean
		}
	}
	return best
}

// saving are the scenarios that add verified departures on balance and
// cost less than the baseline.
func (in *inputs) saving() []string {
	var out []string
	for _, sc := range in.others() {
		if x, ok := in.sum.Get(sc, costPerNet); ok && x.Mean < 0 {
			out = append(out, sc)
		}
	}
	return out
}

// list is "a", "a and b", "a, b and c".
func list(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// basisSentence says which of the parameters behind the scenarios'
// differences are calibrated to data and which are assumptions.
func (in *inputs) basisSentence() string {
	if in.man == nil {
		return "Without manifest.json the page cannot say what each scenario changes, nor whether the effects behind the differences are calibrated."
	}
	if len(in.keys) == 0 {
		return "manifest.json does not describe its keys (written before it did): the page cannot say whether the effects behind the differences are calibrated to data or assumptions; rerun the study to see it."
	}
	var cal, ass, own []string
	for _, sc := range in.others() {
		b := in.keys.basisOf(in.changes(sc))
		cal, ass, own = appendNew(cal, b.calibrated...), appendNew(ass, b.assumed...), appendNew(own, b.own...)
	}
	slices.SortStableFunc(cal, in.keys.less)
	slices.SortStableFunc(ass, in.keys.less)
	if len(cal)+len(ass) == 0 && len(own) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "How large these differences are depends on the parameters through which the changed settings act: of those %d, ", len(cal)+len(ass))
	switch len(cal) {
	case 0:
		b.WriteString("none is calibrated to data")
	default:
		fmt.Fprintf(&b, "%d %s calibrated to data (%s)", len(cal), plural(len(cal), "is", "are"), in.labels(cal))
	}
	if len(ass) > 0 {
		fmt.Fprintf(&b, " and %d %s, which no calibration target constrains (each scenario's are listed below the table)", len(ass), plural(len(ass), "is an assumption", "are assumptions"))
	}
	b.WriteString(".")
	if len(own) > 0 {
		fmt.Fprintf(&b, " Some scenarios set parameters of their own: %s.", in.labels(own))
	}
	if in.drawn("verified_per_1000") && len(ass) > 0 {
		var fixed int
		for _, k := range ass {
			if !slices.Contains(in.man.PosteriorKeys, k) {
				fixed++
			}
		}
		if fixed > 0 {
			fmt.Fprintf(&b, " P(beats baseline) spans the posterior of the calibrated parameters; %d of the assumptions keep one value in every draw, so it does not measure how far they could be wrong.", fixed)
		}
	}
	return b.String()
}

// labels are keys in words, separated by semicolons (descriptions hold
// commas).
func (in *inputs) labels(keys []string) string {
	ws := make([]string, len(keys))
	for i, k := range keys {
		ws[i] = in.keys.label(k)
	}
	return strings.Join(ws, "; ")
}

func appendNew(xs []string, ys ...string) []string {
	for _, y := range ys {
		if !slices.Contains(xs, y) {
			xs = append(xs, y)
		}
	}
	return xs
}
