package serve

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/sim"
)

// The kinds of lever: how the page asks for its value.
const (
	kindNumber = "number"
	kindChoice = "choice"
	kindBool   = "bool"
	kindMonth  = "month"
)

// A Lever is one field of the page's form. Its name is the key it sets in
// a policy change of the study file ("counselling.timing"), in a group
// rule's selector ("for.household"), or "from", the month the change is
// dated; its label, unit, range and source are its key's tags
// (scenarios.Keys, and agents.Specs of a selector and of a change).
type Lever struct {
	Field   string   `json:"field"`
	Section string   `json:"section"`
	Kind    string   `json:"kind"`
	Integer bool     `json:"integer,omitempty"`
	Label   string   `json:"label"`
	Unit    string   `json:"unit,omitempty"`
	Range   string   `json:"range,omitempty"` // "lo to hi", inclusive
	Source  string   `json:"source,omitempty"`
	Choices []string `json:"choices,omitempty"`
	// Rule says that a group rule may set it; the others (capacities,
	// counsellors) are the general policy's, shared by every group.
	Rule bool `json:"rule,omitempty"`
	// Optional says that it may be left empty: a selector's key then holds
	// for everyone.
	Optional bool `json:"optional,omitempty"`
}

// Sections are the form's parts, in order, with their headings; a lever's
// Section is one of their keys.
var Sections = []struct{ Key, Title string }{
	{"when", "From when"},
	{"group", "For whom"},
	{"counselling", "Counselling"},
	{"reintegration", "Reintegration package"},
	{"capacity", "Capacities"},
	{"enforcement", "Enforcement"},
}

// leverKeys are the levers' fields, in the form's order, by section: the
// policy keys a planner compares policies by. Everything else of a
// scenario is the study's.
var leverKeys = []struct{ section, field string }{
	{"when", "from"},
	{"group", "for.household"},
	{"group", "for.cooperation"},
	{"group", "for.min_months_without_status"},
	{"counselling", "counselling.timing"},
	{"counselling", "counselling.period_months"},
	{"counselling", "counselling.provider.government"},
	{"counselling", "counselling.provider.ngo"},
	{"counselling", "counselling.provider.iom"},
	{"counselling", "counselling.country_knowledge"},
	{"counselling", "counselling.partner_contact"},
	{"counselling", "counselling.counsellors"},
	{"counselling", "counselling.sessions_per_counsellor"},
	{"counselling", "counselling.overload"},
	{"reintegration", "reintegration.cash_eur"},
	{"reintegration", "reintegration.in_kind_eur"},
	{"reintegration", "reintegration.require_deadline"},
	{"capacity", "capacity.vbl_places"},
	{"capacity", "capacity.family_places"},
	{"capacity", "capacity.detention_places"},
	{"capacity", "capacity.lvv_places"},
	{"capacity", "capacity.removals_per_month"},
	{"enforcement", "enforcement"},
}

// providerField is the key of the counselling provider, a mix of shares
// that is written whole: its shares are three levers.
const providerField = "counselling.provider"

// groupField names the selector as a whole, where a problem of a group
// rule that is not one key's is shown.
const groupField = "group"

// MaxValue is the longest value a lever takes, in bytes.
const MaxValue = 100

