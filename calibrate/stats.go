package calibrate

import (
	"errors"
	"fmt"
	"math"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
	"gonum.org/v1/gonum/mat"
)

// studyMonths is the study's horizon: files closed 2017-2023 (seed 001).
const studyMonths = 84

// filesAt are the numbers of return procedures at which seed 001 reports
// the predicted AVR share.
var filesAt = [...]int{1, 3, 6}

// Collector receives a run's output and keeps the counts the statistics
// need: closed files and AVRs by file number and origin, files by outcome,
// and return orders and verified departures by year. It implements
// sim.Recorder. Several runs (replicates of one scenario) may go into one
// Collector, or into several that are then merged with Add: the statistics
// are then those of the pooled files, and the scale is per run.
//
// A Collector is not safe for concurrent use.
type Collector struct {
	class    []agents.CoopClass // cooperation class by origin index
	ng, iq   int                // origin indices of Nigeria and Iraq; -1 when absent
	cells    [][]cell           // by file number - 1, then origin index
	outcomes [agents.NumOutcomes]int
	byMonth  []monthly // by recorded month, months 0 to 83
}

// monthly is what a Collector keeps of one recorded month, summed over the
// runs collected: files closed by outcome and opened by source.
type monthly struct {
	runs   int // runs that recorded the month
	files  int // files opened in the month, all sources
	closed [agents.NumOutcomes]int
	opened [agents.NumSources]int
	places [agents.NumShelters]int // files open at the month's end, by place
	left   [agents.NumShelters]int // files closed by absconding, by the place left

	detained      int                     // placements in detention
	leftDetention [agents.NumOutcomes]int // left detention, by outcome (Open: released)
}

type cell struct{ closed, avr int }

// NewCollector returns a Collector for runs with the origin table origins,
// which maps a record's origin index to its cooperation class and code.
func NewCollector(origins []agents.Origin) *Collector {
	c := &Collector{class: make([]agents.CoopClass, len(origins)), ng: -1, iq: -1}
	for i := range origins {
		c.class[i] = origins[i].Class
		switch origins[i].Code {
		case "NG":
			c.ng = i
		case "IQ":
			c.iq = i
		}
	}
	return c
}

// Month implements sim.Recorder: it adds the month's files closed by
// outcome and opened by source to its month of the study's period (months
// 0-83, 2017-2023). m.Month must not be negative, as sim promises.
func (c *Collector) Month(m *sim.MonthCounts) {
	if m.Month < 0 {
		panic(fmt.Sprintf("calibrate: Collector.Month: month %d is before the recorded horizon", m.Month))
	}
	if m.Month >= studyMonths {
		return // after the study's period, 2017-2023
	}
	for len(c.byMonth) <= m.Month {
		c.byMonth = append(c.byMonth, monthly{})
	}
	k := &c.byMonth[m.Month]
	k.runs++
	k.files += m.Opened
	for o := range m.Closed {
		k.closed[o] += m.Closed[o]
	}
	for s := range m.OpenedBy {
		k.opened[s] += m.OpenedBy[s]
	}
	for s := range m.Places {
		k.places[s] += m.Places[s]
		k.left[s] += m.AbscondedFrom[s]
	}
	k.detained += m.Detained
	for o := range m.LeftDetention {
		k.leftDetention[o] += m.LeftDetention[o]
	}
}

// Case implements sim.Recorder: it counts a closed file by file number and
// origin, and every file by outcome. The file number must be at least 1
// and the origin an index of the origin table.
func (c *Collector) Case(r *sim.CaseRecord) {
	if r.ClosedMonth >= studyMonths {
		return // closed after the study's period, 2017-2023
	}
	c.outcomes[r.Outcome]++
	if r.Outcome == agents.Open {
		return
	}
	if r.FileNumber < 1 || r.Origin < 0 || r.Origin >= len(c.class) {
		panic(fmt.Sprintf("calibrate: Collector.Case: case %d has file number %d and origin %d; want a file number >= 1 and an origin below %d", r.CaseID, r.FileNumber, r.Origin, len(c.class)))
	}
	for len(c.cells) < r.FileNumber {
		c.cells = append(c.cells, make([]cell, len(c.class)))
	}
	k := &c.cells[r.FileNumber-1][r.Origin]
	k.closed++
	if r.Outcome == agents.AVR {
		k.avr++
	}
}

