package scenarios

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/internal/tomlpos"
	"github.com/returnsim/returnsim/sim"
)

//go:embed default.toml
var defaultStudy []byte

// DefaultName is the file name the embedded default study reports.
const DefaultName = "default.toml"

// DefaultText returns the text of the embedded default study.
func DefaultText() []byte { return bytes.Clone(defaultStudy) }

// Study is an ordered list of scenarios. The first is the baseline that
// others are compared with.
type Study struct {
	Name        string
	Description string
	CRN         bool // common random numbers across scenarios (default true)
	Scenarios   []Scenario

	// Fork is the calendar month (YYYY-MM) from which the scenarios
	// differ, "" for none: the months before it are one history, the
	// baseline's, simulated once per replicate (sim.History), and each
	// scenario continues from it. ForkMonth is its month index (0 = the
	// first recorded month; negative in the warm-up).
	Fork      string
	ForkMonth int

	// Uncertain are the study's unconstrained assumptions: numeric keys no
	// calibration target constrains, each with a plausible range and its
	// reason. A run over a posterior draws each of them too (uniformly in
	// its range, once per replicate, the same in every scenario), so that
	// its intervals carry what is not known (study.Options.Posterior).
	Uncertain []Uncertain
}

// Uncertain is one [[uncertain]] table of a study file: a numeric scenario
// key (scenarios.NumericKey) and the plausible range a run over a
// posterior draws it from, with the reason for that range.
type Uncertain struct {
	Key    string  `toml:"key"`
	Low    float64 `toml:"low"`
	High   float64 `toml:"high"`
	Reason string  `toml:"reason"`
	Where  string  `toml:"-"` // "file:line:col" of its table, for errors found later (a posterior that sets the key)
}

// Scenario is one resolved configuration.
type Scenario struct {
	Name        string
	Description string
	File        string
	FileSHA256  string // hash of the text of the file it came from
	Config      sim.Config

	// Rules says where each group rule of the scenario is written, as
	// "file:line:col: key" (the key of its table in the file), by its
	// name in the scenario: policy.groups[j] in its policy,
	// changes[i].policy.groups[j] in its dated change i (sim.RuleKey).
	Rules map[string]string
}

// ConfigSHA256 is the hash of the scenario's resolved configuration in its
// canonical TOML encoding: equal hashes mean equal configurations.
func (s *Scenario) ConfigSHA256() string {
	var b bytes.Buffer
	if err := Encode(&b, &Scenario{Config: s.Config}); err != nil {
		panic(err) // a validated config always encodes
	}
	h := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(h[:])
}

// Error is one problem in a file: Error() is "file:line:col: key: msg",
// without the position when Line is 0.
type Error = tomlpos.Error

// Errors is every problem found in a set of files, one per line.
type Errors = tomlpos.Errors

// LoadDefault parses the embedded default study.
func LoadDefault() (*Study, error) { return Parse(DefaultName, defaultStudy) }

// Load parses study files and joins their scenarios in order. Scenario
// names must be unique across files.
func Load(files ...string) (*Study, error) {
	var st Study
	var errs Errors
	seen := map[string]string{}
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, &Error{File: f, Msg: err.Error()})
			continue
		}
		s, err := Parse(f, data)
		if err != nil {
			errs = appendErr(errs, f, err)
			continue
		}
		for _, u := range s.Uncertain {
			if j := slices.IndexFunc(st.Uncertain, func(v Uncertain) bool { return v.Key == u.Key }); j >= 0 {
				if v := st.Uncertain[j]; v.Low != u.Low || v.High != u.High {
					errs = append(errs, &Error{File: f, Key: "uncertain", Msg: fmt.Sprintf("%s: %g to %g, but %s gives %g to %g: one range a key", u.Key, u.Low, u.High, v.Where, v.Low, v.High)})
				}
				continue
			}
			st.Uncertain = append(st.Uncertain, u)
		}
		if i == 0 {
			st.Name, st.Description, st.CRN = s.Name, s.Description, s.CRN
			st.Fork, st.ForkMonth = s.Fork, s.ForkMonth
		} else if s.Fork != st.Fork {
			errs = append(errs, &Error{File: f, Key: "fork", Msg: fmt.Sprintf("fork %q, but %s forks at %q: the files of one study share one history", s.Fork, files[0], st.Fork)})
			continue
		}
		for j, sc := range s.Scenarios {
			if prev, ok := seen[sc.Name]; ok {
				if j == 0 && sc.ConfigSHA256() == byName(st.Scenarios, sc.Name).ConfigSHA256() {
					continue // the same baseline again: the files compare their variants with one baseline
				}
				key, hint := "name", ""
				if j == 0 {
					key, hint = "base.name", ": this file's [base] differs from it; give it a name of its own (name = \"...\" in [base]), or make the two bases the same to compare every variant with one baseline"
				}
				errs = append(errs, &Error{File: f, Key: key, Msg: fmt.Sprintf("scenario %q is already defined in %s%s", sc.Name, prev, hint)})
				continue
			}
			seen[sc.Name] = f
			st.Scenarios = append(st.Scenarios, sc)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &st, nil
}

