package sim

import (
	"math"
	"math/rand/v2"

	"github.com/returnsim/returnsim/agents"
)

// beta draws from a Beta distribution with the given mean and concentration
// from r, exactly as gonum's distuv.Beta{Alpha: mean x conc, Beta: (1-mean)
// x conc, Src: s}.Rand() does when r wraps s: the same draws from the same
// stream, so the same number (TestBetaSameAsGonum).
func beta(mean, conc float64, r *rand.Rand) float64 {
	ga := gamma(mean*conc, r)
	gb := gamma((1-mean)*conc, r)
	return ga / (ga + gb)
}

// gamma draws from a Gamma distribution with shape a and rate 1 from r,
// operation for operation as gonum's distuv.Gamma.Rand (Liu, Martin and
// Syring below shape 0.2, else Marsaglia and Tsang), without what that
// costs at every call: a new generator and three method values on the heap.
func gamma(a float64, r *rand.Rand) float64 {
	const smallAlphaThresh = 0.2
	switch {
	case a <= 0:
		panic("gamma: alpha <= 0")
	case a == 1:
		return r.ExpFloat64()
	case a < smallAlphaThresh:
		lambda := 1/a - 1
		lr := -math.Log1p(1 / lambda / math.E)
		for {
			e := r.ExpFloat64()
			var z float64
			if e >= -lr {
				z = e + lr
			} else {
				z = -r.ExpFloat64() / lambda
			}
			eza := math.Exp(-z / a)
			lh := -z - eza
			var lEta float64
			if z >= 0 {
				lEta = -z
			} else {
				lEta = -1 + lambda*z
			}
			if lh-lEta > -r.ExpFloat64() {
				return eza
			}
		}
	}
	d := a - 1.0/3
	m := 1.0
	if a < 1 {
		d += 1.0
		m = math.Pow(r.Float64(), 1/a)
	}
	c := 1 / (3 * math.Sqrt(d))
	for {
		x := r.NormFloat64()
		v := 1 + x*c
		if v <= 0.0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1.0-0.0331*(x*x)*(x*x) {
			return m * d * v
		}
		if math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return m * d * v
		}
	}
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
	e.src = personSource(e.rep, pid) // a field, which e.rnd wraps
	s := &e.src
	r := e.rnd
	pop := &e.cfg.Population
	dyn := &e.cfg.Params.Dynamics
	a := agents.Agent{PersonID: pid, FirstMonth: e.t, Options: 1}
	a.Origin = pick(e.cum, uniform(s))
	o := &e.cfg.Origins[a.Origin]
	if uniform(s) < pop.FamilyShare {
		a.Household = agents.Family
	}
	a.FamilyPull = beta(pop.PullMean, pop.Concentration, r)
	a.FamilyPressure = beta(pop.PressureMean, pop.Concentration, r) * (1 + o.Distance) / 2
	a.Network = beta(pop.NetworkMean, pop.Concentration, r)
	a.Trust = beta(pop.TrustMean, pop.Concentration, r)
	if uniform(s) >= pop.StigmaShare {
		a.Sensitivity = beta(pop.SensitivityMean, pop.Concentration, r)
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
	e.start(&a, e.src, src)
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

// start opens the next file of person a (updating their record), from
// source src, in the stage a's shelter says, and asks for the session the
// counselling policy gives at that stage: at the first decision in
// reception, at the final decision in the departure period, at the
// deadline for a file that opens past it (the obligation to leave is
// immediate), in detention. Periodic counselling gives that session and
// then one every PeriodMonths.
func (e *engine) start(a *agents.Agent, src Source, from agents.Source) {
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
	fi := e.open(a, src)
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
		e.ask(fi, m)
	}
}
