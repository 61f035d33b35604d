// Package report turns a result folder into the planner's report: one
// self-contained HTML page (report.html) with its charts inline as SVG,
// and each chart again as its own SVG and PNG file, drawn with
// gonum.org/v1/plot.
//
// What it promises:
//   - It reads only the files of a result folder, never the engine: a
//     run's summary.csv and, when present, replicates.csv,
//     timeseries.csv, manifest.json, persons.csv and cases.csv; or, in a
//     folder without summary.csv, a sweep's points.csv, manifest.json and,
//     when present, sensitivity.csv; or, in a folder with neither, a
//     calibration's fit.csv and, when present, abc.csv,
//     posterior-draws.csv, identification.csv and manifest.json. It is generic over metric names and
//     reads CSV columns by header name, so added columns and metrics never
//     break it.
//   - Only what identifies the folder is required: summary.csv for a run,
//     points.csv and manifest.json for a sweep, fit.csv for a calibration;
//     a folder with none of them is an error that says so. Any other file
//     or metric that is absent leaves its section out with a short note
//     saying what is missing. Malformed input is an error: one line naming
//     the file, the line and the column
//     ("summary.csv:12: mean: \"x\" is not a number").
//   - Besides the folder, a page shows only what its caller hands it
//     (Options): DT&V's published yearly departures, which the charts over
//     time draw beside the model's (returnsim report and run --report hand
//     over calibrate's embedded table; the package's tests do the same).
//   - The page opens with what the comparison found, computed from
//     summary.csv, and says for each scenario whether the parameters
//     through which its changed settings act are calibrated to data or
//     assumptions, from manifest.json's keys (their sources and via tags).
//     What a scenario changes is the difference of the resolved
//     configurations, the policy in force month by month against the
//     baseline's: each difference once, in words, dated when it starts
//     later; never a setting equal to the baseline's. With a fork
//     (manifest.json's fork), the months before it are the baseline's in
//     every scenario, so a scenario's differences start at the fork; a
//     policy's group rules are said as one setting, in words.
//   - A projection's timeseries.csv (with a part column) has the months
//     before the fork once, under the baseline's name: every scenario's
//     series has them. Its per-person figures count the persons
//     manifest.json's persons names.
//   - The cost per additional verified departure is net: the cost
//     difference over the net change (summary.csv's
//     cost_per_net_verified_eur); a scenario that loses departures on
//     balance is said to, with no figure, and is never called cheap.
//   - Every number on the page comes from the folder's files at a fixed
//     precision by kind of metric (per 1,000 persons and months: one
//     decimal; EUR: whole euros; shares: percent with one decimal), so the
//     page matches summary.csv rounded. The same folder gives the same
//     page, byte for byte.
//   - The page needs no network: no scripts, fonts or images from
//     elsewhere. Every chart has a title, axes labelled with units and a
//     one-sentence reading computed from its numbers; its legend is below
//     the plot, in columns as wide as its longest label, so that no label
//     is cut. A table wider than the page scrolls inside its box with its
//     first column held in place.
//   - Files are written whole or not at all (an internal/tasks Set: a
//     temporary file renamed into place); the charts are committed before
//     the page that shows them. cases.csv and persons.csv are streamed,
//     never held in memory (what that costs on the default study is
//     measured in docs/performance.md).
//
// The first scenario of summary.csv is the baseline, as in results.
// Package report may import results (whose Manifest and SweepManifest it
// decodes, the types their writers fill) and internal/tasks, but nothing
// that imports results (calibrate, sweep, study).
package report