// levers makes the levers from the keys' tags.
func levers() ([]Lever, error) {
	specs := map[string]agents.Spec{}
	for _, s := range scenarios.Keys() {
		if k, ok := strings.CutPrefix(s.Key, "policy."); ok {
			specs[k] = s
		}
	}
	for _, s := range agents.Specs(&agents.Selector{}) {
		specs["for."+s.Key] = s
	}
	for _, s := range agents.Specs(&sim.Change{}) {
		if s.Key == "from" {
			specs["from"] = s
		}
	}
	rule := map[string]bool{}
	for _, k := range agents.RuleKeys() {
		rule[k] = true
	}
	var out []Lever
	for _, k := range leverKeys {
		s, ok := specs[k.field]
		if !ok {
			return nil, fmt.Errorf("serve: no key %s among the scenario keys", k.field)
		}
		l := Lever{Field: k.field, Section: k.section, Label: s.Desc, Unit: s.Unit, Source: s.Source,
			Range: strings.Replace(s.Range, ",", " to ", 1), Rule: rule[k.field] || strings.HasPrefix(k.field, providerField+".")}
		switch {
		case k.field == "from":
			l.Kind = kindMonth
		case s.Unit == "name":
			l.Kind, l.Choices = kindChoice, agents.Names(k.field)
			if l.Choices == nil {
				return nil, fmt.Errorf("serve: no names for the key %s", k.field)
			}
		case s.Unit == "true/false":
			l.Kind = kindBool
		default:
			l.Kind = kindNumber
			var f reflect.Value
			if strings.HasPrefix(k.field, "for.") {
				f, _, _, ok = agents.Field(&agents.Selector{}, strings.TrimPrefix(k.field, "for."))
			} else {
				f, _, _, ok = agents.Field(&agents.Policy{}, k.field)
			}
			if !ok {
				return nil, fmt.Errorf("serve: the key %s is not a number", k.field)
			}
			l.Integer = f.Kind() == reflect.Int
		}
		l.Optional = strings.HasPrefix(k.field, "for.")
		out = append(out, l)
	}
	return out, nil
}

// Levers are the values of the form, by lever field, as typed: the parser
// of study files checks them, not this package.
type Levers map[string]string

// A Builder turns the page's levers into a study file, the study's base
// with one variant, and a study's scenario into levers.
type Builder struct {
	Name   string // the variant's name
	file   string // the study file's name
	base   []byte // the study's text without its variants, ending in a newline
	cfg    *sim.Config
	fork   int // the fork's month index
	levers []Lever
	field  map[string]*Lever
}

// NewBuilder returns the builder of the study st, read from text in the
// file named file: its base is text without the variant tables, and must
// parse to st's baseline and fork.
func NewBuilder(file string, text []byte, st *scenarios.Study) (*Builder, error) {
	if st.Fork == "" {
		return nil, fmt.Errorf("%s: the study has no fork: a what-if continues the months before one, shared by every scenario; give it fork = \"YYYY-MM\" above [base]", file)
	}
	ls, err := levers()
	if err != nil {
		return nil, err
	}
	b := &Builder{Name: "what-if", file: file, base: withoutVariants(text), cfg: &st.Scenarios[0].Config, fork: st.ForkMonth, levers: ls, field: map[string]*Lever{}}
	for i := range b.levers {
		b.field[b.levers[i].Field] = &b.levers[i]
	}
	got, err := scenarios.Parse(file, b.base)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s without its variants does not parse (its base cannot be taken apart from them): %w", file, err)
	case len(got.Scenarios) != 1 || got.Fork != st.Fork || got.Scenarios[0].Name != st.Scenarios[0].Name || got.Scenarios[0].ConfigSHA256() != st.Scenarios[0].ConfigSHA256():
		return nil, fmt.Errorf("%s without its variant tables is not its baseline and fork: write the variants as [variants.NAME] tables after [base]", file)
	}
	return b, nil
}

// Levers are the form's levers, in order.
func (b *Builder) Levers() []Lever { return b.levers }

// Fork is the study's fork, YYYY-MM.
func (b *Builder) Fork() string { return b.cfg.Date(b.fork) }

// withoutVariants is a study file's text without its variants: every
// table whose header names variants and what follows it up to the next
// other header, and every line before the first header that sets a
// variants key.
func withoutVariants(text []byte) []byte {
	var out bytes.Buffer
	in, headed := false, false
	for _, line := range strings.SplitAfter(string(text), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[") {
			headed = true
			h := strings.TrimLeft(t, "[ \t")
			in = h == "variants" || strings.HasPrefix(h, "variants.") || strings.HasPrefix(h, "variants]") || strings.HasPrefix(h, "variants ")
		} else if !headed && (strings.HasPrefix(t, "variants.") || strings.HasPrefix(t, "variants ") || strings.HasPrefix(t, "variants=")) {
			continue
		}
		if !in {
			out.WriteString(line)
		}
	}
	b := bytes.TrimRight(out.Bytes(), " \t\r\n")
	return append(b, '\n')
}

