package sim

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/returnsim/returnsim/agents"
)

// Config is everything one scenario needs. Build it with DefaultConfig and
// change what differs; Validate rejects values that would be wrong.
type Config struct {
	Months     int             `toml:"months" unit:"months" range:"1,1200" src:"seed 001 (case files closed 2017-2023: seven years)" desc:"months simulated and recorded"`
	Warmup     int             `toml:"warmup_months" unit:"months" range:"0,600" src:"assumption" desc:"months simulated before recording starts, so the caseload is in its stock at month 0"`
	Intake     Intake          `toml:"intake"`
	Population Population      `toml:"population"`
	State      StateParams     `toml:"state"`
	Params     agents.Params   `toml:"params"`
	Policy     agents.Policy   `toml:"policy"`
	Changes    []Change        `toml:"policy_changes"`
	Origins    []agents.Origin `toml:"origins"`
	Costs      Costs           `toml:"costs"`
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
	MonthFRLEUR       float64 `toml:"month_frl_eur" unit:"EUR per person-month" range:"0,100000" src:"assumption" desc:"cost of a month in a freedom-restricting or family location"`
	MonthDetentionEUR float64 `toml:"month_detention_eur" unit:"EUR per person-month" range:"0,100000" src:"assumption" desc:"cost of a month in immigration detention"`
}

// DefaultCosts returns the default unit costs.
func DefaultCosts() Costs {
	return Costs{
		ForcedEUR: 3414, AVREUR: 560, SessionEUR: 150,
		MonthReceptionEUR: 1200, MonthFRLEUR: 1500, MonthDetentionEUR: 6000,
	}
}

// Change is a policy in force from a month on (month 0 is the first month
// recorded), as when the Dutch reintegration package changed in July 2017.
//
// In TOML a change is a [[policy_changes]] table holding from_month and the
// policy keys that differ from the policy in force before it.
type Change struct {
	FromMonth     int `toml:"from_month" unit:"month" desc:"first month (0 = first recorded month) the policy is in force"`
	agents.Policy     // the whole policy in force from FromMonth
}

// Intake sets the new return orders.
type Intake struct {
	PerMonth     float64   `toml:"per_month" unit:"return orders per month" range:"0,1000000" src:"calibrated (docs/calibration.md) to seed 001's 118,000 files closed over seven years, with reopened files on top" desc:"mean new return orders of new persons a month (Poisson)"`
	FileShares   []float64 `toml:"file_shares" unit:"shares" src:"assumption (seed 001: many closed files are later files)" desc:"share of new persons whose return order is their 1st, 2nd, ... file"`
	FirstShare   float64   `toml:"first_file_share" unit:"share" range:"0,0.999" src:"calibrated (docs/calibration.md); seed 001 and issue 3 (19% AVR at the first file but 11% for high cooperation: many closed files are later files); near 0 it stands for the history of files before the warm-up" desc:"when above 0 and file_shares lists later files, the share of new persons on their first file, the later shares keeping their proportions; 0 leaves file_shares as given"`
	PriorMonths  int       `toml:"prior_months_per_file" unit:"months" range:"0,240" src:"assumption" desc:"months of irregular stay a new person brings for each earlier file"`
	InitialStock int       `toml:"initial_stock" unit:"open cases" range:"0,10000000" src:"assumption" desc:"open cases, past their deadline, at the start of the warm-up"`
}

// Shares returns the share of new persons by file number: FileShares, or,
// when FirstShare is above 0, FirstShare for the first file and the rest
// spread over later files in FileShares' proportions.
func (in *Intake) Shares() []float64 {
	out := append([]float64(nil), in.FileShares...)
	if in.FirstShare <= 0 || len(out) < 2 || out[0] >= 1 {
		return out
	}
	scale := (1 - in.FirstShare) / (1 - out[0])
	out[0] = in.FirstShare
	for i := 1; i < len(out); i++ {
		out[i] *= scale
	}
	return out
}

// Population sets how new persons' attributes are drawn: Beta distributions
// with the given means and a common concentration (alpha+beta).
type Population struct {
	FamilyShare     float64 `toml:"family_share" unit:"share" range:"0,1" src:"assumption" desc:"share of persons with a family with children in the Netherlands"`
	Concentration   float64 `toml:"concentration" unit:"alpha+beta" range:"0.1,1000" src:"assumption" desc:"concentration of the Beta distributions of attributes"`
	PullMean        float64 `toml:"pull_mean" unit:"index" range:"0.01,0.99" src:"assumption" desc:"mean pull of family abroad"`
	PressureMean    float64 `toml:"pressure_mean" unit:"index" range:"0.01,0.99" src:"assumption" desc:"mean family pressure and journey debt at the longest journey; scaled by (1+distance)/2"`
	NetworkMean     float64 `toml:"network_mean" unit:"index" range:"0.01,0.99" src:"assumption" desc:"mean strength of the support network in the Netherlands"`
	TrustMean       float64 `toml:"trust_mean" unit:"index" range:"0.01,0.99" src:"assumption" desc:"mean initial trust in government actors"`
	StigmaShare     float64 `toml:"stigma_share" unit:"share" range:"0,1" src:"seed 000, seed 001 (stigma or fear of return can outweigh the threat); size assumption" desc:"share of persons insensitive to the threat of deportation"`
	SensitivityMean float64 `toml:"sensitivity_mean" unit:"index" range:"0.01,0.99" src:"assumption" desc:"mean sensitivity to the threat among the others"`
	FRLShare        float64 `toml:"frl_share" unit:"share" range:"0,1" src:"assumption" desc:"share of single persons placed in a freedom-restricting location at the deadline (families always keep a family location)"`
}

