// Package results collects what sim produces, aggregates replicates into
// means and 95% intervals (paired differences against the baseline), and
// writes the result folder: replicates.csv, summary.csv, timeseries.csv,
// cases.csv (on request) and manifest.json.
//
// What it promises:
//   - Each file is written whole or not at all: to a temporary file in the
//     output folder, renamed into place only when every file is complete;
//     files already there are untouched when a run fails.
//   - CSV files are tidy, long format, with a header row; floats have a
//     fixed number of decimals, so the same inputs give the same bytes on
//     any machine and with any number of workers (rows come in scenario,
//     replicate, month order, never in completion order).
//   - Seeds are written as text (SeedText: "x" and 16 hexadecimal
//     digits), which R and pandas read back exactly.
//   - manifest.json is the one file that differs between identical runs:
//     it records the start and end time and the number of workers.
package results
