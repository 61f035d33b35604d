package agents

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// A policy may give groups of persons policy keys of their own: its
// Groups, rules in order, each a Selector and the keys it sets. The first
// rule whose selector matches a person gives that person's policy: the
// policy with the rule's keys set (Rule.Apply); a person no rule matches
// has the policy itself. A rule sets only what is about the person
// (counselling's timing, period, provider, country knowledge and partner
// contact, the reintegration package, enforcement); capacities
// (counsellors, sessions, overload, places, removals) are shared, so they
// stay the policy's own.
//
// Prepare resolves the rules once (the policy of each, against the
// origin table), so that For, which the engine calls for a person-month,
// is a few comparisons, and the policy itself when there are no rules.

// MarshalText and UnmarshalText let a household round-trip through TOML.
func (h Household) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

func (h *Household) UnmarshalText(b []byte) error {
	return parseEnum(string(b), householdNames[:], (*uint8)(h))
}

// Selector says whom a group rule is for: every field given must hold,
// and a field left out holds for everyone.
type Selector struct {
	Household   *Household `toml:"household,omitempty" unit:"name" desc:"family or single"`
	Origins     []string   `toml:"origins,omitempty" unit:"ISO 3166 alpha-2 codes" desc:"codes of origins in the origin table; empty: every origin"`
	Cooperation *CoopClass `toml:"cooperation,omitempty" unit:"name" desc:"the origin's cooperation class: low, medium or high"`
	MinMonths   int        `toml:"min_months_without_status,omitempty" unit:"months" range:"0,1200" desc:"at least this many months without status (the person's months of irregular stay, over all files, at the start of the month)"`
	MinFile     int        `toml:"min_file_number,omitempty" unit:"file number" range:"0,1000" desc:"at least this file number (1: the first file)"`
}

// RuleCounselling, RuleReintegration are the keys of Counselling and
// Reintegration that a rule may set: nil is not set.
type RuleCounselling struct {
	Timing           *Timing      `toml:"timing,omitempty"`
	PeriodMonths     *int         `toml:"period_months,omitempty"`
	Provider         *ProviderMix `toml:"provider,omitempty"`
	CountryKnowledge *float64     `toml:"country_knowledge,omitempty"`
	PartnerContact   *bool        `toml:"partner_contact,omitempty"`
}

type RuleReintegration struct {
	CashEUR         *float64  `toml:"cash_eur,omitempty"`
	InKindEUR       *float64  `toml:"in_kind_eur,omitempty"`
	Eligible        *[]string `toml:"eligible,omitempty"`
	RequireDeadline *bool     `toml:"require_deadline,omitempty"`
}

// Rule is one group rule: whom it is for, and the policy keys it sets,
// each under the same key as in Policy. Unset keys carry over from the
// policy the rule belongs to, whatever that policy is in force.
type Rule struct {
	For           Selector          `toml:"for"`
	Counselling   RuleCounselling   `toml:"counselling,omitempty"`
	Reintegration RuleReintegration `toml:"reintegration,omitempty"`
	Enforcement   *float64          `toml:"enforcement,omitempty"`
}

// RuleKeys are the policy keys a rule may set, in declaration order.
func RuleKeys() []string {
	var keys []string
	eachRuleKey(reflect.ValueOf(&Rule{}).Elem(), "", func(k string, _ reflect.Value) { keys = append(keys, k) })
	return keys
}

// Keys are the policy keys rule r sets, in declaration order.
func (r *Rule) Keys() []string {
	var keys []string
	eachRuleKey(reflect.ValueOf(r).Elem(), "", func(k string, v reflect.Value) {
		if !v.IsNil() {
			keys = append(keys, k)
		}
	})
	return keys
}

