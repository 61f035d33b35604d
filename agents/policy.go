package agents

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
)

// Provider is who gives counselling.
type Provider uint8

const (
	Government Provider = iota // the Repatriation and Departure Service
	NGO                        // a civil-society organisation
	IOM                        // the International Organization for Migration
	NumProviders
)

var providerNames = [...]string{"government", "ngo", "iom"}

func (p Provider) String() string { return providerNames[p] }

// Timing is when counselling is given.
type Timing uint8

const (
	NoCounselling Timing = iota
	AtFirstDecision
	AtFinalDecision
	AtDeadline
	InDetention
	Periodic
)

var timingNames = [...]string{"none", "first-decision", "final-decision", "deadline", "detention", "periodic"}

func (t Timing) String() string { return timingNames[t] }

func (t Timing) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

func (t *Timing) UnmarshalText(b []byte) error {
	return parseEnum(string(b), timingNames[:], (*uint8)(t))
}

// Moment is the point of a case at which a session is given.
type Moment uint8

const (
	MomentFirst Moment = iota
	MomentFinal
	MomentDeadline
	MomentDetention
	MomentRoutine
)

// Overload is what happens when demand for sessions exceeds capacity.
type Overload uint8

const (
	Dilute Overload = iota // everyone is seen, each session at quality capacity/demand
	Wait                   // the oldest requests are seen first; the rest wait, and lose effect while they wait
)

var overloadNames = [...]string{"dilute", "wait"}

func (o Overload) String() string { return overloadNames[o] }

func (o Overload) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

func (o *Overload) UnmarshalText(b []byte) error {
	return parseEnum(string(b), overloadNames[:], (*uint8)(o))
}

func parseEnum(s string, names []string, dst *uint8) error {
	for i, n := range names {
		if n == s {
			*dst = uint8(i)
			return nil
		}
	}
	return fmt.Errorf("%q is not one of %s", s, strings.Join(names, ", "))
}

// ProviderMix is the share of cases counselled by each provider. In TOML it
// is a provider's name (all cases) or a table of shares that sum to 1.
type ProviderMix struct {
	Government float64 `toml:"government" unit:"share" range:"0,1" src:"assumption (baseline: the government service)" desc:"share of cases counselled by the government service"`
	NGO        float64 `toml:"ngo" unit:"share" range:"0,1" src:"assumption (baseline: the government service)" desc:"share counselled by a civil-society organisation"`
	IOM        float64 `toml:"iom" unit:"share" range:"0,1" src:"assumption (baseline: the government service)" desc:"share counselled by IOM"`
}

// Only returns a mix in which one provider counsels every case.
func Only(p Provider) ProviderMix {
	var m ProviderMix
	*m.share(p) = 1
	return m
}

func (m *ProviderMix) share(p Provider) *float64 {
	return [...]*float64{&m.Government, &m.NGO, &m.IOM}[p]
}

// Pick returns the provider for a uniform draw u in [0,1).
func (m *ProviderMix) Pick(u float64) Provider {
	if u < m.Government {
		return Government
	}
	if u < m.Government+m.NGO {
		return NGO
	}
	return IOM
}

// UnmarshalTOML accepts a provider's name or a table of shares.
func (m *ProviderMix) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case string:
		var p uint8
		if err := parseEnum(x, providerNames[:], &p); err != nil {
			return err
		}
		*m = Only(Provider(p))
		return nil
	case map[string]any:
		*m = ProviderMix{}
		// in sorted order, so that of two bad shares the same is reported
		// every time (map order is random)
		for _, k := range slices.Sorted(maps.Keys(x)) {
			val := x[k]
			var p uint8
			if err := parseEnum(k, providerNames[:], &p); err != nil {
				return fmt.Errorf("provider share %w", err)
			}
			f, ok := toFloat(val)
			if !ok {
				return fmt.Errorf("provider share %s: want a number, got %T", k, val)
			}
			*m.share(Provider(p)) = f
		}
		return nil
	}
	return fmt.Errorf("want a provider name (government, ngo, iom) or a table of shares, got %T", v)
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	}
	return 0, false
}

