// Package calibrate computes on simulated case files the statistics that the
// national study (seed 001) computed on about 118,000 real ones, and measures
// how far they are from the study's figures.
//
// A Collector receives a run's output through sim.Recorder and keeps only
// counts by file number and origin and by recorded month, so memory does
// not grow with the number of files. Its Stats are the study's statistics:
// the odds ratios of AVR by number of procedures and by cooperation class
// from one joint logistic regression, the AVR shares of Nigerians and
// Iraqis, the return rate of each year, the service's yearly departures by
// type and police files, the assisted returns of 2017, the files closed
// (and, for older targets files, the marginal regressions and the mix of
// departures). A PatternSpec measures the study's conclusion on paired
// runs with common random numbers. FitLogit and FitLogitCounts fit the
// regressions by maximum likelihood. A Spec holds the targets (each a
// Target: one of the study's figures), the free Parameters and the
// Method; Distance and Table compare Stats with the targets. A Problem fits free
// parameters to a spec's targets (Nelder-Mead, then ABC-SMC with
// resample-move steps started at the fit), reports each statistic's Monte
// Carlo error (Detail), which targets move each parameter (Influences),
// and refuses a posterior too far from the targets (RefusedError); Observe
// makes synthetic targets for a simulation-based check.
//
// What it promises:
//   - A Collector and Stats are pure statistics: no random draws, no
//     global state, no clock, no files. The same records in the same order
//     give the same numbers, bit for bit; the counts a Collector keeps do
//     not depend on the order in which records arrive. A statistic that
//     the records leave undefined (a year not recorded whole, a category
//     without files) is NaN, and a target on it costs +Inf. Stats fails
//     instead when a statistic of the older targets files is undefined:
//     no month or no closed file recorded, a marginal regression without
//     its estimate, no closed file of Nigeria or Iraq, no complete year.
//   - Simulations run with seeds from sim.StreamSeed of the problem's seed
//     (replicates, and "pattern" for the pattern's paired runs), so an
//     evaluation is a deterministic function of the parameters; ABC draws
//     its proposals from the source it is given. An ABC step whose other
//     targets already exceed the tolerance skips the pattern's runs
//     (EvaluateWithin): its distance is then a lower bound, marked so,
//     and the posterior is the same as without the shortcut.
//   - With Problem.Batches set, every evaluation goes through that
//     journal (internal/tasks) in a fixed order, so an interrupted
//     calibration replays to the same results, and shards that share
//     their journals compute the same ones; the evaluations of a batch
//     (an ABC round of moves) are independent of each other.
//   - A logistic regression either returns the maximum-likelihood estimate
//     or an error that says why there is none (separation, collinear
//     columns, no convergence); it never returns diverging coefficients as
//     if they were estimates.
//   - Targets are data, not code: the defaults are the embedded file
//     targets.toml, and ParseSpec reads any other from its bytes. Parsing
//     is strict: unknown keys, wrong types, NaN and Inf, unknown statistics
//     and out-of-range values are errors that name the file, the line when
//     it is known, and the key. A target whose weight and tolerance could
//     make the distance +Inf (the largest miss its scale allows, squared
//     over the tolerance, times the weight, overflows) is refused.
//   - A posterior file is validated whole when it is read (ParsePosterior):
//     header, every row against its keys' ranges, whole numbers for
//     integer keys, finite weights and distances; Check fits every particle
//     to a scenario before a run uses it. Errors are one line with the file
//     and line.
//   - The package imports agents and sim, and nothing that imports it.
package calibrate