// Apply sets on p the keys r sets.
func (r *Rule) Apply(p *Policy) {
	dst := reflect.ValueOf(p).Elem()
	eachRuleKey(reflect.ValueOf(r).Elem(), "", func(k string, v reflect.Value) {
		if v.IsNil() {
			return
		}
		f := fieldAt(dst, k)
		x := v.Elem()
		if x.Kind() == reflect.Slice { // a copy: the rule's slice is not the policy's
			x = reflect.AppendSlice(reflect.MakeSlice(x.Type(), 0, x.Len()), x)
		}
		f.Set(x)
	})
}

// eachRuleKey calls fn with every policy key of the rule struct v (its
// pointer fields, below the selector) and the pointer.
func eachRuleKey(v reflect.Value, prefix string, fn func(string, reflect.Value)) {
	t := v.Type()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ",")
		if name == "for" {
			continue
		}
		if prefix != "" {
			name = prefix + "." + name
		}
		if f := v.Field(i); f.Kind() == reflect.Struct {
			eachRuleKey(f, name, fn)
		} else {
			fn(name, f)
		}
	}
}

// fieldAt is the field of struct v at the dotted toml key.
func fieldAt(v reflect.Value, key string) reflect.Value {
	for _, name := range strings.Split(key, ".") {
		t := v.Type()
		found := false
		for i := range t.NumField() {
			if n, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ","); n == name {
				v, found = v.Field(i), true
				break
			}
		}
		if !found {
			panic("agents: a rule key that Policy does not have: " + key)
		}
	}
	return v
}

// validateRule checks rule r of policy p: it sets at least one key, and
// the policy it gives (p with r's keys) is valid at the keys r sets.
// Errors are keyed below the rule.
func (p *Policy) validateRule(r *Rule) error {
	var errs []error
	if err := CheckRanges(&r.For); err != nil {
		errs = append(errs, prefixErr("for", err))
	}
	keys := r.Keys()
	if len(keys) == 0 {
		return errors.Join(append(errs, &FieldError{Msg: "sets no policy key: want at least one of " + strings.Join(RuleKeys(), ", ")})...)
	}
	q := p.ruleBase()
	r.Apply(&q)
	for _, fe := range FieldErrors(q.Validate()) {
		key := fe.Key
		if key == "counselling.counsellors" { // the counsellors are shared: it is the rule's timing that needs them
			key = "counselling.timing"
		}
		for _, k := range keys {
			if key == k || strings.HasPrefix(key, k+".") {
				errs = append(errs, &FieldError{Key: key, Msg: fe.Msg})
				break
			}
		}
	}
	return errors.Join(errs...)
}

// ruleBase is p without its rules, with its own copy of the eligible
// origins: what a rule's keys are set on.
func (p *Policy) ruleBase() Policy {
	q := *p
	q.Groups, q.groups = nil, nil
	q.Reintegration.Eligible = slices.Clone(p.Reintegration.Eligible)
	q.Reintegration.eligible, q.Reintegration.logOdds = nil, nil
	return q
}

// prefixErr puts key before the key of every field error in err.
func prefixErr(key string, err error) error {
	var out []error
	for _, fe := range FieldErrors(err) {
		k := key
		if fe.Key != "" {
			k += "." + fe.Key
		}
		out = append(out, &FieldError{Key: k, Msg: fe.Msg})
	}
	return errors.Join(out...)
}

// groups is a policy's rules resolved against an origin table (Prepare).
type groups struct {
	rules []*Policy // the policy each rule gives, by rule
	own   []bool    // whether the rule sets the provider, by rule
	// by origin index and household (2 x origin + household): the rules
	// that can match those persons, in order, up to the first that matches
	// them all; a person's rule is the first whose thresholds they reach
	cands [][]candidate
}

type candidate struct {
	months, file int
	rule         int
}