// Counselling is the counselling policy.
type Counselling struct {
	Timing           Timing      `toml:"timing" unit:"name" src:"seed 001 and seed 003 (the final negative decision is the key moment)" desc:"when counselling is given: none, first-decision, final-decision, deadline, detention or periodic" via:"params.counselling.effect params.counselling.retention params.counselling.moment_first params.counselling.moment_final params.counselling.moment_deadline params.counselling.moment_detention params.counselling.moment_routine"`
	PeriodMonths     int         `toml:"period_months" unit:"months" range:"1,120" src:"assumption" desc:"months between sessions when timing is periodic" via:"params.counselling.effect params.counselling.retention params.counselling.moment_routine"`
	Provider         ProviderMix `toml:"provider" src:"assumption" desc:"who counsels: a provider's name, or shares" via:"params.counselling.effect params.counselling.retention params.counselling.civil_trust params.counselling.iom_government_weight params.counselling.civil_return params.counselling.spectrum_hopelessness params.counselling.spectrum_hopelessness_civil params.counselling.civil_legal"`
	Counsellors      int         `toml:"counsellors" unit:"counsellors" range:"0,100000" src:"seed 004 (IOM NL had about twenty counsellors); total an assumption" desc:"counsellors available" via:"params.counselling.effect params.counselling.retention"`
	SessionsPer      int         `toml:"sessions_per_counsellor" unit:"sessions per counsellor per month" range:"1,1000" src:"assumption (seed 004: 4,634 returns in 2016 was too many for full counselling)" desc:"sessions one counsellor gives in a month at full quality" via:"params.counselling.effect params.counselling.retention"`
	Overload         Overload    `toml:"overload" unit:"name" src:"seed 004 (under caseload pressure counselling lost quality)" desc:"what happens when more sessions are asked than given: dilute (all seen at lower quality) or wait (oldest first, the rest wait)" via:"params.counselling.effect params.counselling.retention"`
	CountryKnowledge float64     `toml:"country_knowledge" unit:"index" range:"0,1" src:"assumption" desc:"counsellors' knowledge of the origin country and diaspora" via:"params.counselling.effect params.counselling.retention params.counselling.knowledge"`
	PartnerContact   bool        `toml:"partner_contact" unit:"true/false" src:"assumption" desc:"counsellors put migrants in contact with a partner organisation in the origin country" via:"params.counselling.effect params.counselling.retention params.counselling.partner"`
}

// Capacity is the number of full-quality sessions available in a month.
func (c *Counselling) Capacity() int { return c.Counsellors * c.SessionsPer }

// Reintegration is the reintegration-assistance policy.
type Reintegration struct {
	CashEUR         float64  `toml:"cash_eur" unit:"EUR" range:"0,100000" src:"assumption within seed 003's range (250 EUR in Belgium to 3,000 EUR in Sweden)" desc:"cash support per returnee" via:"params.reintegration.effect params.reintegration.distance params.reintegration.in_kind_weight"`
	InKindEUR       float64  `toml:"in_kind_eur" unit:"EUR" range:"0,100000" src:"assumption (seed 003: in-kind support usually exceeds cash)" desc:"value of in-kind support per returnee" via:"params.reintegration.effect params.reintegration.distance params.reintegration.in_kind_weight"`
	Eligible        []string `toml:"eligible" unit:"ISO 3166 alpha-2 codes" src:"assumption" desc:"ISO codes of eligible origins; empty: each origin's own reintegration_eligible" via:"params.reintegration.effect params.reintegration.distance"`
	RequireDeadline bool     `toml:"require_deadline" unit:"true/false" src:"assumption" desc:"support only for departure before the deadline" via:"params.reintegration.effect params.reintegration.distance"`

	eligible []bool // by origin index, set by Prepare

	// the reintegration log-odds by origin index, and what they were
	// computed from: a cache for the monthly loop, used only while the
	// parameters and the package are the same
	cacheFor cacheKey
	logOdds  []float64
}

type cacheKey struct {
	p            ReintegrateParams
	cash, inKind float64
}

func (r *Reintegration) key(p *ReintegrateParams) cacheKey {
	return cacheKey{*p, r.CashEUR, r.InKindEUR}
}