// byName is the scenario of scs named name; it must be there.
func byName(scs []Scenario, name string) *Scenario {
	for i := range scs {
		if scs[i].Name == name {
			return &scs[i]
		}
	}
	panic("scenarios: no scenario " + name)
}

func appendErr(errs Errors, file string, err error) Errors {
	return append(errs, tomlpos.AsErrors(file, err)...)
}

// scenarioTOML is one scenario table as written: sim.Config's keys plus a
// name and a description, with dated changes kept raw so each can start
// from the policy in force before it. policy_changes is the older form of
// changes: its tables give policy keys without the policy. prefix.
type scenarioTOML struct {
	Name          string           `toml:"name"`
	Description   string           `toml:"description"`
	Changes       []toml.Primitive `toml:"changes"`
	PolicyChanges []toml.Primitive `toml:"policy_changes"`
	sim.Config
}

// legacyChange is a [[policy_changes]] table: a change of the policy
// alone, its keys without the policy. prefix.
type legacyChange struct {
	From          string `toml:"from,omitempty"`
	FromMonth     int    `toml:"from_month"`
	agents.Policy        // the whole policy in force from the change
}

type studyTOML struct {
	Name        string                    `toml:"name"`
	Description string                    `toml:"description"`
	CRN         *bool                     `toml:"common_random_numbers"`
	Fork        string                    `toml:"fork"`
	Base        toml.Primitive            `toml:"base"`
	Variants    map[string]toml.Primitive `toml:"variants"`
	Uncertain   []Uncertain               `toml:"uncertain"`
}

// Parse parses one study file; name is used in errors and as the scenario
// name of a one-scenario file without a name key.
func Parse(name string, data []byte) (*Study, error) {
	var raw studyTOML
	doc, err := tomlpos.Decode(name, data, &raw, reflect.TypeFor[schemaStudy]())
	if err != nil {
		return nil, err
	}
	doc.Hint = hint
	p := parser{Doc: doc}
	st := p.parse(&raw)
	if err := doc.Err(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data) // of the text as written, byte-order mark and all
	for i := range st.Scenarios {
		st.Scenarios[i].File = name
		st.Scenarios[i].FileSHA256 = hex.EncodeToString(sum[:])
	}
	return st, nil
}

// MaxErrors is the most problems Parse reports of one file; a last line
// says how many more there are.
const MaxErrors = tomlpos.MaxErrors

type parser struct {
	*tomlpos.Doc
	ownOnly bool // report a scenario's problems only at keys it writes
}

func (p *parser) parse(raw *studyTOML) *Study {
	st := &Study{Name: raw.Name, Description: raw.Description, CRN: raw.CRN == nil || *raw.CRN}
	if st.Name == "" {
		st.Name = strings.TrimSuffix(filepath.Base(p.File), filepath.Ext(p.File))
	}
	if !p.MD.IsDefined("base") {
		p.Add("base", "missing: a study file needs a [base] table")
		p.decodeOnly(raw, sim.DefaultConfig(), nil)
		return nil
	}
	base, changes, ok := p.scenario("base", raw.Base, sim.DefaultConfig(), nil, true)
	if !ok {
		p.decodeOnly(raw, base.Config, changes)
		return nil
	}
	nameKey := "base.name"
	if base.Name == "" {
		base.Name, nameKey = "baseline", "base"
		if len(raw.Variants) == 0 {
			base.Name, nameKey = st.Name, "name"
		}
	}
	p.checkName(base.Name, nameKey, map[string]bool{})
	st.Scenarios = append(st.Scenarios, base)
	tables := []string{"base"} // the table of each scenario
	names := map[string]bool{base.Name: true}
	for _, name := range p.variantOrder() {
		key := "variants." + name
		sc, _, ok := p.scenario(key, raw.Variants[name], base.Config, changes, true)
		if !ok {
			continue
		}
		nameKey := key + ".name"
		if sc.Name == "" || sc.Name == base.Name {
			sc.Name, nameKey = name, key
		}
		if sc.Description == base.Description {
			sc.Description = ""
		}
		p.checkName(sc.Name, nameKey, names)
		st.Scenarios = append(st.Scenarios, sc)
		tables = append(tables, key)
	}
	if raw.Fork != "" {
		p.fork(st, raw.Fork, tables)
	}
	st.Uncertain = p.uncertain(raw.Uncertain, st.Scenarios)
	p.Unknown()
	return st
}

