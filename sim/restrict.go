package sim

import (
	"fmt"
	"math"
	"slices"

	"github.com/returnsim/returnsim/agents"
)

// Restriction is a period in which events outside the return system limit
// what it can do, as the COVID-19 measures of spring 2020 did: flights
// stopped, so departures that need travel became rare, and reception did
// not end at the deadline. It is context, not policy: it applies to every
// scenario of a study, whatever its policy.
//
// In TOML a restriction is a [[restrictions]] table.
type Restriction struct {
	From        string  `toml:"from" unit:"YYYY-MM" desc:"first calendar month of the restriction"`
	To          string  `toml:"to" unit:"YYYY-MM" desc:"last calendar month of the restriction"`
	Travel      float64 `toml:"travel" unit:"share" range:"0,1" desc:"share of the usual monthly chance of a departure that needs travel (AVR, independent departure, forced return) that remains"`
	KeepShelter bool    `toml:"keep_shelter" desc:"the departure period does not end: the person keeps its shelter past the deadline"`
	// RemovalsLost limits forced returns alone: booked removals that fail
	// (flights not taken, borders closed), while detention, which needs
	// only a prospect of removal, goes on as usual.
	RemovalsLost float64 `toml:"removals_lost" unit:"share" range:"0,1" desc:"share of the usual monthly chance of a forced return lost besides travel, as removals booked fail (flights not taken, borders closed); detention placements and releases go on as usual"`
	// Origins limits the restriction to the persons from those countries,
	// as when a country of origin closes its borders; empty, it applies
	// to every person.
	Origins []string `toml:"origins" unit:"origin codes" desc:"the origins (codes of [[origins]]) whose persons the restriction limits, as when a country closes its borders; a code the origin table lacks limits no one; empty: every origin"`

	from, to int    // months, 0 = the first recorded month
	only     []bool // by origin index: the persons it limits; nil: all
}

// covers reports whether r limits the persons of origin o.
func (r *Restriction) covers(o int) bool { return r.only == nil || r.only[o] }

// conflicts reports whether r and q are both in force in some month and
// are both of every origin, or both of some origins with one in common. A
// restriction of some origins may be in force with one of every origin:
// the persons it covers then keep the product of their shares.
func (r *Restriction) conflicts(q *Restriction) bool {
	if r.to < q.from || q.to < r.from {
		return false
	}
	if r.only == nil || q.only == nil {
		return r.only == nil && q.only == nil
	}
	for o := range r.only {
		if r.only[o] && q.only[o] {
			return true
		}
	}
	return false
}

// DefaultRestrictions are the COVID-19 measures of spring 2020, the
// borders Algeria and Morocco closed in 2020-2022, and the removals that
// failed in 2021 and 2022 when the person refused a COVID-19 test
// (docs/sources.md).
//
// Spring 2020: from 16 March 2020 DT&V held no departure talks and travel
// was severely limited; departures resumed in July 2020; the reception of
// rejected asylum seekers past their deadline was continued during the
// first lockdown and phased out with the measures. The model takes the
// whole months April to June 2020, with the share of forced returns left
// in Belgium in April 2020 (22 against 321 in February).
//
// Algeria closed its borders on 17 March 2020 and reopened them in part,
// five flights a day, on 1 June 2021; Morocco stopped flights with the
// Netherlands on 21 October 2021 and all international flights from 29
// November 2021 to 6 February 2022. The model takes the whole months from
// July 2020, when departures elsewhere resumed, to May 2021 for Algeria,
// and November 2021 to January 2022 for Morocco, with the share of the
// spring of 2020 (an assumption: what closed borders leave, by the
// Belgian figure).
//
// 2021 and 2022: most countries of origin asked for a negative test before
// a removal, and a person could not be made to take one. In 2021, 1,360 of
// the 4,970 removal flights booked were cancelled because the person
// refused (20 in 2020); in 2021 and 2022 together 1,940, so 580 in 2022.
// A refusal takes the removal it cancels, so the share of removals' usual
// chance lost is the refusals over the flights booked: 1,360 / 4,970 =
// 0.27 in 2021, and 580 / 4,970 = 0.12 in 2022, with as many flights
// booked as in 2021 (an assumption: 2022's bookings were not found).
// Detention went on (3,190 placements in 2021, 2,920 in 2022), so only
// removals are limited.
func DefaultRestrictions() []Restriction {
	return []Restriction{
		{From: "2020-04", To: "2020-06", Travel: 0.07, KeepShelter: true},
		{From: "2020-07", To: "2021-05", Travel: 0.07, Origins: []string{"DZ"}},
		{From: "2021-01", To: "2021-12", Travel: 1, RemovalsLost: 0.27},
		{From: "2021-11", To: "2022-01", Travel: 0.07, Origins: []string{"MA"}},
		{From: "2022-01", To: "2022-12", Travel: 1, RemovalsLost: 0.12},
	}
}

