// Package results collects what sim produces, aggregates replicates into
// means and 95% intervals of the mean (paired differences against the
// baseline), with parameter draws also 90% predictive intervals and the
// share of draws above the baseline, and formats the rows of the result
// folder's files: replicates.csv, summary.csv, timeseries.csv, cases.csv
// and persons.csv (on request), groups.csv, groups-summary.csv and
// rules.csv (groups.go), yearly.csv in a projection (yearly.go), and holds the manifest types that their
// writers (package study, sweep) and readers (report) share. The folder
// itself is written through internal/tasks, which owns it (lock, journal,
// atomic commit, SHA-256s).
//
// Metrics (metrics.go) are one table: each metric's name, meaning, whether
// it is a count, and how a replicate's figures give it; every list of
// names or values (MetricNames, OwnMetrics, Complete, the columns of
// replicates.csv) follows its order. Metrics come per person (per 1,000
// persons who entered in the recorded months, their fates at the horizon)
// and per file (shaped like the study's case files); the per-person ones
// lead, so that a scenario that opens more files cannot look worse for it.
// In a projection the per-person metrics count the persons the policies
// can reach instead (reach.go), and WindowMetrics follow the paired ones.
//
// What it promises:
//   - Each file is written whole or not at all: its writers (package study,
//     sweep) write through internal/tasks' Folder, which renames the files
//     into place only when every one is complete; files already there are
//     untouched when a run fails.
//   - CSV files are tidy, long format, with a header row; floats have a
//     fixed number of decimals, so the same inputs give the same bytes on
//     any machine and with any number of workers (rows come in scenario,
//     replicate, month order, never in completion order).
//   - Seeds are written as text (SeedText: "x" and 16 hexadecimal
//     digits), which R and pandas read back exactly.
//   - Nothing here reads the clock or the number of workers: of a run's
//     files only manifest.json, which cmd/returnsim writes, differs
//     between identical runs.
//
// Projections (reach.go, yearly.go): in a study whose fork falls after its
// first recorded month (IsProjection), most persons who entered in the
// recorded months left before any scenario differed; the per-person
// metrics then count the persons the policies can reach, in the return
// system at the fork or entering after it (sim.PersonRecord.Reachable),
// each by their fate at the horizon, and WindowMetrics add the verified
// departures within 12, 24 and 36 months of the fork or of a later entry,
// over the persons whose window ends by the horizon (the others are
// censored). A projection's timeseries.csv has a part column and its
// months before the fork once, the baseline's (Replicate.Project,
// HistorySum); yearly.csv has the files closed by calendar year, with
// each scenario's paired difference from the baseline (exactly 0 before
// the fork). Without a fork, or with one at or before the first recorded
// month, every output is what it always was.
//
// Groups (groups.go): groups.csv breaks the per-person metrics down by
// household, cooperation class, band of months without status at entry
// and the ten largest origins, all fixed when a person first enters, so
// person k is in the same groups in every scenario and groups-summary.csv's
// differences from the baseline are paired (the persons are those the
// per-person metrics count: in a projection, the reachable ones); rules.csv has whom each group
// rule of a policy selected when it came into force (sim.RuleRecorder,
// which Replicate is).
//
// Costs and additional returns (costs.go, pairing.go) are pure functions:
//   - CostOf prices a replicate's counts with a scenario's unit costs
//     (sim.Costs), item by item (the metrics cost_*_eur).
//   - Pair compares the baseline's and a scenario's per-person flags in one
//     replicate (person i is the same person in both) and counts additional
//     and lost verified departures and deadweight (the Paired metrics).
//   - CostPerAdditional is the ratio of means over paired replicates,
//     mean(scenario cost - baseline cost) / mean(additional), with a 95%
//     delta-method interval from MeanCI of the linearised residuals. With no
//     additional departure it is NaN, never Inf. CostPerAdditionalRows makes
//     its summary.csv rows from Summarize's input, to put in place of the
//     generic ones with ReplaceRows.
//   - CostPerNet is the same ratio over the net change, additional minus
//     lost verified departures (the metric net_verified): what one more
//     departure on balance costs. Where the net change is not above 0 it is
//     NaN: a scenario that loses departures has no cost per departure added,
//     and never a negative one that reads as cheap. CostPerNetRows makes its
//     summary.csv rows.
//
// Two intervals, not to be confused (summary.go):
//   - MeanCI: where the MEAN over replicates lies, a 95% Student-t
//     interval; it narrows as replicates are added.
//   - Predictive, with parameter draws (run --posterior: replicate r of
//     every scenario runs with draw r): where the metric itself may lie
//     given what the parameters could be, the 5% and 95% empirical
//     quantiles of the replicates' values; more replicates make its ends
//     steadier, not closer. AddDraws sets it on summary rows, for the value
//     and the paired difference, with PAbove, the share of draws in which
//     the difference is above 0 (a tie counting half, so the share below
//     is 1 - PAbove). Whether above is better depends on the metric: for
//     verified departures and AVR per 1,000 it is; for costs, months and
//     counts the reader decides. Rows without draws write NaN there.
package results
