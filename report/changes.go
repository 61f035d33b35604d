package report

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/returnsim/returnsim/results"
)

// What a scenario changes is read from the resolved configurations in
// manifest.json, never from the study file's keys: the policy in force
// over time (the policy from the first month, then each policy change from
// its month on) and every other key, against the baseline's. Each
// difference is said once, in the words of the key's description
// (manifest.json's keys), dated when it starts after the first month.

// keyInfo is what manifest.json says of one configuration key.
type keyInfo struct {
	results.ManifestKey
	order int  // twice its place in manifest.json's keys (the order of docs/scenarios.md); a group's is just before its first key
	group bool // a setting made of the keys below it (the counselling provider)
}

// keyTable describes the configuration keys of a run, empty for a
// manifest written before manifest.json had keys.
type keyTable map[string]keyInfo

func newKeyTable(man *results.Manifest) keyTable {
	kt := keyTable{}
	if man == nil {
		return kt
	}
	for i, k := range man.Keys {
		kt[k.Key] = keyInfo{ManifestKey: k, order: 2 * i}
	}
	for key, k := range kt {
		for other, o := range kt {
			if strings.HasPrefix(other, key+".") {
				if !k.group || o.order-1 < k.order {
					k.order = o.order - 1 // just before its first member
				}
				k.group = true
			}
		}
		kt[key] = k
	}
	return kt
}

// setting is the key a difference is reported under: key itself, or the
// group it belongs to (policy.counselling.provider.ngo is the provider's).
func (kt keyTable) setting(key string) string {
	if strings.HasPrefix(key, rulesKey+"[") {
		return rulesKey // a group rule's key: the rules are said as one
	}
	best := key
	for k, info := range kt {
		if info.group && strings.HasPrefix(key, k+".") && (best == key || len(k) < len(best)) {
			best = k
		}
	}
	return best
}

// label names a key in words: the head of its description (headOf), or,
// without a description,
// the key's parts in words ("policy.counselling.timing": "counselling
// timing").
func (kt keyTable) label(key string) string {
	if k, ok := kt[key]; ok && k.Desc != "" {
		return headOf(k.Desc)
	}
	key = strings.TrimPrefix(key, "policy.")
	return strings.NewReplacer(".", " ", "_", " ").Replace(key)
}

// headOf is a description up to its first ": ", "; " or ", " outside
// parentheses: what it names, without how its values read or what
// qualifies it ("AVR effect of a session at the best moment, with full
// trust, ..." is "AVR effect of a session at the best moment").
func headOf(d string) string {
	depth := 0
	for i, r := range d {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ':', ';', ',':
			if depth == 0 && i > 0 && strings.HasPrefix(d[i+1:], " ") {
				return d[:i]
			}
		}
	}
	return d
}

// less orders keys as docs/scenarios.md does, keys the manifest does not
// describe last, by name.
func (kt keyTable) less(a, b string) int {
	ka, oka := kt[a]
	kb, okb := kt[b]
	switch {
	case oka && okb:
		return ka.order - kb.order
	case oka:
		return -1
	case okb:
		return 1
	}
	return strings.Compare(a, b)
}

// calibrated reports whether a key's source says it was fitted to data.
func (kt keyTable) calibrated(key string) bool {
	return strings.HasPrefix(kt[key].Source, "calibrated")
}

// valueText is a configuration value in words, with its unit where that
// reads as a quantity (3,000 EUR; 6 months), not where it names a kind
// (an index, a share, a name).
func (kt keyTable) valueText(key string, v any) string {
	if key == rulesKey {
		return rulesText(v)
	}
	if m, ok := v.(map[string]any); ok && kt[key].group {
		return kt.groupText(key, m)
	}
	s := plainValue(v)
	unit := kt[key].Unit
	if _, isNum := v.(float64); isNum && unit != "" && !unitless[unit] {
		s += " " + unit
	}
	return s
}

// rulesKey is the key of a policy's group rules (agents.Policy.Groups).
const rulesKey = "policy.groups"

