package report

import "github.com/returnsim/returnsim/calibrate"

// dtv are DT&V's yearly figures as returnsim report hands them to the page
// (cmd/returnsim's reportOptions), from calibrate's embedded table.
func dtv() Options {
	var pub []Published
	for _, y := range calibrate.DTVYears() {
		pub = append(pub, Published{Year: y.Year, Months: y.DepartureMonths, Independent: y.Independent, Forced: y.Forced, Unsupervised: y.Unsupervised})
	}
	return Options{Published: pub, Source: "DT&V's published yearly figures"}
}
