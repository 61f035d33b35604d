// Package calibrate computes on simulated case files the statistics that the
// national study (seed 001) computed on about 118,000 real ones, and measures
// how far they are from the study's figures.
//
// A Collector receives a run's output through sim.Recorder and keeps only
// counts by file number and origin, so memory does not grow with the number
// of files. Its Stats are the study's statistics: logistic regressions of
// assisted voluntary return (AVR) on the number of return procedures and on
// the cooperation class of the origin country, the AVR shares of Nigerians
// and Iraqis, the yearly return rate, the mix of departures and the number
// of files closed. FitLogit and FitLogitCounts fit the regressions by
// maximum likelihood. Targets hold the study's figures; Distance and Table
// compare Stats with them.
//
// What it promises:
//   - It is pure statistics: no random draws, no global state, no clock, no
//     files. The same records in the same order give the same numbers, bit
//     for bit; the counts a Collector keeps do not depend on the order in
//     which records arrive.
//   - A logistic regression either returns the maximum-likelihood estimate
//     or an error that says why there is none (separation, collinear
//     columns, no convergence); it never returns diverging coefficients as
//     if they were estimates.
//   - Targets are data, not code: the defaults are the embedded file
//     targets.toml, and ParseTargets reads any other from its bytes. Parsing
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
