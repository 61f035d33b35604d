package calibrate

import (
	"math"
	"strconv"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/sim"
)

// yearly sums a run's months by calendar year: departures by type and
// files opened by source, over the first k months of each year.
type yearly struct {
	cfg    *sim.Config
	months map[int]int // months of a year to count, when fewer than 12
	by     map[int]*[7]float64
}

func (y *yearly) Month(m *sim.MonthCounts) {
	date := y.cfg.Date(m.Month)
	year, _ := strconv.Atoi(date[:4])
	mo, _ := strconv.Atoi(date[5:])
	if k, ok := y.months[year]; ok && mo > k {
		return
	}
	if y.by[year] == nil {
		y.by[year] = new([7]float64)
	}
	v := y.by[year]
	v[0] += float64(m.Closed[agents.AVR] + m.Closed[agents.Independent])
	v[1] += float64(m.Closed[agents.Forced])
	v[2] += float64(m.Closed[agents.Absconded])
	v[3] += float64(m.OpenedBy[agents.IND])
	v[4] += float64(m.OpenedBy[agents.Police])
	v[5] += float64(m.OpenedBy[agents.KMar])
	v[6] += float64(m.Opened)
}
func (y *yearly) Case(*sim.CaseRecord)     {}
func (y *yearly) Person(*sim.PersonRecord) {}

// TestDefaultsPlausible checks that the default study's baseline, whose
// behavioural defaults are set by hand for plausible magnitudes until they
// are recalibrated, stays of the order of the published Dutch figures
// (docs/sources.md): over 2017-2023 (2023: January to October, as
// published), verified independent departures, forced returns,
// departures without supervision, and the files opened by the IND, the
// police, the Marechaussee and in all, each summed over the years with a
// published figure, lie within a factor of 2 of it. The factor is what
// "plausible magnitude" means here: it is not a calibration, and the
// intake of new persons is data, so the files opened test the revolving
// door more than the intake. The mean of two full-size replicates is used.
func TestDefaultsPlausible(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two full-size replicates")
	}
	st, err := scenarios.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	cfg := st.Scenarios[0].Config
	const R = 2
	names := []string{"verified independent departures", "forced returns", "departures without supervision",
		"files from the IND", "files from the police", "files from the Marechaussee", "files opened"}
	var model, data [7]float64
	dtv := DTVYears()
	months := map[int]int{} // 2023 is published for January to October
	for _, d := range dtv {
		if d.DepartureMonths < 12 {
			months[d.Year] = d.DepartureMonths
		}
	}
	runs := make([]*yearly, R)
	for r := range runs {
		runs[r] = &yearly{cfg: &cfg, by: map[int]*[7]float64{}, months: months}
	}
	for r, y := range runs {
		sim.Run(&cfg, sim.StreamSeed(20261130, r, "", true), y)
	}
	for _, d := range dtv {
		if d.Year < 2017 || d.Year > 2023 {
			continue
		}
		pub := [7]float64{d.Independent, d.Forced, d.Unsupervised, d.IntakeIND, d.IntakePolice, d.IntakeKMar, d.IntakeTotal}
		for _, y := range runs {
			v := y.by[d.Year]
			if v == nil {
				t.Fatalf("the default study records no month of %d", d.Year)
			}
			for i := range pub {
				if !math.IsNaN(pub[i]) {
					model[i] += v[i] / R
				}
			}
		}
		for i, x := range pub {
			if !math.IsNaN(x) {
				data[i] += x
			}
		}
	}
	for i, n := range names {
		ratio := model[i] / data[i]
		t.Logf("%s 2017-2023: model %.0f, published %.0f, ratio %.2f", n, model[i], data[i], ratio)
		if !(ratio >= 0.5 && ratio <= 2) {
			t.Errorf("%s 2017-2023: model %.0f against %.0f published, ratio %.2f: want within a factor of 2", n, model[i], data[i], ratio)
		}
	}
}
