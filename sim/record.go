package sim

import (
	"fmt"

	"github.com/returnsim/returnsim/agents"
)

// CaseRecord is one file, shaped like the service's case files. A file
// still open at the horizon has Outcome agents.Open and ClosedMonth -1.
type CaseRecord struct {
	CaseID, PersonID, FileNumber, Origin int
	Household                            agents.Household
	Source                               agents.Source
	OpenedMonth, ClosedMonth             int
	Outcome                              agents.Outcome
	Pathway                              agents.Pathway
	Counselled                           bool
	Provider                             agents.Provider
}

// PersonRecord is one person: where they ended, or where they are at the
// horizon. FateMonth is -1 for a person still in the Netherlands' return
// system at the horizon.
type PersonRecord struct {
	PersonID, Origin int
	Household        agents.Household
	FirstMonth       int // month the person first entered (negative: in the warm-up)
	Files            int // files opened for the person so far
	Fate             agents.Fate
	FateMonth        int
	MonthsIrregular  int
	EntryStay        int  // months without status when the person first entered
	ForkStay         int  // in a continuation of a History: months without status at the start of the fork month of a person in the return system then; else -1
	Counselled       bool // received at least one session
	PackagePaid      bool // left with a reintegration package
}

// Reachable reports whether p is one of the persons a policy that takes
// over in recorded month fork can reach: in the return system (a file, a
// procedure, out of sight) at the start of month fork, or entering it from
// then on. A person leaves the return system once and for all, and their
// record is sent then or at the horizon, so these are exactly the records
// of persons who leave in month fork or later or are still in it at the
// horizon (TestReachable). With fork 0 that includes the persons of the
// warm-up still there at the first recorded month.
func (p *PersonRecord) Reachable(fork int) bool { return p.FateMonth < 0 || p.FateMonth >= fork }

// ReachedFrom is the month from which a reachable person p is reached by
// a policy that takes over in month fork: the fork for a person in the
// return system then, the month they first entered for a later entrant.
func (p *PersonRecord) ReachedFrom(fork int) int { return max(p.FirstMonth, fork) }

// MonthCounts is what happened in one recorded month.
type MonthCounts struct {
	Month       int
	Active      int                     // files open at the end of the month
	OutOfSight  int                     // persons in the Netherlands without a file, after absconding
	InProcedure int                     // persons in a procedure after a new application
	Opened      int                     // files opened in the month
	OpenedBy    [agents.NumSources]int  // files opened in the month, by source
	Closed      [agents.NumOutcomes]int // files closed in the month, by outcome (index 0 unused)

	Places           [agents.NumShelters]int // files open at the end of the month, by place
	VBLRefused       int                     // single persons who found no place in the VBL at the deadline
	FamilyQueued     int                     // families who waited in the departure period for a family location
	DetentionRefused int                     // detentions not carried out for want of a place
	RemovalsFailed   int                     // forced returns that failed for want of removal capacity

	Detained      int                     // placements in detention in the month: detained in a file, or a file that opens in detention
	LeftDetention [agents.NumOutcomes]int // persons who left detention in the month, by the outcome that closed their file; Open: released, the file stays open

	AbscondedFrom [agents.NumShelters]int // files closed by absconding in the month, by the place left
}

// Recorder receives a run's output. Month is called once a recorded month,
// in order; Case once for every file closed in a recorded month and, at the
// end, for every file still open; Person once for every person who leaves
// the return system in a recorded month and, at the end, for every person
// still in it, in order of person id. Any may be a no-op. The pointers are
// valid only during the call.
type Recorder interface {
	Month(c *MonthCounts)
	Case(c *CaseRecord)
	Person(p *PersonRecord)
}

// RuleRecorder is a Recorder that also receives what the group rules
// select (RuleCount): in each recorded month in which a policy with group
// rules comes into force (the first recorded month, a dated change's, a
// fork's), once for each of its rules, in order. A continuation of a
// shared history (History.Continue) sends those of its own policy only.
type RuleRecorder interface {
	Recorder
	Rule(c *RuleCount)
}

// Discard is a Recorder that keeps nothing, for a run whose Totals are
// all that is wanted.
type Discard struct{}

func (Discard) Month(*MonthCounts)   {}
func (Discard) Case(*CaseRecord)     {}
func (Discard) Person(*PersonRecord) {}

// Totals sums a run over the recorded months.
//
// Per file: files opened (return orders), by source, and closed, by
// outcome, with the files open at the horizon in Outcomes[Open].
//
// Per person: Persons counts those who entered in the recorded months, and
// Fates where each of them is at the horizon (the cohort's fates), and
// Counselled how many of them had a session.
//
// Counselling's process and the places that cost money: sessions asked and
// given in the recorded months, the months given sessions waited, the
// person-months spent in reception, the freedom-restricting location, a
// family location and detention, and the reintegration packages paid, in
// EUR.
type Totals struct {
	Intake   int
	OpenedBy [agents.NumSources]int
	Outcomes [agents.NumOutcomes]int

	Persons    int
	Fates      [agents.NumFates]int
	Counselled int

	SessionsAsked, SessionsGiven int
	WaitMonths                   int

	MonthsReception, MonthsVBL, MonthsFamilyLocation, MonthsLVV, MonthsDetention int
	PackageEUR                                                                   float64

	// Capacity: the month counts of the same names, summed.
	VBLRefused, FamilyQueued, DetentionRefused, RemovalsFailed int

	// Detained counts the placements in detention (MonthCounts.Detained).
	Detained int

	// Stepped counts the person-months spent in a file, warm-up included;
	// Exact those of them stepped in full (the others cost a draw and a
	// comparison, sim/lane.go); Away the events of persons in a procedure
	// or out of sight, which cost nothing between them. For benchmarks.
	Stepped, Exact, Away int
}

// RuleCount is how many persons in the return system at the start of
// recorded month Month a group rule selected (it was the first rule that
// matched them) when its policy came into force.
type RuleCount struct {
	Month   int
	Change  int // the policy the rule is of: -1 the scenario's policy, else its index in Config.Changes
	Rule    int // its index in that policy's Groups
	Persons int
}

// Closed is the number of files closed in the recorded months.
func (t *Totals) Closed() int {
	n := 0
	for o := agents.AVR; o < agents.NumOutcomes; o++ {
		n += t.Outcomes[o]
	}
	return n
}

// RuleKey names group rule j of a scenario's policy as its configuration
// writes it: policy.groups[j] in its policy (change -1), and
// changes[i].policy.groups[j] in its dated change i.
func RuleKey(change, j int) string {
	if change < 0 {
		return fmt.Sprintf("policy.groups[%d]", j)
	}
	return fmt.Sprintf("changes[%d].policy.groups[%d]", change, j)
}
