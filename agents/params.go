package agents

// Params are the behavioural parameters: how an agent's state turns into
// monthly hazards, and how that state changes from month to month. Log-odds
// effects add to the linear predictor of a monthly hazard. Defaults are in
// DefaultParams; each tag names the source of its default.
type Params struct {
	AVR          AVRParams          `toml:"avr"`
	Independent  IndependentParams  `toml:"independent"`
	Absconding   AbscondingParams   `toml:"absconding"`
	NewProcedure NewProcedureParams `toml:"new_procedure"`
	Counselling  CounsellingParams  `toml:"counselling"`
	Reintegrate  ReintegrateParams  `toml:"reintegration"`
	Dynamics     DynamicsParams     `toml:"dynamics"`
	Pathway      PathwayParams      `toml:"pathway"`
	OutOfSight   OutOfSightParams   `toml:"out_of_sight"`
}

// AVRParams drive the hazard of assisted voluntary return.
type AVRParams struct {
	Base           float64 `toml:"base" unit:"log-odds per month" range:"-15,5" src:"calibrated: point fit to the study and DT&V's yearly figures (docs/calibration.md); seed 001, seed 004, DT&V cijfers" desc:"intercept of the monthly AVR hazard"`
	FamilyPull     float64 `toml:"family_pull" unit:"log-odds per unit pull" range:"0,10" src:"seed 000, seed 001 (some return to reunite or to care for relatives); size assumption" desc:"effect of the pull of family abroad"`
	FamilyPressure float64 `toml:"family_pressure" unit:"log-odds per unit pressure" range:"0,10" src:"seed 000, seed 001 (fear of disappointing family); size assumption" desc:"effect, against return, of pressure from family abroad and journey debt"`
	Network        float64 `toml:"network" unit:"log-odds per unit network" range:"0,10" src:"seed 000 (support networks in NL); size assumption" desc:"effect, against return, of a support network in the Netherlands"`
	Health         float64 `toml:"health" unit:"log-odds" range:"0,10" src:"seed 001 (deteriorating health prompts a wish to return); size assumption" desc:"effect of deteriorated health"`
	StayPerYear    float64 `toml:"stay_per_year" unit:"log-odds per year" range:"0,5" src:"calibrated: point fit (docs/calibration.md); seed 000, seed 001 (a long stay without status lowers AVR)" desc:"effect, against AVR, of each year of stay without legal status"`
	StayCapMonths  int     `toml:"stay_cap_months" unit:"months" range:"1,600" src:"assumption" desc:"months of irregular stay beyond which the stay effect grows no further"`
	Hope           float64 `toml:"hope" unit:"log-odds per unit hope" range:"0,10" src:"seed 001 (most consider AVR only once legal options are exhausted); size assumption" desc:"effect, against AVR, of hope of legal status"`
	Trust          float64 `toml:"trust" unit:"log-odds per unit trust" range:"0,10" src:"seed 001 (distrust of authorities); size assumption" desc:"effect of trust in government actors, who arrange AVR"`
	Threat         float64 `toml:"threat" unit:"log-odds per unit sensitivity x credibility" range:"0,10" src:"calibrated: point fit (docs/calibration.md) to the odds ratio of 11% vs 5% AVR for high vs low cooperation (seed 001)" desc:"effect of a credible threat of deportation: the agent's sensitivity times the credibility (the origin's cooperation times the enforcement in force)"`
	Conditions     float64 `toml:"conditions" unit:"log-odds per unit conditions" range:"0,10" src:"calibrated: point fit (docs/calibration.md); seed 001 (conditions in the origin country; Nigerians below Iraqis)" desc:"effect of conditions in the origin country, centred at 0.5"`
	FamilyInNL     float64 `toml:"family_in_nl" unit:"log-odds" range:"-5,5" src:"assumption" desc:"effect of a family with children in the Netherlands"`
	Pending        float64 `toml:"pending" unit:"log-odds" range:"-10,5" src:"seed 001 (most return only after legal options are exhausted); size assumption" desc:"effect while the appeal is pending"`
	Detained       float64 `toml:"detained" unit:"log-odds" range:"-5,10" src:"seed 001 (coercion: detention, imminent deportation); size assumption" desc:"effect of being in detention"`
	FamilyThreat   float64 `toml:"family_threat" unit:"fraction" range:"0,1" src:"derived (docs/sources.md): in 2019 about 45 families were removed by force against about 2,585 single persons (2,760 forced returns); per household, with families 15% of households, (45 / 0.15) / (2,585 / 0.85) = 0.1" desc:"share of the threat of deportation that a family feels, against a single person: families are rarely removed by force"`
}