// rulesText is a policy's group rules in words, each as for whom and what
// it sets ("for families: counselling timing periodic, ..."), "none"
// without.
func rulesText(v any) string {
	rules, _ := v.([]any)
	if len(rules) == 0 {
		return "none"
	}
	var out []string
	for _, r := range rules {
		m, _ := r.(map[string]any)
		var who []string
		sel, _ := m["for"].(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(sel)) {
			switch x := sel[k]; k {
			case "household":
				who = append(who, plainValue(x)+" households")
			case "origins":
				who = append(who, "origins "+plainValue(x))
			case "cooperation":
				who = append(who, plainValue(x)+" cooperation")
			case "min_months_without_status":
				if n, _ := x.(float64); n > 0 {
					who = append(who, plainValue(x)+" months or more without status")
				}
			case "min_file_number":
				if n, _ := x.(float64); n > 1 {
					who = append(who, "file "+plainValue(x)+" or later")
				}
			default:
				who = append(who, strings.ReplaceAll(k, "_", " ")+" "+plainValue(x))
			}
		}
		if len(who) == 0 {
			who = []string{"everyone"}
		}
		rest := maps.Clone(m)
		delete(rest, "for")
		flat := flatten(rest)
		var sets []string
		for _, k := range slices.Sorted(maps.Keys(flat)) {
			if strings.HasPrefix(k, "counselling.provider.") {
				continue
			}
			sets = append(sets, strings.ReplaceAll(strings.ReplaceAll(k, ".", " "), "_", " ")+" "+plainValue(jsonValue(flat, k)))
		}
		if p, ok := lookup(rest, "counselling.provider").(map[string]any); ok {
			var parts []string
			for _, n := range slices.Sorted(maps.Keys(p)) {
				if x, _ := p[n].(float64); x == 1 {
					parts = []string{n}
					break
				} else if x > 0 {
					parts = append(parts, n+" "+strconv.FormatFloat(100*x, 'f', -1, 64)+"%")
				}
			}
			sets = append(sets, "counselling provider "+strings.Join(parts, ", "))
		}
		out = append(out, "for "+strings.Join(who, ", ")+": "+strings.Join(sets, ", "))
	}
	return strings.Join(out, "; then ")
}

// unitless are units not written after a value.
var unitless = map[string]bool{"name": true, "true/false": true, "index": true, "share": true, "multiplier": true, "month": true}

// groupText is a group of shares in words: the one member with all of
// it ("ngo"), or each member with a share ("government 50%, ngo 25%, iom
// 25%"); other groups list their members' values.
func (kt keyTable) groupText(key string, m map[string]any) string {
	names := slices.Sorted(maps.Keys(m))
	slices.SortStableFunc(names, func(a, b string) int { return kt.less(key+"."+a, key+"."+b) })
	var parts []string
	for _, n := range names {
		x, num := m[n].(float64)
		switch {
		case num && kt[key+"."+n].Unit == "share":
			if x == 1 {
				return n
			}
			if x != 0 {
				parts = append(parts, n+" "+strconv.FormatFloat(100*x, 'f', -1, 64)+"%")
			}
		default:
			parts = append(parts, n+" "+plainValue(m[n]))
		}
	}
	return strings.Join(parts, ", ")
}

// plainValue is a JSON value as a reader writes it: numbers without
// trailing zeros and with thousands separators, yes and no, lists with
// commas.
func plainValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "(none)"
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return group(strconv.FormatFloat(x, 'f', 0, 64))
		}
		return group(strconv.FormatFloat(x, 'f', -1, 64))
	case string:
		return x
	case []any:
		if len(x) == 0 {
			return "none"
		}
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = plainValue(e)
		}
		return strings.Join(parts, ", ")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// period is what dated changes can set, in force from a month (0: the
// first recorded month) until the next period's: the policy, and the keys
// outside it that a change can set ({"policy": ..., "intake": {"scale":
// ...}, "population": ..., "state": ...}).
type period struct {
	from   int
	policy map[string]any
}

// datedTables are the tables of a configuration, besides its policy, whose
// keys a dated change can set (sim.DatedKeys): intake only its scale.
var datedTables = []string{"intake", "population", "state"}

