package sim

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/returnsim/returnsim/agents"
)

// Config is everything one scenario needs. Build it with DefaultConfig and
// change what differs; Validate rejects values that would be wrong.
type Config struct {
	Start        string          `toml:"start" unit:"YYYY-MM" src:"seed 001 (case files closed 2017-2023), DT&V cijfers to 2024" desc:"calendar month of the first recorded month (month 0)"`
	Months       int             `toml:"months" unit:"months" range:"1,1200" src:"seed 001 and DT&V cijfers (January 2017 to December 2024)" desc:"months simulated and recorded"`
	Warmup       int             `toml:"warmup_months" unit:"months" range:"0,1200" src:"TestWarmupStationary (the file-number mix of closed files no longer drifts)" desc:"months simulated before recording starts, so that file histories are lived rather than invented"`
	Intake       Intake          `toml:"intake"`
	Population   Population      `toml:"population"`
	State        StateParams     `toml:"state"`
	Params       agents.Params   `toml:"params"`
	Policy       agents.Policy   `toml:"policy"`
	Changes      []Change        `toml:"changes"`
	Restrictions []Restriction   `toml:"restrictions" src:"DT&V news 16 March 2020 and 14 January 2021; answer to parliamentary questions on the coulance arrangement, 24 December 2020; Belgian Immigration Office figures, Het Nieuwsblad 11 December 2020; De Telegraaf, February 2022 and April 2023, on removal flights cancelled when the person refused a COVID-19 test; AFP, Reuters, NOS and MAP, 2021-2022, on the borders Algeria and Morocco closed (docs/sources.md)" desc:"periods of outside limits on departures and on the end of reception (COVID-19, spring 2020), on the departures of some origins (closed borders, 2020-2022), or on removals alone (removals cancelled for refused tests, 2021-2022)"`
	Arrangements []Arrangement   `toml:"arrangements" src:"DT&V, 18 February 2020; IND, 'kinderpardon' (docs/sources.md)" desc:"one-off grants of status to long-staying families (the 2019 arrangement for long-staying children)"`
	Origins      []agents.Origin `toml:"origins"`
	Costs        Costs           `toml:"costs"`

	start   int       // Start as months since year 0
	perYear []float64 // resolved intake: files a year by source, by year from first, then one row for every year after the last (afterYears)
	first   int       // first year of perYear
}

// Change is what changes from a month on, as the Dutch reintegration
// package did in July 2017: the policy, and any of the keys outside it
// that can change while a run goes on (DatedKeys).
//
// In TOML a change is a [[changes]] table holding from (a calendar month,
// "2017-07") or from_month (0 = the first recorded month), the policy keys
// that differ from the policy in force before it (policy.counselling.timing,
// ...), and the other keys it sets (intake.scale, population.frl_share,
// state.vbl_months, ...). The policy is the whole policy in force from the
// change on, as resolved by the study file's reader; the other keys are
// only those the change sets, each in force from it until a later change
// sets it again, on top of the configuration's own value (so a sweep or a
// posterior draw of a state key reaches every month the changes leave it).
type Change struct {
	From      string `toml:"from,omitempty" unit:"YYYY-MM" desc:"first calendar month the change is in force"`
	FromMonth int    `toml:"from_month" unit:"month" desc:"first month (0 = first recorded month) the change is in force; set from from when that is given"`
	// Policy is the whole policy in force from FromMonth.
	agents.Policy `toml:"policy"`
	// Intake, Population and State are the keys of those tables the
	// change sets (intake: only scale), by their TOML name.
	Intake     map[string]float64 `toml:"intake,omitempty"`
	Population map[string]float64 `toml:"population,omitempty"`
	State      map[string]float64 `toml:"state,omitempty"`
}

// DatedKeys are the tables outside the policy whose keys a dated change
// can set, and of intake the one key it can: the ones whose change from a
// month on means the same as a run that had them from the start for the
// persons and months it reaches. The others (start, months, warmup_months,
// intake.years, params, origins, costs, restrictions, arrangements) cannot
// change from a date: set them for the whole run.
var DatedKeys = []string{"intake.scale", "population.*", "state.*"}

// dated is the part of a configuration outside the policy that dated
// changes set, as in force in a month.
type dated struct {
	scale float64
	pop   Population
	state StateParams
}