// uncertain checks the study's [[uncertain]] tables against its scenarios:
// each names a numeric key every scenario has (NumericKey), once, with
// low below high inside the key's range, and a reason.
func (p *parser) uncertain(us []Uncertain, scs []Scenario) []Uncertain {
	seen := map[string]bool{}
	for i := range us {
		u := &us[i]
		at := fmt.Sprintf("uncertain[%d]", i)
		if k, ok := p.Ix.Lookup(at); ok {
			u.Where = fmt.Sprintf("%s:%d:%d", p.File, k.Line, k.Col)
		}
		if seen[u.Key] {
			p.Add(at+".key", fmt.Sprintf("%q is given twice: one range a key", u.Key))
			continue
		}
		seen[u.Key] = true
		bad := false
		for j := range scs {
			lo, hi, err := NumericKey(&scs[j].Config, u.Key)
			switch {
			case err != nil:
				p.Add(at+".key", fmt.Sprintf("%v (scenario %s)", err, scs[j].Name))
				bad = true
			case !(u.Low < u.High) || u.Low < lo || u.High > hi:
				p.Add(at+".low", fmt.Sprintf("%g to %g: want low below high, inside the key's range %g to %g", u.Low, u.High, lo, hi))
				bad = true
			}
			if bad {
				break
			}
		}
		if strings.TrimSpace(u.Reason) == "" {
			p.Add(at+".reason", "empty: say why the range is plausible (what the sources say, what no target measures)")
		}
	}
	return us
}

// fork resolves the study's fork month and refuses what would change the
// shared history: a fork outside the run, a study without common random
// numbers, a variant that writes a key other than its policy, or a policy
// change of its own dated before the fork. tables holds each scenario's
// table.
func (p *parser) fork(st *Study, fork string, tables []string) {
	m, err := sim.ParseMonth(fork)
	if err != nil {
		p.Add("fork", err.Error())
		return
	}
	base := &st.Scenarios[0].Config
	start, _ := sim.ParseMonth(base.Start)
	st.Fork, st.ForkMonth = fork, m-start
	if t := st.ForkMonth; t < -base.Warmup || t > base.Months {
		p.Add("fork", fmt.Sprintf("%q: want a month from the warm-up's first, %s, to the horizon, %s", fork, base.Date(-base.Warmup), base.Date(base.Months)))
		return
	}
	if !st.CRN {
		p.Add("fork", "a shared history needs common random numbers: remove common_random_numbers = false, or the fork")
	}
	said := map[string]bool{} // one line for each variant's key of the first level
	for _, k := range p.MD.Keys() {
		if len(k) < 3 || k[0] != "variants" || said[k[1]+"."+k[2]] {
			continue
		}
		switch k[2] {
		case "name", "description", "policy", "changes", "policy_changes":
			continue
		}
		if p.MD.Type(k...) != "Hash" {
			said[k[1]+"."+k[2]] = true
			p.Add(strings.Join(k, "."), fmt.Sprintf("with a fork (%s), a variant changes only its policy, and from the fork on, in [[%s.changes]], the keys that can change from a date: this key would change the shared history; set it in [base], or date it in changes, or remove the fork", fork, strings.Join(k[:2], ".")))
		}
	}
	for i, table := range tables {
		path := strings.Split(table, ".")
		name := "changes"
		switch {
		case i == 0:
			continue
		case p.MD.IsDefined(append(path, "changes")...):
		case p.MD.IsDefined(append(path, "policy_changes")...):
			name = "policy_changes"
		default:
			continue
		}
		for j, c := range st.Scenarios[i].Config.Changes {
			if c.FromMonth < st.ForkMonth {
				p.Add(fmt.Sprintf("%s.%s[%d].from", table, name, j), fmt.Sprintf("%s is before the fork, %s: a variant's own change would change the shared history; date it from the fork on, or set it in [base]", base.Date(c.FromMonth), fork))
			}
		}
	}
}

