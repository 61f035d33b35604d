package sim_test

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// recorder keeps a run's whole output. The engine's pointers are valid only
// during the call, so it copies.
type recorder struct {
	months  []sim.MonthCounts
	cases   []sim.CaseRecord
	persons []sim.PersonRecord
}

func (r *recorder) Month(c *sim.MonthCounts)   { r.months = append(r.months, *c) }
func (r *recorder) Case(c *sim.CaseRecord)     { r.cases = append(r.cases, *c) }
func (r *recorder) Person(p *sim.PersonRecord) { r.persons = append(r.persons, *p) }

// smallConfig is the default scenario at a small scale: two recorded years
// after a three-year warm-up, at a sixth of the published intake, so a run
// takes a few milliseconds and later files are common.
func smallConfig() sim.Config {
	cfg := sim.DefaultConfig()
	cfg.Months = 24
	cfg.Warmup = 36
	cfg.Intake.Scale = 1.0 / 6
	return cfg
}

// seed is replicate 0 of run seed 1: an arbitrary fixed stream.
var seed = sim.StreamSeed(1, 0, "", true)

func run(t *testing.T, cfg *sim.Config, seed uint64) (sim.Totals, *recorder) {
	t.Helper()
	if err := cfg.Prepare(); err != nil {
		t.Fatalf("Prepare() = %v, want nil", err)
	}
	var r recorder
	tot := sim.Run(cfg, seed, &r)
	return tot, &r
}

func closedSum(m *sim.MonthCounts) int {
	n := 0
	for o := agents.AVR; o < agents.NumOutcomes; o++ {
		n += m.Closed[o]
	}
	return n
}

// variants are configurations that exercise different parts of the engine.
var variants = []struct {
	name string
	set  func(*sim.Config)
}{
	{"default policy", func(*sim.Config) {}},
	{"initial stock", func(c *sim.Config) { c.Intake.InitialStock = 500 }},
	{"no warm-up", func(c *sim.Config) { c.Warmup = 0 }},
	// the initial stock once opened in month 0 without being counted
	{"no warm-up with initial stock", func(c *sim.Config) { c.Warmup, c.Intake.InitialStock = 0, 500 }},
	{"many new procedures, decided next month", func(c *sim.Config) {
		c.Params.NewProcedure.Base = -1
		c.State.ProcedureSuccess, c.State.ProcedureMonths = 0, 1
	}},
	{"many found again", func(c *sim.Config) {
		c.Params.Absconding.Base = -1.5
		c.State.FindRate = 0.3
	}},
	{"periodic civil-society counselling, waiting", func(c *sim.Config) {
		c.Policy.Counselling.Timing = agents.Periodic
		c.Policy.Counselling.Provider = agents.Only(agents.NGO)
		c.Policy.Counselling.Overload = agents.Wait
		c.Policy.Counselling.Counsellors = 1
	}},
	{"policy change", func(c *sim.Config) {
		p := agents.DefaultPolicy()
		p.Enforcement = 5
		p.Counselling.Timing = agents.InDetention
		c.Changes = []sim.Change{{FromMonth: 10, Policy: p}}
	}},
}