// apply sets, on d, the keys change ch sets. It reports whether a rate of
// persons away (a procedure's decision, a find, a status out of sight, a
// request) changed, which asks for their next events to be drawn again.
func (d *dated) apply(ch *Change) (awayRates bool) {
	if v, ok := ch.Intake["scale"]; ok {
		d.scale = v
	}
	for k, v := range ch.Population {
		setField(&d.pop, k, v)
	}
	for k, v := range ch.State {
		old := d.state
		setField(&d.state, k, v)
		if old.ProcedureMonths != d.state.ProcedureMonths || old.FindRate != d.state.FindRate || old.StatusOutOfSight != d.state.StatusOutOfSight || old.RequestOutOfSight != d.state.RequestOutOfSight {
			awayRates = true
		}
	}
	return awayRates
}

// setField sets the number at key of the struct v points to; checkDated
// has made sure it is there and fits.
func setField(v any, key string, x float64) {
	f, _, _, ok := agents.Field(v, key)
	if !ok {
		panic("sim: no number at " + key)
	}
	if f.Kind() == reflect.Int {
		f.SetInt(int64(math.Round(x)))
	} else {
		f.SetFloat(x)
	}
}

// checkDated checks the keys that change ch (at key) sets outside the
// policy: each must be a number of its table, inside the key's range, and a
// whole number where the key is one.
func checkDated(key string, ch *Change) error {
	var errs []error
	check := func(table string, v any, m map[string]float64) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			x := m[k]
			at := key + "." + table + "." + k
			f, lo, hi, ok := agents.Field(v, k)
			switch {
			case table == "intake" && k != "scale" && ok:
				errs = append(errs, &agents.FieldError{Key: at, Msg: fmt.Sprintf("intake.%s cannot change from a date: it holds for the whole run; of intake, a change sets only scale", k)})
			case !ok:
				errs = append(errs, &agents.FieldError{Key: at, Msg: fmt.Sprintf("no such key of %s: want one of docs/scenarios.md's %s.* keys", table, table)})
			case math.IsNaN(x) || math.IsInf(x, 0) || x < lo || x > hi:
				errs = append(errs, &agents.FieldError{Key: at, Msg: fmt.Sprintf("%g is out of range: want %g to %g", x, lo, hi)})
			case f.Kind() == reflect.Int && x != math.Trunc(x):
				errs = append(errs, &agents.FieldError{Key: at, Msg: fmt.Sprintf("%g: want a whole number", x)})
			}
		}
	}
	check("intake", &Intake{}, ch.Intake)
	check("population", &Population{}, ch.Population)
	check("state", &StateParams{}, ch.State)
	return errors.Join(errs...)
}

// Intake sets who enters the return system from outside it. Return files
// are opened by four sources (DT&V's intake by source, docs/sources.md):
// the IND after a rejection, the police, the Royal Marechaussee, others.
// Of each source's yearly files, the share NewShare opens a first file of a
// person unknown before; the rest are later files of known persons, which
// the model does not add: they come from its own revolving door.
type Intake struct {
	Years        []IntakeYear `toml:"years" unit:"files a year by source" src:"DT&V cijfers 2018-2024; Volkskrant 2017 for the IND in 2015-2016 (docs/sources.md)" desc:"files opened a year by source; a missing value is interpolated between the nearest years that give it and held constant before the first; after the last, each source's mean of the last three years"`
	NewShare     SourceShares `toml:"new_share"`
	Scale        float64      `toml:"scale" unit:"multiplier" range:"0,100" src:"assumption (1: the published series)" desc:"multiplies every year's intake of new persons"`
	EntryMonths  float64      `toml:"entry_irregular_months" unit:"months" range:"0,240" src:"assumption" desc:"mean months without status (exponential) that a person unknown before, found by the police or others, has lived before their first file; 0 for the Marechaussee at the border"`
	InitialStock int          `toml:"initial_stock" unit:"open cases" range:"0,10000000" src:"assumption" desc:"open first files, past their deadline, at the start of the warm-up"`
}

