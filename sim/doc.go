// Package sim runs the monthly engine: intake of return orders, the state's
// decisions (appeals, detention, forced return, regularisation), the draws
// among each agent's competing hazards, counselling sessions under a
// capacity, dated policy changes and the reopening of files after a new
// procedure.
//
// What it promises:
//   - sim never reads global random state, the clock, files or flags; a run
//     is determined by its Config and its seed.
//   - Every draw comes from a source made in rng.go. Each person has a stream
//     of its own, derived from the replicate's seed and the person's id, and
//     intake counts have one more; so a person has the same attributes and
//     the same draws in every scenario of a study that reaches the same
//     state (common random numbers), whatever runs around it.
//   - Agents live in a slice in the order their files opened; nothing is
//     scheduled from a map.
//   - Every person is in exactly one state: an open file, waiting between a
//     closed file and a new one, or gone. Files opened = files closed + files
//     still open. File numbers of a person only grow.
//   - Output leaves through the Recorder interface; sim knows nothing of CSV,
//     files or progress bars.
package sim
