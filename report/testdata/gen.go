//go:build ignore

// Gen writes the fixture result folders of the report's tests, in the
// layouts the engine will write: go run testdata/gen.go from
// report/. The numbers are made up but consistent: summary.csv is computed
// from replicates.csv as results does, replicates.csv from persons.csv, and
// costs and pairing with the results functions the engine will call;
// manifest.json holds the resolved configurations of the study below, as
// scenarios makes them, and the key descriptions a run records.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/returnsim/returnsim/results"
	sc "github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/sim"
)

const reps = 4

var scenarios = []struct {
	name, desc string
	lift       float64 // chance a baseline non-leaver leaves in the scenario
	loss       float64 // chance a baseline leaver does not
	sessions   float64
}{
	{"baseline", "Government counselling at the final negative decision; modest reintegration package", 0, 0, 1.0},
	{"provider-ngo", "Civil-society counselling, trusted by long-stayers", 0.06, 0.01, 1.4},
	{"periodic", "Counselling every six months while the file is open", 0.03, 0.02, 2.2},
	{"timing-none", "No counselling", 0.005, 0.12, 0},
	{"first-decision-2025", "Counselling at the first negative decision from 2025", 0.02, 0.005, 1.0},
}

// study is the fixture's study: the scenarios above as a study file gives
// them, whose resolved configurations manifest.json holds. The baseline
// has two dated policy changes; first-decision-2025 gives its own, which
// replace the base's, and restates theirs, so that it differs from the
// baseline only from 2025-01.
const study = `name = "counselling"
[base]
name = "baseline"
months = 108
[base.intake]
scale = 0.01
[base.policy.reintegration]
cash_eur = 0
[[base.policy_changes]]
from = "2017-07"
reintegration.cash_eur = 300
[[base.policy_changes]]
from = "2019-04"
capacity.lvv_places = 1000

[variants.provider-ngo]
policy.counselling.provider = "ngo"

[variants.periodic]
policy.counselling.timing = "periodic"

[variants.timing-none]
policy.counselling.timing = "none"

[variants.first-decision-2025]
[[variants.first-decision-2025.policy_changes]]
from = "2017-07"
reintegration.cash_eur = 300
[[variants.first-decision-2025.policy_changes]]
from = "2019-04"
capacity.lvv_places = 1000
[[variants.first-decision-2025.policy_changes]]
from = "2025-01"
counselling.timing = "first-decision"
`

// months is the fixture's timeseries: January 2017 to December 2025, DT&V's
// published years and two of projection.
const months = 108

var origins = []string{"MA", "DZ", "NG", "SY", "IR"}

var persons = "scenario,replicate,person_id,origin,household,first_date,files,fate,fate_date,months_irregular\n"
var cases = "scenario,replicate,case_id,person_id,file_number,origin,cooperation,household,opened_month,closed_month,outcome,pathway,counselled,provider\n"
var series = "scenario,replicate,month,date,active,out_of_sight,in_procedure,avr,independent,forced,absconded,regularised,new_procedure,opened,opened_ind,opened_police,opened_kmar,opened_other\n"