// IntakeYear is one year of files opened by source; -1 means not published
// (a key left out of a TOML table is 0).
type IntakeYear struct {
	Year   int     `toml:"year" unit:"calendar year" range:"1900,2200" desc:"calendar year"`
	IND    float64 `toml:"ind" unit:"files a year" range:"-1,10000000" desc:"files handed over by the IND; -1: not published"`
	Police float64 `toml:"police" unit:"files a year" range:"-1,10000000" desc:"files opened by the police; -1: not published"`
	KMar   float64 `toml:"kmar" unit:"files a year" range:"-1,10000000" desc:"files opened by the Royal Marechaussee; -1: not published"`
	Other  float64 `toml:"other" unit:"files a year" range:"-1,10000000" desc:"files opened by others; -1: not published"`
}

func (y *IntakeYear) get(s agents.Source) float64 {
	return [...]float64{y.IND, y.Police, y.KMar, y.Other}[s]
}

// SourceShares is a share for each source of files.
type SourceShares struct {
	IND    float64 `toml:"ind" unit:"share" range:"0,1" src:"IND figures via Telegraaf 2020 (docs/sources.md): 3,564 repeat applications in 2018 against 13,000 files from the IND, 2,723 in 2019 against 15,640; so about 0.78 are first rejections" desc:"share of the IND's files that are a person's first"`
	Police float64 `toml:"police" unit:"share" range:"0,1" src:"assumption (DT&V: many found by the police are known before)" desc:"share of the police's files that are a person's first"`
	KMar   float64 `toml:"kmar" unit:"share" range:"0,1" src:"assumption (the Marechaussee works at the border and Schiphol, where most are new arrivals)" desc:"share of the Marechaussee's files that are a person's first"`
	Other  float64 `toml:"other" unit:"share" range:"0,1" src:"assumption" desc:"share of other sources' files that are a person's first"`
}

func (s *SourceShares) get(src agents.Source) float64 {
	return [...]float64{s.IND, s.Police, s.KMar, s.Other}[src]
}

//go:embed intake.csv
var intakeCSV string

// DefaultIntakeYears is the published yearly intake by source (intake.csv,
// embedded), with -1 where nothing was published.
func DefaultIntakeYears() []IntakeYear {
	rows, err := csv.NewReader(strings.NewReader(intakeCSV)).ReadAll()
	if err != nil {
		panic("sim: intake.csv: " + err.Error())
	}
	out := make([]IntakeYear, 0, len(rows)-1)
	for i, r := range rows[1:] {
		num := func(j int) float64 {
			if r[j] == "" {
				return -1
			}
			x, err := strconv.ParseFloat(r[j], 64)
			if err != nil {
				panic(fmt.Sprintf("sim: intake.csv:%d: %s: %v", i+2, rows[0][j], err))
			}
			return x
		}
		out = append(out, IntakeYear{Year: int(num(0)), IND: num(1), Police: num(2), KMar: num(3), Other: num(4)})
	}
	return out
}

// resolveIntake fills the yearly series: each source's missing years are
// interpolated linearly between the nearest years that give it, and held
// at the nearest given value outside them.
func (c *Config) resolveIntake() error {
	ys := c.Intake.Years
	if len(ys) == 0 {
		return &agents.FieldError{Key: "intake.years", Msg: "empty: want at least one year"}
	}
	for i := 1; i < len(ys); i++ {
		if ys[i].Year != ys[i-1].Year+1 {
			return &agents.FieldError{Key: fmt.Sprintf("intake.years[%d].year", i), Msg: fmt.Sprintf("%d after %d: want consecutive years in increasing order", ys[i].Year, ys[i-1].Year)}
		}
	}
	c.first = ys[0].Year
	c.perYear = make([]float64, (len(ys)+1)*int(agents.NumSources))
	for s := agents.Source(0); s < agents.NumSources; s++ {
		var given []int
		for i := range ys {
			v := ys[i].get(s)
			if math.IsNaN(v) || math.IsInf(v, 0) || v != -1 && v < 0 || v > 1e7 {
				return &agents.FieldError{Key: fmt.Sprintf("intake.years[%d].%s", i, s), Msg: fmt.Sprintf("%g: want 0 to 10000000 files a year, or -1 for not published", v)}
			}
			if v >= 0 {
				given = append(given, i)
			}
		}
		if len(given) == 0 {
			return &agents.FieldError{Key: "intake.years", Msg: fmt.Sprintf("no year gives %s: want at least one", s)}
		}
		for i := range ys {
			var v float64
			switch j, _ := slices.BinarySearch(given, i); {
			case j < len(given) && given[j] == i:
				v = ys[i].get(s)
			case j == 0:
				v = ys[given[0]].get(s)
			case j == len(given):
				v = ys[given[len(given)-1]].get(s)
			default:
				a, b := given[j-1], given[j]
				w := float64(i-a) / float64(b-a)
				v = (1-w)*ys[a].get(s) + w*ys[b].get(s)
			}
			c.perYear[i*int(agents.NumSources)+int(s)] = v
		}
		// after the last year: the mean of the last afterYears years
		k := min(afterYears, len(ys))
		sum := 0.0
		for i := len(ys) - k; i < len(ys); i++ {
			sum += c.perYear[i*int(agents.NumSources)+int(s)]
		}
		c.perYear[len(ys)*int(agents.NumSources)+int(s)] = sum / float64(k)
	}
	return nil
}