// prepareGroups resolves p's rules against the origin table.
func (p *Policy) prepareGroups(origins []Origin) error {
	p.groups = nil
	if len(p.Groups) == 0 {
		return nil
	}
	g := &groups{cands: make([][]candidate, 2*len(origins))}
	var errs []error
	for j := range p.Groups {
		r := &p.Groups[j]
		key := fmt.Sprintf("groups[%d]", j)
		q := p.ruleBase()
		r.Apply(&q)
		if err := q.Prepare(origins); err != nil {
			errs = append(errs, prefixErr(key, err))
		}
		g.rules = append(g.rules, &q)
		g.own = append(g.own, r.Counselling.Provider != nil)
		byOrigin := make([]bool, len(origins))
		for _, code := range r.For.Origins {
			i := slices.IndexFunc(origins, func(o Origin) bool { return o.Code == code })
			if i < 0 {
				errs = append(errs, &FieldError{Key: key + ".for.origins", Msg: fmt.Sprintf("%q is not the code of an origin in the origin table", code)})
				continue
			}
			byOrigin[i] = true
		}
		for i := range origins {
			if len(r.For.Origins) > 0 && !byOrigin[i] || r.For.Cooperation != nil && origins[i].Class != *r.For.Cooperation {
				continue
			}
			for h := range Household(2) {
				if r.For.Household != nil && *r.For.Household != h {
					continue
				}
				c := &g.cands[2*i+int(h)]
				if n := len(*c); n > 0 && (*c)[n-1].months == 0 && (*c)[n-1].file <= 1 {
					continue // an earlier rule matches every one of them
				}
				*c = append(*c, candidate{r.For.MinMonths, r.For.MinFile, j})
			}
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	p.groups = g
	return nil
}

// HasGroups reports whether p has group rules (after Prepare).
func (p *Policy) HasGroups() bool { return p.groups != nil }

// RuleOf is the index of the first rule of p that matches a person of
// origin index origin (in the table given to Prepare) and household h,
// with months months without status, in their file number file; -1 if
// none does.
func (p *Policy) RuleOf(origin int, h Household, months, file int) int {
	if p.groups == nil {
		return -1
	}
	for _, c := range p.groups.cands[2*origin+int(h)] {
		if months >= c.months && file >= c.file {
			return c.rule
		}
	}
	return -1
}

// For is the policy in force for agent a, by its months without status
// and file number now: the policy the first rule that matches a gives, or
// p itself.
func (p *Policy) For(a *Agent) *Policy {
	if p.groups == nil {
		return p
	}
	return p.ForAt(a, a.MonthsIrregular, a.FileNumber)
}

// ForAt is For for agent a with months months without status, in its
// file number file.
func (p *Policy) ForAt(a *Agent, months, file int) *Policy {
	if j := p.RuleOf(a.Origin, a.Household, months, file); j >= 0 {
		return p.groups.rules[j]
	}
	return p
}

// Rule is the policy rule j of p gives (after Prepare).
func (p *Policy) Rule(j int) *Policy { return p.groups.rules[j] }

// OwnProvider reports whether rule j of p sets the provider: a person it
// matches is then counselled by the rule's provider rather than by the
// one drawn when they entered.
func (p *Policy) OwnProvider(j int) bool { return p.groups.own[j] }

// NextChange is the least number of months without status above months
// at which the rule that matches agent a (of p's, in file number file)
// changes, or -1 if it never does as months grow: a person's rule moves
// only when they reach a threshold of a rule before the one that matches
// them now.
func (p *Policy) NextChange(a *Agent, months, file int) int {
	if p.groups == nil {
		return -1
	}
	next := -1
	for _, c := range p.groups.cands[2*a.Origin+int(a.Household)] {
		if file < c.file {
			continue
		}
		if months >= c.months {
			break // the rule that matches now: later ones do not count
		}
		if next < 0 || c.months < next {
			next = c.months
		}
	}
	return next
}

// Counsels reports whether p, or a rule of it, gives counselling.
func (p *Policy) Counsels() bool {
	if p.Counselling.Timing != NoCounselling {
		return true
	}
	if p.groups != nil {
		for _, r := range p.groups.rules {
			if r.Counselling.Timing != NoCounselling {
				return true
			}
		}
	}
	return false
}