// decodeOnly decodes the variants on from, a base that is not valid or
// not there, and reports their problems at the keys they write (at others
// they would only repeat the base's) and the unknown keys.
func (p *parser) decodeOnly(raw *studyTOML, from sim.Config, changes []rawChange) {
	p.ownOnly = true
	for _, name := range p.variantOrder() {
		p.scenario("variants."+name, raw.Variants[name], from, changes, true)
	}
	p.Unknown()
}

// checkName reports a scenario name that is empty, not fit for a CSV
// field, or already taken in the file, at key.
func (p *parser) checkName(n, key string, taken map[string]bool) {
	switch {
	case n == "":
		p.Add(key, "empty scenario name: want letters, digits, '-', '_' or '.'")
	case taken[n]:
		p.Add(key, fmt.Sprintf("scenario %q is defined twice in this file", n))
	default:
		for _, r := range n {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
				p.Add(key, fmt.Sprintf("scenario name %q: want letters, digits, '-', '_' or '.' only (it becomes a CSV field)", n))
				break
			}
		}
	}
	taken[n] = true
}

// variantOrder lists the variants in the order the file defines them.
func (p *parser) variantOrder() []string {
	var names []string
	seen := map[string]bool{}
	for _, k := range p.MD.Keys() {
		if len(k) >= 2 && k[0] == "variants" && !seen[k[1]] {
			seen[k[1]] = true
			names = append(names, k[1])
		}
	}
	return names
}

// schemaStudy is the shape of a study file, for Suggest.
type schemaStudy struct {
	Name        string                    `toml:"name"`
	Description string                    `toml:"description"`
	CRN         bool                      `toml:"common_random_numbers"`
	Fork        string                    `toml:"fork"`
	Base        schemaScenario            `toml:"base"`
	Variants    map[string]schemaScenario `toml:"variants"`
	Uncertain   []Uncertain               `toml:"uncertain"`
}

type schemaScenario struct {
	Name          string         `toml:"name"`
	Description   string         `toml:"description"`
	PolicyChanges []legacyChange `toml:"policy_changes"`
	sim.Config
}