// afterYears is how many of the last years of intake.years, published or
// interpolated, a year after them takes the mean of, by source: a
// projection's intake without a series of its own (docs/ODD.md, section
// 7.7; an assumption, as any projection of intake is).
const afterYears = 3

// NewPerMonth is the mean number of new persons a month that source s
// brings in month t (0 = the first recorded month), at the configuration's
// intake.scale (a dated change of it is the engine's to apply).
func (c *Config) NewPerMonth(t int, s agents.Source) float64 {
	return c.newPerMonth(t, s, c.Intake.Scale)
}

func (c *Config) newPerMonth(t int, s agents.Source, scale float64) float64 {
	n := len(c.perYear) / int(agents.NumSources) // the years, and the row after them
	y := floorDiv(c.start+t, 12) - c.first
	y = max(0, min(n-1, y))
	return c.perYear[y*int(agents.NumSources)+int(s)] * c.Intake.NewShare.get(s) * scale / 12
}

// Date is the calendar month of month t (0 = the first recorded month), as
// "2017-01".
func (c *Config) Date(t int) string { return FormatMonth(c.start + t) }

// FormatMonth writes a count of months since January of year 0 as YYYY-MM.
func FormatMonth(m int) string {
	y, mo := floorDiv(m, 12), m-12*floorDiv(m, 12)+1
	return fmt.Sprintf("%04d-%02d", y, mo)
}

// ParseMonth reads YYYY-MM as a count of months since January of year 0.
func ParseMonth(s string) (int, error) {
	if len(s) != 7 || s[4] != '-' {
		return 0, fmt.Errorf("%q: want a calendar month as YYYY-MM", s)
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:])
	if err1 != nil || err2 != nil || y < 1900 || y > 2200 || m < 1 || m > 12 {
		return 0, fmt.Errorf("%q: want a calendar month as YYYY-MM, years 1900 to 2200", s)
	}
	return 12*y + m - 1, nil
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// Costs are unit costs to the state, in EUR, for the planner's cost
// comparison. They do not change behaviour. The reintegration package
// actually paid is the policy's cash and in-kind value, counted by the
// engine for each eligible person who leaves within its conditions.
type Costs struct {
	ForcedEUR         float64 `toml:"forced_eur" unit:"EUR per return" range:"0,1000000" src:"European Court of Auditors 2021 (docs/sources.md): about 3,414 EUR per forced return, EU average" desc:"cost of one forced return"`
	AVREUR            float64 `toml:"avr_eur" unit:"EUR per return" range:"0,1000000" src:"European Court of Auditors 2021 (docs/sources.md): about 560 EUR per voluntary return, EU average" desc:"cost of one assisted return, without the reintegration package"`
	SessionEUR        float64 `toml:"session_eur" unit:"EUR per session" range:"0,100000" src:"assumption: about half a counsellor-day" desc:"cost of one counselling session"`
	MonthReceptionEUR float64 `toml:"month_reception_eur" unit:"EUR per person-month" range:"0,100000" src:"assumption" desc:"cost of a month in asylum reception while an appeal is pending"`
	MonthVBLEUR       float64 `toml:"month_vbl_eur" unit:"EUR per person-month" range:"0,100000" src:"assumption" desc:"cost of a month in the freedom-restricting location (VBL)"`
	MonthFamilyEUR    float64 `toml:"month_family_location_eur" unit:"EUR per person-month" range:"0,100000" src:"assumption" desc:"cost of a month in a family location, per household"`
	MonthLVVEUR       float64 `toml:"month_lvv_eur" unit:"EUR per person-month" range:"0,100000" src:"assumption (as the VBL)" desc:"cost of a month in a national aliens facility (LVV)"`
	MonthDetentionEUR float64 `toml:"month_detention_eur" unit:"EUR per person-month" range:"0,100000" src:"assumption" desc:"cost of a month in immigration detention"`
}

