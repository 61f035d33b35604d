package sim

import (
	"math"

	"github.com/returnsim/returnsim/agents"
	"gonum.org/v1/gonum/stat/distuv"
)

// beta draws from a Beta distribution with the given mean and concentration.
func beta(mean, conc float64, s *Source) float64 {
	return distuv.Beta{Alpha: mean * conc, Beta: (1 - mean) * conc, Src: s}.Rand()
}

// newPerson brings a person unknown before into the return system, with a
// first file opened by source src. Their attributes come from their own
// stream. A person handed over by the IND starts with an appeal pending; a
// person found by the police, the Marechaussee or others starts past the
// deadline, after months without status of their own (none at the border),
// in detention or not. A person from the initial stock starts past the
// deadline.
func (e *engine) newPerson(src agents.Source, stock bool) {
	pid := e.nextPID
	e.nextPID++
	e.src = personSource(e.rep, pid) // a field, so gonum's Src interface does not move it to the heap
	s := &e.src
	pop := &e.cfg.Population
	dyn := &e.cfg.Params.Dynamics
	a := agents.Agent{PersonID: pid, FirstMonth: e.t, Options: 1}
	a.Origin = pick(e.cum, uniform(s))
	o := &e.cfg.Origins[a.Origin]
	if uniform(s) < pop.FamilyShare {
		a.Household = agents.Family
	}
	a.FamilyPull = beta(pop.PullMean, pop.Concentration, s)
	a.FamilyPressure = beta(pop.PressureMean, pop.Concentration, s) * (1 + o.Distance) / 2
	a.Network = beta(pop.NetworkMean, pop.Concentration, s)
	a.Trust = beta(pop.TrustMean, pop.Concentration, s)
	if uniform(s) >= pop.StigmaShare {
		a.Sensitivity = beta(pop.SensitivityMean, pop.Concentration, s)
	}
	a.Provider = e.pol.Counselling.Provider.Pick(uniform(s))
	switch {
	case stock:
		a.MonthsIrregular = int(uniform(s) * 36)
		e.pastDeadline(&a, uniform(s), uniform(s))
	case src == agents.IND:
		a.Shelter = agents.Reception
		a.MonthsSinceFinal = -1
		a.Hope = agents.HopeAt(dyn.HopePending, a.Options)
	default:
		if src != agents.KMar {
			a.MonthsIrregular = int(-e.cfg.Intake.EntryMonths * math.Log1p(-uniform(s)))
		}
		e.pastDeadline(&a, uniform(s), uniform(s))
	}
	e.start(a, e.src, src)
}

// pastDeadline puts agent a, unknown before, past its departure deadline:
// the final decision lies MonthsIrregular months back, hope has decayed
// since, and the file starts in detention (with chance DetainOnFind x
// cooperation x enforcement, for draw u) or else by shelter draw v.
func (e *engine) pastDeadline(a *agents.Agent, u, v float64) {
	dyn := &e.cfg.Params.Dynamics
	agents.FinalDecision(a, dyn)
	a.MonthsSinceFinal = a.MonthsIrregular
	a.Hope *= math.Pow(1-dyn.HopeDecay, float64(a.MonthsSinceFinal))
	e.placeFound(a, u, v)
}

// placeFound sets the shelter of a file that opens past the deadline: in
// detention with chance DetainOnFind x cooperation x enforcement (for draw
// u), else a family location for families or by the FRL share (draw v).
func (e *engine) placeFound(a *agents.Agent, u, v float64) {
	o := &e.cfg.Origins[a.Origin]
	if u < e.cfg.State.DetainOnFind*o.Cooperation*e.pol.Enforcement {
		a.Shelter = agents.Detention
		return
	}
	a.Shelter = e.deadlineShelter(a, v)
}

func (e *engine) deadlineShelter(a *agents.Agent, u float64) agents.Shelter {
	if a.Household == agents.Family || u < e.cfg.Population.FRLShare {
		return agents.FRL
	}
	return agents.NoShelter
}

// start opens the person's next file, from source src, in the stage a's
// shelter says, and asks for the session the counselling policy gives at
// that stage: at the first decision in reception, at the final decision in
// the departure period, at the deadline for a file that opens past it (the
// obligation to leave is immediate), in detention. Periodic counselling
// gives that session and then one every PeriodMonths.
func (e *engine) start(a agents.Agent, src Source, from agents.Source) {
	a.FileNumber++
	a.CaseID = e.nextCID
	e.nextCID++
	a.Place = agents.InFile
	a.Source = from
	a.OpenedMonth = e.t
	a.MonthsOpen = 0
	a.Counselled = false
	a.SessionDue = false
	e.counts.Opened++
	e.counts.OpenedBy[from]++
	e.slots = append(e.slots, slot{a: a, src: src})
	s := &e.slots[len(e.slots)-1]
	c := &e.pol.Counselling
	var m agents.Moment
	var at agents.Timing
	switch a.Shelter {
	case agents.Reception:
		m, at = agents.MomentFirst, agents.AtFirstDecision
	case agents.Departure:
		m, at = agents.MomentFinal, agents.AtFinalDecision
	case agents.Detention:
		m, at = agents.MomentDetention, agents.InDetention
	default:
		m, at = agents.MomentDeadline, agents.AtDeadline
	}
	if c.Timing == at || c.Timing == agents.Periodic {
		e.ask(&s.a, m)
	}
}