// Person implements sim.Recorder: the study's statistics are on files, so
// it keeps nothing of persons.
func (c *Collector) Person(*sim.PersonRecord) {}

// Add adds the counts of o, which must have been made for the same origin
// table, to c.
func (c *Collector) Add(o *Collector) {
	if len(o.class) != len(c.class) {
		panic(fmt.Sprintf("calibrate: Collector.Add: %d origins, want %d", len(o.class), len(c.class)))
	}
	for len(c.cells) < len(o.cells) {
		c.cells = append(c.cells, make([]cell, len(c.class)))
	}
	for f, row := range o.cells {
		for i, k := range row {
			c.cells[f][i].closed += k.closed
			c.cells[f][i].avr += k.avr
		}
	}
	for i, n := range o.outcomes {
		c.outcomes[i] += n
	}
	for len(c.byMonth) < len(o.byMonth) {
		c.byMonth = append(c.byMonth, monthly{})
	}
	for m := range o.byMonth {
		c.byMonth[m].runs += o.byMonth[m].runs
		c.byMonth[m].files += o.byMonth[m].files
		for i, n := range o.byMonth[m].closed {
			c.byMonth[m].closed[i] += n
		}
		for i, n := range o.byMonth[m].opened {
			c.byMonth[m].opened[i] += n
		}
		for i, n := range o.byMonth[m].places {
			c.byMonth[m].places[i] += n
			c.byMonth[m].left[i] += o.byMonth[m].left[i]
		}
		c.byMonth[m].detained += o.byMonth[m].detained
		for i, n := range o.byMonth[m].leftDetention {
			c.byMonth[m].leftDetention[i] += n
		}
	}
}

// Stats are the study's statistics computed on simulated files. Shares are
// of files closed in the recorded months; files still open at the horizon
// count in Open only.
type Stats struct {
	Months int // months recorded, summed over the runs collected
	Closed int // files closed in the recorded months
	Open   int // files open at the horizon

	// AVRByFile is the AVR share of closed files predicted at the 1st, 3rd
	// and 6th return procedure by FileFit, a logistic regression of AVR on
	// the file number (coefficients: intercept, file number).
	AVRByFile [3]float64
	FileFit   *LogitFit

	// AVRByCooperation is the AVR share of closed files predicted for
	// origins of high and of low cooperation on forced return by CoopFit,
	// a logistic regression of AVR on dummies of the cooperation class
	// (coefficients: intercept for low, high, then medium when any medium
	// origin closed a file). With dummies only, the predictions equal the
	// classes' shares.
	AVRByCooperation [2]float64
	CoopFit          *LogitFit

	// AVRNigeria and AVRIraq are the AVR shares of closed files of the
	// origins coded NG and IQ.
	AVRNigeria, AVRIraq float64

	// ReturnRate is, for each complete recorded year in order, verified
	// departures (AVR, independent, forced) over return orders (files
	// opened) in that year.
	ReturnRate []float64

	// DepartureMix is the share of AVR plus independent departures, of
	// forced returns and of absconding among all departures.
	DepartureMix [3]float64

	// ClosedPerSevenYears is the number of files closed per run, scaled to
	// the study's 84 months: Closed x 84 / Months.
	ClosedPerSevenYears float64

	// The study's regressions restated as it computed them (joint.go):
	// JointFit regresses AVR on the file number (categories 1 to 5 and 6 or
	// more) and the cooperation class together; OddsFile are its odds
	// ratios of file 3 and of files 6+ against file 1, OddsCoop of high
	// against low cooperation. NaN where a category closed no file.
	JointFit *LogitFit
	OddsFile [2]float64
	OddsCoop float64

	// Calendar years 2017-2023 (month 0 is January 2017), per run, over
	// the months of each year that the service's figures cover (DTVYears):
	// verified independent departures (AVR and independent), forced
	// returns and departures without supervision; AVRs; files opened from
	// the IND, by the police and by others; and the return rate of each year
	// 2020-2023. NaN for a
	// year not recorded whole.
	Departures       [studyYears][3]float64
	AVRs             [studyYears]float64
	INDFiles         [studyYears]float64
	PoliceFiles      [studyYears]float64
	OtherFiles       [studyYears]float64
	ReturnRateByYear [4]float64

	// Stocks are the mean numbers of files open at the month's end, per
	// run, by place and calendar year 2017-2023 (households for a family
	// location); NaN for a year not recorded whole.
	Stocks [studyYears][agents.NumShelters]float64

	// Left are the files closed by absconding a year, per run, by the place
	// the person left (households for a family location); NaN for a year
	// not recorded whole.
	Left [studyYears][agents.NumShelters]float64

	// Detained are the placements in detention a year, per run; Departed
	// the share of the stays in detention that ended that year which ended
	// in a verified departure (AVR, independent, forced) rather than a
	// release or another outcome. NaN for a year not recorded whole, and
	// Departed also for a year in which no stay ended.
	Detained, Departed [studyYears]float64

	// Pattern is the paired change in verified departures per 1,000
	// persons from each policy and context factor (pattern.go); nil unless
	// the evaluation computed it.
	Pattern *Pattern
}