// TestConservation checks that no file appears or vanishes: month by month,
// over the run, and between the month counts, the totals and the case
// records.
func TestConservation(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			cfg := smallConfig()
			v.set(&cfg)
			tot, r := run(t, &cfg, seed)
			if len(r.months) != cfg.Months {
				t.Fatalf("Run() recorded %d months, want %d", len(r.months), cfg.Months)
			}
			var opened int
			var closed [agents.NumOutcomes]int
			for m := range r.months {
				mc := &r.months[m]
				if mc.Month != m {
					t.Errorf("month %d: Month = %d, want %d", m, mc.Month, m)
				}
				if mc.Closed[agents.Open] != 0 {
					t.Errorf("month %d: Closed[open] = %d, want 0", m, mc.Closed[agents.Open])
				}
				if m > 0 {
					if want := r.months[m-1].Active + mc.Opened - closedSum(mc); mc.Active != want {
						t.Errorf("month %d: Active = %d, want Active(m-1) %d + Opened %d - Closed %d = %d",
							m, mc.Active, r.months[m-1].Active, mc.Opened, closedSum(mc), want)
					}
				}
				opened += mc.Opened
				for o := range closed {
					closed[o] += mc.Closed[o]
				}
			}
			first, last := &r.months[0], &r.months[len(r.months)-1]
			openAtStart := first.Active - first.Opened + closedSum(first)

			// over the run
			if got, want := openAtStart+tot.Intake, tot.Closed()+tot.Outcomes[agents.Open]; got != want {
				t.Errorf("open at start %d + intake %d = %d, want closed %d + open at end %d = %d",
					openAtStart, tot.Intake, got, tot.Closed(), tot.Outcomes[agents.Open], want)
			}
			// totals against month counts
			if tot.Intake != opened {
				t.Errorf("Totals.Intake = %d, want the sum of MonthCounts.Opened %d", tot.Intake, opened)
			}
			for o := agents.AVR; o < agents.NumOutcomes; o++ {
				if tot.Outcomes[o] != closed[o] {
					t.Errorf("Totals.Outcomes[%s] = %d, want the sum of MonthCounts.Closed %d", o, tot.Outcomes[o], closed[o])
				}
			}
			if tot.Outcomes[agents.Open] != last.Active {
				t.Errorf("Totals.Outcomes[open] = %d, want the last month's Active %d", tot.Outcomes[agents.Open], last.Active)
			}

			// case records against month counts: by month closed and opened
			closedIn := make([][agents.NumOutcomes]int, cfg.Months)
			openedIn := make([]int, cfg.Months)
			var byOutcome [agents.NumOutcomes]int
			before := 0 // files opened before month 0 and still open at its start
			for _, c := range r.cases {
				byOutcome[c.Outcome]++
				if (c.Outcome == agents.Open) != (c.ClosedMonth == -1) {
					t.Errorf("case %d: outcome %s with ClosedMonth %d, want -1 exactly for open files", c.CaseID, c.Outcome, c.ClosedMonth)
					continue
				}
				if c.ClosedMonth >= cfg.Months || (c.ClosedMonth >= 0 && c.ClosedMonth < c.OpenedMonth) {
					t.Errorf("case %d: opened %d, closed %d, want 0 <= opened <= closed < %d", c.CaseID, c.OpenedMonth, c.ClosedMonth, cfg.Months)
					continue
				}
				if c.ClosedMonth >= 0 {
					closedIn[c.ClosedMonth][c.Outcome]++
				}
				if c.OpenedMonth >= 0 {
					openedIn[c.OpenedMonth]++
				} else {
					before++
				}
			}
			for m := range r.months {
				if closedIn[m] != r.months[m].Closed {
					t.Errorf("month %d: case records closed by outcome %v, want MonthCounts.Closed %v", m, closedIn[m], r.months[m].Closed)
				}
				if openedIn[m] != r.months[m].Opened {
					t.Errorf("month %d: %d case records opened, want MonthCounts.Opened %d", m, openedIn[m], r.months[m].Opened)
				}
			}
			if before != openAtStart {
				t.Errorf("%d case records opened before month 0, want the files open at its start %d", before, openAtStart)
			}
			if byOutcome != tot.Outcomes {
				t.Errorf("case records by outcome = %v, want Totals.Outcomes %v", byOutcome, tot.Outcomes)
			}
		})
	}
}

// TestOneFileAtATime checks that a person has one file at a time: a
// person's files do not overlap, each earlier one closed by a new procedure
// (rejected) or absconding (found again), with file numbers that grow by one.
func TestOneFileAtATime(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			cfg := smallConfig()
			v.set(&cfg)
			_, r := run(t, &cfg, seed)
			byPerson := map[int][]sim.CaseRecord{}
			for _, c := range r.cases {
				byPerson[c.PersonID] = append(byPerson[c.PersonID], c)
			}
			reopened := 0
			for pid, files := range byPerson {
				slices.SortStableFunc(files, func(a, b sim.CaseRecord) int { return a.OpenedMonth - b.OpenedMonth })
				for i := 1; i < len(files); i++ {
					prev, next := &files[i-1], &files[i]
					reopened++
					if prev.ClosedMonth < 0 || prev.ClosedMonth >= next.OpenedMonth {
						t.Errorf("person %d: file %d open [%d, %d] overlaps file %d opened %d",
							pid, prev.FileNumber, prev.OpenedMonth, prev.ClosedMonth, next.FileNumber, next.OpenedMonth)
					}
					if next.FileNumber != prev.FileNumber+1 {
						t.Errorf("person %d: file number %d (opened %d) after %d (opened %d), want %d",
							pid, next.FileNumber, next.OpenedMonth, prev.FileNumber, prev.OpenedMonth, prev.FileNumber+1)
					}
					if prev.Outcome != agents.NewProcedure && prev.Outcome != agents.Absconded {
						t.Errorf("person %d: file %d closed with %s and was followed by file %d, want new_procedure or absconded",
							pid, prev.FileNumber, prev.Outcome, next.FileNumber)
					}
					if prev.Origin != next.Origin || prev.Household != next.Household {
						t.Errorf("person %d: origin or household changed between files %d and %d", pid, prev.FileNumber, next.FileNumber)
					}
				}
			}
			if reopened == 0 {
				t.Errorf("no person has two recorded files: the test checks nothing")
			}
		})
	}
}