// IndependentParams drive departure without assistance: the same drivers as
// AVR with a weaker pull, and neither counselling nor reintegration support.
type IndependentParams struct {
	Base   float64 `toml:"base" unit:"log-odds per month" range:"-15,5" src:"calibrated: point fit (docs/calibration.md) to DT&V's verified independent departures and IOM's assisted returns of 2017 (seed 004)" desc:"intercept of the monthly independent-departure hazard"`
	Weight float64 `toml:"weight" unit:"fraction" range:"0,2" src:"assumption (same drivers as AVR, a weaker pull)" desc:"weight of the AVR drivers in the independent-departure predictor"`
}

// AbscondingParams drive departure to an unknown destination.
type AbscondingParams struct {
	Base       float64 `toml:"base" unit:"log-odds per month" range:"-15,5" src:"calibrated: point fit (docs/calibration.md) to DT&V's departures without supervision" desc:"intercept of the monthly absconding hazard"`
	Network    float64 `toml:"network" unit:"log-odds per unit network" range:"0,10" src:"seed 000 (social networks in the Netherlands); size assumption" desc:"effect of a support network in the Netherlands"`
	Trust      float64 `toml:"trust" unit:"log-odds per unit trust" range:"0,10" src:"seed 001 (distrust of authorities); size assumption" desc:"effect, against absconding, of trust in government actors"`
	Reception  float64 `toml:"reception" unit:"log-odds" range:"-10,10" src:"assumption" desc:"effect while sheltered in reception with an appeal pending"`
	Departure  float64 `toml:"departure" unit:"log-odds" range:"-10,10" src:"seed 002 (shelter ends four weeks after the final rejection); size assumption" desc:"effect in the departure period"`
	NoShelter  float64 `toml:"no_shelter" unit:"log-odds" range:"-10,10" src:"seed 002 (shelter ends at the deadline); size assumption" desc:"effect after the deadline without shelter"`
	VBL        float64 `toml:"vbl" unit:"log-odds" range:"-10,10" src:"assumption" desc:"effect in the freedom-restricting location (VBL)"`
	FamilyLoc  float64 `toml:"family_location" unit:"log-odds" range:"-10,10" src:"calibrated: point fit (docs/calibration.md) to the households leaving family locations without a known destination" desc:"effect in a family location"`
	LVV        float64 `toml:"lvv" unit:"log-odds" range:"-10,10" src:"assumption (as the VBL)" desc:"effect in a national aliens facility (LVV)"`
	FamilyInNL float64 `toml:"family_in_nl" unit:"log-odds" range:"-5,5" src:"assumption" desc:"effect of a family with children in the Netherlands"`
}

// NewProcedureParams drive a repeat application after the final decision.
type NewProcedureParams struct {
	Base    float64 `toml:"base" unit:"log-odds per month" range:"-15,5" src:"calibrated: point fit (docs/calibration.md) to the odds ratios by procedures and the files closed" desc:"intercept of the monthly new-procedure hazard"`
	Hope    float64 `toml:"hope" unit:"log-odds per unit hope" range:"0,10" src:"seed 001 (hope of legal status); size assumption" desc:"effect of hope of legal status"`
	Network float64 `toml:"network" unit:"log-odds per unit network" range:"0,10" src:"assumption" desc:"effect of a support network (legal help) in the Netherlands"`
	Family  float64 `toml:"family" unit:"log-odds" range:"-5,5" src:"procedures in the child's interest that single persons lack (docs/sources.md); its size is an assumption, 0 until a source gives one" desc:"effect of a family with children in the Netherlands on a new application"`
}