// recordedMonths is the number of months recorded, summed over the runs.
func (c *Collector) recordedMonths() int {
	n := 0
	for i := range c.byMonth {
		n += c.byMonth[i].runs
	}
	return n
}

// yearTotals sums the verified departures (AVR, independent, forced) and
// the files opened in recorded year y (months 12y to 12y+11) over the runs
// collected; whole reports whether every month of the year was recorded.
func (c *Collector) yearTotals(y int) (verified, opened int, whole bool) {
	whole = true
	for m := 12 * y; m < 12*y+12; m++ {
		if m >= len(c.byMonth) || c.byMonth[m].runs == 0 {
			whole = false
			continue
		}
		k := &c.byMonth[m]
		opened += k.files
		for o := agents.AVR; o < agents.NumOutcomes; o++ {
			if o.Verified() {
				verified += k.closed[o]
			}
		}
	}
	return verified, opened, whole
}

// Stats computes the statistics of the files collected. It fails when a
// statistic is undefined: no month or no closed file recorded, a regression
// without its maximum-likelihood estimate (say, a cooperation class without
// any AVR), no closed file of Nigeria or Iraq, no complete year.
func (c *Collector) Stats() (*Stats, error) {
	months := c.recordedMonths()
	if months == 0 {
		return nil, errors.New("no month recorded")
	}
	s := &Stats{Months: months, Open: c.outcomes[agents.Open]}
	for o := agents.AVR; o < agents.NumOutcomes; o++ {
		s.Closed += c.outcomes[o]
	}
	if s.Closed == 0 {
		return nil, errors.New("no file closed in the recorded months")
	}
	s.ClosedPerSevenYears = float64(s.Closed) * studyMonths / float64(months)

	var err error
	if s.FileFit, err = c.fitFile(); err != nil {
		return nil, fmt.Errorf("avr_by_file: %w", err)
	}
	for i, f := range filesAt {
		s.AVRByFile[i] = s.FileFit.Predict([]float64{1, float64(f)})
	}
	if err := c.fitCooperation(s); err != nil {
		return nil, fmt.Errorf("avr_by_cooperation: %w", err)
	}
	if s.AVRNigeria, err = c.originShare(c.ng, "NG"); err != nil {
		return nil, fmt.Errorf("avr_nigeria_iraq: %w", err)
	}
	if s.AVRIraq, err = c.originShare(c.iq, "IQ"); err != nil {
		return nil, fmt.Errorf("avr_nigeria_iraq: %w", err)
	}
	for y := 0; 12*y < len(c.byMonth); y++ {
		verified, opened, whole := c.yearTotals(y)
		if !whole {
			continue
		}
		if opened == 0 {
			return nil, fmt.Errorf("return_rate: no return order in year %d", y+1)
		}
		s.ReturnRate = append(s.ReturnRate, float64(verified)/float64(opened))
	}
	if len(s.ReturnRate) == 0 {
		return nil, fmt.Errorf("return_rate: no complete year among the %d months recorded", s.Months)
	}
	o := &c.outcomes
	dep := o[agents.AVR] + o[agents.Independent] + o[agents.Forced] + o[agents.Absconded]
	if dep == 0 {
		return nil, errors.New("departure_mix: no departure")
	}
	s.DepartureMix = [3]float64{
		float64(o[agents.AVR]+o[agents.Independent]) / float64(dep),
		float64(o[agents.Forced]) / float64(dep),
		float64(o[agents.Absconded]) / float64(dep),
	}
	c.fitJoint(s)
	c.calendar(s)
	return s, nil
}

