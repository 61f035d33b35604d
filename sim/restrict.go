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

	from, to int // months, 0 = the first recorded month
}

// DefaultRestrictions are the COVID-19 measures of spring 2020 and the
// removals that failed in 2021 and 2022 when the person refused a COVID-19
// test (docs/sources.md).
//
// Spring 2020: from 16 March 2020 DT&V held no departure talks and travel
// was severely limited; departures resumed in July 2020; the reception of
// rejected asylum seekers past their deadline was continued during the
// first lockdown and phased out with the measures. The model takes the
// whole months April to June 2020, with the share of forced returns left
// in Belgium in April 2020 (22 against 321 in February).
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
		{From: "2021-01", To: "2021-12", Travel: 1, RemovalsLost: 0.27},
		{From: "2022-01", To: "2022-12", Travel: 1, RemovalsLost: 0.12},
	}
}

// checkRestrictions resolves the restrictions' months against the first
// recorded month start: each must end no earlier than it begins, and
// each begin after the one before it ends; travel is a share.
//
// It resolves them into a copy of the slice: copies of a Config share the
// slice, and each may be validated on its own goroutine.
func (c *Config) checkRestrictions(start int) error {
	c.Restrictions = slices.Clone(c.Restrictions)
	last := math.MinInt
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
		if from <= last {
			return &agents.FieldError{Key: key + ".from", Msg: fmt.Sprintf("%q: want restrictions in order, each after the one before ends", r.From)}
		}
		last = to
		r.from, r.to = from-start, to-start
	}
	return nil
}

// restrict puts in force the restriction that covers this month, if any,
// and sets nextChange to the first month after this one in which the
// policy or the restriction in force changes: the lanes' bounds hold only
// until then.
func (e *engine) restrict(nextPolicy int) {
	e.restr = nil
	next := nextPolicy
	for i := range e.cfg.Restrictions {
		r := &e.cfg.Restrictions[i]
		switch {
		case e.t < r.from:
			next = min(next, r.from)
		case e.t <= r.to:
			e.restr = r
			next = min(next, r.to+1)
		}
	}
	e.nextChange = next
}

// travel is the share of the usual chance of a departure that needs
// travel that remains this month.
func (e *engine) travel() float64 {
	if e.restr == nil {
		return 1
	}
	return e.restr.Travel
}

// removalShare is the share of the usual chance of a forced return that
// remains this month: travel's share, less what booked removals lose.
func (e *engine) removalShare() float64 {
	if e.restr == nil {
		return 1
	}
	return e.restr.Travel * (1 - e.restr.RemovalsLost)
}

// keepShelter reports whether the departure period is held open this month.
func (e *engine) keepShelter() bool { return e.restr != nil && e.restr.KeepShelter }