// TestCaseIDs checks that case ids are unique and numbered in the order
// files opened.
func TestCaseIDs(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			cfg := smallConfig()
			v.set(&cfg)
			_, r := run(t, &cfg, seed)
			cases := slices.Clone(r.cases)
			slices.SortFunc(cases, func(a, b sim.CaseRecord) int { return a.CaseID - b.CaseID })
			for i := 1; i < len(cases); i++ {
				if cases[i].CaseID == cases[i-1].CaseID {
					t.Errorf("case id %d appears twice: persons %d and %d", cases[i].CaseID, cases[i-1].PersonID, cases[i].PersonID)
				}
				if cases[i].OpenedMonth < cases[i-1].OpenedMonth {
					t.Errorf("case %d opened in month %d, before case %d in month %d", cases[i].CaseID, cases[i].OpenedMonth, cases[i-1].CaseID, cases[i-1].OpenedMonth)
				}
			}
		})
	}
}

func TestDeterminism(t *testing.T) {
	cfg1, cfg2 := smallConfig(), smallConfig()
	t1, r1 := run(t, &cfg1, seed)
	t2, r2 := run(t, &cfg2, seed)
	if t1 != t2 {
		t.Errorf("Run(seed %d) totals = %+v, then %+v, want equal", seed, t1, t2)
	}
	if !reflect.DeepEqual(r1.months, r2.months) {
		t.Errorf("Run(seed %d) month counts differ between two runs", seed)
	}
	if !reflect.DeepEqual(r1.cases, r2.cases) {
		t.Errorf("Run(seed %d) case records differ between two runs", seed)
	}

	// A run reuses the buffers of runs before it (buffers.go): a larger
	// run in between leaves them grown and full of its own records, and
	// the next run of cfg1 must not see them.
	big := smallConfig()
	big.Intake.Scale = 1.0 / 2
	run(t, &big, sim.StreamSeed(7, 0, "", true))
	if t4, r4 := run(t, &cfg1, seed); t4 != t1 || !reflect.DeepEqual(r1.months, r4.months) || !reflect.DeepEqual(r1.cases, r4.cases) || !reflect.DeepEqual(r1.persons, r4.persons) {
		t.Errorf("Run(seed %d) after a larger run differs from the first run", seed)
	}

	other := sim.StreamSeed(1, 1, "", true) // replicate 1
	t3, r3 := run(t, &cfg1, other)
	if t3 == t1 {
		t.Errorf("Run(seed %d) totals = %+v, the same as seed %d's; want them to differ", other, t3, seed)
	}
	if reflect.DeepEqual(r1.cases, r3.cases) {
		t.Errorf("Run(seed %d) case records are those of seed %d, want them to differ", other, seed)
	}
}

