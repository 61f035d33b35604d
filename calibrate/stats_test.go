package calibrate

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// handOrigins: Nigeria (high cooperation), Iraq (medium), Morocco (low).
func handOrigins() []agents.Origin {
	return []agents.Origin{
		{Code: "NG", Class: agents.CoopHigh},
		{Code: "IQ", Class: agents.CoopMedium},
		{Code: "MA", Class: agents.CoopLow},
	}
}

// handRecords are 40 closed files and 3 open ones:
//
//	origin  file  closed  AVR
//	NG      1     10      2
//	NG      2     10      1
//	IQ      1     10      2
//	MA      2     10      1
//
// The 34 closed files without AVR are 4 independent, 5 forced, 15
// absconded, 5 regularised and 5 new procedures. The open files are
// Nigerian 7th files: counted as closed, they would add a 7th file number
// and lower Nigeria's share.
func handRecords() []sim.CaseRecord {
	others := slices.Concat(
		slices.Repeat([]agents.Outcome{agents.Independent}, 4),
		slices.Repeat([]agents.Outcome{agents.Forced}, 5),
		slices.Repeat([]agents.Outcome{agents.Absconded}, 15),
		slices.Repeat([]agents.Outcome{agents.Regularised}, 5),
		slices.Repeat([]agents.Outcome{agents.NewProcedure}, 5),
	)
	var recs []sim.CaseRecord
	for _, c := range []struct{ origin, file, closed, avr int }{
		{0, 1, 10, 2}, {0, 2, 10, 1}, {1, 1, 10, 2}, {2, 2, 10, 1},
	} {
		for i := 0; i < c.closed; i++ {
			out := agents.AVR
			if i >= c.avr {
				out, others = others[0], others[1:]
			}
			recs = append(recs, sim.CaseRecord{CaseID: len(recs), FileNumber: c.file, Origin: c.origin, Outcome: out, ClosedMonth: 5})
		}
	}
	for i := 0; i < 3; i++ {
		recs = append(recs, sim.CaseRecord{CaseID: len(recs), FileNumber: 7, Origin: 0, Outcome: agents.Open, ClosedMonth: -1})
	}
	return recs
}

// handMonths are 30 months:
//
//	months 0-11:  10 opened, 1 AVR, 1 independent, 1 forced, 5 absconded a month: rate 36/120 = 0.3
//	months 12-23: 5 opened, 1 AVR, 2 regularised a month: rate 12/60 = 0.2
//	months 24-29: 1 opened, 5 forced a month: an incomplete year, left out
//
// Absconding and regularisation are not verified departures.
func handMonths() []sim.MonthCounts {
	ms := make([]sim.MonthCounts, 30)
	for m := range ms {
		c := &ms[m]
		c.Month = m
		switch {
		case m < 12:
			c.Opened = 10
			c.Closed[agents.AVR], c.Closed[agents.Independent], c.Closed[agents.Forced], c.Closed[agents.Absconded] = 1, 1, 1, 5
		case m < 24:
			c.Opened = 5
			c.Closed[agents.AVR], c.Closed[agents.Regularised] = 1, 2
		default:
			c.Opened = 1
			c.Closed[agents.Forced] = 5
		}
	}
	return ms
}

func collect(origins []agents.Origin, months []sim.MonthCounts, recs []sim.CaseRecord) *Collector {
	c := NewCollector(origins)
	for i := range months {
		c.Month(&months[i])
	}
	for i := range recs {
		c.Case(&recs[i])
	}
	return c
}