// fitFile regresses AVR on the file number, one row per file number.
func (c *Collector) fitFile() (*LogitFit, error) {
	var file, avr, closed []float64
	for f, row := range c.cells {
		var k cell
		for _, x := range row {
			k.closed += x.closed
			k.avr += x.avr
		}
		if k.closed > 0 {
			file = append(file, float64(f+1))
			avr = append(avr, float64(k.avr))
			closed = append(closed, float64(k.closed))
		}
	}
	if len(file) < 2 {
		return nil, fmt.Errorf("closed files have %d distinct file numbers: want at least 2 for a slope", len(file))
	}
	return FitLogitCounts(Design(file), avr, closed)
}

// fitCooperation regresses AVR on dummies of the cooperation class, low
// being the reference, one row per class.
func (c *Collector) fitCooperation(s *Stats) error {
	var by [3]cell // by class
	for _, row := range c.cells {
		for i, x := range row {
			by[c.class[i]].closed += x.closed
			by[c.class[i]].avr += x.avr
		}
	}
	for _, cl := range []agents.CoopClass{agents.CoopHigh, agents.CoopLow} {
		if by[cl].closed == 0 {
			return fmt.Errorf("no closed file from an origin of %s cooperation", cl)
		}
	}
	classes := []agents.CoopClass{agents.CoopLow, agents.CoopHigh}
	if by[agents.CoopMedium].closed > 0 {
		classes = append(classes, agents.CoopMedium)
	}
	// columns: intercept, high, medium (when present)
	X := mat.NewDense(len(classes), len(classes), nil)
	avr := make([]float64, len(classes))
	closed := make([]float64, len(classes))
	for i, cl := range classes {
		X.Set(i, 0, 1)
		if i > 0 {
			X.Set(i, i, 1)
		}
		avr[i], closed[i] = float64(by[cl].avr), float64(by[cl].closed)
	}
	fit, err := FitLogitCounts(X, avr, closed)
	if err != nil {
		return err
	}
	s.CoopFit = fit
	s.AVRByCooperation = [2]float64{fit.Predict(X.RawRowView(1)), fit.Predict(X.RawRowView(0))}
	return nil
}

// originShare is the AVR share of closed files of origin index i.
func (c *Collector) originShare(i int, code string) (float64, error) {
	if i < 0 {
		return 0, fmt.Errorf("the origin table has no origin coded %s", code)
	}
	var k cell
	for _, row := range c.cells {
		k.closed += row[i].closed
		k.avr += row[i].avr
	}
	if k.closed == 0 {
		return 0, fmt.Errorf("no closed file of origin %s", code)
	}
	return float64(k.avr) / float64(k.closed), nil
}

// statistic is a statistic of Stats that a target can name: its
// components, and whether it is a count (compared on the log scale) or a
// share (compared on the logit scale).
type statistic struct {
	name   string
	labels []string
	count  bool // compared on the log scale, raised to at least 1
	values func(*Stats) []float64
	ratio  bool // a ratio above 0, compared on the log scale
}