// scenario decodes the scenario table prim (at dotted key at) on top of a
// copy of from and, if validate is set, validates it. It returns what it
// decoded even when that is invalid: a key that fails to decode keeps what
// it inherited, so that the others are validated too.
//
// Policy changes are resolved from the scenario's own policy: a variant
// that gives no policy_changes re-applies the raw change tables it
// inherits (returned as changes), so its own policy flows into them.
func (p *parser) scenario(at string, prim toml.Primitive, from sim.Config, inherited []rawChange, validate bool) (sc Scenario, changes []rawChange, ok bool) {
	path := strings.Split(at, ".")
	def := func(k ...string) bool { return p.MD.IsDefined(append(path, k...)...) }
	fresh := func() scenarioTOML {
		raw := scenarioTOML{Config: cloneConfig(from)}
		// arrays given replace the whole array below
		if def("origins") {
			raw.Origins = nil
		}
		if def("intake", "years") {
			raw.Intake.Years = nil
		}
		if def("policy", "reintegration", "eligible") {
			raw.Policy.Reintegration.Eligible = nil
		}
		if def("policy", "groups") {
			raw.Policy.Groups = nil
		}
		if def("restrictions") {
			raw.Restrictions = nil
		}
		if def("arrangements") {
			raw.Arrangements = nil
		}
		return raw
	}
	raw := fresh()
	ok = true
	if err := p.MD.PrimitiveDecode(prim, &raw); err != nil {
		// every bad key, and the scenario without them, to validate
		raw, ok = fresh(), false
		for _, err := range tomlpos.DecodeEach(p.MD, p.Ix, at, prim, &raw, err) {
			p.Failed(err)
		}
		// an array that failed keeps what it inherited
		was := cloneConfig(from)
		if raw.Origins == nil {
			raw.Origins = was.Origins
		}
		if raw.Intake.Years == nil {
			raw.Intake.Years = was.Intake.Years
		}
		if raw.Policy.Reintegration.Eligible == nil {
			raw.Policy.Reintegration.Eligible = was.Policy.Reintegration.Eligible
		}
		if raw.Policy.Groups == nil {
			raw.Policy.Groups = was.Policy.Groups
		}
		if raw.Restrictions == nil {
			raw.Restrictions = was.Restrictions
		}
		if raw.Arrangements == nil {
			raw.Arrangements = was.Arrangements
		}
	}
	if def("restrictions") {
		if i, missing := p.restrictionWithoutTravel(append(path, "restrictions"), len(raw.Restrictions)); missing {
			p.Add(fmt.Sprintf("%s.restrictions[%d].travel", at, i), "missing: want the share, 0 to 1, of the usual chance of a departure that needs travel that remains (1 for a restriction of removals alone, with removals_lost)")
			ok = false
		}
	}
	changes = inherited
	switch {
	case def("changes") && def("policy_changes"):
		p.Add(at+".policy_changes", "give changes or policy_changes (its older form, for the policy alone), not both: move these tables into [["+at+".changes]], their keys under policy.")
		ok = false
		changes = rawChanges(raw.Changes, false)
		for _, prim := range raw.PolicyChanges {
			var lc legacyChange
			_ = p.MD.PrimitiveDecode(prim, &lc) // said above: its keys are not unknown
		}
	case def("changes"):
		changes = rawChanges(raw.Changes, false)
	case def("policy_changes"):
		changes = rawChanges(raw.PolicyChanges, true)
	}
	raw.Config.Changes = nil
	prev := raw.Config.Policy
	for i, rc := range changes {
		fresh := func() sim.Change {
			ch := sim.Change{Policy: clonePolicy(prev)}
			has := arraysGiven(p.MD, rc)
			if has.eligible {
				ch.Reintegration.Eligible = nil
			}
			if has.groups {
				ch.Groups = nil // given, the rules replace the ones in force
			}
			return ch
		}
		ch := fresh()
		var err error
		var lc legacyChange
		if rc.legacy {
			lc.Policy = ch.Policy
			err = p.MD.PrimitiveDecode(rc.prim, &lc)
		} else {
			err = p.MD.PrimitiveDecode(rc.prim, &ch)
		}
		if err != nil {
			ch, lc, ok = fresh(), legacyChange{}, false
			lc.Policy = ch.Policy
			var errs []error
			if rc.legacy {
				errs = tomlpos.DecodeEach(p.MD, p.Ix, fmt.Sprintf("%s.policy_changes[%d]", at, i), rc.prim, &lc, err)
			} else {
				errs = tomlpos.DecodeEach(p.MD, p.Ix, fmt.Sprintf("%s.changes[%d]", at, i), rc.prim, &ch, err)
			}
			for _, err := range errs {
				p.Failed(err)
			}
		}
		if rc.legacy {
			ch.From, ch.FromMonth, ch.Policy = lc.From, lc.FromMonth, lc.Policy
		}
		raw.Config.Changes = append(raw.Config.Changes, ch)
		prev = ch.Policy
	}
	sc = Scenario{Name: raw.Name, Description: raw.Description, Config: raw.Config}
	sc.Rules = p.rulePlaces(at, changes, &sc.Config)
	if !validate {
		return sc, changes, false
	}
	if err := sc.Config.Prepare(); err != nil {
		fes := agents.FieldErrors(err)
		for _, fe := range fes {
			key := at + "." + writtenKey(fe.Key, changes)
			if k, _ := p.Ix.Lookup(key); !p.ownOnly || k.Path == key {
				p.Add(key, fe.Msg)
			}
		}
		if len(fes) == 0 && !p.ownOnly {
			p.Add(at, err.Error())
		}
		return sc, changes, false
	}
	return sc, changes, ok
}

