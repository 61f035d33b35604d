package results

import (
	"math"
	"strconv"
)

// FormatSignificant writes x in fixed notation with digits significant
// digits (at most six decimals, none when x has digits or more before the
// point), so that numbers in one column compare by eye: 110000 beside
// 122346, never 1.1e+05 beside 1.223e+05. NaN, ±Inf and 0 are written as
// strconv writes them.
func FormatSignificant(x float64, digits int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	dec := digits - 1 - int(math.Floor(math.Log10(math.Abs(x))))
	return strconv.FormatFloat(x, 'f', min(max(dec, 0), 6), 64)
}