// CounsellingParams set the effect of one counselling session.
type CounsellingParams struct {
	Effect                float64 `toml:"effect" unit:"log-odds" range:"0,10" src:"calibrated: point fit (docs/calibration.md), bounded from above by the study's conclusion (seed 000, seed 001: counselling plays a limited role)" desc:"AVR effect of a session at the best moment, with full trust, full quality and no country knowledge"`
	Retention             float64 `toml:"retention" unit:"fraction kept per month" range:"0,1" src:"assumption (the effect of a session decays over the following months)" desc:"share of a session's effect left after each month"`
	MomentFirst           float64 `toml:"moment_first" unit:"fraction of effect" range:"0,2" src:"seed 001 (early talks serve information more than return)" desc:"effect of a session at the first negative decision"`
	MomentFinal           float64 `toml:"moment_final" unit:"fraction of effect" range:"0,2" src:"seed 001, seed 003 (the final negative decision is the key moment)" desc:"effect of a session at the final negative decision"`
	MomentDeadline        float64 `toml:"moment_deadline" unit:"fraction of effect" range:"0,2" src:"seed 001 (a return order is a key moment); size assumption" desc:"effect of a session at the departure deadline"`
	MomentDetention       float64 `toml:"moment_detention" unit:"fraction of effect" range:"0,2" src:"seed 003 (counselling in enforcement settings works less well)" desc:"effect of a session in detention"`
	MomentRoutine         float64 `toml:"moment_routine" unit:"fraction of effect" range:"0,2" src:"assumption" desc:"effect of a periodic session away from a key moment"`
	CivilTrust            float64 `toml:"civil_trust" unit:"index" range:"0,1" src:"seed 001 (civil society reaches those who avoid government), seed 003 (trusted figures)" desc:"trust a migrant places in a civil-society counsellor, whatever their trust in government"`
	IOMGovWeight          float64 `toml:"iom_government_weight" unit:"fraction" range:"0,1" src:"assumption" desc:"weight of trust in government in the trust placed in IOM (the rest is civil-society trust)"`
	Knowledge             float64 `toml:"knowledge" unit:"fraction of effect per unit knowledge" range:"0,5" src:"seed 000, seed 001 (country knowledge builds trust; Denmark)" desc:"gain in effect from counsellors' country knowledge"`
	Partner               float64 `toml:"partner" unit:"fraction of effect" range:"0,5" src:"seed 001, seed 002, seed 003 (trusted partners in the origin country)" desc:"gain in effect from contact with a partner organisation in the origin country"`
	CivilReturn           float64 `toml:"civil_return" unit:"fraction of effect" range:"0,2" src:"seed 003 (civil society promotes return only where it judges it best)" desc:"AVR effect of a civil-society session relative to the others"`
	SpectrumHighAgency    float64 `toml:"spectrum_high_agency" unit:"fraction of effect" range:"0,2" src:"seed 001 (at high agency people need little beyond practical support)" desc:"effect of a session on a person at high agency (health or family drives them)"`
	SpectrumAcceptance    float64 `toml:"spectrum_acceptance" unit:"fraction of effect" range:"0,2" src:"seed 001 (counselling helps to accept a final decision)" desc:"effect of a session on a person near the final decision"`
	SpectrumHopeless      float64 `toml:"spectrum_hopelessness" unit:"fraction of effect" range:"0,2" src:"seed 001 (after a long irregular stay people need more intensive support than a routine session gives)" desc:"effect of a government or IOM session on a person after a long irregular stay"`
	SpectrumHopelessCivil float64 `toml:"spectrum_hopelessness_civil" unit:"fraction of effect" range:"0,2" src:"seed 001, seed 002 (civil society gives the intensive, trusted support long-stayers need)" desc:"effect of a civil-society session on a person after a long irregular stay"`
	CivilLegal            float64 `toml:"civil_legal" unit:"log-odds" range:"0,10" src:"assumption, halved from the earlier file model's weakly identified point fit; seed 002 (NGO counselling discusses a new procedure), seed 003" desc:"boost to a new procedure and to regularisation from a civil-society session"`
}