// timeline is a resolved configuration's dated settings over time: its
// own, then each of its changes (each holding the whole policy in force
// from its from_month, and the other keys it sets). A configuration
// written before changes had other keys than the policy holds
// policy_changes, whose tables are the policy itself.
func timeline(cfg map[string]any) []period {
	first := map[string]any{}
	if p, ok := cfg["policy"].(map[string]any); ok {
		first["policy"] = p
	}
	for _, t := range datedTables {
		m, _ := cfg[t].(map[string]any)
		if t == "intake" {
			m = map[string]any{"scale": m["scale"]}
		}
		first[t] = m
	}
	tl := []period{{0, first}}
	changes, _ := cfg["changes"].([]any)
	legacy := false
	if changes == nil {
		changes, _ = cfg["policy_changes"].([]any)
		legacy = true
	}
	for _, c := range changes {
		ch, ok := c.(map[string]any)
		if !ok {
			continue
		}
		m, _ := ch["from_month"].(float64)
		p := maps.Clone(tl[len(tl)-1].policy)
		if legacy {
			pol := maps.Clone(ch)
			delete(pol, "from")
			delete(pol, "from_month")
			p["policy"] = pol
		} else {
			p["policy"] = ch["policy"]
			for _, t := range datedTables {
				set, _ := ch[t].(map[string]any)
				if len(set) == 0 {
					continue
				}
				now := maps.Clone(p[t].(map[string]any))
				maps.Copy(now, set)
				p[t] = now
			}
		}
		if int(m) == 0 {
			tl[0].policy = p
			continue
		}
		tl = append(tl, period{int(m), p})
	}
	return tl
}

// at is the policy in force in month m.
func at(tl []period, m int) map[string]any {
	p := tl[0].policy
	for _, q := range tl {
		if q.from <= m {
			p = q.policy
		}
	}
	return p
}

// change is one difference of a scenario from the baseline.
type change struct {
	from    int    // the month it starts; 0: from the first recorded month
	date    string // from as a calendar month ("2025-01"); "" for 0
	setting string // the key, or the group, it is reported under
	text    string // in words, dated when from > 0
}

// pair is a setting's value in the scenario and in the baseline, in words.
type pair struct{ sc, base string }

// settingsDiff compares two configurations (or policies) key by key under
// prefix and returns, for each setting that differs, the two values in
// words, in the order of docs/scenarios.md.
func (kt keyTable) settingsDiff(prefix string, base, sc map[string]any) (map[string]pair, []string) {
	fb, fs := flatten(base), flatten(sc)
	diff := map[string]pair{}
	var order []string
	for _, k := range slices.Sorted(maps.Keys(union(fb, fs))) {
		if fb[k] == fs[k] {
			continue
		}
		key := prefix + k
		set := kt.setting(key)
		if _, seen := diff[set]; seen {
			continue
		}
		var vb, vs any
		if set != key { // a group: its whole value
			rel := strings.TrimPrefix(set, prefix)
			vb, vs = lookup(base, rel), lookup(sc, rel)
		} else {
			vb, vs = jsonValue(fb, k), jsonValue(fs, k)
		}
		diff[set] = pair{kt.valueText(set, vs), kt.valueText(set, vb)}
		order = append(order, set)
	}
	slices.SortStableFunc(order, kt.less)
	return diff, order
}

func union(a, b map[string]string) map[string]bool {
	u := map[string]bool{}
	for k := range a {
		u[k] = true
	}
	for k := range b {
		u[k] = true
	}
	return u
}

// jsonValue decodes flatten's JSON text of key back to a value; absent
// is nil.
func jsonValue(flat map[string]string, key string) any {
	s, ok := flat[key]
	if !ok {
		return nil
	}
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return s
	}
	return v
}

// lookup returns the value at a dotted key of a configuration map.
func lookup(m map[string]any, key string) any {
	var v any = m
	for _, part := range strings.Split(key, ".") {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[part]
	}
	return v
}