// leaves are the keys of the struct v points to, as a study file writes
// them, flattened to dotted keys with their decoded TOML values; the
// counselling provider, arrays and the group rules are one leaf each.
func leaves(v any) map[string]any {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(v); err != nil {
		panic(err) // a policy always encodes
	}
	var m map[string]any
	if _, err := toml.Decode(buf.String(), &m); err != nil {
		panic(err)
	}
	out := map[string]any{}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			key := prefix + k
			if sub, ok := v.(map[string]any); ok && key != providerField && !strings.HasSuffix(key, "."+providerField) {
				walk(key+".", sub)
				continue
			}
			out[key] = v
		}
	}
	walk("", m)
	return out
}

// canon is v as a study file writes it: equal texts are equal values.
func canon(v any) string {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(v); err != nil {
		panic(err)
	}
	return buf.String()
}

// effective is the policy p as the persons it reaches have it: its
// general policy, then for each group rule its selector and the general
// policy with the rule's keys applied. Two policies that treat everyone
// alike have the same text, whether a rule restates a general value or
// leaves it to carry over.
func effective(p *agents.Policy) string {
	g := *p
	g.Groups = nil
	var b strings.Builder
	b.WriteString(canon(&g))
	for i := range p.Groups {
		e := g
		p.Groups[i].Apply(&e)
		fmt.Fprintf(&b, "\n# rule %d\n%s%s", i, canon(&struct {
			For agents.Selector `toml:"for"`
		}{p.Groups[i].For}), canon(&e))
	}
	return b.String()
}

// policyAt is the policy of cfg in force in month t.
func policyAt(cfg *sim.Config, t int) agents.Policy {
	p := cfg.Policy
	for _, c := range cfg.Changes {
		if c.FromMonth <= t {
			p = c.Policy
		}
	}
	return p
}

