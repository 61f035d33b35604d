package calibrate

import (
	"math"
	"sync"

	"github.com/returnsim/returnsim/agents"
	"gonum.org/v1/gonum/mat"
)

// The study's AVR figures (seed 001) are predictions of one multivariate
// logistic model of the case files, at covariate values it does not
// publish: 19%, 9% and 2% after one, three and six return procedures, 11%
// and 5% for origins of extensive and of little cooperation. Read as
// marginal shares they contradict each other (most closed files are first
// files, so AVR over all closed files would be at least 0.7 x 19%, above
// both 11% and 5%). What a logistic model without interactions keeps
// whatever its reference levels are is its odds ratios, so the model is
// held to those: a regression of AVR on the file number and the
// cooperation class together, as the study's was on its covariates.

// fileCats are the categories of the file number in the joint regression:
// 1 to 5, and 6 or more (the study reports six procedures; few persons have
// more, and pooling them keeps the category's count from thinning out).
const fileCats = 6

// studyYears are the calendar years of the study, 2017-2023.
const studyYears = studyMonths / 12

// firstStudyYear is the calendar year of recorded month 0.
const firstStudyYear = 2017

// fitJoint regresses AVR on dummies of the file number's category (file 1
// the reference) and of the cooperation class (low the reference), one row
// per category and class, and sets the odds ratios it implies. A category
// or class without a closed file leaves its column out and its odds ratio
// NaN.
//
// Each cell's counts get the Haldane-Anscombe correction, half an AVR and
// half a file without AVR, so that a cell without any AVR (few files reach
// six procedures, and at 2% AVR a run's hundred of them often have none)
// gives a finite odds ratio rather than no estimate at all. At the study's
// size the half-counts move the odds ratios of file 3 and of cooperation
// by well under their sampling error; at six procedures they bias the
// ratio up by about the size of its sampling error, which the target's
// tolerance carries.
func (c *Collector) fitJoint(s *Stats) {
	s.OddsFile = [2]float64{math.NaN(), math.NaN()}
	s.OddsCoop = math.NaN()
	var by [fileCats][3]cell
	for f, row := range c.cells {
		fc := min(f, fileCats-1)
		for i, x := range row {
			k := &by[fc][c.class[i]]
			k.closed += x.closed
			k.avr += x.avr
		}
	}
	// a column for each file category 2..6+ and class high, medium with
	// any closed file
	var fileCol [fileCats]int
	var classCol [3]int
	cols := 1
	for fc := 1; fc < fileCats; fc++ {
		n := 0
		for cl := range by[fc] {
			n += by[fc][cl].closed
		}
		fileCol[fc] = -1
		if n > 0 {
			fileCol[fc] = cols
			cols++
		}
	}
	for _, cl := range []agents.CoopClass{agents.CoopHigh, agents.CoopMedium} {
		n := 0
		for fc := range by {
			n += by[fc][cl].closed
		}
		classCol[cl] = -1
		if n > 0 {
			classCol[cl] = cols
			cols++
		}
	}
	var rows [][]float64
	var avr, closed []float64
	for fc := range by {
		for cl := range by[fc] {
			k := by[fc][cl]
			if k.closed == 0 {
				continue
			}
			x := make([]float64, cols)
			x[0] = 1
			if fc > 0 {
				x[fileCol[fc]] = 1
			}
			if agents.CoopClass(cl) != agents.CoopLow {
				x[classCol[cl]] = 1
			}
			rows = append(rows, x)
			avr = append(avr, float64(k.avr)+0.5)
			closed = append(closed, float64(k.closed)+1)
		}
	}
	if len(rows) < cols {
		return
	}
	X := mat.NewDense(len(rows), cols, nil)
	for i, x := range rows {
		X.SetRow(i, x)
	}
	fit, err := FitLogitCounts(X, avr, closed)
	if err != nil {
		return
	}
	s.JointFit = fit
	for i, fc := range []int{2, 5} { // file 3, files 6+
		if fileCol[fc] > 0 {
			s.OddsFile[i] = math.Exp(fit.Coef[fileCol[fc]])
		}
	}
	var low int
	for fc := range by {
		low += by[fc][agents.CoopLow].closed
	}
	if classCol[agents.CoopHigh] > 0 && low > 0 {
		s.OddsCoop = math.Exp(fit.Coef[classCol[agents.CoopHigh]])
	}
}

// departureMonths is, by calendar year, the months the service's
// departure figures cover (DTVYears), read once.
var departureMonths = sync.OnceValue(func() map[int]int {
	m := map[int]int{}
	for _, d := range DTVYears() {
		m[d.Year] = d.DepartureMonths
	}
	return m
})

// calendar sets the statistics by calendar year: each year's counts over
// the months the service's figures cover, per run (divided by the runs
// that recorded each month), NaN for a year not recorded whole.
func (c *Collector) calendar(s *Stats) {
	covered := departureMonths()
	for y := 0; y < studyYears; y++ {
		var dep [3]float64
		var avr, ind, police, other float64
		whole := true
		for mo := 0; mo < 12; mo++ {
			m := 12*y + mo
			if m >= len(c.byMonth) || c.byMonth[m].runs == 0 {
				whole = false
				break
			}
			k := &c.byMonth[m]
			runs := float64(k.runs)
			if mo < covered[firstStudyYear+y] {
				dep[0] += float64(k.closed[agents.AVR]+k.closed[agents.Independent]) / runs
				dep[1] += float64(k.closed[agents.Forced]) / runs
				dep[2] += float64(k.closed[agents.Absconded]) / runs
				avr += float64(k.closed[agents.AVR]) / runs
			}
			ind += float64(k.opened[agents.IND]) / runs
			police += float64(k.opened[agents.Police]) / runs
			other += float64(k.opened[agents.OtherSource]) / runs
		}
		if !whole {
			nan := math.NaN()
			dep, avr, ind, police, other = [3]float64{nan, nan, nan}, nan, nan, nan, nan
		}
		s.Departures[y], s.AVRs[y], s.INDFiles[y], s.PoliceFiles[y], s.OtherFiles[y] = dep, avr, ind, police, other
		s.Detained[y], s.Departed[y] = math.NaN(), math.NaN()
		if whole {
			var placed, verified, ended float64
			for mo := 0; mo < 12; mo++ {
				k := &c.byMonth[12*y+mo]
				runs := float64(k.runs)
				placed += float64(k.detained) / runs
				for o, n := range k.leftDetention {
					ended += float64(n) / runs
					switch agents.Outcome(o) {
					case agents.AVR, agents.Independent, agents.Forced:
						verified += float64(n) / runs
					}
				}
			}
			s.Detained[y] = placed
			if ended > 0 {
				s.Departed[y] = verified / ended
			}
		}
		for p := range s.Stocks[y] {
			s.Stocks[y][p], s.Left[y][p] = math.NaN(), math.NaN()
			if whole {
				stock, left := 0.0, 0.0
				for mo := 0; mo < 12; mo++ {
					k := &c.byMonth[12*y+mo]
					stock += float64(k.places[p]) / float64(k.runs)
					left += float64(k.left[p]) / float64(k.runs)
				}
				s.Stocks[y][p], s.Left[y][p] = stock/12, left
			}
		}
		if y >= 3 {
			s.ReturnRateByYear[y-3] = math.NaN()
			if verified, opened, whole := c.yearTotals(y); whole {
				s.ReturnRateByYear[y-3] = float64(verified) / float64(opened)
			}
		}
	}
}