// DefaultCosts returns the default unit costs.
func DefaultCosts() Costs {
	return Costs{
		ForcedEUR: 3414, AVREUR: 560, SessionEUR: 150,
		MonthReceptionEUR: 1200, MonthVBLEUR: 1500, MonthFamilyEUR: 1500, MonthLVVEUR: 1500, MonthDetentionEUR: 6000,
	}
}

// Population sets how new persons' attributes are drawn: Beta distributions
// with the given means and a common concentration (alpha+beta).
type Population struct {
	FamilyShare     float64 `toml:"family_share" unit:"share" range:"0,1" src:"calibrated: point fit (docs/calibration.md) to the households in COA's family locations" desc:"share of persons with a family with children in the Netherlands"`
	Concentration   float64 `toml:"concentration" unit:"alpha+beta" range:"0.1,1000" src:"assumption" desc:"concentration of the Beta distributions of attributes"`
	PullMean        float64 `toml:"pull_mean" unit:"index" range:"0.01,0.99" src:"assumption" desc:"mean pull of family abroad"`
	PressureMean    float64 `toml:"pressure_mean" unit:"index" range:"0.01,0.99" src:"assumption" desc:"mean family pressure and journey debt at the longest journey; scaled by (1+distance)/2"`
	NetworkMean     float64 `toml:"network_mean" unit:"index" range:"0.01,0.99" src:"assumption" desc:"mean strength of the support network in the Netherlands"`
	TrustMean       float64 `toml:"trust_mean" unit:"index" range:"0.01,0.99" src:"assumption" desc:"mean initial trust in government actors"`
	StigmaShare     float64 `toml:"stigma_share" unit:"share" range:"0,1" src:"seed 000, seed 001 (stigma or fear of return can outweigh the threat); size assumption" desc:"share of persons insensitive to the threat of deportation"`
	SensitivityMean float64 `toml:"sensitivity_mean" unit:"index" range:"0.01,0.99" src:"assumption" desc:"mean sensitivity to the threat among the others"`
	RequestShare    float64 `toml:"request_share" unit:"share" range:"0,1" src:"calibrated: point fit (docs/calibration.md) to DT&V's verified independent departures; the rule: DT&V cijfers (docs/sources.md), files from others are files the service opens itself, for example when a person asks it for help to return" desc:"share of the persons unknown before whose first file comes from others who opened it by asking the service for help to return: in sight, without shelter, until the departure is arranged"`
	FRLShare        float64 `toml:"frl_share" unit:"share" range:"0,1" src:"calibrated: point fit (docs/calibration.md) to the split of DT&V's departures by type" desc:"share of single persons placed in the freedom-restricting location (VBL) at the deadline, while it has places (families go to a family location)"`
}