// StateParams are the state's decisions: appeals, detention, forced return,
// regularisation and the handling of new procedures.
type StateParams struct {
	AppealMonths    float64 `toml:"appeal_months" unit:"months" range:"1,120" src:"assumption" desc:"mean months from the first negative decision to the final one"`
	AppealSuccess   float64 `toml:"appeal_success" unit:"probability" range:"0,1" src:"assumption" desc:"chance that the appeal grants legal status"`
	RegularisedRate float64 `toml:"regularised_rate" unit:"probability per month" range:"0,1" src:"assumption" desc:"monthly chance of legal status after the deadline (no-fault permit, medical grounds)"`
	ForcedRate      float64 `toml:"forced_rate" unit:"probability per month at cooperation 1" range:"0,1" src:"calibrated (docs/calibration.md) to the departure mix of issue 3 (forced 18.0% of departures)" desc:"monthly chance of forced return after the deadline, outside detention"`
	DetentionRate   float64 `toml:"detention_rate" unit:"probability per month at cooperation 1" range:"0,1" src:"assumption" desc:"monthly chance of detention after the deadline"`
	DetentionMonths float64 `toml:"detention_months" unit:"months" range:"1,18" src:"assumption (EU law caps detention at 18 months)" desc:"mean months in detention before release"`
	ForcedDetained  float64 `toml:"forced_detained" unit:"probability per month at cooperation 1" range:"0,1" src:"assumption" desc:"monthly chance of forced return from detention"`
	ReopenShare     float64 `toml:"reopen_share" unit:"share" range:"0,1" src:"assumption" desc:"share of new procedures that fail and open a new file (the rest succeed)"`
	ReopenMonths    float64 `toml:"reopen_months" unit:"months" range:"1,120" src:"assumption" desc:"mean months from a new procedure to the new file"`
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

// DefaultConfig returns the default scenario: seven years recorded after a
// two-year warm-up, with the calibrated parameters (docs/calibration.md).
func DefaultConfig() Config {
	return Config{
		Months: 84,
		Warmup: 24,
		Intake: Intake{PerMonth: 1245, FirstShare: 0.036, FileShares: []float64{0.70, 0.15, 0.07, 0.04, 0.02, 0.01, 0.01}, PriorMonths: 12},
		Population: Population{
			FamilyShare: 0.15, Concentration: 4, PullMean: 0.3, PressureMean: 0.5, NetworkMean: 0.4,
			TrustMean: 0.5, StigmaShare: 0.3, SensitivityMean: 0.5, FRLShare: 0.2,
		},
		State: StateParams{
			AppealMonths: 6, AppealSuccess: 0.08, RegularisedRate: 0.002, ForcedRate: 0.0195,
			DetentionRate: 0.02, DetentionMonths: 3, ForcedDetained: 0.25, ReopenShare: 0.9, ReopenMonths: 3,
		},
		Params:  agents.DefaultParams(),
		Policy:  agents.DefaultPolicy(),
		Origins: DefaultOrigins(),
		Costs:   DefaultCosts(),
	}
}

// Validate checks every range, that shares sum to 1, that origin codes are
// unique and that policy changes come in order inside the horizon; and it
// prepares the policies for the origin table. Call it again after changing
// a config, before Run. Errors
// are *agents.FieldError with the dotted key, so callers can add positions.
func (c *Config) Validate() error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(agents.CheckRanges(c))
	add(shares("intake.file_shares", c.Intake.FileShares))
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
	add(c.checkPolicy("policy", &c.Policy))
	last := 0
	for i := range c.Changes {
		ch := &c.Changes[i]
		key := fmt.Sprintf("policy_changes[%d]", i)
		if ch.FromMonth <= last || ch.FromMonth >= c.Months {
			add(&agents.FieldError{Key: key + ".from_month", Msg: fmt.Sprintf("%d: want a month after %d and before the horizon %d, in increasing order", ch.FromMonth, last, c.Months)})
		}
		last = ch.FromMonth
		add(c.checkPolicy(key, &ch.Policy))
	}
	return errors.Join(errs...)
}

func (c *Config) checkPolicy(key string, p *agents.Policy) error {
	if err := p.Validate(); err != nil {
		return prefix(key, err)
	}
	if len(c.Origins) == 0 {
		return nil
	}
	if err := p.Prepare(c.Origins); err != nil {
		return prefix(key, err)
	}
	p.Reintegration.Cache(c.Origins, &c.Params.Reintegrate)
	return nil
}

func shares(key string, s []float64) error {
	if len(s) == 0 {
		return &agents.FieldError{Key: key, Msg: "empty: want at least one share"}
	}
	var sum float64
	for i, x := range s {
		if math.IsNaN(x) || x < 0 || x > 1 {
			return &agents.FieldError{Key: fmt.Sprintf("%s[%d]", key, i), Msg: fmt.Sprintf("%v: want a share from 0 to 1", x)}
		}
		sum += x
	}
	if math.Abs(sum-1) > 1e-6 {
		return &agents.FieldError{Key: key, Msg: fmt.Sprintf("shares sum to %g, want 1", sum)}
	}
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