// checkRestrictions resolves the restrictions' months against the first
// recorded month start, and their origins against the origins' codes (a
// code the origin table lacks limits no one, so that the default
// restrictions hold with any table). Each must end no earlier than it
// begins; they come in order of their first month; two restrictions of
// every origin must not be in force in the same month, nor two of some
// origins that share one (a restriction of some origins may be in force
// with one of every origin: the shares multiply); travel and removals_lost
// are shares; a restriction of some origins cannot keep shelter, which is
// the country's rule for all.
//
// It resolves them into a copy of the slice: copies of a Config share the
// slice, and each may be validated on its own goroutine.
func (c *Config) checkRestrictions(start int) error {
	c.Restrictions = slices.Clone(c.Restrictions)
	code := make(map[string]int, len(c.Origins))
	for i := range c.Origins {
		code[c.Origins[i].Code] = i
	}
	first := math.MinInt
	for i := range c.Restrictions {
		r := &c.Restrictions[i]
		key := fmt.Sprintf("restrictions[%d]", i)
		from, err := ParseMonth(r.From)
		if err != nil {
			return &agents.FieldError{Key: key + ".from", Msg: err.Error()}
		}
		to, err := ParseMonth(r.To)
		if err != nil {
			return &agents.FieldError{Key: key + ".to", Msg: err.Error()}
		}
		if !(r.Travel >= 0 && r.Travel <= 1) {
			return &agents.FieldError{Key: key + ".travel", Msg: fmt.Sprintf("%v: want a share from 0 to 1", r.Travel)}
		}
		if !(r.RemovalsLost >= 0 && r.RemovalsLost <= 1) {
			return &agents.FieldError{Key: key + ".removals_lost", Msg: fmt.Sprintf("%v: want a share from 0 to 1", r.RemovalsLost)}
		}
		if to < from {
			return &agents.FieldError{Key: key + ".to", Msg: fmt.Sprintf("%q is before from %q: want a last month at or after the first", r.To, r.From)}
		}
		if from < first {
			return &agents.FieldError{Key: key + ".from", Msg: fmt.Sprintf("%q: want restrictions in order of their first month", r.From)}
		}
		first = from
		r.from, r.to, r.only = from-start, to-start, nil
		if len(r.Origins) > 0 {
			if r.KeepShelter {
				return &agents.FieldError{Key: key + ".keep_shelter", Msg: "true with origins: want keep_shelter only in a restriction of every origin (shelter is the country's rule for all)"}
			}
			r.only = make([]bool, len(c.Origins))
			for j, oc := range r.Origins {
				if !agents.ValidCode(oc) {
					return &agents.FieldError{Key: fmt.Sprintf("%s.origins[%d]", key, j), Msg: fmt.Sprintf("%q: want an origin's code, two capital letters", oc)}
				}
				// an origin the table lacks has no persons to limit
				if o, ok := code[oc]; ok {
					r.only[o] = true
				}
			}
		}
		for j := range c.Restrictions[:i] {
			if q := &c.Restrictions[j]; q.conflicts(r) {
				return &agents.FieldError{Key: key + ".from", Msg: fmt.Sprintf("%q: in force with restrictions[%d] (%s to %s) for the same origins: want restrictions of every origin one after another, and of some origins one after another for each origin", r.From, j, q.From, q.To)}
			}
		}
	}
	return nil
}

// restrict puts in force the restrictions that cover this month: whether
// shelter is kept past the deadline (e.keep; only a restriction of every
// origin keeps it), and each origin's share of travel and of removals left
// (e.travelBy, e.removalBy); and it sets nextChange to the first month
// after this one in which the policy or a restriction in force changes:
// the lanes' bounds hold only until then.
func (e *engine) restrict(nextPolicy int) {
	e.keep = false
	for o := range e.travelBy {
		e.travelBy[o], e.removalBy[o] = 1, 1
	}
	next := nextPolicy
	for i := range e.cfg.Restrictions {
		r := &e.cfg.Restrictions[i]
		switch {
		case e.t < r.from:
			next = min(next, r.from)
		case e.t <= r.to:
			e.keep = e.keep || r.KeepShelter
			for o := range e.travelBy {
				if r.covers(o) {
					e.travelBy[o] *= r.Travel
					e.removalBy[o] *= r.Travel * (1 - r.RemovalsLost)
				}
			}
			next = min(next, r.to+1)
		}
	}
	e.nextChange = next
}

// travel is the share of the usual chance of a departure that needs
// travel that remains this month for a person of origin o.
func (e *engine) travel(o int) float64 { return e.travelBy[o] }

// removalShare is the share of the usual chance of a forced return that
// remains this month for a person of origin o: travel's share, less what
// booked removals lose.
func (e *engine) removalShare(o int) float64 { return e.removalBy[o] }

// keepShelter reports whether the departure period is held open this month.
func (e *engine) keepShelter() bool { return e.keep }