func main() {
	full := filepath.Join("testdata", "full")
	os.MkdirAll(full, 0o755)
	metricNames := []string{"persons", "verified_per_1000", "avr_per_1000", "independent_per_1000", "forced_per_1000", "left_unseen_per_1000", "status_per_1000",
		"sessions_asked", "sessions_given", "mean_wait_months", "counselled_share", "months_reception", "months_vbl", "months_family_location", "months_detention", "package_eur",
		"avr", "forced", "return_rate", "avr_share"}
	// costs and pairing as results computes them, from its table of metrics
	var tail []results.Metric
	for _, m := range results.Metrics {
		if m.Paired || strings.HasPrefix(m.Name, "cost_") {
			tail = append(tail, m)
			metricNames = append(metricNames, m.Name)
		}
	}
	unit := sim.DefaultCosts()
	metrics := make([][][]float64, len(scenarios))
	for s := range metrics {
		metrics[s] = make([][]float64, reps)
	}
	var repRows strings.Builder
	repRows.WriteString("scenario,replicate,seed," + strings.Join(metricNames, ",") + "\n")
	costs := make([][]float64, len(scenarios)) // [s][r] total
	additional := make([][]float64, len(scenarios))
	net := make([][]float64, len(scenarios))
	for s := range scenarios {
		costs[s] = make([]float64, reps)
		additional[s] = make([]float64, reps)
		net[s] = make([]float64, reps)
	}
	for r := 0; r < reps; r++ {
		n := 180 + 10*r
		base := make([]uint8, n)
		for s, sc := range scenarios {
			rng := rand.New(rand.NewPCG(uint64(r), 7)) // the same persons in every scenario
			flags := make([]uint8, n)
			var counts [7]int // avr, independent, forced, left_unseen, status, other, asked
			var pkg float64
			caseID := 0
			for i := 0; i < n; i++ {
				o := origins[rng.IntN(len(origins))]
				u, u2, u3 := rng.Float64(), rng.Float64(), rng.Float64()
				fate := "in_file"
				switch {
				case u < 0.10:
					fate = "avr"
				case u < 0.16:
					fate = "independent"
				case u < 0.26:
					fate = "forced"
				case u < 0.55:
					fate = "left_unseen"
				case u < 0.62:
					fate = "status"
				}
				verified := fate == "avr" || fate == "independent" || fate == "forced"
				if !verified && u2 < sc.lift*(1+float64(strings.Index("MADZNGSYIR", o))/4) {
					fate = "avr"
				} else if verified && u2 > 1-sc.loss {
					fate = "left_unseen"
				}
				fl := uint8(0)
				switch fate {
				case "avr":
					counts[0]++
					if u3 < 0.7 {
						fl |= results.FlagPackagePaid
						pkg += 1800
					}
					fl |= results.FlagVerified
				case "independent":
					counts[1]++
					fl |= results.FlagVerified
				case "forced":
					counts[2]++
					fl |= results.FlagVerified
				case "left_unseen":
					counts[3]++
				case "status":
					counts[4]++
				}
				flags[i] = fl
				persons += fmt.Sprintf("%s,%d,%d,%s,single,2017-%02d,%d,%s,2018-%02d,%d\n", sc.name, r, i, o, 1+i%12, 1+i%3, fate, 1+i%12, 3+i%20)
				outcome, pathway := "open", ""
				switch fate {
				case "avr", "independent":
					outcome = fate
					pathway = []string{"acceptance", "high_agency", "hopelessness"}[int(u3*3+float64(s)*0.4)%3]
				case "forced":
					outcome, pathway = "forced", "coercion"
				case "left_unseen":
					outcome = "absconded"
				case "status":
					outcome = "regularised"
				}
				cases += fmt.Sprintf("%s,%d,%d,%d,1,%s,low,single,0,5,%s,%s,true,government\n", sc.name, r, caseID, i, o, outcome, pathway)
				caseID++
			}
			if s == 0 {
				copy(base, flags)
			}
			pair, err := results.Pair(base, flags)
			if err != nil {
				panic(err)
			}
			sessionsGiven := int(float64(n) * 0.5 * sc.sessions)
			cc := results.CostCounts{Forced: counts[2], AVR: counts[0], PackageEUR: pkg, Sessions: sessionsGiven,
				MonthsReception: 3 * n, MonthsVBL: n / 3, MonthsFamily: n / 6, MonthsDetention: n / 10}
			items := results.CostOf(unit, cc)
			costs[s][r], additional[s][r], net[s][r] = items.Total(), float64(pair.Additional), float64(pair.Additional-pair.Lost)
			per := func(k int) float64 { return 1000 * float64(k) / float64(n) }
			verified := counts[0] + counts[1] + counts[2]
			m := []float64{float64(n), per(verified), per(counts[0]), per(counts[1]), per(counts[2]), per(counts[3]), per(counts[4]),
				float64(sessionsGiven) * 1.2, float64(sessionsGiven), 0.8 * sc.sessions, 0.3 * sc.sessions * (1 + 0.02*float64(r)),
				float64(cc.MonthsReception), float64(cc.MonthsVBL), float64(cc.MonthsFamily), float64(cc.MonthsDetention), pkg,
				float64(counts[0]), float64(counts[2]), float64(verified) / float64(n), float64(counts[0]) / float64(n-counts[5])}
			f := results.Figures{Costs: items, Cost: items.Total(), Pairing: pair, BaseCost: costs[0][r]}
			for _, t := range tail {
				m = append(m, t.Value(&f))
			}
			metrics[s][r] = m
			repRows.WriteString(fmt.Sprintf("%s,%d,%d", sc.name, r, 1000+r))
			for _, x := range m {
				repRows.WriteString("," + results.FormatFixed(x))
			}
			repRows.WriteString("\n")
			// departures a month about DT&V's at the intake scale 0.01
			for mo := 0; mo < months; mo++ {
				f := float64(n) / 24
				avr := int(1+sc.lift*30) + (mo*7+r)%3
				series += fmt.Sprintf("%s,%d,%d,%d-%02d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d\n", sc.name, r, mo, 2017+mo/12, 1+mo%12,
					n-mo, 20+mo%24, 5, avr, 1+(mo+r)%3, 1+(mo+r)%4-int(sc.loss*10), 7-int(10*sc.lift)+mo%3, 1, 2, int(f), int(f*0.6), int(f*0.2), int(f*0.1), int(f*0.1))
			}
		}
	}
	// summary.csv as results.Summarize computes it, with the ratio-of-means
	// cost per additional departure the engine will write, and, as the run
	// drew its parameters from a posterior, the predictive intervals and
	// shares above the baseline of results.AddDraws.
	var sum strings.Builder
	sum.WriteString(results.SummaryHeader + "\n")
	sw := bufio.NewWriter(&sum)
	for s, sc := range scenarios {
		for m, name := range metricNames {
			xs, ds := make([]float64, reps), make([]float64, reps)
			for r := range xs {
				xs[r] = metrics[s][r][m]
				ds[r] = xs[r] - metrics[0][r][m]
			}
			v, d := results.MeanCI(xs), results.MeanCI(ds)
			ratio := name == results.CostPerAdditionalName || name == results.CostPerNetName
			if ratio {
				f, counts := results.CostPerAdditional, additional[s]
				if name == results.CostPerNetName {
					f, counts = results.CostPerNet, net[s]
				}
				var err error
				if v, err = f(costs[0], costs[s], counts); err != nil {
					panic(err)
				}
				if s == 0 {
					v = results.Interval{Mean: nan(), Low: nan(), High: nan()}
				}
				d = results.Interval{Mean: nan(), Low: nan(), High: nan()}
			}
			// the held run (the unconstrained assumptions at their values):
			// the differences about their mean, half as spread
			held := make([]float64, reps)
			for r := range held {
				held[r] = d.Mean + (ds[r]-d.Mean)/2
			}
			dr := &results.Draws{Value: results.Predictive(xs), Diff: results.Predictive(ds), PAbove: results.PAbove(ds),
				HeldDiff: results.Predictive(held), HeldPAbove: results.PAbove(held)}
			if ratio {
				dr.Diff, dr.PAbove = results.PredictiveInterval{Low: nan(), High: nan()}, nan()
				dr.HeldDiff, dr.HeldPAbove = dr.Diff, nan()
			}
			if s == 0 {
				dr.PAbove, dr.HeldPAbove = nan(), nan()
			}
			if err := results.WriteSummary(sw, []results.SummaryRow{{Scenario: sc.name, Metric: name, Value: v, Diff: d, Draws: dr}}); err != nil {
				panic(err)
			}
		}
	}
	sw.Flush()
	write(full, "summary.csv", sum.String())
	write(full, "replicates.csv", repRows.String())
	write(full, "timeseries.csv", series)
	write(full, "persons.csv", persons)
	write(full, "cases.csv", cases)
	man := map[string]any{
		"program": "returnsim", "version": "v0.0.0-fixture", "revision": "0123456789abcdef0123456789abcdef01234567",
		"command": []string{"returnsim", "run", "--replicates", "4", "--cases", "--posterior", "calibrate/posterior.csv"}, "study": "counselling",
		"seed": 1, "replicates": reps, "workers": 2, "common_random_numbers": true, "posterior": "calibrate/posterior.csv",
		"files": []string{"default.toml"},
		"uncertain": []results.ManifestUncertain{
			{Key: "params.counselling.civil_return", Low: 0.4, High: 1.2, Reason: "no target separates providers"},
			{Key: "params.counselling.moment_first", Low: 0.1, High: 0.8, Reason: "below the final decision's 1, by how much is not measured"},
		},
	}
	st, err := sc.Parse("default.toml", []byte(study))
	if err != nil {
		panic(err)
	}
	var scs []map[string]any
	for s, x := range scenarios {
		if st.Scenarios[s].Name != x.name {
			panic("the study's scenarios are not the fixture's: " + st.Scenarios[s].Name)
		}
		scs = append(scs, map[string]any{"name": x.name, "description": x.desc, "file": "default.toml",
			"file_sha256":   "87e8f117e47aa02f3dc8416502196a15dc7c7617cc820ccd4ced9fb15bb8f530",
			"config_sha256": st.Scenarios[s].ConfigSHA256(), "config": st.Scenarios[s].ConfigMap()})
	}
	man["scenarios"] = scs
	var keys []results.ManifestKey
	for _, k := range sc.Keys() {
		keys = append(keys, results.ManifestKey{Key: k.Key, Desc: k.Desc, Unit: k.Unit, Source: k.Source, Via: k.Via})
	}
	man["keys"] = keys
	b, _ := json.MarshalIndent(man, "", "  ")
	write(full, "manifest.json", string(b)+"\n")

	// minimal: an early layout, summary.csv alone (without the columns
	// over parameter draws) and a timeseries without dates: every other
	// section must say what is missing.
	min := filepath.Join("testdata", "minimal")
	os.MkdirAll(min, 0o755)
	write(min, "summary.csv", "scenario,metric,mean,ci_low,ci_high,diff_vs_baseline,diff_ci_low,diff_ci_high\n"+
		"baseline,intake,1000.000000,990.000000,1010.000000,0.000000,0.000000,0.000000\n"+
		"baseline,avr_share,0.081000,0.070000,0.092000,0.000000,0.000000,0.000000\n"+
		"ngo,intake,1000.000000,990.000000,1010.000000,0.000000,0.000000,0.000000\n"+
		"ngo,avr_share,0.095000,0.083000,0.107000,0.014000,0.010000,0.018000\n")
	var ts strings.Builder
	ts.WriteString("scenario,replicate,month,active,avr,independent,forced,absconded,regularised,new_procedure,opened\n")
	for _, sc := range []string{"baseline", "ngo"} {
		for mo := 0; mo < 12; mo++ {
			fmt.Fprintf(&ts, "%s,0,%d,500,%d,4,6,20,1,2,40\n", sc, mo, 8+mo%3+len(sc)%2)
		}
	}
	write(min, "timeseries.csv", ts.String())
}

func nan() float64 { var z float64; return z / z }

func write(dir, name, s string) {
	if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
		panic(err)
	}
}