// rulePlaces says where each group rule of cfg, the scenario of table at
// with the raw policy changes changes, is written (Scenario.Rules): in its
// own table if it gives them, else in the base's; a change that gives no
// groups keeps those of the policy before it.
func (p *parser) rulePlaces(at string, changes []rawChange, cfg *sim.Config) map[string]string {
	defined := func(table string, k ...string) bool {
		return p.MD.IsDefined(append(strings.Split(table, "."), k...)...)
	}
	place := func(key string) string {
		if k, ok := p.Ix.Lookup(key); ok {
			return fmt.Sprintf("%s:%d:%d: %s", p.File, k.Line, k.Col, key)
		}
		return p.File + ": " + key
	}
	var out map[string]string
	add := func(name, where string) {
		if out == nil {
			out = map[string]string{}
		}
		out[name] = where
	}
	var prev []string // where the rules in force are written
	table := at
	if !defined(at, "policy", "groups") {
		table = "base"
	}
	for j := range cfg.Policy.Groups {
		prev = append(prev, place(fmt.Sprintf("%s.policy.groups[%d]", table, j)))
		add(sim.RuleKey(-1, j), prev[j])
	}
	table = at
	if !defined(at, "changes") && !defined(at, "policy_changes") {
		table = "base"
	}
	for i, rc := range changes {
		if i >= len(cfg.Changes) {
			break
		}
		if arraysGiven(p.MD, rc).groups {
			prev = nil
			for j := range cfg.Changes[i].Groups {
				written := fmt.Sprintf("%s.changes[%d].policy.groups[%d]", table, i, j)
				if rc.legacy {
					written = fmt.Sprintf("%s.policy_changes[%d].groups[%d]", table, i, j)
				}
				prev = append(prev, place(written))
			}
		}
		for j := range cfg.Changes[i].Groups {
			if j < len(prev) {
				add(sim.RuleKey(i, j), prev[j])
			}
		}
	}
	return out
}

// hint is the message of an unknown key k that a dated change gives but
// cannot set (changeHint), or that a group rule gives but may not set
// (ruleHint), or "".
func hint(k toml.Key) string {
	if h := changeHint(k); h != "" {
		return h
	}
	return ruleHint(k)
}

// changeHint is the message of an unknown key k of a [[changes]] table that
// is a scenario key a change cannot set (it holds for the whole run), or
// "".
func changeHint(k toml.Key) string {
	c := slices.Index(k, "changes")
	if c < 0 || c+1 >= len(k) {
		return ""
	}
	switch k[c+1] {
	case "from", "from_month", "policy", "intake", "population", "state":
		return ""
	}
	key := strings.Join(k[c+1:], ".")
	if _, _, _, ok := agents.Field(&sim.Config{}, key); !ok && !slices.Contains([]string{"start", "origins", "restrictions", "arrangements", "params", "costs", "fork"}, k[c+1]) {
		return ""
	}
	return fmt.Sprintf("%s cannot change from a date: it holds for the whole run (set it in the scenario's table); a change sets %s", key, strings.Join(append([]string{"policy.*"}, sim.DatedKeys...), ", "))
}

// ruleHint is the message of an unknown key k inside a group rule that is
// a policy key a rule may not set (a capacity, shared by every group), or
// "".
func ruleHint(k toml.Key) string {
	g := slices.Index(k, "groups")
	if g < 0 || g+1 >= len(k) || k[g+1] == "for" {
		return ""
	}
	key := strings.Join(k[g+1:], ".")
	if _, _, _, ok := agents.Field(&agents.Policy{}, key); !ok && !slices.Contains(policyKeys, key) {
		return ""
	}
	return fmt.Sprintf("a group rule cannot set %s: capacities are shared by every group, so it is the policy's own (a rule sets %s)", key, strings.Join(agents.RuleKeys(), ", "))
}

// policyKeys are the keys of a policy that are not numbers.
var policyKeys = []string{"counselling.timing", "counselling.provider", "counselling.overload", "counselling.partner_contact", "reintegration.eligible", "reintegration.require_deadline"}

// rawChange is a dated change's table as written, in the form of changes
// or, legacy, of policy_changes (policy keys without the policy. prefix).
type rawChange struct {
	prim   toml.Primitive
	legacy bool
}

func rawChanges(prims []toml.Primitive, legacy bool) []rawChange {
	out := make([]rawChange, len(prims))
	for i, p := range prims {
		out[i] = rawChange{p, legacy}
	}
	return out
}

// writtenKey is the key, as the file writes it, of a field error's key in
// the resolved configuration: changes[i].policy.k is policy_changes[i].k
// when change i is written in that older form.
func writtenKey(key string, changes []rawChange) string {
	var i int
	var rest string
	if n, _ := fmt.Sscanf(key, "changes[%d]", &i); n != 1 || i >= len(changes) || !changes[i].legacy {
		return key
	}
	_, rest, _ = strings.Cut(key, "]")
	rest = strings.TrimPrefix(rest, ".policy")
	return fmt.Sprintf("policy_changes[%d]%s", i, rest)
}

