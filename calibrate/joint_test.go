package calibrate

import (
	"math"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// The joint regression recovers odds ratios that the counts fit exactly,
// after the half-count correction: with AVR a and files without AVR n in a
// cell, the fit sees odds (2a+1)/(2n+1). With odds(file, class) = 1/3 x
// OR(file) x OR(class), OR(file 3) = 1/3, OR(files 6+) = 1/9 and OR(high)
// = 3, the cells are (AVR / closed, corrected odds):
//
//	file 1: low 49/197 (99/297 = 1/3),  high 49/98  (1)
//	file 3: low 49/494 (99/891 = 1/9),  high 49/197 (1/3)
//	file 7: low 4/125  (9/243 = 1/27),  high 4/44   (9/81 = 1/9)
//
// The additive logistic model fits these proportions exactly, so its
// maximum-likelihood estimate is those odds ratios; file 7 falls in the
// category 6+, and files 2, 4 and 5, closing nothing, get no column.
func TestJointOddsRatios(t *testing.T) {
	// stats collects cells of {file, origin (0 IQ low, 1 NG high), AVR,
	// closed} and a year of months
	stats := func(cells [][4]int) *Stats {
		t.Helper()
		c := NewCollector([]agents.Origin{{Code: "IQ", Class: agents.CoopLow}, {Code: "NG", Class: agents.CoopHigh}})
		id := 0
		for _, k := range cells {
			for i := 0; i < k[3]; i++ {
				out := agents.Absconded
				if i < k[2] {
					out = agents.AVR
				}
				c.Case(&sim.CaseRecord{CaseID: id, FileNumber: k[0], Origin: k[1], Outcome: out})
				id++
			}
		}
		for m := 0; m < 12; m++ {
			c.Month(&sim.MonthCounts{Month: m, Opened: 1})
		}
		s, err := c.Stats()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	first := [][4]int{{1, 0, 49, 197}, {1, 1, 49, 98}}
	third := [][4]int{{3, 0, 49, 494}, {3, 1, 49, 197}}
	seventh := [][4]int{{7, 0, 4, 125}, {7, 1, 4, 44}}
	s := stats(append(append(first, third...), seventh...))
	for _, tt := range []struct {
		name      string
		got, want float64
	}{
		{"OddsFile[file 3]", s.OddsFile[0], 1.0 / 3},
		{"OddsFile[files 6+]", s.OddsFile[1], 1.0 / 9},
		{"OddsCoop", s.OddsCoop, 3},
	} {
		if !near(tt.got, tt.want, 1e-7) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	// a category without a closed file has no odds ratio: without file 3
	s = stats(append(append([][4]int(nil), first...), seventh...))
	if !math.IsNaN(s.OddsFile[0]) || !near(s.OddsFile[1], 1.0/9, 1e-7) {
		t.Errorf("without file 3: OddsFile = %v, want [NaN 0.111]", s.OddsFile)
	}
	// a cell without AVR still gives an odds ratio
	s = stats(append(append(append([][4]int(nil), first...), third...), [4]int{7, 0, 0, 125}, [4]int{7, 1, 0, 44}))
	if !(s.OddsFile[1] > 0 && s.OddsFile[1] < 0.05) {
		t.Errorf("no AVR at file 7: OddsFile[files 6+] = %v, want a small odds ratio above 0", s.OddsFile[1])
	}
}

// The statistics by calendar year count each year's months, per run, and
// 2023 over January to October only, as the service published it.
func TestCalendarStats(t *testing.T) {
	c := NewCollector([]agents.Origin{{Code: "NG", Class: agents.CoopHigh}, {Code: "IQ", Class: agents.CoopLow}})
	for run := 0; run < 2; run++ {
		for m := 0; m < 96; m++ {
			var mc sim.MonthCounts
			mc.Month = m
			mc.Closed[agents.AVR], mc.Closed[agents.Independent], mc.Closed[agents.Forced], mc.Closed[agents.Absconded] = 1, 2, 3, 4
			mc.OpenedBy[agents.Police], mc.OpenedBy[agents.IND] = 5, 10
			mc.Opened = 15
			c.Month(&mc)
		}
	}
	cases(c)
	s, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}
	for y := 0; y < studyYears; y++ {
		k := 12.0
		if y == 6 {
			k = 10 // 2023: January to October
		}
		want := [3]float64{3 * k, 3 * k, 4 * k}
		if s.Departures[y] != want || s.AVRs[y] != k || s.PoliceFiles[y] != 60 {
			t.Errorf("year %d: departures %v, AVRs %v, police %v: want %v, %v, 60", firstStudyYear+y, s.Departures[y], s.AVRs[y], s.PoliceFiles[y], want, k)
		}
	}
	for i, r := range s.ReturnRateByYear {
		if !near(r, 6.0/15, 1e-12) {
			t.Errorf("return rate %d = %v, want 0.4 (6 verified departures over 15 files a month)", 2020+i, r)
		}
	}
	// a year not recorded whole is NaN
	c = NewCollector([]agents.Origin{{Code: "NG", Class: agents.CoopHigh}, {Code: "IQ", Class: agents.CoopLow}})
	for m := 0; m < 18; m++ {
		c.Month(&sim.MonthCounts{Month: m, Opened: 1})
	}
	cases(c)
	if s, err = c.Stats(); err != nil {
		t.Fatal(err)
	}
	if math.IsNaN(s.PoliceFiles[0]) || !math.IsNaN(s.PoliceFiles[1]) || !math.IsNaN(s.ReturnRateByYear[0]) {
		t.Errorf("18 months recorded: police %v, return rates %v: want 2017 a number, 2018 on NaN", s.PoliceFiles, s.ReturnRateByYear)
	}
}

// cases gives c closed files enough for the statistics on files to exist:
// both origins and two file numbers, with and without AVR.
func cases(c *Collector) {
	for _, f := range []int{1, 2} {
		for o := 0; o < 2; o++ {
			c.Case(&sim.CaseRecord{FileNumber: f, Origin: o, Outcome: agents.AVR})
			c.Case(&sim.CaseRecord{FileNumber: f, Origin: o, Outcome: agents.Forced})
		}
	}
}