// tomlValue writes a decoded TOML value inline.
func tomlValue(v any) string {
	switch x := v.(type) {
	case string:
		return tomlString(x)
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".en") {
			s += ".0"
		}
		return s
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = tomlValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []map[string]any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = tomlValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + " = " + tomlValue(x[k])
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
	panic(fmt.Sprintf("serve: no TOML for %T", v))
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || r == 0xfffd:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// display is a decoded TOML value as the form shows it.
func display(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

// number is a TOML number written as a person types one: what a lever
// passes to the study file as it is typed (the parser then checks its
// range), where anything else goes as a string (the parser then says that
// it wants a number). Integers have at most 15 digits, which TOML reads
// without overflow.
var number = regexp.MustCompile(`^[+-]?(0|[1-9][0-9]{0,14})(\.[0-9]+)?([eE][+-]?[0-9]{1,3})?$|^[+-]?(inf|nan)$`)

// value is lever l's raw value as a TOML value: the parser of study files
// checks it whatever it is.
func (l *Lever) value(raw string) string {
	raw = strings.TrimSpace(raw)
	switch l.Kind {
	case kindNumber:
		if number.MatchString(raw) {
			if !l.Integer && !strings.ContainsAny(raw, ".eEn") {
				raw += ".0" // an integer is not a float's value in TOML
			}
			return raw
		}
	case kindBool:
		if raw == "true" || raw == "false" {
			return raw
		}
	}
	return tomlString(raw)
}

// same reports whether raw, lever l's value, is v, a decoded TOML value.
func (l *Lever) same(raw string, v any) bool {
	raw = strings.TrimSpace(raw)
	switch l.Kind {
	case kindNumber:
		x, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.IsNaN(x) {
			return false
		}
		switch y := v.(type) {
		case float64:
			return x == y
		case int64:
			return x == float64(y)
		}
		return false
	}
	return raw == display(v)
}

// providerValue is the provider's shares in ls as one TOML table.
func (b *Builder) providerValue(ls Levers) string {
	var parts []string
	for _, p := range []string{"government", "iom", "ngo"} {
		f := providerField + "." + p
		parts = append(parts, p+" = "+b.field[f].value(ls[f]))
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

// change is one [[changes]] table of the variant.
type change struct {
	from  string      // its from, a TOML value
	keys  [][2]string // the baseline's keys it restates: key, TOML value
	set   [][2]string // the levers' keys
	rules [][]string  // the groups it gives, each as lines of dotted keys; nil: it gives none
}

// monthOf is the month index of YYYY-MM in b's study, ok false if s is
// not a calendar month.
func (b *Builder) monthOf(s string) (int, bool) {
	m, err := sim.ParseMonth(strings.TrimSpace(s))
	if err != nil {
		return 0, false
	}
	start, _ := sim.ParseMonth(b.cfg.Start)
	return m - start, true
}

// Text is the study file of the levers ls, started from the study's
// scenario from (a name of the study's, which the text names in a
// comment): the study's base and one variant, b.Name, whose policy is the baseline's with the levers that
// differ from the baseline's policy in force at their date (ls["from"])
// set from that date on, for the group the selector names (its rule
// first among the rules in force) or for everyone. A variant that gives
// changes of its own replaces the base's, so its changes restate
// what the base's set (from the fork, then at each of the base's changes
// after it), as the default study's larger-package does. Values go into
// the text as typed, numbers as numbers and the rest quoted, so that the
// parser of study files checks every one of them with its own rules and
// messages.
func (b *Builder) Text(ls Levers, from string) []byte {
	var w bytes.Buffer
	w.Write(b.base)
	fmt.Fprintf(&w, "\n# A what-if of returnsim serve, starting from %s: the levers that differ from the baseline, from their month on.\n", from)
	fmt.Fprintf(&w, "# returnsim check FILE checks it; returnsim run FILE runs it.\n[variants.%s]\n", b.Name)
	fmt.Fprintf(&w, "description = %s\n", tomlString(b.describe(ls, from)))
	for _, c := range b.changes(ls) {
		fmt.Fprintf(&w, "\n[[variants.%s.changes]]\nfrom = %s\n", b.Name, c.from)
		if len(c.keys) > 0 {
			w.WriteString("# the baseline's policy here, restated: a variant's own changes replace the base's\n")
		}
		for _, kv := range c.keys {
			fmt.Fprintf(&w, "policy.%s = %s\n", kv[0], kv[1])
		}
		if len(c.set) > 0 {
			w.WriteString("# the levers\n")
		}
		for _, kv := range c.set {
			fmt.Fprintf(&w, "policy.%s = %s\n", kv[0], kv[1])
		}
		for _, r := range c.rules {
			fmt.Fprintf(&w, "[[variants.%s.changes.policy.groups]]\n", b.Name)
			for _, line := range r {
				w.WriteString(line + "\n")
			}
		}
	}
	return w.Bytes()
}

// set are the levers of ls that differ from the policy p, as TOML values
// by key, the general policy's and a group rule's apart: in ruled the
// ones a rule may set when the selector names a group.
func (b *Builder) set(ls Levers, p *agents.Policy) (general, ruled map[string]string, group bool) {
	lv := leaves(p)
	general, ruled = map[string]string{}, map[string]string{}
	for _, f := range []string{"for.household", "for.cooperation", "for.min_months_without_status"} {
		group = group || strings.TrimSpace(ls[f]) != ""
	}
	provider := false
	for i := range b.levers {
		l := &b.levers[i]
		if l.Field == "from" || strings.HasPrefix(l.Field, "for.") {
			continue
		}
		if name, ok := strings.CutPrefix(l.Field, providerField+"."); ok {
			share := lv[providerField].(map[string]any)[name]
			provider = provider || !l.same(ls[l.Field], share)
			continue
		}
		if l.same(ls[l.Field], lv[l.Field]) {
			continue
		}
		if group && l.Rule {
			ruled[l.Field] = l.value(ls[l.Field])
		} else {
			general[l.Field] = l.value(ls[l.Field])
		}
	}
	if provider {
		if group {
			ruled[providerField] = b.providerValue(ls)
		} else {
			general[providerField] = b.providerValue(ls)
		}
	}
	return general, ruled, group
}

// ordered are the keys of m in the form's order (the provider where its
// shares are).
func (b *Builder) ordered(m map[string]string) [][2]string {
	var out [][2]string
	for _, l := range b.levers {
		k := l.Field
		if strings.HasPrefix(k, providerField+".") {
			if !strings.HasSuffix(k, ".government") {
				continue
			}
			k = providerField
		}
		if v, ok := m[k]; ok {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

// changes are the variant's policy changes for the levers ls.
func (b *Builder) changes(ls Levers) []change {
	d, ok := b.monthOf(ls["from"])
	months := []int{b.fork}
	for _, c := range b.cfg.Changes {
		if c.FromMonth > b.fork {
			months = append(months, c.FromMonth)
		}
	}
	at := b.fork
	if ok {
		months, at = append(months, d), d
	}
	slices.Sort(months)
	months = slices.Compact(months)
	ref := policyAt(b.cfg, at)
	general, ruled, group := b.set(ls, &ref)
	rule := b.rule(ls, ruled)
	var out []change
	prev := leaves(&b.cfg.Policy)
	for _, t := range months {
		pol := policyAt(b.cfg, t)
		target := leaves(&pol)
		c := change{from: tomlString(b.cfg.Date(t))}
		now := ok && t >= d
		if ok && t == d {
			c.from = tomlString(strings.TrimSpace(ls["from"]))
		}
		keys := make([]string, 0, len(target))
		for k := range target {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if k == "groups" || now && general[k] != "" {
				continue
			}
			if pv, had := prev[k]; !had || tomlValue(pv) != tomlValue(target[k]) {
				c.keys = append(c.keys, [2]string{k, tomlValue(target[k])})
			}
		}
		if ok && t == d {
			c.set = b.ordered(general)
		}
		baseGroups := tomlValue(orEmpty(target["groups"])) != tomlValue(orEmpty(prev["groups"]))
		switch {
		case group && now && (t == d || baseGroups):
			c.rules = append([][]string{rule}, ruleLines(pol.Groups)...)
		case baseGroups:
			c.keys = append(c.keys, [2]string{"groups", tomlValue(orEmpty(target["groups"]))})
		}
		prev = target
		if len(c.keys) == 0 && len(c.set) == 0 && c.rules == nil && !(ok && t == d) {
			continue
		}
		out = append(out, c)
	}
	if !ok {
		// not a month: the change is written for the parser to say so
		c := change{from: tomlString(strings.TrimSpace(ls["from"])), set: b.ordered(general)}
		if group {
			c.rules = [][]string{rule}
		}
		out = append(out, c)
	}
	return out
}

func orEmpty(v any) any {
	if v == nil {
		return []any{}
	}
	return v
}

// rule is the group rule of the levers ls: their selector and the keys in
// ruled, as lines of dotted keys.
func (b *Builder) rule(ls Levers, ruled map[string]string) []string {
	var lines []string
	for _, f := range []string{"for.household", "for.cooperation", "for.min_months_without_status"} {
		if v := strings.TrimSpace(ls[f]); v != "" {
			lines = append(lines, f+" = "+b.field[f].value(v))
		}
	}
	for _, kv := range b.ordered(ruled) {
		lines = append(lines, kv[0]+" = "+kv[1])
	}
	return lines
}

// ruleLines are the group rules rs as lines of dotted keys, one slice a
// rule.
func ruleLines(rs []agents.Rule) [][]string {
	var out [][]string
	for i := range rs {
		lv := leaves(&rs[i])
		keys := make([]string, 0, len(lv))
		for k := range lv {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var lines []string
		for _, k := range keys {
			lines = append(lines, k+" = "+tomlValue(lv[k]))
		}
		out = append(out, lines)
	}
	return out
}

// describe says in a line what the levers ls change, for the variant's
// description.
func (b *Builder) describe(ls Levers, from string) string {
	d, ok := b.monthOf(ls["from"])
	at := b.fork
	if ok {
		at = d
	}
	ref := policyAt(b.cfg, at)
	general, ruled, group := b.set(ls, &ref)
	say := func(m map[string]string) string {
		var parts []string
		for _, kv := range b.ordered(m) {
			v := strings.TrimSpace(ls[kv[0]])
			if kv[0] == providerField {
				var shares []string
				for _, p := range []string{"government", "ngo", "iom"} {
					shares = append(shares, p+" "+strings.TrimSpace(ls[providerField+"."+p]))
				}
				v = strings.Join(shares, ", ")
			}
			parts = append(parts, kv[0]+" "+v)
		}
		return strings.Join(parts, "; ")
	}
	var parts []string
	if len(general) > 0 {
		parts = append(parts, say(general))
	}
	if group {
		var sel []string
		for _, f := range []string{"for.household", "for.cooperation", "for.min_months_without_status"} {
			if v := strings.TrimSpace(ls[f]); v != "" {
				sel = append(sel, strings.TrimPrefix(f, "for.")+" "+v)
			}
		}
		parts = append(parts, fmt.Sprintf("for %s: %s", strings.Join(sel, " and "), say(ruled)))
	}
	what := "the baseline's policy"
	if len(parts) > 0 {
		what = strings.Join(parts, "; ")
	}
	return fmt.Sprintf("What-if from %s, from %s: %s", from, strings.TrimSpace(ls["from"]), what)
}

// Start are the levers of scenario sc of the study: its policy from the
// first month at or after the fork at which it differs from the
// baseline's, and its first group rule then if it has one of its own.
// The note is empty when the levers give sc's policy from the fork to the
// horizon month by month, and otherwise says what they leave out.
func (b *Builder) Start(sc *scenarios.Scenario) (Levers, string) {
	months := []int{b.fork}
	for _, cs := range [][]sim.Change{sc.Config.Changes, b.cfg.Changes} {
		for _, c := range cs {
			if c.FromMonth > b.fork {
				months = append(months, c.FromMonth)
			}
		}
	}
	slices.Sort(months)
	d := b.fork
	for _, t := range slices.Compact(months) {
		p, q := policyAt(&sc.Config, t), policyAt(b.cfg, t)
		if effective(&p) != effective(&q) {
			d = t
			break
		}
	}
	p, base := policyAt(&sc.Config, d), policyAt(b.cfg, d)
	ls := Levers{"from": b.cfg.Date(d)}
	lv := leaves(&p)
	for _, l := range b.levers {
		switch {
		case l.Field == "from" || strings.HasPrefix(l.Field, "for."):
		case strings.HasPrefix(l.Field, providerField+"."):
			ls[l.Field] = display(lv[providerField].(map[string]any)[strings.TrimPrefix(l.Field, providerField+".")])
		default:
			ls[l.Field] = display(lv[l.Field])
		}
	}
	var left []string
	if len(p.Groups) > 0 && tomlValue(orEmpty(lv["groups"])) != tomlValue(orEmpty(leaves(&base)["groups"])) {
		r := &p.Groups[0]
		if r.For.Household != nil {
			ls["for.household"] = r.For.Household.String()
		}
		if r.For.Cooperation != nil {
			ls["for.cooperation"] = r.For.Cooperation.String()
		}
		if r.For.MinMonths > 0 {
			ls["for.min_months_without_status"] = strconv.Itoa(r.For.MinMonths)
		}
		for k, v := range leaves(r) {
			if strings.HasPrefix(k, "for.") {
				continue
			}
			if k == providerField {
				for share, x := range v.(map[string]any) {
					ls[providerField+"."+share] = display(x)
				}
				continue
			}
			if _, ok := b.field[k]; ok {
				ls[k] = display(v)
			}
		}
		if len(p.Groups) > 1 {
			left = append(left, fmt.Sprintf("its %d group rules but the first", len(p.Groups)-1))
		}
	}
	if err := b.same(sc, ls); err != nil {
		left = append(left, err.Error())
	}
	if len(left) == 0 {
		return ls, ""
	}
	return ls, fmt.Sprintf("The levers cannot say all of %s (%s): the page runs what they say.", sc.Name, strings.Join(left, "; "))
}

// same reports how the policy that the levers ls give differs from sc's,
// from the fork to the horizon, or nil if it does not.
func (b *Builder) same(sc *scenarios.Scenario, ls Levers) error {
	st, err := scenarios.Parse(b.file, b.Text(ls, sc.Name))
	if err != nil {
		return fmt.Errorf("its levers do not parse: %w", err)
	}
	gen := &st.Scenarios[len(st.Scenarios)-1].Config
	months := []int{b.fork}
	for _, cs := range [][]sim.Change{sc.Config.Changes, gen.Changes} {
		for _, c := range cs {
			if c.FromMonth > b.fork {
				months = append(months, c.FromMonth)
			}
		}
	}
	slices.Sort(months)
	for _, t := range slices.Compact(months) {
		p, q := policyAt(&sc.Config, t), policyAt(gen, t)
		if effective(&p) != effective(&q) {
			return fmt.Errorf("its policy in %s is not theirs", b.cfg.Date(t))
		}
	}
	return nil
}

// Problem is a problem with the page's scenario, shown beside the field it
// is about ("" when it is about none).
type Problem struct {
	Field   string `json:"field"`
	Key     string `json:"key"`
	Message string `json:"message"`
}

// Parse parses the study file text of the levers and returns its
// variant, or the parser's problems, each given the lever field it is
// about.
func (b *Builder) Parse(text []byte) (*scenarios.Study, []Problem) {
	st, err := scenarios.Parse(b.Name+".toml", text)
	if err == nil {
		return st, nil
	}
	var es scenarios.Errors
	if !errors.As(err, &es) {
		return nil, []Problem{{Message: err.Error()}}
	}
	var out []Problem
	for _, e := range es {
		out = append(out, Problem{Field: b.fieldOf(e.Key), Key: e.Key, Message: e.Msg})
	}
	return nil, out
}

// index is a key's index of an element of an array of tables.
var index = regexp.MustCompile(`^(changes|groups)\[[0-9]+\]\.?`)

// fieldOf is the lever field the error key k is about, or "".
func (b *Builder) fieldOf(k string) string {
	k, ok := strings.CutPrefix(k, "variants."+b.Name)
	if !ok {
		return ""
	}
	k = strings.TrimPrefix(k, ".")
	k = strings.TrimPrefix(k, "policy.")
	for {
		loc := index.FindStringIndex(k)
		if loc == nil {
			break
		}
		whole := k[:loc[1]]
		k = strings.TrimPrefix(k[loc[1]:], "policy.") // a change's policy keys
		if k == "" && strings.HasPrefix(whole, "groups") {
			return groupField // the rule as a whole
		}
	}
	switch {
	case k == "from" || k == "from_month":
		return "from"
	case k == providerField || strings.HasPrefix(k, providerField+"."):
		if _, ok := b.field[k]; ok {
			return k
		}
		return providerField
	case k == "for" || k == "groups":
		return groupField
	}
	if _, ok := b.field[k]; ok {
		return k
	}
	return ""
}