// given is which of the arrays of a policy a dated change gives.
type given struct{ eligible, groups bool }

// arraysGiven reports which arrays of the policy the raw table of a dated
// change gives: reintegration.eligible, groups. It decodes into a struct
// with those keys alone, so that the change's other keys stay undecoded
// until the change itself is.
func arraysGiven(md toml.MetaData, rc rawChange) given {
	type arrays struct {
		Reintegration struct {
			Eligible *[]string `toml:"eligible"`
		} `toml:"reintegration"`
		Groups *[]toml.Primitive `toml:"groups"`
	}
	var x arrays
	if rc.legacy {
		if md.PrimitiveDecode(rc.prim, &x) != nil {
			return given{}
		}
	} else {
		var y struct {
			Policy arrays `toml:"policy"`
		}
		if md.PrimitiveDecode(rc.prim, &y) != nil {
			return given{}
		}
		x = y.Policy
	}
	return given{x.Reintegration.Eligible != nil, x.Groups != nil}
}

func cloneConfig(c sim.Config) sim.Config {
	c.Origins = append([]agents.Origin(nil), c.Origins...)
	c.Intake.Years = append([]sim.IntakeYear(nil), c.Intake.Years...)
	if c.Restrictions != nil {
		c.Restrictions = append([]sim.Restriction{}, c.Restrictions...)
	}
	if c.Arrangements != nil {
		c.Arrangements = append([]sim.Arrangement{}, c.Arrangements...)
	}
	c.Policy = clonePolicy(c.Policy)
	ch := make([]sim.Change, len(c.Changes))
	for i := range c.Changes {
		ch[i] = c.Changes[i]
		ch[i].Policy = clonePolicy(c.Changes[i].Policy)
	}
	if c.Changes != nil {
		c.Changes = ch
	}
	return c
}

func clonePolicy(p agents.Policy) agents.Policy {
	p.Reintegration.Eligible = append([]string(nil), p.Reintegration.Eligible...)
	if p.Groups != nil {
		p.Groups = append([]agents.Rule{}, p.Groups...) // a rule's values are never written into: sharing them is safe
	}
	return p
}

// Encode writes sc as a one-scenario study file that Parse reads back to
// the same configuration.
func Encode(w io.Writer, sc *Scenario) error {
	type out struct {
		Name        string `toml:"name"`
		Description string `toml:"description,omitempty"`
		sim.Config
	}
	var b bytes.Buffer
	enc := toml.NewEncoder(&b)
	enc.Indent = ""
	if err := enc.Encode(struct {
		Base out `toml:"base"`
	}{out{sc.Name, sc.Description, sc.Config}}); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// ConfigMap returns the scenario's resolved configuration as nested maps
// keyed by its TOML keys, for manifests and other JSON output.
func (s *Scenario) ConfigMap() map[string]any {
	var b bytes.Buffer
	if err := Encode(&b, s); err != nil {
		panic(err) // a validated config always encodes
	}
	var m struct {
		Base map[string]any `toml:"base"`
	}
	if _, err := toml.Decode(b.String(), &m); err != nil {
		panic(err)
	}
	delete(m.Base, "name")
	delete(m.Base, "description")
	return m.Base
}

// restrictionWithoutTravel finds the first restriction table, of the n at
// key path, that gives no travel: left out, travel would read as 0, no
// departure that needs travel at all, which no one means by leaving it
// out. For an inline array, whose keys the TOML metadata does not tell
// apart by element, the index is that of the first table past the travel
// keys given.
func (p *parser) restrictionWithoutTravel(path []string, n int) (int, bool) {
	key := strings.Join(path, ".")
	travels := 0
	var has []bool
	for _, k := range p.MD.Keys() {
		switch k.String() {
		case key:
			if p.MD.Type(k...) == "ArrayHash" { // one [[...]] table
				has = append(has, false)
			}
		case key + ".travel":
			travels++
			if len(has) > 0 {
				has[len(has)-1] = true
			}
		}
	}
	for i, h := range has {
		if !h {
			return i, true
		}
	}
	if len(has) == 0 && travels < n {
		return travels, true
	}
	return 0, false
}