// StateParams are the state's decisions: appeals, detention, forced return,
// regularisation, decisions on new applications, and finding people who
// live out of sight.
type StateParams struct {
	AppealMonths          float64 `toml:"appeal_months" unit:"months" range:"1,120" src:"calibrated: point fit (docs/calibration.md) to how soon DT&V's yearly departures follow the intake, and to the files closed" desc:"mean months from the first negative decision (the IND's hand-over) to the final one"`
	AppealSuccess         float64 `toml:"appeal_success" unit:"probability" range:"0,1" src:"assumption" desc:"chance that the appeal grants legal status"`
	RegularisedRate       float64 `toml:"regularised_rate" unit:"probability per month" range:"0,1" src:"assumption" desc:"monthly chance of legal status after the deadline (no-fault permit, medical grounds)"`
	ForcedRate            float64 `toml:"forced_rate" unit:"probability per month at cooperation 1" range:"0,1" src:"calibrated: point fit (docs/calibration.md) to DT&V's forced returns" desc:"monthly chance of forced return after the deadline, outside detention"`
	DetentionRate         float64 `toml:"detention_rate" unit:"probability per month at cooperation 1" range:"0,1" src:"calibrated: point fit (docs/calibration.md) to the detention placements a year and the persons in detention" desc:"monthly chance of detention after the deadline"`
	DetentionMonths       float64 `toml:"detention_months" unit:"months" range:"1,18" src:"calibrated: point fit (docs/calibration.md) to the persons in detention and the share of detentions ending in departure" desc:"mean months in detention before release without a departure (the stay also ends at a forced return)"`
	ForcedDetained        float64 `toml:"forced_detained" unit:"probability per month at cooperation 1" range:"0,1" src:"calibrated: point fit (docs/calibration.md) to the share of detentions ending in departure (73-75%, 2017-2019)" desc:"monthly chance of forced return from detention"`
	ProcedureMonths       float64 `toml:"procedure_months" unit:"months" range:"1,120" src:"assumption" desc:"mean months from a new application to its decision"`
	ProcedureSuccess      float64 `toml:"procedure_success" unit:"probability" range:"0,1" src:"assumption" desc:"chance that a new application grants legal status, before any civil-society boost"`
	FindRate              float64 `toml:"find_rate" unit:"probability per month at enforcement 1" range:"0,1" src:"calibrated: point fit (docs/calibration.md) to DT&V's files opened by the police" desc:"monthly chance that a person out of sight is found by the police or the Marechaussee, which opens a new file"`
	FindKMarShare         float64 `toml:"find_kmar_share" unit:"share" range:"0,1" src:"assumption, set so that Marechaussee files stay near DT&V's 720-1,260 a year (docs/sources.md) when most of them are new arrivals" desc:"share of finds made by the Marechaussee"`
	DetainOnFind          float64 `toml:"detain_on_find" unit:"probability at cooperation 1" range:"0,1" src:"calibrated: point fit (docs/calibration.md) to the detention placements a year and the files opened by the police" desc:"chance that the file of a person found again, or the first file of a person unknown before from the police, the Marechaussee or others, starts in detention, times the origin's cooperation and the enforcement in force"`
	UnsupervisedOnLeaving float64 `toml:"unsupervised_on_leaving" unit:"share" range:"0,1" src:"calibrated: point fit (docs/calibration.md) to the departures without supervision; the rule: DT&V Leidraad terugkeer en vertrek, 'Bericht van vertrek'; INLIA 2013 (COA); Meldpunt Vreemdelingendetentie (docs/sources.md): a person who leaves reception without a known destination, or is released from detention without removal, is registered as departed without supervision" desc:"share of persons left without a place when their shelter ends (at the deadline, or at release from detention) whom DT&V registers as departed without supervision a month later, closing the file, unless they have left verifiably or been detained"`
	RequestOutOfSight     float64 `toml:"request_out_of_sight" unit:"probability per month" range:"0,1" src:"calibrated: point fit (docs/calibration.md) to DT&V's files opened by others; the rule: DT&V cijfers (docs/sources.md), files from others are files the service opens itself, for example when a person asks it for help to return" desc:"monthly chance that a person out of sight asks the service for help to return, which opens a file from others: in sight, without shelter, until the departure is arranged"`
	StatusOutOfSight      float64 `toml:"status_out_of_sight" unit:"probability per month" range:"0,1" src:"assumption" desc:"monthly chance that a person out of sight obtains legal status (marriage, a no-fault permit)"`
	VBLMonths             int     `toml:"vbl_months" unit:"months" range:"0,600" src:"DT&V, 'vrijheidsbeperkende locatie' (docs/sources.md): a stay of at most 12 weeks (3 months)" desc:"longest stay in the VBL, after which shelter ends without a place; 0: no limit"`
	VBLCooperation        float64 `toml:"vbl_min_cooperation" unit:"index" range:"0,1" src:"DT&V, 'vrijheidsbeperkende locatie' (docs/sources.md): admission with a prospect of departure within 12 weeks; 1/3 (the low cooperation class gives no prospect) is an assumption" desc:"least cooperation of the origin on forced return for a single person to be admitted to the VBL"`
	LVVShare              float64 `toml:"lvv_share" unit:"share" range:"0,1" src:"assumption (the LVV takes single persons whom shelter would leave without a place, while it has places)" desc:"chance that a single person whose shelter ends without a place goes to a national aliens facility with a free place"`
	FamilyDetention       float64 `toml:"family_detention" unit:"multiplier" range:"0,1" src:"derived (docs/sources.md): in 2019 about 70 families (275 persons) were placed in the closed family facility against 3,790 detention placements; per household, with families 15% of households, (70 / 0.15) / (3,515 / 0.85) = 0.11" desc:"multiplies the chances that a family is detained (after the deadline, and on being found)"`
	FamilyDetentionMonths float64 `toml:"family_detention_months" unit:"months" range:"1,18" src:"Meldpunt Vreemdelingendetentie 2020 (docs/sources.md): 9 days on average for families, below the model's month, so 1, its shortest stay" desc:"mean months a family stays in detention before release"`
	RequestMonths         float64 `toml:"request_months" unit:"months" range:"1,120" src:"assumption (a travel document and a ticket, for a person who cooperates)" desc:"mean months from a person's request for help to return to the departure the service arranges, while travel is not restricted"`
	FamilyForced          float64 `toml:"family_forced" unit:"multiplier" range:"0,1" src:"Ministry of Justice via RD, Dec 2020; answers to parliamentary questions, Nov 2020 (docs/sources.md): families are removed by force from the closed family facility, after a short detention, not from a family location: 0" desc:"multiplies a family's chance of forced return outside detention"`
}

