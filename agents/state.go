package agents

// Household is whether a migrant is alone in the Netherlands or with a family
// that includes children.
type Household uint8

const (
	Single Household = iota
	Family
)

var householdNames = [...]string{"single", "family"}

func (h Household) String() string { return householdNames[h] }

// Shelter is where a migrant stays. It also marks the stage of the case:
// Reception while the first negative decision is under appeal, Departure in
// the four weeks after the final negative decision, and NoShelter, VBL,
// FamilyLocation or Detention after the departure deadline.
type Shelter uint8

const (
	Reception      Shelter = iota // asylum reception while an appeal is pending
	Departure                     // four-week departure period after the final decision (seed 002)
	NoShelter                     // shelter ended at the deadline (seed 002)
	VBL                           // freedom-restricting location (vrijheidsbeperkende locatie, Ter Apel), for single persons
	FamilyLocation                // family location (gezinslocatie), for families with minor children
	LVV                           // national aliens facility (landelijke vreemdelingenvoorziening), single persons, from 2019
	Detention                     // immigration detention
	NumShelters
)

var shelterNames = [...]string{"reception", "departure-period", "no-shelter", "freedom-restricting-location", "family-location", "national-aliens-facility", "detention"}

func (s Shelter) String() string { return shelterNames[s] }

// PastDeadline reports whether the departure deadline has passed.
func (s Shelter) PastDeadline() bool { return s >= NoShelter }

// Outcome is how a case ends. Open is a case still open at the horizon.
type Outcome uint8

const (
	Open Outcome = iota
	AVR
	Independent
	Forced
	Absconded
	Regularised
	NewProcedure
	NumOutcomes
)

var outcomeNames = [...]string{"open", "avr", "independent", "forced", "absconded", "regularised", "new_procedure"}

func (o Outcome) String() string { return outcomeNames[o] }

// Departure reports whether the outcome is a departure from the Netherlands.
func (o Outcome) Departure() bool { return o >= AVR && o <= Absconded }

// Verified reports whether the outcome is a departure the state has verified.
func (o Outcome) Verified() bool { return o >= AVR && o <= Forced }

// Place is where a person is in the return system in a month. A person is
// in exactly one place every month, and carries their state across places.
type Place uint8

const (
	InFile      Place = iota // a return file at the service is open
	InProcedure              // an asylum or admission procedure after a new application
	OutOfSight               // in the Netherlands without a file, after absconding
	Gone                     // returned, left unseen, or with legal status
)

var placeNames = [...]string{"in_file", "in_procedure", "out_of_sight", "gone"}

func (p Place) String() string { return placeNames[p] }

// Fate is where a person ended, or where they are at the horizon.
type Fate uint8

const (
	FateInFile Fate = iota
	FateInProcedure
	FateOutOfSight
	FateAVR
	FateIndependent
	FateForced
	FateLeftUnseen // left the Netherlands without telling anyone: onward, or home
	FateStatus     // legal status
	NumFates
)

var fateNames = [...]string{"in_file", "in_procedure", "out_of_sight", "avr", "independent", "forced", "left_unseen", "status"}

func (f Fate) String() string { return fateNames[f] }

// Verified reports whether the fate is a departure the state has verified.
func (f Fate) Verified() bool { return f >= FateAVR && f <= FateForced }

// Source is who opened a return file: the Immigration and Naturalisation
// Service after a rejection, the police, the Royal Marechaussee, or others
// (DT&V's intake by source, docs/sources.md).
type Source uint8

const (
	IND Source = iota
	Police
	KMar
	OtherSource
	NumSources
)

var sourceNames = [...]string{"ind", "police", "kmar", "other"}

func (s Source) String() string { return sourceNames[s] }

// Pathway is where a return sits on the agency spectrum of seed 001.
type Pathway uint8

const (
	NoPathway    Pathway = iota
	HighAgency           // health or family need drove the return
	Acceptance           // acceptance after a final negative decision
	Hopelessness         // exhaustion after a long irregular stay
	Coercion             // detention or imminent deportation
)

var pathwayNames = [...]string{"", "high_agency", "acceptance", "hopelessness", "coercion"}

func (p Pathway) String() string { return pathwayNames[p] }

// Agent is one person followed through the whole return system. Its fields
// are the drivers that seed 001 names, and where the person is. Package sim
// owns agents and updates them month by month; agents never hold a random
// source.
type Agent struct {
	PersonID   int
	CaseID     int
	FileNumber int // return files so far, the current one included (1 = first file)
	Origin     int // index into the origin table

	Place      Place
	Source     Source  // who opened the current (or last) file
	EntryStay  int32   // months without status when the person first entered
	FirstMonth int     // month the person first entered the records
	Options    float64 // [0,1] legal options left: 1 at entry, lower after each rejection

	EverCounselled bool // received at least one session on any file
	PackagePaid    bool // left with a reintegration package

	Household      Household
	FamilyPull     float64 // [0,1] pull to reunite with or care for relatives abroad
	FamilyPressure float64 // [0,1] fear of disappointing family, debt for the journey
	Network        float64 // [0,1] strength of the support network in the Netherlands
	Sensitivity    float64 // [0,1] sensitivity to the threat of deportation
	HealthWorse    bool    // health has deteriorated

	Hope  float64 // [0,1] hope of legal status
	Trust float64 // [0,1] trust in government actors

	Shelter          Shelter
	ShelterSince     int  // first month spent in the current shelter (a file's first month at its opening)
	Leaving          bool // shelter ended this month without a place: registered departed without supervision next month unless the file closes otherwise or the person is detained
	Requested        bool // this file was opened at the person's own request for the service's help to return (a first file from others): in sight until the departure is arranged
	MonthsIrregular  int  // months of stay without legal status, over all files
	MonthsOpen       int  // months this file has been open
	MonthsSinceFinal int  // months since the final negative decision; -1 while pending

	OpenedMonth int

	Provider     Provider // provider assigned to this person
	Counselled   bool     // received at least one session on this file
	ProviderDraw float32  // the uniform the provider was drawn with at entry, for a group rule's provider (agents.Policy.OwnProvider)
	CounselAVR   float64  // current log-odds boost to AVR from counselling, decays monthly
	CounselLegal float64  // current log-odds boost to legal routes from a civil-society session

	SessionDue   bool   // a session is due and not yet given
	SessionAt    Moment // the moment the due session belongs to
	SessionAsked int    // month the due session was asked for
}