// TestCommonRandomNumbers checks that a policy change from month 12 leaves
// everything before it as it was: every person's draws come from its own
// stream, so two scenarios that agree up to a month agree on all it saw.
func TestCommonRandomNumbers(t *testing.T) {
	const from = 12
	base := smallConfig()
	changed := smallConfig()
	p := agents.DefaultPolicy()
	p.Counselling.Timing = agents.Periodic
	p.Counselling.Provider = agents.Only(agents.NGO)
	p.Reintegration.CashEUR = 20000
	p.Enforcement = 3
	changed.Changes = []sim.Change{{FromMonth: from, Policy: p}}

	_, rb := run(t, &base, seed)
	_, rc := run(t, &changed, seed)
	before := func(cs []sim.CaseRecord) []sim.CaseRecord {
		var out []sim.CaseRecord
		for _, c := range cs {
			if c.ClosedMonth >= 0 && c.ClosedMonth < from {
				out = append(out, c)
			}
		}
		return out
	}
	b, c := before(rb.cases), before(rc.cases)
	if len(b) == 0 {
		t.Fatalf("no case closed before month %d: the test checks nothing", from)
	}
	if !reflect.DeepEqual(b, c) {
		t.Errorf("case records closed before month %d: %d with the change, %d without, or different; want identical", from, len(c), len(b))
	}
	if !reflect.DeepEqual(rb.months[:from], rc.months[:from]) {
		t.Errorf("month counts before month %d differ with a change from month %d, want identical", from, from)
	}
	if reflect.DeepEqual(rb.months[from:], rc.months[from:]) {
		t.Errorf("month counts from month %d are the same with and without the change, want them to differ", from)
	}
}

// reachedDeparture reports whether a record shows that its file got past
// the final negative decision: forced return and a new procedure happen
// only after it, coercion needs a location or detention, hopelessness more
// months since the final decision than the acceptance window.
func reachedDeparture(c *sim.CaseRecord) bool {
	if c.Source != agents.IND || c.ClosedMonth == c.OpenedMonth {
		// a file opened past the deadline has no final decision of its
		// own; one closed in its first month closed before the month's
		// sessions
		return false
	}
	return c.Outcome == agents.Forced || c.Outcome == agents.NewProcedure ||
		c.Pathway == agents.Coercion || c.Pathway == agents.Hopelessness
}

func TestCounselling(t *testing.T) {
	t.Run("none", func(t *testing.T) {
		cfg := smallConfig()
		cfg.Policy.Counselling.Timing = agents.NoCounselling
		_, r := run(t, &cfg, seed)
		for _, c := range r.cases {
			if c.Counselled {
				t.Fatalf("case %d counselled with timing none", c.CaseID)
			}
		}
	})

	// With everyone seen, every file past its final decision has had its session.
	allSeen := func(t *testing.T, cfg *sim.Config) int {
		t.Helper()
		_, r := run(t, cfg, seed)
		reached, counselled := 0, 0
		for i := range r.cases {
			c := &r.cases[i]
			if c.Counselled {
				counselled++
			}
			if reachedDeparture(c) {
				reached++
				if !c.Counselled {
					t.Errorf("case %d (%s, %s) reached the departure period uncounselled", c.CaseID, c.Outcome, c.Pathway)
				}
			}
		}
		if reached == 0 {
			t.Fatalf("no case shows it reached the departure period: the test checks nothing")
		}
		return counselled
	}
	t.Run("final decision, ample capacity", func(t *testing.T) {
		cfg := smallConfig()
		cfg.Policy.Counselling.Timing = agents.AtFinalDecision
		cfg.Policy.Counselling.Counsellors = 100000 // the top of its range: capacity 100,000 x 30 sessions a month
		allSeen(t, &cfg)
	})

	t.Run("capacity far below demand: wait counsels fewer than dilute", func(t *testing.T) {
		tiny := func(o agents.Overload) sim.Config {
			cfg := smallConfig()
			cfg.Policy.Counselling.Timing = agents.AtFinalDecision
			cfg.Policy.Counselling.Counsellors, cfg.Policy.Counselling.SessionsPer = 1, 1 // one session a month
			cfg.Policy.Counselling.Overload = o
			return cfg
		}
		dilute := tiny(agents.Dilute)
		nDilute := allSeen(t, &dilute) // dilute sees everyone, at low quality
		wait := tiny(agents.Wait)
		_, r := run(t, &wait, seed)
		nWait := 0
		for _, c := range r.cases {
			if c.Counselled {
				nWait++
			}
		}
		// One session a month over the warm-up and the recorded months.
		if max := wait.Warmup + wait.Months; nWait > max {
			t.Errorf("wait: %d cases counselled, want at most one a month, %d", nWait, max)
		}
		if nWait >= nDilute {
			t.Errorf("wait: %d cases counselled, dilute %d, want fewer under wait", nWait, nDilute)
		}
	})
}

