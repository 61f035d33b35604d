package study_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/results"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/study"
)

// groupsStudy gives families periodic civil-society counselling under a
// counselling capacity that binds (five counsellors, 150 sessions a month,
// against some 180 asked for a month at the final decision alone at a
// sixth of the intake), and has a rule that selects no one.
const groupsStudy = `
name = "groups"

[base]
months = 24
warmup_months = 36
intake.scale = 0.1666667
policy.counselling.counsellors = 5
# families as 15% of households (docs/sources.md), not the calibrated
# share (1.4%): the crowding out of single persons grows with the
# sessions the families' rule takes, so the test does not hang on a fit
population.family_share = 0.15

[variants.ngo-families]
[[variants.ngo-families.policy.groups]]
for.household = "family"
counselling.timing = "periodic"
counselling.period_months = 3
counselling.provider = "ngo"
counselling.country_knowledge = 1.0
counselling.partner_contact = true
reintegration.cash_eur = 3000

[variants.nobody]
[[variants.nobody.policy.groups]]
for.min_file_number = 900
enforcement = 3
`

// TestGroupsFiles: groups.csv has a row for every scenario x replicate x
// group x metric; groups-summary.csv shows, with paired 95% intervals, the
// rule for families raising families' AVR and, through the shared
// counselling capacity, lowering single persons' (each interval of the
// paired difference on its side of 0); a rule that selects no one leaves
// every group as the baseline has it (differences exactly 0) and is
// counted 0 in rules.csv and in the Result.
func TestGroupsFiles(t *testing.T) {
	st, err := scenarios.Parse("groups.toml", []byte(groupsStudy))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// the crowding out of single persons is small (0.3 AVR per 1,000 with
	// families at the calibrated 1.4% of persons, 0 inside its interval
	// on eight replicates): families at 15% make it larger
	const reps = 8
	res, err := study.Run(context.Background(), st, study.Options{Out: dir, Seed: 5, Replicates: reps, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	groups := results.GroupsOf(&st.Scenarios[0].Config, st.Fork != "" && st.ForkMonth > 0)
	if got, want := len(rows(t, dir, "groups.csv")["baseline"]), reps*len(groups)*len(results.GroupMetricNames); got != want {
		t.Errorf("groups.csv has %d rows of the baseline, want %d (replicates x groups x metrics)", got, want)
	}
	summary := map[string][]float64{} // scenario,by,group,metric -> the numbers
	for sc, lines := range rows(t, dir, "groups-summary.csv") {
		for _, l := range lines {
			f := strings.Split(l, ",")
			var xs []float64
			for _, s := range f[3:] {
				x, _ := strconv.ParseFloat(s, 64)
				xs = append(xs, x)
			}
			summary[sc+","+strings.Join(f[:3], ",")] = xs
		}
	}
	// mean, ci_low, ci_high, diff, diff_low, diff_high
	fam, single := summary["ngo-families,household,family,avr_per_1000"], summary["ngo-families,household,single,avr_per_1000"]
	t.Logf("AVR per 1,000, paired difference from the baseline [95%% CI]: families %.1f [%.1f, %.1f], single persons %.1f [%.1f, %.1f]", fam[3], fam[4], fam[5], single[3], single[4], single[5])
	if fam[4] <= 0 {
		t.Errorf("families' AVR with the rule for families: difference %.2f [%.2f, %.2f], want the interval above 0", fam[3], fam[4], fam[5])
	}
	if single[5] >= 0 {
		t.Errorf("single persons' AVR with the rule for families and a binding capacity: difference %.2f [%.2f, %.2f], want the interval below 0", single[3], single[4], single[5])
	}
	for k, xs := range summary {
		if strings.HasPrefix(k, "nobody,") && (xs[3] != 0 || xs[4] != 0 || xs[5] != 0) {
			t.Errorf("%s: difference %v from the baseline under a rule that selects no one, want 0", k, xs[3:])
		}
	}
	if n := len(rows(t, dir, "rules.csv")["nobody"]); n != reps {
		t.Errorf("rules.csv has %d rows of scenario nobody, want %d", n, reps)
	}
	var zero bool
	for _, x := range res.Rules {
		if x.Scenario == "nobody" && x.Rule == "policy.groups[0]" && x.Date == "2017-01" && len(x.Persons) == reps {
			zero = x.Persons[0] == 0 && x.Persons[reps-1] == 0
		}
	}
	if !zero {
		t.Errorf("Result.Rules = %+v, want the rule of scenario nobody counted 0 in 2017-01 in each replicate", res.Rules)
	}
}

// TestGroupsFork: with a fork, a scenario's group rules take over at the
// fork and are counted there (not in the first recorded month, which is the
// baseline's history); groups.csv does not depend on the workers.
func TestGroupsFork(t *testing.T) {
	st, err := scenarios.Parse("groups.toml", []byte(`fork = "2018-01"`+"\n"+groupsStudy))
	if err != nil {
		t.Fatal(err)
	}
	var files [2]map[string][]string
	for i, workers := range []int{1, 2} {
		dir := t.TempDir()
		if _, err := study.Run(context.Background(), st, study.Options{Out: dir, Seed: 5, Replicates: 2, Workers: workers}); err != nil {
			t.Fatal(err)
		}
		files[i] = rows(t, dir, "groups.csv")
		rules := rows(t, dir, "rules.csv")
		if len(rules["ngo-families"]) != 2 {
			t.Errorf("rules.csv has %d rows of ngo-families, want 2 (one a replicate)", len(rules["ngo-families"]))
		}
		for sc, lines := range rules {
			for _, l := range lines {
				if !strings.Contains(l, ",2018-01,") {
					t.Errorf("rules.csv: %s,%s: want every count at the fork, 2018-01", sc, l)
				}
			}
		}
	}
	for sc := range files[0] {
		if strings.Join(files[0][sc], "\n") != strings.Join(files[1][sc], "\n") {
			t.Errorf("groups.csv of %s differs between one worker and two", sc)
		}
	}
}