var statistics = []statistic{
	{name: "avr_by_file", labels: []string{"file 1", "file 3", "file 6"},
		values: func(s *Stats) []float64 { return s.AVRByFile[:] }},
	{name: "avr_by_cooperation", labels: []string{"high", "low"},
		values: func(s *Stats) []float64 { return s.AVRByCooperation[:] }},
	{name: "avr_nigeria_iraq", labels: []string{"NG", "IQ"},
		values: func(s *Stats) []float64 { return []float64{s.AVRNigeria, s.AVRIraq} }},
	{name: "return_rate", labels: []string{"highest year"},
		values: func(s *Stats) []float64 { return []float64{highest(s.ReturnRate)} }},
	{name: "departure_mix", labels: []string{"avr+independent", "forced", "absconded"},
		values: func(s *Stats) []float64 { return s.DepartureMix[:] }},
	{name: "closed_files", labels: []string{"per 84 months"}, count: true,
		values: func(s *Stats) []float64 { return []float64{s.ClosedPerSevenYears} }},
	{name: "avr_odds_ratio_file3", labels: []string{"file 3 vs 1"}, ratio: true,
		values: func(s *Stats) []float64 { return s.OddsFile[:1] }},
	{name: "avr_odds_ratio_file6", labels: []string{"files 6+ vs 1"}, ratio: true,
		values: func(s *Stats) []float64 { return s.OddsFile[1:] }},
	{name: "avr_odds_ratio_cooperation", labels: []string{"high vs low"}, ratio: true,
		values: func(s *Stats) []float64 { return []float64{s.OddsCoop} }},
	{name: "departures_independent_by_year", labels: yearLabels("independent"), count: true,
		values: func(s *Stats) []float64 { return s.departures(0) }},
	{name: "departures_forced_by_year", labels: yearLabels("forced"), count: true,
		values: func(s *Stats) []float64 { return s.departures(1) }},
	{name: "departures_unsupervised_by_year", labels: yearLabels("unsupervised"), count: true,
		values: func(s *Stats) []float64 { return s.departures(2) }},
	{name: "ind_files_by_year", labels: yearLabels("IND")[1:], count: true,
		values: func(s *Stats) []float64 { return append([]float64(nil), s.INDFiles[1:]...) }},
	{name: "police_files_by_year", labels: yearLabels("police")[1:], count: true,
		values: func(s *Stats) []float64 { return append([]float64(nil), s.PoliceFiles[1:]...) }},
	{name: "other_files_by_year", labels: yearLabels("others")[1:], count: true,
		values: func(s *Stats) []float64 { return append([]float64(nil), s.OtherFiles[1:]...) }},
	{name: "family_location_households", labels: []string{"2017", "2018"}, count: true,
		values: func(s *Stats) []float64 {
			return []float64{s.Stocks[0][agents.FamilyLocation], s.Stocks[1][agents.FamilyLocation]}
		}},
	{name: "family_location_absconded", labels: []string{"2017", "2018"}, count: true,
		values: func(s *Stats) []float64 {
			return []float64{s.Left[0][agents.FamilyLocation], s.Left[1][agents.FamilyLocation]}
		}},
	{name: "detention_persons", labels: []string{"2017-2019", "2020"}, count: true,
		values: func(s *Stats) []float64 {
			d := func(y int) float64 { return s.Stocks[y][agents.Detention] }
			return []float64{(d(0) + d(1) + d(2)) / 3, d(3)}
		}},
	{name: "detention_placements", labels: yearLabels("placements")[1:], count: true,
		values: func(s *Stats) []float64 { return append([]float64(nil), s.Detained[1:]...) }},
	{name: "detention_departure_share", labels: []string{"2017", "2018", "2019"},
		values: func(s *Stats) []float64 { return append([]float64(nil), s.Departed[:3]...) }},
	{name: "avr_2017", labels: []string{"AVR 2017"}, count: true,
		values: func(s *Stats) []float64 { return []float64{s.AVRs[0]} }},
	{name: "return_rate_by_year", labels: []string{"2020", "2021", "2022", "2023"},
		values: func(s *Stats) []float64 { return s.ReturnRateByYear[:] }},
	{name: patternStatistic, labels: []string{"largest policy change / smallest context change"}, ratio: true,
		values: func(s *Stats) []float64 {
			if s.Pattern == nil {
				return []float64{math.NaN()}
			}
			return []float64{s.Pattern.Ratio()}
		}},
}

// departures are the departures of kind k (0 verified independent, 1
// forced, 2 without supervision) in each year 2017-2023.
func (s *Stats) departures(k int) []float64 {
	v := make([]float64, len(s.Departures))
	for y := range s.Departures {
		v[y] = s.Departures[y][k]
	}
	return v
}

// yearLabels labels a statistic by kind and calendar year, 2017-2023.
func yearLabels(kinds ...string) []string {
	var out []string
	for _, k := range kinds {
		for y := 0; y < studyYears; y++ {
			out = append(out, fmt.Sprintf("%s %d", k, firstStudyYear+y))
		}
	}
	return out
}

func findStatistic(name string) *statistic {
	for i := range statistics {
		if statistics[i].name == name {
			return &statistics[i]
		}
	}
	return nil
}

// highest is the largest of xs, NaN when xs is empty.
func highest(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	m := xs[0]
	for _, x := range xs[1:] {
		m = math.Max(m, x)
	}
	return m
}