//go:embed origins.csv
var originsCSV string

// DefaultOrigins is the origin table used when a scenario names none: the
// data of origins.csv, embedded at build time. Its shares, cooperation
// indices, conditions and distances are assumptions that respect what
// seed 001 says (Nigeria cooperates on forced return, Iraq selectively;
// low-cooperation nationals dominate the caseload); its source column says
// which. TestDefaultOrigins keeps the file valid.
func DefaultOrigins() []agents.Origin {
	rows, err := csv.NewReader(strings.NewReader(originsCSV)).ReadAll()
	if err != nil {
		panic("sim: origins.csv: " + err.Error())
	}
	out := make([]agents.Origin, 0, len(rows)-1)
	for i, r := range rows[1:] {
		num := func(j int) float64 {
			x, err := strconv.ParseFloat(r[j], 64)
			if err != nil {
				panic(fmt.Sprintf("sim: origins.csv:%d: %s: %v", i+2, rows[0][j], err))
			}
			return x
		}
		var class agents.CoopClass
		if err := class.UnmarshalText([]byte(r[4])); err != nil {
			panic(fmt.Sprintf("sim: origins.csv:%d: class: %v", i+2, err))
		}
		out = append(out, agents.Origin{
			Code: r[0], Name: r[1], Share: num(2), Cooperation: num(3), Class: class,
			Conditions: num(5), Distance: num(6), Eligible: r[7] == "true",
		})
	}
	return out
}

// DefaultConfig returns the default scenario: January 2017 to December 2024
// recorded after a thirty-year warm-up, with the published intake by source.
func DefaultConfig() Config {
	return Config{
		Start:  "2017-01",
		Months: 96,
		Warmup: 360,
		Intake: Intake{
			Years:    DefaultIntakeYears(),
			NewShare: SourceShares{IND: 0.78, Police: 0.3, KMar: 0.8, Other: 0.6},
			Scale:    1, EntryMonths: 24,
		},
		Population: Population{
			FamilyShare: 0.01392, Concentration: 4, PullMean: 0.3, PressureMean: 0.5, NetworkMean: 0.4,
			TrustMean: 0.5, StigmaShare: 0.3, SensitivityMean: 0.5, FRLShare: 0.66521, RequestShare: 0.33919,
		},
		State: StateParams{
			AppealMonths: 2.2141, AppealSuccess: 0.08, RegularisedRate: 0.002, ForcedRate: 0.035532,
			DetentionRate: 0.086897, DetentionMonths: 8.6931, ForcedDetained: 0.94465,
			ProcedureMonths: 4, ProcedureSuccess: 0.15, FindRate: 0.016784, FindKMarShare: 0.1,
			DetainOnFind: 0.94896, StatusOutOfSight: 0.0005, UnsupervisedOnLeaving: 0.9993,
			VBLMonths: 3, VBLCooperation: 1.0 / 3, FamilyDetention: 0.11, FamilyDetentionMonths: 1, FamilyForced: 0, LVVShare: 1, RequestMonths: 2, RequestOutOfSight: 0.0047225,
		},
		Params:       agents.DefaultParams(),
		Policy:       agents.DefaultPolicy(),
		Restrictions: DefaultRestrictions(),
		Arrangements: []Arrangement{{Month: "2019-12", MinYears: 5, Share: 569.0 / 1100}},
		Origins:      DefaultOrigins(),
		Costs:        DefaultCosts(),
	}
}

