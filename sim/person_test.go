package sim_test

import (
	"math"
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// TestOnePlace checks that every person is in exactly one place every
// month: month by month, the persons in a file, in a procedure and out of
// sight add up to those who have entered and not left, and at the horizon
// each of them has one person record whose fate is where they are.
func TestOnePlace(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			cfg := smallConfig()
			v.set(&cfg)
			tot, r := run(t, &cfg, seed)
			entered := make([]int, cfg.Months)
			left := make([]int, cfg.Months)
			seen := map[int]bool{}
			var atEnd [agents.NumFates]int
			before := 0 // persons in the system at the start of month 0
			for _, p := range r.persons {
				if seen[p.PersonID] {
					t.Fatalf("person %d has two person records", p.PersonID)
				}
				seen[p.PersonID] = true
				if p.FirstMonth >= 0 {
					entered[p.FirstMonth]++
				} else {
					before++
				}
				switch {
				case p.FateMonth >= 0 && p.Fate < agents.FateAVR:
					t.Errorf("person %d left in month %d with fate %s, want a fate that leaves", p.PersonID, p.FateMonth, p.Fate)
				case p.FateMonth < 0 && p.Fate >= agents.FateAVR:
					t.Errorf("person %d is at the horizon with fate %s, want in_file, in_procedure or out_of_sight", p.PersonID, p.Fate)
				case p.FateMonth >= 0:
					left[p.FateMonth]++
				default:
					atEnd[p.Fate]++
				}
				if p.Files < 1 {
					t.Errorf("person %d has %d files, want at least 1", p.PersonID, p.Files)
				}
			}
			in := before
			for m, mc := range r.months {
				in += entered[m] - left[m]
				if got := mc.Active + mc.InProcedure + mc.OutOfSight; got != in {
					t.Errorf("month %d: %d in a file + %d in a procedure + %d out of sight = %d, want %d entered and not left",
						m, mc.Active, mc.InProcedure, mc.OutOfSight, got, in)
				}
			}
			last := r.months[len(r.months)-1]
			if atEnd[agents.FateInFile] != last.Active || atEnd[agents.FateInProcedure] != last.InProcedure || atEnd[agents.FateOutOfSight] != last.OutOfSight {
				t.Errorf("fates at the horizon: %d in a file, %d in a procedure, %d out of sight; want the last month's %d, %d, %d",
					atEnd[agents.FateInFile], atEnd[agents.FateInProcedure], atEnd[agents.FateOutOfSight], last.Active, last.InProcedure, last.OutOfSight)
			}
			persons := 0
			for _, n := range entered {
				persons += n
			}
			if tot.Persons != persons {
				t.Errorf("Totals.Persons = %d, want %d entered in the recorded months", tot.Persons, persons)
			}
			sum := 0
			for _, n := range tot.Fates {
				sum += n
			}
			if sum != tot.Persons {
				t.Errorf("Totals.Fates sum to %d, want Totals.Persons %d", sum, tot.Persons)
			}
			if last.OutOfSight == 0 || left[len(left)-1]+left[0] == 0 && cfg.Params.Absconding.Base > -3 {
				t.Errorf("nobody out of sight at the horizon: the test checks little")
			}
		})
	}
}

// TestPersonFiles checks each person's record against their case files:
// the files a person record counts are the files opened for them, and a
// person who left verifiably has their last file closed that month by the
// matching outcome.
func TestPersonFiles(t *testing.T) {
	cfg := smallConfig()
	_, r := run(t, &cfg, seed)
	last := map[int]sim.CaseRecord{}
	for _, c := range r.cases {
		if prev, ok := last[c.PersonID]; !ok || c.FileNumber > prev.FileNumber {
			last[c.PersonID] = c
		}
	}
	want := map[agents.Fate]agents.Outcome{agents.FateAVR: agents.AVR, agents.FateIndependent: agents.Independent, agents.FateForced: agents.Forced}
	checked := 0
	for _, p := range r.persons {
		c, ok := last[p.PersonID]
		if !ok {
			continue // all their files closed before month 0
		}
		if c.FileNumber != p.Files {
			t.Errorf("person %d: last file number %d, person record says %d files", p.PersonID, c.FileNumber, p.Files)
		}
		if o, ok := want[p.Fate]; ok {
			checked++
			if c.Outcome != o || c.ClosedMonth != p.FateMonth {
				t.Errorf("person %d: fate %s in month %d, last file closed %s in month %d", p.PersonID, p.Fate, p.FateMonth, c.Outcome, c.ClosedMonth)
			}
		}
		if p.Fate == agents.FateInFile && c.Outcome != agents.Open {
			t.Errorf("person %d is in a file at the horizon, but their last file closed %s", p.PersonID, c.Outcome)
		}
	}
	if checked == 0 {
		t.Fatal("no person left verifiably: the test checks nothing")
	}
}

// pairedT returns the mean of d and its standard error.
func pairedT(d []float64) (mean, se float64) {
	n := float64(len(d))
	for _, x := range d {
		mean += x / n
	}
	var ss float64
	for _, x := range d {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss/(n-1)) / math.Sqrt(n)
}