// diffConfigs lists every difference of the resolved configuration sc
// from the baseline's: first those from the first recorded month (every
// key outside the policy, and the policies in force then), then, at each
// month where either policy changes, the settings whose difference starts
// or changes there ("From 2025-01: ...") and those that become the
// baseline's again. A difference that holds unchanged is said once. With
// a fork after the first recorded month (fork > 0), the months before it
// are the baseline's history in every scenario: sc's policy is in force
// from the fork only (the one in force for it then, then its later
// changes), as the run had it.
func (kt keyTable) diffConfigs(base, sc map[string]any, fork int) []change {
	var out []change
	rest := func(cfg map[string]any) map[string]any {
		r := maps.Clone(cfg)
		for _, k := range append([]string{"policy", "changes", "policy_changes"}, datedTables...) {
			delete(r, k)
		}
		if in, ok := cfg["intake"].(map[string]any); ok {
			in = maps.Clone(in)
			delete(in, "scale")
			r["intake"] = in
		}
		return r
	}
	d, order := kt.settingsDiff("", rest(base), rest(sc))
	for _, k := range order {
		out = append(out, change{0, "", k, kt.label(k) + ": " + d[k].sc + " (baseline: " + d[k].base + ")"})
	}
	tb, ts := timeline(base), timeline(sc)
	if fork > 0 {
		ts = fromFork(tb, ts, fork)
	}
	months := map[int]bool{0: true}
	for _, p := range append(slices.Clone(tb), ts...) {
		months[p.from] = true
	}
	start, _ := base["start"].(string)
	prev := map[string]pair{}
	var prevOrder []string
	for _, m := range slices.Sorted(maps.Keys(months)) {
		d, order := kt.settingsDiff("", at(tb, m), at(ts, m))
		when, date := "", ""
		if m > 0 {
			date = monthLabel(start, m)
			when = "From " + date + ": "
		}
		for _, k := range order {
			if p, ok := prev[k]; ok && p == d[k] {
				continue
			}
			out = append(out, change{m, date, k, when + kt.label(k) + ": " + d[k].sc + " (baseline: " + d[k].base + ")"})
		}
		for _, k := range prevOrder {
			if _, still := d[k]; !still {
				v := kt.valueText(k, lookup(at(tb, m), k))
				out = append(out, change{m, date, k, when + kt.label(k) + ": as the baseline, " + v})
			}
		}
		prev, prevOrder = d, order
	}
	return out
}

// fromFork is the policy over time of a scenario with timeline ts that
// continues, from month fork, a history run under the baseline's timeline
// tb: tb's periods before the fork, ts's policy in force at the fork from
// it, then ts's later periods.
func fromFork(tb, ts []period, fork int) []period {
	var out []period
	for _, p := range tb {
		if p.from < fork {
			out = append(out, p)
		}
	}
	out = append(out, period{fork, at(ts, fork)})
	for _, p := range ts {
		if p.from > fork {
			out = append(out, p)
		}
	}
	return out
}

// monthLabel is the calendar month m months after start ("2017-01"), or
// "month m" when start is not a month.
func monthLabel(start string, m int) string {
	var y, mo int
	if _, err := fmt.Sscanf(start, "%4d-%2d", &y, &mo); err != nil || mo < 1 || mo > 12 {
		return fmt.Sprintf("month %d", m)
	}
	t := y*12 + mo - 1 + m
	return fmt.Sprintf("%04d-%02d", t/12, t%12+1)
}

// settingsOf are the settings of changes, each once, in order.
func settingsOf(cs []change) []string {
	var out []string
	for _, c := range cs {
		if !slices.Contains(out, c.setting) {
			out = append(out, c.setting)
		}
	}
	return out
}

// settingLabels are the settings of changes in words, each once, with the
// month it first differs when that is after the first month ("when
// counselling is given (from 2025-01)").
func (kt keyTable) settingLabels(cs []change) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range cs {
		if seen[c.setting] {
			continue
		}
		seen[c.setting] = true
		l := kt.label(c.setting)
		if c.from > 0 {
			l += " (from " + c.date + ")"
		}
		out = append(out, l)
	}
	return out
}

// basis is what a scenario's difference from the baseline rests on: the
// parameters through which the settings it changes act (manifest.json's
// via), and the parameters it sets itself, each calibrated to data or not.
type basis struct {
	calibrated, assumed []string // parameter keys, in the order of docs/scenarios.md
	own                 []string // parameters (params., state.) the scenario sets to its own values
}

func (kt keyTable) basisOf(cs []change) basis {
	var b basis
	seen := map[string]bool{}
	add := func(k string) {
		if seen[k] {
			return
		}
		seen[k] = true
		if kt.calibrated(k) {
			b.calibrated = append(b.calibrated, k)
		} else {
			b.assumed = append(b.assumed, k)
		}
	}
	for _, s := range settingsOf(cs) {
		if strings.HasPrefix(s, "params.") || strings.HasPrefix(s, "state.") {
			b.own = append(b.own, s)
			continue
		}
		for _, v := range kt[s].Via {
			add(v)
		}
	}
	slices.SortStableFunc(b.calibrated, kt.less)
	slices.SortStableFunc(b.assumed, kt.less)
	return b
}
