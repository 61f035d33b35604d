// Package sim runs the monthly engine: persons enter the return system by
// source (the IND, the police, the Royal Marechaussee, others); each month
// an open file faces the state's decisions (appeals, detention, forced
// return, regularisation) and the person's own competing hazards; persons
// move between a file, a procedure after a new application and life out of
// sight after absconding until they leave the Netherlands or obtain
// status; counselling is given under a capacity; dated policy changes take
// effect in their calendar month.
//
// What it promises:
//   - sim never reads global random state, the clock, files or flags; a run
//     is determined by its Config and its seed. Runs share nothing but a
//     pool of empty buffers (buffers.go), whose capacity alone carries over.
//   - Every draw comes from a Stream made in rng.go. Each person has a stream
//     of their own, derived from the replicate's seed and the person's id,
//     and intake counts have one more; intake does not depend on policy, so
//     person k is the same person, with the same attributes and the same
//     draws, in every scenario of a study until the scenarios treat them
//     differently (common random numbers).
//   - Persons with an open file live in a slice in the order their files
//     opened; persons in a procedure or out of sight wait in a calendar at
//     the month of their next event, drawn so that its distribution is that
//     of stepping them month by month; nothing is scheduled from a map.
//   - Every person is in exactly one place every month: a file, a procedure,
//     out of sight, or gone. Files opened = files closed + files still open;
//     persons entered = persons gone + persons still in the system. A
//     person has one file at a time, and their file numbers only grow.
//   - No hazard depends on the file number itself: later files differ
//     through what the person has lived (a group rule may select by it,
//     as a policy that treats later files apart would).
//   - A policy with group rules is applied person by person (the policy of
//     the first rule that matches them, agents.Policy.For) where it is
//     about the person: counselling's timing, provider and quality, the
//     package, enforcement. Capacities (counsellors, places, removals) are
//     the general policy's and shared by all. Without rules, or with rules
//     that select no one, a run is the run without them, record for record.
//   - sim knows no behavioural coefficient: a file's month runs the decision
//     function of package agents (Predict, then Hazards), and the bound that
//     lets most months cost one draw comes from agents.PredictBound.
//   - Config.Validate changes nothing; Config.Prepare resolves what Run
//     reads, and Run needs a prepared Config.
//   - Output leaves through the Recorder interface; sim knows nothing of CSV,
//     files or progress bars.
package sim