// Validate checks every range, that shares sum to 1, that origin codes are
// unique and that policy changes and restrictions come in order inside the
// horizon. It changes nothing: it prepares a copy of c and keeps only the
// errors. Errors are *agents.FieldError with the dotted key, so callers can
// add positions.
func (c *Config) Validate() error {
	d := *c
	return d.Prepare()
}

// Prepare validates c as Validate does and, where c is valid, resolves in
// c what Run reads: the first month, the yearly intake with its missing
// years filled, the months of policy changes and restrictions, and the
// policies against the origin table. Call it after changing a config,
// before Run. It writes only into slices of its own (the changes and the
// restrictions are copied first), so copies of a Config can be prepared on
// goroutines of their own.
func (c *Config) Prepare() error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(agents.CheckRanges(c))
	start, err := ParseMonth(c.Start)
	if err != nil {
		add(&agents.FieldError{Key: "start", Msg: err.Error()})
	}
	c.start = start
	add(c.resolveIntake())
	add(c.checkArrangements(start))
	c.Changes = slices.Clone(c.Changes)
	if len(c.Origins) == 0 {
		add(&agents.FieldError{Key: "origins", Msg: "no origin countries: want at least one"})
	}
	seen := map[string]bool{}
	var sum float64
	for i := range c.Origins {
		o := &c.Origins[i]
		add(prefix(fmt.Sprintf("origins[%d]", i), o.Validate()))
		if seen[o.Code] {
			add(&agents.FieldError{Key: fmt.Sprintf("origins[%d].code", i), Msg: fmt.Sprintf("%q appears twice", o.Code)})
		}
		seen[o.Code] = true
		sum += o.Share
	}
	if len(c.Origins) > 0 && math.Abs(sum-1) > 1e-6 {
		add(&agents.FieldError{Key: "origins", Msg: fmt.Sprintf("shares sum to %g, want 1", sum)})
	}
	// after the origins, whose codes a restriction may name
	add(c.checkRestrictions(start))
	add(c.checkPolicy("policy", &c.Policy))
	last := 0
	for i := range c.Changes {
		ch := &c.Changes[i]
		key := fmt.Sprintf("changes[%d]", i)
		badFrom := false // from_month is then unknown, not wrong
		if ch.From != "" {
			m, err := ParseMonth(ch.From)
			switch {
			case err != nil:
				add(&agents.FieldError{Key: key + ".from", Msg: err.Error()})
				badFrom = true
			case ch.FromMonth != 0 && ch.FromMonth != m-start:
				add(&agents.FieldError{Key: key + ".from", Msg: fmt.Sprintf("%q is month %d, but from_month is %d: give one of them", ch.From, m-start, ch.FromMonth)})
			default:
				ch.FromMonth = m - start
			}
		}
		if !badFrom && (ch.FromMonth <= last || ch.FromMonth >= c.Months) {
			add(&agents.FieldError{Key: key + ".from_month", Msg: fmt.Sprintf("%d: want a month after %d and before the horizon %d, in increasing order", ch.FromMonth, last, c.Months)})
		}
		last = ch.FromMonth
		add(c.checkPolicy(key+".policy", &ch.Policy))
		add(checkDated(key, ch))
	}
	return errors.Join(errs...)
}

func (c *Config) checkPolicy(key string, p *agents.Policy) error {
	err := p.Validate()
	if len(c.Origins) == 0 {
		return prefix(key, err)
	}
	// the codes too, so that every problem is told at once
	if perr := p.Prepare(c.Origins); err != nil || perr != nil {
		return prefix(key, errors.Join(err, perr))
	}
	p.Cache(c.Origins, &c.Params.Reintegrate)
	return nil
}

// prefix puts p before the key of every field error in err.
func prefix(p string, err error) error {
	if err == nil {
		return nil
	}
	fes := agents.FieldErrors(err)
	if len(fes) == 0 {
		return fmt.Errorf("%s: %w", p, err)
	}
	out := make([]error, len(fes))
	for i, fe := range fes {
		out[i] = &agents.FieldError{Key: p + "." + fe.Key, Msg: fe.Msg}
	}
	return errors.Join(out...)
}
