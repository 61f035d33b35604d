package scenarios

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
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
}

// Scenario is one resolved configuration.
type Scenario struct {
	Name        string
	Description string
	File        string
	FileSHA256  string // hash of the text of the file it came from
	Config      sim.Config
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
		if i == 0 {
			st.Name, st.Description, st.CRN = s.Name, s.Description, s.CRN
		}
		for _, sc := range s.Scenarios {
			if prev, ok := seen[sc.Name]; ok {
				errs = append(errs, &Error{File: f, Key: "name", Msg: fmt.Sprintf("scenario %q is already defined in %s", sc.Name, prev)})
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

func appendErr(errs Errors, file string, err error) Errors {
	var es Errors
	if errors.As(err, &es) {
		return append(errs, es...)
	}
	return append(errs, &Error{File: file, Msg: err.Error()})
}

// scenarioTOML is one scenario table as written: sim.Config's keys plus a
// name and a description, with policy changes kept raw so each can start
// from the policy in force before it.
type scenarioTOML struct {
	Name        string           `toml:"name"`
	Description string           `toml:"description"`
	Changes     []toml.Primitive `toml:"policy_changes"`
	sim.Config
}

type studyTOML struct {
	Name        string                    `toml:"name"`
	Description string                    `toml:"description"`
	CRN         *bool                     `toml:"common_random_numbers"`
	Base        toml.Primitive            `toml:"base"`
	Variants    map[string]toml.Primitive `toml:"variants"`
}

// Parse parses one study file; name is used in errors and as the scenario
// name of a one-scenario file without a name key.
func Parse(name string, data []byte) (*Study, error) {
	p := parser{file: name, text: string(data), seen: map[string]bool{}}
	st, err := p.parse()
	if err != nil {
		return nil, err
	}
	if len(p.errs) > 0 {
		sort.SliceStable(p.errs, func(i, j int) bool { // in file order; unplaced last
			a, b := p.errs[i], p.errs[j]
			if (a.Line == 0) != (b.Line == 0) {
				return b.Line == 0
			}
			return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
		})
		if n := len(p.errs); n > MaxErrors {
			p.errs = append(p.errs[:MaxErrors], &Error{File: name, Msg: fmt.Sprintf("%d more problems not shown", n-MaxErrors)})
		}
		return nil, p.errs
	}
	return st, nil
}

// MaxErrors is the most problems Parse reports of one file; a last line
// says how many more there are.
const MaxErrors = 100

type parser struct {
	file string
	text string
	md   toml.MetaData
	keys []tomlpos.Key
	ix   *tomlpos.Index
	errs Errors
	seen map[string]bool // key and message of each error, to report each once
	// failed holds the dotted keys of the tables whose decoding failed:
	// BurntSushi/toml decodes a table's keys in map order and stops at
	// the first error, so which of their keys are left undecoded is
	// chance. Their unknown keys are not reported.
	failed []string
}

func (p *parser) add(key, msg string) {
	if p.seen[key+"\x00"+msg] {
		return // a policy's ranges are checked with the config and alone
	}
	p.seen[key+"\x00"+msg] = true
	e := &Error{File: p.file, Key: key, Msg: msg}
	if at, ok := p.ix.Lookup(key); ok {
		e.Line, e.Col = at.Line, at.Col
	}
	p.errs = append(p.errs, e)
}

// tomlErr turns a decoding error into an Error with its position.
func (p *parser) tomlErr(err error) *Error { return tomlpos.DecodeErrorIx(p.file, p.ix, err) }

func (p *parser) parse() (*Study, error) {
	var raw studyTOML
	if e := tomlpos.Shape(p.file, p.text); e != nil {
		return nil, Errors{e}
	}
	p.keys = tomlpos.Keys(p.text)
	p.ix = tomlpos.NewIndex(p.keys)
	md, err := toml.Decode(p.text, &raw)
	if err != nil {
		return nil, Errors{p.tomlErr(tomlpos.FirstErrorOf(p.text, p.ix, reflect.TypeOf(raw), err))}
	}
	p.md = md
	if errs := tomlpos.CaseErrors(p.file, md, p.ix, reflect.TypeFor[schemaStudy]()); len(errs) > 0 {
		return nil, errs
	}
	if !md.IsDefined("base") {
		p.add("base", "missing: a study file needs a [base] table")
		return nil, p.errs
	}
	st := &Study{Name: raw.Name, Description: raw.Description, CRN: raw.CRN == nil || *raw.CRN}
	if st.Name == "" {
		st.Name = strings.TrimSuffix(filepath.Base(p.file), filepath.Ext(p.file))
	}
	base, changes, ok := p.scenario("base", raw.Base, sim.DefaultConfig(), nil, true)
	if !ok {
		// decode the variants anyway, so that their keys are not reported
		// unknown; their validation would only repeat the base's errors
		for _, name := range p.variantOrder() {
			p.scenario("variants."+name, raw.Variants[name], base.Config, changes, false)
		}
		p.undecoded()
		return nil, p.errs
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
	}
	p.undecoded()
	sum := sha256.Sum256([]byte(p.text))
	for i := range st.Scenarios {
		st.Scenarios[i].File = p.file
		st.Scenarios[i].FileSHA256 = hex.EncodeToString(sum[:])
	}
	return st, nil
}

// checkName reports a scenario name that is empty, not fit for a CSV
// field, or already taken in the file, at key.
func (p *parser) checkName(n, key string, taken map[string]bool) {
	switch {
	case n == "":
		p.add(key, "empty scenario name: want letters, digits, '-', '_' or '.'")
	case taken[n]:
		p.add(key, fmt.Sprintf("scenario %q is defined twice in this file", n))
	default:
		for _, r := range n {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
				p.add(key, fmt.Sprintf("scenario name %q: want letters, digits, '-', '_' or '.' only (it becomes a CSV field)", n))
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
	for _, k := range p.md.Keys() {
		if len(k) >= 2 && k[0] == "variants" && !seen[k[1]] {
			seen[k[1]] = true
			names = append(names, k[1])
		}
	}
	return names
}

// undecoded reports every key that no field took, but those below a table
// that failed to decode or below an unknown key reported just before, with
// the known key nearest to it if one is close.
func (p *parser) undecoded() {
	suggested := 0
	last := "\x00" // the last key reported: its subkeys follow it
	for _, k := range p.md.Undecoded() {
		full := fullKey(k)
		if p.belowFailed(full) || strings.HasPrefix(full, last) {
			continue
		}
		last = full + "."
		msg := "unknown key"
		// the metadata lists keys in file order: suggest for those that
		// can be among the MaxErrors shown
		if suggested < MaxErrors {
			suggested++
			if s := tomlpos.Suggest(reflect.TypeFor[schemaStudy](), k); s != "" {
				msg = fmt.Sprintf("unknown key: did you mean %s?", s)
			}
		}
		p.add(full, msg)
	}
}

// belowFailed reports whether the dotted key is a table whose decoding
// failed or lies below one.
func (p *parser) belowFailed(key string) bool {
	for _, f := range p.failed {
		if key == f || strings.HasPrefix(key, f+".") {
			return true
		}
	}
	return false
}

// schemaStudy is the shape of a study file, for Suggest.
type schemaStudy struct {
	Name        string                    `toml:"name"`
	Description string                    `toml:"description"`
	CRN         bool                      `toml:"common_random_numbers"`
	Base        schemaScenario            `toml:"base"`
	Variants    map[string]schemaScenario `toml:"variants"`
}

type schemaScenario struct {
	Name        string `toml:"name"`
	Description string `toml:"description"`
	sim.Config
}

// fullKey writes a metadata key as a dotted path. The metadata carries no
// array indices, so tomlpos.Lookup places an element's key at the array.
func fullKey(k toml.Key) string { return strings.Join(k, ".") }

// scenario decodes the scenario table prim (at dotted key at) on top of a
// copy of from and, if validate is set, validates it. It returns what it
// decoded even when that is invalid.
//
// Policy changes are resolved from the scenario's own policy: a variant
// that gives no policy_changes re-applies the raw change tables it
// inherits (returned as changes), so its own policy flows into them.
func (p *parser) scenario(at string, prim toml.Primitive, from sim.Config, inherited []toml.Primitive, validate bool) (sc Scenario, changes []toml.Primitive, ok bool) {
	raw := scenarioTOML{Config: cloneConfig(from)}
	// arrays given replace the whole array below
	path := strings.Split(at, ".")
	def := func(k ...string) bool { return p.md.IsDefined(append(path, k...)...) }
	if def("origins") {
		raw.Origins = nil
	}
	if def("intake", "years") {
		raw.Intake.Years = nil
	}
	if def("policy", "reintegration", "eligible") {
		raw.Policy.Reintegration.Eligible = nil
	}
	if def("restrictions") {
		raw.Restrictions = nil
	}
	if err := p.md.PrimitiveDecode(prim, &raw); err != nil {
		err = p.firstError(at, prim, reflect.TypeFor[scenarioTOML](), err)
		p.errs = append(p.errs, p.tomlErr(err))
		p.failed = append(p.failed, at)
		return Scenario{Config: raw.Config}, inherited, false
	}
	changes = inherited
	if def("policy_changes") {
		changes = raw.Changes
	}
	raw.Config.Changes = nil
	{
		prev := raw.Config.Policy
		for i, cp := range changes {
			ch := sim.Change{Policy: clonePolicy(prev)}
			if hasEligible(p.md, cp) {
				ch.Reintegration.Eligible = nil
			}
			if err := p.md.PrimitiveDecode(cp, &ch); err != nil {
				e := p.tomlErr(p.firstError(at+".policy_changes", cp, reflect.TypeFor[sim.Change](), err))
				if e.Key == "" {
					e.Key = fmt.Sprintf("%s.policy_changes[%d]", at, i)
				}
				p.errs = append(p.errs, e)
				p.failed = append(p.failed, at+".policy_changes")
				return Scenario{Config: raw.Config}, changes, false
			}
			raw.Config.Changes = append(raw.Config.Changes, ch)
			prev = ch.Policy
		}
	}
	sc = Scenario{Name: raw.Name, Description: raw.Description, Config: raw.Config}
	if !validate {
		return sc, changes, false
	}
	if err := sc.Config.Prepare(); err != nil {
		fes := agents.FieldErrors(err)
		for _, fe := range fes {
			p.add(at+"."+fe.Key, fe.Msg)
		}
		if len(fes) == 0 {
			p.add(at, err.Error())
		}
		return sc, changes, false
	}
	return sc, changes, true
}

// firstError is tomlpos.FirstError on the table prim.
func (p *parser) firstError(at string, prim toml.Primitive, t reflect.Type, err error) error {
	return tomlpos.FirstError(p.md, p.ix, at, prim, t, err)
}

// hasEligible reports whether the raw table of a policy change gives
// reintegration.eligible. It decodes into a struct with that key alone, so
// that the change's other keys stay undecoded until the change itself is.
func hasEligible(md toml.MetaData, prim toml.Primitive) bool {
	var x struct {
		Reintegration struct {
			Eligible *[]string `toml:"eligible"`
		} `toml:"reintegration"`
	}
	return md.PrimitiveDecode(prim, &x) == nil && x.Reintegration.Eligible != nil
}

func cloneConfig(c sim.Config) sim.Config {
	c.Origins = append([]agents.Origin(nil), c.Origins...)
	c.Intake.Years = append([]sim.IntakeYear(nil), c.Intake.Years...)
	if c.Restrictions != nil {
		c.Restrictions = append([]sim.Restriction{}, c.Restrictions...)
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