// Cache computes the reintegration log-odds of every origin under p, once,
// so that the monthly loop need not take a logarithm. Prepare must have
// been called. A later call with other parameters replaces the cache; a
// call to ReintegrationLogOdds with other parameters ignores it.
func (r *Reintegration) Cache(origins []Origin, p *ReintegrateParams) {
	r.cacheFor = r.key(p)
	r.logOdds = make([]float64, len(origins))
	for i := range origins {
		r.logOdds[i] = packageLogOdds(r, &origins[i], i, p)
	}
}

// Capacity is what the places and removals of the return system can take,
// 0 meaning no limit. What happens when a place is full is a rule of the
// engine (docs/ODD.md, section 7.15): a single person finds no place in the
// VBL and is without shelter; a family waits in the departure period for a
// family location; a detention is not carried out; a forced return beyond
// the month's removals fails and the person stays.
type Capacity struct {
	VBLPlaces       int `toml:"vbl_places" unit:"persons" range:"0,1000000" src:"ANP/Argos, Oct 2016: 350 residents in May 2016 (docs/sources.md), taken as its places (its capacity after 2016 is not published)" desc:"places in the freedom-restricting location; 0: no limit" via:"state.vbl_months state.vbl_min_cooperation params.absconding.vbl params.absconding.no_shelter"`
	FamilyPlaces    int `toml:"family_places" unit:"households" range:"0,1000000" src:"Kamerstuk 29344 nr. 107: about 545 families in family locations on 1 Nov 2012 (docs/sources.md); 0 (no limit): families keep a right to shelter, and COA opened family places as needed (assumption)" desc:"places in family locations, in households; 0: no limit" via:"params.absconding.family_location params.absconding.departure"`
	DetentionPlaces int `toml:"detention_places" unit:"persons" range:"0,1000000" src:"Kamerstuk 33930-VI nr. 5: 933 places planned from 2016 (docs/sources.md)" desc:"places in immigration detention; 0: no limit" via:"state.detention_rate state.detention_months state.forced_detained"`
	LVVPlaces       int `toml:"lvv_places" unit:"persons" range:"0,1000000" src:"WODC 2020, 2022; Volkskrant, May 2023 (docs/sources.md): the LVV pilot from spring 2019, 1,019 persons entered by the end of 2019, 1,142 beds in 2023; 0 before the pilot: the default study dates 1,000 places from 2019-04" desc:"places in the national aliens facilities (LVV); 0: no LVV (unlike the other places, 0 is none, not no limit)" via:"state.lvv_share params.absconding.lvv params.absconding.no_shelter"`
	RemovalsMonth   int `toml:"removals_per_month" unit:"forced returns a month" range:"0,1000000" src:"derived (docs/sources.md): 6,670 removal flights booked in 2018 (NOS, Jul 2019), a twelfth of them a month; removals that fail for want of travel documents are in the origin's cooperation" desc:"forced returns the service can carry out in a month (escorts, flights, travel documents); 0: no limit" via:"state.forced_rate state.forced_detained"`
}

// Policy is the policy in force in a month.
type Policy struct {
	Counselling   Counselling   `toml:"counselling"`
	Reintegration Reintegration `toml:"reintegration"`
	Capacity      Capacity      `toml:"capacity"`
	Enforcement   float64       `toml:"enforcement" unit:"multiplier" range:"0,10" src:"assumption" desc:"intensity of enforcement: multiplies the hazards of detention, of forced return (in and outside detention), of being found while out of sight and of a file that opens past the deadline starting in detention, and the credibility of the threat of deportation" via:"params.avr.threat state.forced_rate state.detention_rate state.forced_detained state.find_rate state.detain_on_find"`
	// Groups are rules that give groups of persons policy keys of their
	// own (group.go); the first that matches a person wins.
	Groups []Rule `toml:"groups" unit:"rules" src:"assumption" desc:"group rules: for whom (household, origins, cooperation class, months without status, file number) and the counselling, reintegration and enforcement keys they set; the first that matches a person gives their policy" via:"params.counselling.effect params.counselling.civil_legal params.counselling.civil_return params.counselling.civil_trust params.counselling.knowledge params.counselling.partner params.counselling.moment_first params.counselling.moment_final params.counselling.moment_deadline params.counselling.moment_detention params.counselling.moment_routine params.reintegration.effect params.reintegration.in_kind_weight params.avr.threat state.forced_rate state.detention_rate state.forced_detained state.find_rate state.detain_on_find"`

	groups *groups // the rules resolved, set by Prepare
}