// ReintegrateParams set the effect of reintegration assistance.
type ReintegrateParams struct {
	Effect       float64 `toml:"effect" unit:"log-odds per ln(1+EUR/1000)" range:"0,5" src:"calibrated: point fit (docs/calibration.md), bounded from above by the study's conclusion (seed 001, seed 003: modest; uptake not tied to package value)" desc:"AVR effect of a package, on a log scale of its value"`
	Distance     float64 `toml:"distance" unit:"fraction" range:"0,1" src:"seed 001 (weighs more for nearby regions, whose journey cost less)" desc:"how much of the effect a journey of distance 1 takes away"`
	InKindWeight float64 `toml:"in_kind_weight" unit:"cash EUR per in-kind EUR" range:"0,2" src:"assumption" desc:"value of one euro in kind against one in cash"`
}

// DynamicsParams set how an agent's state changes from month to month.
type DynamicsParams struct {
	HopePending float64 `toml:"hope_pending" unit:"index" range:"0,1" src:"seed 000 (hope of legal status is high while a procedure runs)" desc:"hope while an appeal is pending, on a first file"`
	HopeFinal   float64 `toml:"hope_final" unit:"index" range:"0,1" src:"assumption" desc:"hope right after the final negative decision, on a first file"`
	HopeDecay   float64 `toml:"hope_decay" unit:"fraction lost per month" range:"0,1" src:"seed 001 (hope falls as options run out); size assumption" desc:"monthly loss of hope after the final decision"`
	OptionsLost float64 `toml:"options_lost" unit:"fraction lost per rejection" range:"0,1" src:"seed 001 (most consider return once legal options are exhausted); size assumption" desc:"share of the legal options left, and so of the hope a new decision brings, that each rejection takes away"`
	TrustDecay  float64 `toml:"trust_decay" unit:"fraction lost per month" range:"0,1" src:"seed 001 (long irregular stay lowers trust in government actors)" desc:"monthly loss of trust without shelter"`
	PoliceRate  float64 `toml:"police_rate" unit:"probability per month" range:"0,1" src:"assumption" desc:"monthly chance of a bad experience with police without shelter"`
	PoliceDrop  float64 `toml:"police_drop" unit:"fraction lost" range:"0,1" src:"seed 001 (bad experiences with police); size assumption" desc:"share of trust lost at a bad experience with police or at detention"`
	HealthRate  float64 `toml:"health_rate" unit:"probability per month" range:"0,1" src:"seed 000 (deteriorating health); size assumption" desc:"monthly chance that health deteriorates"`
}

// PathwayParams are the thresholds of the pathway rules in PathwayOf.
type PathwayParams struct {
	HighAgencyPull   float64 `toml:"high_agency_pull" unit:"index" range:"0,1" src:"assumption" desc:"family pull from which a return counts as high agency"`
	AcceptanceMonths int     `toml:"acceptance_months" unit:"months" range:"0,600" src:"assumption" desc:"months after the final decision within which a return counts as acceptance"`
	HopelessMonths   int     `toml:"hopeless_months" unit:"months" range:"0,600" src:"assumption" desc:"months of irregular stay from which a later return counts as hopelessness"`
}

