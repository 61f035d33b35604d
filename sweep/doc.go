// Package sweep expands a sweep file into (design point, replicate) tasks,
// runs them on the task machinery of internal/tasks, and writes, merges
// and analyses their results.
//
// A sweep file (TOML, strict like a study file) names a base scenario (a
// scenario of a study file or of the embedded default study; without a
// name, the study's first, its baseline), the output metrics (any of
// results.OwnMetricNames: the metrics of one run, its costs included;
// pairing with a baseline needs a study, not a sweep), replicates per
// point and factors: numeric scenario keys, or origins.CODE.FIELD, each
// with a range and a distribution (uniform, log-uniform) or levels. The
// design is a grid (full factorial), a Latin hypercube (gonum's
// samplemv), Saltelli's scheme for Sobol indices (plain pseudo-random A
// and B matrices: gonum has no quasi-random Sobol sequence), Morris
// trajectories, or points from a CSV in SALib's layout, kept in its row
// order.
//
// What it promises:
//   - Task i is point i / R, replicate i % R, of R replicates. Its seed
//     derives, through sim.StreamSeed, from the run seed and its replicate
//     only, so replicate r of every point shares its random streams
//     (common random numbers). The design's draws come from another stream
//     of the run seed ("sweep design"), and the bootstrap of the
//     sensitivity indices' intervals from a third ("sensitivity
//     bootstrap"). Nothing else is random.
//   - runs.csv (one row per task), points.csv (per point and output: the
//     mean and 95% interval over replicates) and sensitivity.csv (for sobol
//     and morris designs) are the same bytes whatever the number of
//     workers, whether the sweep ran in one process or in shards merged
//     afterwards, and whether it was interrupted and resumed. Rows are
//     written in task order as tasks finish, with memory bounded by the
//     workers (and, for sobol and morris designs, by the number of points,
//     whose means the indices need). manifest.json records times and
//     workers and so differs.
//   - A shard writes runs.csv and manifest.json only; points.csv and
//     sensitivity.csv need every replicate of every point, and come from
//     the unsharded run or from Merge.
//   - A finished sweep or shard keeps its journal, so that the same Run
//     again restores every task and simulates none (a job array
//     resubmitted after one of its shards failed). Merge names every shard
//     that is missing or did not finish, not only the first.
//   - Factors are set on a copy of the base scenario through the scenarios
//     package (Scenario.With), so a factor is any key it accepts, checked
//     against the key's declared range; every point's configuration is
//     validated before the first simulation.
//   - Errors in a sweep file or design CSV name the file, line, column and
//     key.
package sweep