func TestStatsByHand(t *testing.T) {
	s, err := collect(handOrigins(), handMonths(), handRecords()).Stats()
	if err != nil {
		t.Fatalf("Stats() error: %v", err)
	}
	// AVR shares by file number: 4/20 = 0.2 at file 1 and 2/20 = 0.1 at
	// file 2. Two file numbers make the regression on file number
	// saturated: logit p(f) = ln(1/4) + (f-1) ln(4/9), so
	//	p(3): odds (1/9)(4/9) = 4/81, p = 4/85
	//	p(6): odds (1/4)(4/9)^5 = 256/59049, p = 256/59305
	// By class: high (NG) 3/20, low (MA) 1/10. Nigeria 3/20, Iraq 2/10.
	// Departures: 6 AVR + 4 independent, 5 forced, 15 absconded of 30.
	// Scale: 40 closed in 30 months, 40 x 84/30 = 112 per 84 months.
	tests := []struct {
		name      string
		got, want []float64
	}{
		{"Months, Closed, Open", []float64{float64(s.Months), float64(s.Closed), float64(s.Open)}, []float64{30, 40, 3}},
		{"AVRByFile", s.AVRByFile[:], []float64{0.2, 4.0 / 85, 256.0 / 59305}},
		{"FileFit.Coef", s.FileFit.Coef, []float64{logit(0.2) - logit(0.1) + logit(0.2), logit(0.1) - logit(0.2)}},
		{"AVRByCooperation", s.AVRByCooperation[:], []float64{0.15, 0.1}},
		{"AVRNigeria, AVRIraq", []float64{s.AVRNigeria, s.AVRIraq}, []float64{0.15, 0.2}},
		{"ReturnRate", s.ReturnRate, []float64{0.3, 0.2}},
		{"DepartureMix", s.DepartureMix[:], []float64{10.0 / 30, 5.0 / 30, 15.0 / 30}},
		{"ClosedPerSevenYears", []float64{s.ClosedPerSevenYears}, []float64{112}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.got) != len(tt.want) {
				t.Fatalf("Stats().%s = %v, want %v", tt.name, tt.got, tt.want)
			}
			for i := range tt.got {
				if !near(tt.got[i], tt.want[i], 1e-9) {
					t.Errorf("Stats().%s = %v, want %v", tt.name, tt.got, tt.want)
					break
				}
			}
		})
	}
}

// The counts do not depend on the order of the records, nor on whether
// they went through one Collector or two that were added.
func TestCollectorOrderAndAdd(t *testing.T) {
	months, recs := handMonths(), handRecords()
	want, err := collect(handOrigins(), months, recs).Stats()
	if err != nil {
		t.Fatalf("Stats() error: %v", err)
	}
	rev := slices.Clone(recs)
	slices.Reverse(rev)
	a := collect(handOrigins(), months[:13], recs[:17])
	a.Add(collect(handOrigins(), months[13:], recs[17:]))
	for _, tt := range []struct {
		name string
		c    *Collector
	}{
		{"reversed records", collect(handOrigins(), months, rev)},
		{"two collectors added", a},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.c.Stats()
			if err != nil {
				t.Fatalf("Stats() error: %v", err)
			}
			if !reflect.DeepEqual(nanless(got), nanless(want)) {
				t.Errorf("Stats() = %+v, want %+v", got, want)
			}
		})
	}
}

func TestStatsErrors(t *testing.T) {
	recs := handRecords()
	noHigh := handOrigins()
	noHigh[0].Class = agents.CoopMedium
	noIraq := handOrigins()
	noIraq[1].Code = "SY"
	firstFiles := slices.DeleteFunc(slices.Clone(recs), func(r sim.CaseRecord) bool { return r.FileNumber != 1 })
	tests := []struct {
		name    string
		origins []agents.Origin
		months  []sim.MonthCounts
		recs    []sim.CaseRecord
		want    string
	}{
		{"no month", handOrigins(), nil, recs, "no month recorded"},
		{"no closed file", handOrigins(), handMonths(), recs[40:], "no file closed in the recorded months"},
		{"one file number", handOrigins(), handMonths(), firstFiles, "avr_by_file: closed files have 1 distinct file numbers: want at least 2 for a slope"},
		{"no high cooperation", noHigh, handMonths(), recs, "avr_by_cooperation: no closed file from an origin of high cooperation"},
		{"no Iraq", noIraq, handMonths(), recs, "avr_nigeria_iraq: the origin table has no origin coded IQ"},
		{"no complete year", handOrigins(), handMonths()[:11], recs, "return_rate: no complete year among the 11 months recorded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := collect(tt.origins, tt.months, tt.recs).Stats()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Stats() error = %v, want %q", err, tt.want)
			}
		})
	}
}

// A Collector agrees with the totals sim returns for the default scenario.
// studyCount passes a run to a Collector and counts the files closed in
// the study's period itself.
type studyCount struct {
	*Collector
	closed int
	ind    int // files opened from the IND, 2017-2023
	police int // files opened by the police, 2017-2023
	forced int // forced returns closed 2017-2022, from the case records
}

func (s *studyCount) Case(r *sim.CaseRecord) {
	if r.Outcome != agents.Open && r.ClosedMonth < studyMonths {
		s.closed++
	}
	if r.Outcome == agents.Forced && r.ClosedMonth < 72 {
		s.forced++
	}
	s.Collector.Case(r)
}

func (s *studyCount) Month(m *sim.MonthCounts) {
	if m.Month < studyMonths {
		s.ind += m.OpenedBy[agents.IND]
		s.police += m.OpenedBy[agents.Police]
	}
	s.Collector.Month(m)
}

