package calibrate

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"math"
	"strconv"
	"strings"
)

//go:embed dtv_yearly.csv
var dtvCSV string

// DTVYear is one calendar year of the Repatriation and Departure Service's
// published figures (docs/sources.md): files opened by source, and
// departures by type over DepartureMonths months of the year. A figure not
// published is NaN.
type DTVYear struct {
	Year                                int
	IntakeIND, IntakePolice, IntakeKMar float64
	IntakeOther, IntakeTotal            float64
	Independent, Forced, Unsupervised   float64 // verified independent (assisted or not), forced, without supervision
	DepartureMonths                     int
}

// DTVYears returns the embedded yearly figures, dtv_yearly.csv, in order
// of year.
func DTVYears() []DTVYear {
	r := csv.NewReader(strings.NewReader(dtvCSV))
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		panic("calibrate: dtv_yearly.csv: " + err.Error())
	}
	out := make([]DTVYear, 0, len(rows)-1)
	for i, row := range rows[1:] {
		num := func(j int) float64 {
			if row[j] == "" {
				return math.NaN()
			}
			x, err := strconv.ParseFloat(row[j], 64)
			if err != nil {
				panic(fmt.Sprintf("calibrate: dtv_yearly.csv: row %d: %s: %v", i+2, rows[0][j], err))
			}
			return x
		}
		out = append(out, DTVYear{
			Year: int(num(0)), IntakeIND: num(1), IntakePolice: num(2), IntakeKMar: num(3), IntakeOther: num(4), IntakeTotal: num(5),
			Independent: num(6), Forced: num(7), Unsupervised: num(8), DepartureMonths: int(num(9)),
		})
	}
	return out
}
