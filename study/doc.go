// Package study runs a study, the scenarios of a scenarios.Study each for
// a number of replicates, and writes its result folder, as a library call:
// Run(ctx, study, Options) is to `returnsim run` what sweep.Run is to
// `returnsim sweep`; the command only parses flags and prints.
//
// What Run promises:
//   - The folder holds replicates.csv, timeseries.csv, summary.csv,
//     groups.csv, groups-summary.csv, rules.csv and manifest.json
//     (results.Manifest), and with Options.Cases cases.csv and persons.csv,
//     in the formats of package results. Result.Rules has what rules.csv
//     has, for the command to warn of a group rule that selected no one.
//   - A study whose fork falls after its first recorded month is a
//     projection (results.IsProjection): its per-person metrics count the
//     persons the policies can reach from the fork, replicates.csv and
//     summary.csv add the verified departures within 12, 24 and 36 months
//     (results.WindowMetrics), the folder adds yearly.csv, and
//     timeseries.csv holds the months before the fork once, the
//     baseline's, with a part column, as cases.csv and persons.csv do the
//     files closed and the fates come before it. Run checks that every
//     scenario's history rows are the baseline's, replicate by replicate,
//     and fails if one is not: the rows written once must be everyone's.
//   - The same study, seed, replicates, cases and posterior give the same
//     bytes in every file but manifest.json (which records times, workers
//     and resumed replicates), whatever Options.Workers is and whether the
//     run was interrupted and resumed: rows are written in scenario,
//     replicate order, never in completion order.
//   - Scenario 0 is the baseline. Replicate r of every scenario draws from
//     the stream of (seed, r), and of the scenario's name too when the
//     study turns common random numbers off (sim.StreamSeed); person k is
//     then the same person in every scenario, and differences from the
//     baseline are paired by replicate and person (results.Complete).
//   - With Options.Posterior, replicate r of every scenario runs with the
//     same parameter set, drawn from a stream of the seed and r, and
//     summary.csv adds 90% predictive intervals over those draws; the
//     posterior is checked against every scenario before anything runs.
//     replicates.csv then names each replicate's draw (its draw column, the
//     0-based row of the posterior), and manifest.json the posterior's
//     SHA-256 and the keys it sets, which the scenarios' configs there mark
//     as taken from it rather than listing a value no replicate ran with.
//   - Nothing half-written: the folder is an internal/tasks Folder, locked
//     while the run holds it, refused when it holds another run's results
//     (unless Options.Force), and its files are renamed into place only when
//     all are complete. An interrupted or failed run leaves it as it was,
//     but for the journal of the replicates done, from which a run with the
//     same arguments and Options.Resume continues.
//   - On cancellation of ctx, Run returns ctx.Err() soon, without waiting
//     for replicates in flight.
//
// What a Forked promises (Fork, Forked.Run), for a what-if that asks one
// scenario at a time (package serve):
//   - Fork simulates each replicate's shared history once, the baseline's
//     up to the study's fork, continues the baseline from it, and keeps
//     both; Forked.Run then runs a scenario that differs from the baseline
//     only in its policy by continuing its replicates from copies of the
//     histories, in parallel, and never changes them.
//   - Forked.Run's rows are Run's: the same code (runner.go) configures,
//     seeds, continues, pairs with the baseline and summarises a replicate
//     for both, so that the rows of the baseline and of the scenario in
//     Outcome are, to the bit, those of summary.csv, yearly.csv and
//     groups-summary.csv of Run with the same seed, replicates (the first
//     k of the histories for k replicates) and posterior; no scenario's
//     rows depend on which other scenarios are summarised with it.
//   - Run with Options.Histories continues from a Forked's histories and
//     writes the files it writes without them.
//   - Cancelling the context of Forked.Run stops its continuations between
//     two months (sim.History.ContinueContext) and leaves the Forked as
//     it was.
//
// study prints nothing, reads no flags and no global random state; it
// reports progress only through Options.Progress.
package study