// TestEnforcementNeverLowersAVR: deportation credibility is cooperation
// times enforcement, felt through each person's sensitivity, so more
// enforcement must not lower the share of persons who leave with AVR,
// though it also brings more forced returns and detention that compete
// with it. Paired by seed over n replicates at each step of enforcement,
// the mean difference must not be below zero by more than tCrit standard
// errors (a one-sided test at the 0.5% level, 5 steps: 2.5% overall).
func TestEnforcementNeverLowersAVR(t *testing.T) {
	if testing.Short() {
		t.Skip("runs full-size or many replicates; the pass without -short runs it")
	}
	const n = 6
	const tCrit = 4.032 // 0.995 quantile of Student's t with n-1 = 5 degrees of freedom
	levels := []float64{0, 0.5, 1, 2, 4, 8}
	avr := make([][n]float64, len(levels))
	for k := range n {
		s := sim.StreamSeed(2, k, "", true)
		for i, enf := range levels {
			cfg := smallConfig()
			cfg.Warmup = 120
			cfg.Policy.Enforcement = enf
			tot, _ := run(t, &cfg, s)
			avr[i][k] = 1000 * float64(tot.Fates[agents.FateAVR]) / float64(tot.Persons)
		}
	}
	for i := 1; i < len(levels); i++ {
		d := make([]float64, n)
		for k := range d {
			d[k] = avr[i][k] - avr[i-1][k]
		}
		mean, se := pairedT(d)
		t.Logf("enforcement %g -> %g: AVR per 1,000 persons %+.2f (se %.2f)", levels[i-1], levels[i], mean, se)
		if mean < -tCrit*se {
			t.Errorf("enforcement %g -> %g lowers AVR per 1,000 persons by %.2f (se %.2f, paired over %d replicates): want no fall",
				levels[i-1], levels[i], -mean, se, n)
		}
	}
	mean, se := pairedT(func() []float64 {
		d := make([]float64, n)
		for k := range d {
			d[k] = avr[len(levels)-1][k] - avr[0][k]
		}
		return d
	}())
	if mean <= tCrit*se {
		t.Errorf("enforcement %g -> %g raises AVR per 1,000 persons by %.2f (se %.2f): want a clear rise", levels[0], levels[len(levels)-1], mean, se)
	}
}

// TestFileGradient: with no term for the file number in any hazard, the
// defaults give an AVR share of closed files that falls with the number of
// files, from the mechanisms alone: those who return readily leave on their
// first file, and later files are of persons with longer stays, less trust
// in government after absconding and being found, and files that open past
// the deadline, without the final decision at which counselling comes.
// (Options lost at rejections work the other way: less hope raises AVR.) Tested on the files closed 2017-2023 of one replicate
// of the full default caseload: each group's share must lie below the one
// before by more than 3.5 standard errors of the difference (binomial).
func TestFileGradient(t *testing.T) {
	if testing.Short() {
		t.Skip("runs full-size or many replicates; the pass without -short runs it")
	}
	cfg := sim.DefaultConfig()
	_, r := run(t, &cfg, sim.StreamSeed(3, 0, "", true))
	groups := []struct {
		name     string
		lo, hi   int
		n, avr   float64
		fraction float64
	}{{name: "first", lo: 1, hi: 1}, {name: "second", lo: 2, hi: 2}, {name: "third or later", lo: 3, hi: math.MaxInt}}
	for _, c := range r.cases {
		if c.Outcome == agents.Open || c.ClosedMonth >= 84 {
			continue
		}
		for i := range groups {
			if g := &groups[i]; c.FileNumber >= g.lo && c.FileNumber <= g.hi {
				g.n++
				if c.Outcome == agents.AVR {
					g.avr++
				}
			}
		}
	}
	for i := range groups {
		g := &groups[i]
		g.fraction = g.avr / g.n
		t.Logf("file %s: %.0f closed, AVR share %.4f", g.name, g.n, g.fraction)
	}
	for i := 1; i < len(groups); i++ {
		a, b := &groups[i-1], &groups[i]
		se := math.Sqrt(a.fraction*(1-a.fraction)/a.n + b.fraction*(1-b.fraction)/b.n)
		if !(a.fraction-b.fraction > 3.5*se) {
			t.Errorf("AVR share on the %s file %.4f, on the %s %.4f: want a fall of more than 3.5 standard errors (%.4f)", a.name, a.fraction, b.name, b.fraction, 3.5*se)
		}
	}
}

// TestWarmupStationary shows the default warm-up is long enough for file
// histories to be lived: the mix of closed files by file number in the
// recorded years is the same, within sampling error, with a warm-up half
// as long again. Each share (first, second, third, later files) may differ
// by at most 3.5 standard errors of a difference of two binomial shares.
func TestWarmupStationary(t *testing.T) {
	if testing.Short() {
		t.Skip("runs full-size or many replicates; the pass without -short runs it")
	}
	mix := func(warmup int) (share [4]float64, n float64) {
		cfg := sim.DefaultConfig()
		cfg.Warmup = warmup
		cfg.Intake.Scale = 0.5
		_, r := run(t, &cfg, sim.StreamSeed(4, 0, "", true))
		var c [4]float64
		for _, k := range r.cases {
			if k.Outcome != agents.Open && k.ClosedMonth < 84 {
				c[min(k.FileNumber, 4)-1]++
				n++
			}
		}
		for i := range c {
			share[i] = c[i] / n
		}
		return share, n
	}
	def := sim.DefaultConfig().Warmup
	a, na := mix(def)
	b, nb := mix(def * 3 / 2)
	for i := range a {
		se := math.Sqrt(a[i]*(1-a[i])/na + b[i]*(1-b[i])/nb)
		t.Logf("file %d%s: share %.4f with a %d-month warm-up, %.4f with %d", i+1, map[bool]string{true: "+"}[i == 3], a[i], def, b[i], def*3/2)
		if math.Abs(a[i]-b[i]) > 3.5*se {
			t.Errorf("share of closed files on file %d: %.4f with a %d-month warm-up, %.4f with %d: differ by more than 3.5 standard errors (%.4f)", i+1, a[i], def, b[i], def*3/2, 3.5*se)
		}
	}
}