// TestReintegrationRaisesAVR compares the default package (500 EUR cash and
// 1,500 EUR in kind) with a large one (20,000 EUR of each) over paired
// replicates: replicate k of both scenarios draws from the same stream, so
// the difference in the share of persons who leave with AVR is measured
// against the spread of paired differences, not of shares.
func TestReintegrationRaisesAVR(t *testing.T) {
	const n = 8
	// tCrit is the 0.995 quantile of Student's t with n-1 = 7 degrees of
	// freedom: the mean paired difference must exceed tCrit standard errors,
	// a one-sided test at the 0.5% level.
	const tCrit = 3.499
	share := func(tot sim.Totals) float64 { return float64(tot.Fates[agents.FateAVR]) / float64(tot.Persons) }
	var d [n]float64
	for k := range d {
		s := sim.StreamSeed(1, k, "", true)
		small, large := smallConfig(), smallConfig()
		large.Policy.Reintegration.CashEUR, large.Policy.Reintegration.InKindEUR = 20000, 20000
		ts, _ := run(t, &small, s)
		tl, _ := run(t, &large, s)
		d[k] = share(tl) - share(ts)
	}
	var mean, ss float64
	for _, x := range d {
		mean += x / n
	}
	for _, x := range d {
		ss += (x - mean) * (x - mean)
	}
	se := math.Sqrt(ss/(n-1)) / math.Sqrt(n)
	t.Logf("persons leaving with AVR, large minus default package: mean %.5f, standard error %.5f over %d paired replicates", mean, se, n)
	if !(mean > tCrit*se) {
		t.Errorf("AVR share, large minus default package: mean %.5f over %d paired replicates, standard error %.5f; want above %.3f standard errors (differences %.4f)",
			mean, n, se, tCrit, d)
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		set  func(*sim.Config)
		key  string // "" when valid
	}{
		{"small config", func(*sim.Config) {}, ""},
		{"no intake years", func(c *sim.Config) { c.Intake.Years = nil }, "intake.years"},
		{"intake years not consecutive", func(c *sim.Config) { c.Intake.Years[3].Year = 2030 }, "intake.years[3].year"},
		{"negative intake", func(c *sim.Config) { c.Intake.Years[4].Police = -5 }, "intake.years[4].police"},
		{"NaN intake", func(c *sim.Config) { c.Intake.Years[4].KMar = math.NaN() }, "intake.years[4].kmar"},
		{"a source no year gives", func(c *sim.Config) {
			for i := range c.Intake.Years {
				c.Intake.Years[i].Other = -1
			}
		}, "intake.years"},
		{"bad start", func(c *sim.Config) { c.Start = "2017-13" }, "start"},
		{"policy change by date", func(c *sim.Config) {
			c.Changes = []sim.Change{{From: "2017-07", Policy: agents.DefaultPolicy()}}
		}, ""},
		{"policy change by date and month, disagreeing", func(c *sim.Config) {
			c.Changes = []sim.Change{{From: "2017-07", FromMonth: 7, Policy: agents.DefaultPolicy()}}
		}, "changes[0].from"},
		{"policy change by a bad date", func(c *sim.Config) {
			c.Changes = []sim.Change{{From: "July 2017", Policy: agents.DefaultPolicy()}}
		}, "changes[0].from"},
		{"duplicate origin code", func(c *sim.Config) { c.Origins[1].Code = c.Origins[0].Code }, "origins[1].code"},
		{"origin shares not summing to 1", func(c *sim.Config) { c.Origins[0].Share += 0.1 }, "origins"},
		{"origin class against cooperation", func(c *sim.Config) { c.Origins[2].Class = agents.CoopLow }, "origins[2].class"},
		{"no origins", func(c *sim.Config) { c.Origins = nil }, "origins"},
		{"policy change out of order", func(c *sim.Config) {
			c.Changes = []sim.Change{{FromMonth: 12, Policy: agents.DefaultPolicy()}, {FromMonth: 6, Policy: agents.DefaultPolicy()}}
		}, "changes[1].from_month"},
		{"two policy changes in one month", func(c *sim.Config) {
			c.Changes = []sim.Change{{FromMonth: 6, Policy: agents.DefaultPolicy()}, {FromMonth: 6, Policy: agents.DefaultPolicy()}}
		}, "changes[1].from_month"},
		{"policy change at the horizon", func(c *sim.Config) {
			c.Changes = []sim.Change{{FromMonth: 24, Policy: agents.DefaultPolicy()}}
		}, "changes[0].from_month"},
		{"policy change in order", func(c *sim.Config) {
			c.Changes = []sim.Change{{FromMonth: 6, Policy: agents.DefaultPolicy()}, {FromMonth: 12, Policy: agents.DefaultPolicy()}}
		}, ""},
		{"bad policy in a change", func(c *sim.Config) {
			p := agents.DefaultPolicy()
			p.Counselling.Provider = agents.ProviderMix{NGO: 0.5}
			c.Changes = []sim.Change{{FromMonth: 6, Policy: p}}
		}, "changes[0].policy.counselling.provider"},
		{"a dated state key", func(c *sim.Config) {
			c.Changes = []sim.Change{{FromMonth: 6, Policy: agents.DefaultPolicy(), State: map[string]float64{"vbl_months": 0}, Population: map[string]float64{"frl_share": 0}, Intake: map[string]float64{"scale": 1.2}}}
		}, ""},
		{"a dated key that is not there", func(c *sim.Config) {
			c.Changes = []sim.Change{{FromMonth: 6, Policy: agents.DefaultPolicy(), State: map[string]float64{"vbl_weeks": 12}}}
		}, "changes[0].state.vbl_weeks"},
		{"a dated intake key that cannot change", func(c *sim.Config) {
			c.Changes = []sim.Change{{FromMonth: 6, Policy: agents.DefaultPolicy(), Intake: map[string]float64{"initial_stock": 10}}}
		}, "changes[0].intake.initial_stock"},
		{"a dated key out of range", func(c *sim.Config) {
			c.Changes = []sim.Change{{FromMonth: 6, Policy: agents.DefaultPolicy(), Population: map[string]float64{"frl_share": 1.5}}}
		}, "changes[0].population.frl_share"},
		{"a dated whole number that is not", func(c *sim.Config) {
			c.Changes = []sim.Change{{FromMonth: 6, Policy: agents.DefaultPolicy(), State: map[string]float64{"vbl_months": 2.5}}}
		}, "changes[0].state.vbl_months"},
		{"unknown eligible origin", func(c *sim.Config) { c.Policy.Reintegration.Eligible = []string{"ZZ"} }, "policy.reintegration.eligible"},
		{"params out of range", func(c *sim.Config) { c.Params.AVR.Base = math.NaN() }, "params.avr.base"},
		{"zero months", func(c *sim.Config) { c.Months = 0 }, "months"},
		{"negative stock", func(c *sim.Config) { c.Intake.InitialStock = -1 }, "intake.initial_stock"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := smallConfig()
			c.set(&cfg)
			err := cfg.Validate()
			if c.key == "" {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			var fe *agents.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Validate() = %v (%T), want a *agents.FieldError at %q", err, err, c.key)
			}
			if fe.Key != c.key {
				t.Errorf("Validate() = %v, want an error at %q", err, c.key)
			}
		})
	}

	t.Run("default config", func(t *testing.T) {
		cfg := sim.DefaultConfig()
		if err := cfg.Validate(); err != nil {
			t.Errorf("DefaultConfig().Validate() = %v, want nil", err)
		}
	})
}

// TestDefaultOrigins: origins.csv has the ten origins the issue names plus
// the rest, and validates (shares sum to 1, classes agree with cooperation).
func TestDefaultOrigins(t *testing.T) {
	os := sim.DefaultOrigins()
	codes := map[string]bool{}
	for _, o := range os {
		codes[o.Code] = true
	}
	for _, c := range []string{"NG", "IQ", "MA", "DZ", "SY", "IR", "AF", "ER", "GE", "TR"} {
		if !codes[c] {
			t.Errorf("DefaultOrigins() lacks %s", c)
		}
	}
	cfg := sim.DefaultConfig()
	cfg.Origins = os
	if err := cfg.Validate(); err != nil {
		t.Errorf("DefaultOrigins() does not validate: %v", err)
	}
	ng, iq := os[2], os[3]
	if ng.Code != "NG" || iq.Code != "IQ" || ng.Cooperation <= iq.Cooperation {
		t.Errorf("Nigeria (%+v) should cooperate more on forced return than Iraq (%+v) (seed 001)", ng, iq)
	}
}
