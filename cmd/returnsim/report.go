package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/report"
)

// reportCmd writes the planner's report of a result folder.
func reportCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "the page `file` (default DIR/report.html); charts go to charts/ beside it")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: returnsim report DIR [--out FILE]\n\nWrites one self-contained page of the result folder DIR, and its charts as SVG and PNG.")
		fs.PrintDefaults()
	}
	dirs, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(dirs) != 1 {
		fs.Usage()
		return fmt.Errorf("report: want one result folder, got %d", len(dirs))
	}
	return writeReport(dirs[0], *out, stdout)
}

// writeReport writes the report of dir to out (dir/report.html if empty),
// its charts over time with DT&V's published yearly figures.
func writeReport(dir, out string, stdout io.Writer) error {
	files, err := report.WriteWith(dir, out, reportOptions())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "report written to %s (%d charts as SVG and PNG)\n", files[0], (len(files)-1)/2)
	return nil
}

// reportOptions are DT&V's yearly departures as calibrate embeds them
// (calibrate/dtv_yearly.csv), for the report's charts over time: the
// report reads result folders alone and imports nothing that runs the
// model, so the command hands them over.
func reportOptions() report.Options {
	var pub []report.Published
	for _, y := range calibrate.DTVYears() {
		pub = append(pub, report.Published{Year: y.Year, Months: y.DepartureMonths,
			Independent: y.Independent, Forced: y.Forced, Unsupervised: y.Unsupervised})
	}
	return report.Options{Published: pub, Source: "DT&V's published yearly figures (calibrate/dtv_yearly.csv; sources in docs/sources.md)"}
}