// DefaultPolicy returns the default policy: government counselling at the
// final negative decision and a modest reintegration package.
func DefaultPolicy() Policy {
	return Policy{
		Counselling: Counselling{
			Timing: AtFinalDecision, PeriodMonths: 6, Provider: Only(Government),
			Counsellors: 60, SessionsPer: 30, Overload: Dilute, CountryKnowledge: 0.3,
		},
		Reintegration: Reintegration{CashEUR: 500, InKindEUR: 1500},
		Capacity:      Capacity{VBLPlaces: 350, DetentionPlaces: 933, RemovalsMonth: 556},
		Enforcement:   1,
	}
}

// Validate checks ranges, that provider shares sum to 1, that there is
// capacity when counselling is given, and each group rule: that it sets a
// policy key and that the policy it gives is valid at the keys it sets. It
// does not check origin codes (Eligible, a rule's origins) against the
// origin table: Prepare does.
func (p *Policy) Validate() error {
	errs := []error{CheckRanges(p)}
	m := p.Counselling.Provider
	if s := m.Government + m.NGO + m.IOM; math.Abs(s-1) > 1e-9 {
		errs = append(errs, &FieldError{Key: "counselling.provider", Msg: fmt.Sprintf("shares sum to %g, want 1", s)})
	}
	if p.Counselling.Timing != NoCounselling && p.Counselling.Counsellors == 0 {
		errs = append(errs, &FieldError{Key: "counselling.counsellors", Msg: fmt.Sprintf("0 counsellors cannot give counselling at %s: want at least 1, or timing = \"none\"", p.Counselling.Timing)})
	}
	for j := range p.Groups {
		if err := p.validateRule(&p.Groups[j]); err != nil {
			errs = append(errs, prefixErr(fmt.Sprintf("groups[%d]", j), err))
		}
	}
	return errors.Join(errs...)
}

// Prepare resolves the eligible origins and the group rules against the
// origin table. It must be called before Decide when the policy names
// eligible origins, and before For. It writes only into p's own fields,
// never into the Groups slice, which copies of p share.
func (p *Policy) Prepare(origins []Origin) error {
	if err := p.prepareEligible(origins); err != nil {
		return err
	}
	return p.prepareGroups(origins)
}

// Cache computes the reintegration log-odds of p's package and of every
// rule's (Reintegration.Cache). Prepare must have been called.
func (p *Policy) Cache(origins []Origin, rp *ReintegrateParams) {
	p.Reintegration.Cache(origins, rp)
	if p.groups != nil {
		for _, q := range p.groups.rules {
			q.Reintegration.Cache(origins, rp)
		}
	}
}

func (p *Policy) prepareEligible(origins []Origin) error {
	r := &p.Reintegration
	r.eligible = make([]bool, len(origins))
	if len(r.Eligible) == 0 {
		for i := range origins {
			r.eligible[i] = origins[i].Eligible
		}
		return nil
	}
	for _, code := range r.Eligible {
		found := false
		for i := range origins {
			if origins[i].Code == code {
				r.eligible[i], found = true, true
			}
		}
		if !found {
			return &FieldError{Key: "reintegration.eligible", Msg: fmt.Sprintf("%q is not the code of an origin in the origin table", code)}
		}
	}
	return nil
}

// IsEligible reports whether people from origin o, at index i of the
// origin table given to Prepare (or -1), are eligible.
func (r *Reintegration) IsEligible(o *Origin, i int) bool {
	if i >= 0 && i < len(r.eligible) {
		return r.eligible[i]
	}
	if len(r.Eligible) == 0 {
		return o.Eligible
	}
	for _, c := range r.Eligible {
		if c == o.Code {
			return true
		}
	}
	return false
}