// OutOfSightParams drive the choices of a person out of sight in the
// Netherlands after absconding: to leave the country unseen, or to apply
// again. Being found (a state decision) is in sim's state parameters.
type OutOfSightParams struct {
	LeaveBase       float64 `toml:"leave_base" unit:"log-odds per month" range:"-15,5" src:"calibrated: point fit (docs/calibration.md) to the police files by year, the files closed and the odds ratios by procedures" desc:"intercept of the monthly hazard of leaving the Netherlands unseen"`
	LeaveConditions float64 `toml:"leave_conditions" unit:"log-odds per unit conditions" range:"0,10" src:"assumption (some go home without telling anyone)" desc:"effect of conditions in the origin country, centred at 0.5"`
	LeaveNetwork    float64 `toml:"leave_network" unit:"log-odds per unit network" range:"0,10" src:"seed 000 (support networks keep people in the Netherlands); size assumption" desc:"effect, against leaving, of a support network in the Netherlands"`
	LeaveStay       float64 `toml:"leave_stay_per_year" unit:"log-odds per year" range:"0,5" src:"seed 001 (exhaustion after a long irregular stay); size assumption" desc:"effect of each year without status, up to avr.stay_cap_months, counted when the person went out of sight"`
	ApplyBase       float64 `toml:"apply_base" unit:"log-odds per month" range:"-15,5" src:"calibrated: point fit (docs/calibration.md) to the odds ratios by procedures and the files closed" desc:"intercept of the monthly hazard of a new application from out of sight"`
	ApplyHope       float64 `toml:"apply_hope" unit:"log-odds per unit hope" range:"0,10" src:"seed 001 (hope of legal status); size assumption" desc:"effect of hope of legal status on a new application"`
}

// DefaultParams returns the default behavioural parameters.
func DefaultParams() Params {
	return Params{
		AVR: AVRParams{
			Base: -4.3083, FamilyPull: 1.2, FamilyPressure: 1.0, Network: 0.8, Health: 1.5,
			StayPerYear: 0.28833, StayCapMonths: 120, Hope: 1.5, Trust: 0.6,
			Threat: 0.35685, Conditions: 7.2901, FamilyInNL: -0.3, Pending: -1.0, Detained: 1.0, FamilyThreat: 0.1,
		},
		Independent: IndependentParams{Base: -4.1455, Weight: 0.6},
		Absconding: AbscondingParams{
			Base: -5.2612, Network: 1.0, Trust: 1.2, Reception: -2.0, Departure: 0.8,
			NoShelter: 0.6, VBL: -0.8, FamilyLoc: 2.1116, LVV: -0.8, FamilyInNL: -0.6,
		},
		NewProcedure: NewProcedureParams{Base: -4.9016, Hope: 2.0, Network: 0.5},
		Counselling: CounsellingParams{
			Effect: 2.5897, Retention: 0.8, MomentFirst: 0.4, MomentFinal: 1.0, MomentDeadline: 0.8,
			MomentDetention: 0.3, MomentRoutine: 0.5, CivilTrust: 0.8, IOMGovWeight: 0.5,
			Knowledge: 0.3, Partner: 0.3, CivilReturn: 0.8, CivilLegal: 0.5,
			SpectrumHighAgency: 0.3, SpectrumAcceptance: 1, SpectrumHopeless: 0.4, SpectrumHopelessCivil: 1,
		},
		Reintegrate: ReintegrateParams{Effect: 0.33061, Distance: 0.6, InKindWeight: 0.5},
		Dynamics: DynamicsParams{
			HopePending: 0.9, HopeFinal: 0.5, HopeDecay: 0.03, OptionsLost: 0.3,
			TrustDecay: 0.01, PoliceRate: 0.01, PoliceDrop: 0.2, HealthRate: 0.004,
		},
		Pathway:    PathwayParams{HighAgencyPull: 0.7, AcceptanceMonths: 6, HopelessMonths: 24},
		OutOfSight: OutOfSightParams{LeaveBase: -2.6611, LeaveConditions: 1.0, LeaveNetwork: 1.0, LeaveStay: 0.2, ApplyBase: -8.5623, ApplyHope: 2.0},
	}
}

// Validate checks every parameter against its declared range.
func (p *Params) Validate() error { return CheckRanges(p) }
