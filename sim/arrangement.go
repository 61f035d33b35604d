package sim

import (
	"fmt"
	"slices"

	"github.com/returnsim/returnsim/agents"
)

// Arrangement is a one-off grant of legal status to long-staying families,
// as the Dutch transitional arrangement for long-staying children of 2019
// (the afsluitingsregeling of the Kinderpardon): in its month, every family
// still in the return system (in a file, a procedure or out of sight) that
// entered it at least MinYears years before is granted status with chance
// Share. Like a restriction it is context, not policy: it applies to every
// scenario of a study. The 2019 arrangement (docs/sources.md: applications
// to 25 February 2019 from children who had applied for asylum at least
// five years before; 569 of 1,100 children assessed were granted,
// decisions by the end of 2019) is Month "2019-12", MinYears 5, Share
// 569/1,100. It is not in the default study until the family locations'
// stocks are met (docs/ODD.md, section 7.15): at today's defaults the model
// holds far more families there than COA did, and would grant status to
// ten times the families the arrangement did.
//
// In TOML an arrangement is an [[arrangements]] table.
type Arrangement struct {
	Month    string  `toml:"month" unit:"YYYY-MM" desc:"calendar month in which the grants are made"`
	MinYears float64 `toml:"min_years" unit:"years" range:"0,100" desc:"least years since the family first entered the return system"`
	Share    float64 `toml:"share" unit:"share" range:"0,1" desc:"chance that an eligible family is granted status"`

	month int // months, 0 = the first recorded month
}

// checkArrangements resolves the arrangements' months against the first
// recorded month start, in a copy of the slice (as checkRestrictions).
func (c *Config) checkArrangements(start int) error {
	c.Arrangements = slices.Clone(c.Arrangements)
	for i := range c.Arrangements {
		g := &c.Arrangements[i]
		m, err := ParseMonth(g.Month)
		if err != nil {
			return &agents.FieldError{Key: fmt.Sprintf("arrangements[%d].month", i), Msg: err.Error()}
		}
		g.month = m - start
	}
	return nil
}

// arrange grants status under the arrangements of this month, before the
// month's events: to files in order of case id, then to persons away in
// order of their slot. Each eligible family draws one uniform from its own
// stream.
func (e *engine) arrange() {
	for i := range e.cfg.Arrangements {
		if g := &e.cfg.Arrangements[i]; g.month == e.t {
			e.grant(g)
		}
	}
}

func (e *engine) grant(g *Arrangement) {
	eligible := func(a *agents.Agent) bool {
		return a.Household == agents.Family && float64(e.t-a.FirstMonth) >= 12*g.MinYears
	}
	w := 0
	for j := range e.lanes {
		l := &e.lanes[j]
		f := &e.files[l.file]
		if eligible(&f.a) && uniform(&l.src) < g.Share {
			e.catchUp(f, e.t)
			e.stock[f.a.Shelter]--
			e.close(f, agents.Regularised, agents.NoPathway)
			e.recordPerson(&f.a, agents.FateStatus, e.t, 0)
			continue
		}
		e.lanes[w] = *l
		w++
	}
	e.lanes = e.lanes[:w]
	e.compactFiles()
	for i := range e.away {
		s := &e.away[i]
		if s.used && eligible(&s.a) && uniform(&s.src) < g.Share {
			e.nAway[s.a.Place-agents.InProcedure]--
			months := e.t - s.since
			agents.Age(&s.a, months, &e.cfg.Params)
			e.leaveSystem(int32(i), agents.FateStatus, 0)
		}
	}
}