// nanless is s with every NaN of its calendar statistics and odds ratios
// replaced by -1, so that reflect.DeepEqual compares them (NaN != NaN).
func nanless(s *Stats) *Stats {
	c := *s
	fix := func(x *float64) {
		if math.IsNaN(*x) {
			*x = -1
		}
	}
	for y := range c.Departures {
		for k := range c.Departures[y] {
			fix(&c.Departures[y][k])
		}
		fix(&c.AVRs[y])
		fix(&c.INDFiles[y])
		fix(&c.PoliceFiles[y])
		fix(&c.OtherFiles[y])
		fix(&c.Detained[y])
		fix(&c.Departed[y])
		for p := range c.Stocks[y] {
			fix(&c.Stocks[y][p])
			fix(&c.Left[y][p])
		}
	}
	for i := range c.ReturnRateByYear {
		fix(&c.ReturnRateByYear[i])
	}
	for i := range c.OddsFile {
		fix(&c.OddsFile[i])
	}
	fix(&c.OddsCoop)
	return &c
}

func TestCollectorWithSim(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the default scenario")
	}
	cfg := sim.DefaultConfig()
	if err := cfg.Prepare(); err != nil {
		t.Fatalf("DefaultConfig().Prepare() = %v", err)
	}
	c := NewCollector(cfg.Origins)
	study := &studyCount{Collector: c}
	tot := sim.Run(&cfg, sim.StreamSeed(1, 0, "default", true), study)
	s, err := c.Stats()
	if err != nil {
		t.Fatalf("Stats() error: %v", err)
	}
	// the study's period is 2017-2023: the first 84 of the 96 months
	years := studyMonths / 12
	for _, tt := range []struct {
		name      string
		got, want int
	}{
		{"Months", s.Months, studyMonths},
		{"Closed", s.Closed, study.closed},
		{"Open", s.Open, tot.Outcomes[agents.Open]},
		{"len(ReturnRate)", len(s.ReturnRate), years},
	} {
		if tt.got != tt.want {
			t.Errorf("Stats().%s = %d, want %d", tt.name, tt.got, tt.want)
		}
	}
	// every default target but the pattern, which needs paired runs, is
	// defined on one run of the default scenario
	for _, tg := range DefaultTargets() {
		for _, r := range tg.rows(s) {
			if tg.Statistic != patternStatistic && (math.IsNaN(r.Error) || math.IsInf(r.Error, 0)) {
				t.Errorf("%s: error %v, want a finite number", r.Statistic, r.Error)
			}
			t.Logf("%-50s %10.4g %10.4g %7.2f %v", r.Statistic, r.Observed, r.Simulated, r.Error, r.Within)
		}
	}
	// the calendar statistics add up to the months' counts
	var ind, police, forced float64
	for y := 0; y < studyYears; y++ {
		ind += s.INDFiles[y]
		police += s.PoliceFiles[y]
		if y < 6 {
			forced += s.Departures[y][1]
		}
	}
	if ind != float64(study.ind) || police != float64(study.police) || forced != float64(study.forced) {
		t.Errorf("IND files %v, police files %v, forced returns 2017-2022 %v: want %d, %d and %d, the months' counts", ind, police, forced, study.ind, study.police, study.forced)
	}
}

// TestStocksAndLeft: the stocks by place are the mean of the month-end
// stocks of each whole year, and the files left by absconding their sum,
// per run.
func TestStocksAndLeft(t *testing.T) {
	c := NewCollector(handOrigins())
	for run := range 2 {
		for m := range 24 {
			var mc sim.MonthCounts
			mc.Month = m
			mc.Places[agents.FamilyLocation] = 100 + 10*run + m/12 // 2017: 100 and 110; 2018: 101 and 111
			mc.AbscondedFrom[agents.FamilyLocation] = 1 + run      // 12 and 24 a year
			c.Month(&mc)
		}
	}
	s := &Stats{}
	c.calendar(s)
	if got := s.Stocks[0][agents.FamilyLocation]; got != 105 {
		t.Errorf("family-location stock 2017 = %v, want 105 (the mean of 100 and 110)", got)
	}
	if got := s.Stocks[1][agents.FamilyLocation]; got != 106 {
		t.Errorf("family-location stock 2018 = %v, want 106", got)
	}
	if got := s.Left[0][agents.FamilyLocation]; got != 18 {
		t.Errorf("households left 2017 = %v, want 18 (12 and 24 over two runs)", got)
	}
	if !math.IsNaN(s.Stocks[2][agents.FamilyLocation]) {
		t.Errorf("stock 2019 = %v, want NaN: not recorded", s.Stocks[2][agents.FamilyLocation])
	}
}
