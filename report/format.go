package report

import (
	"math"
	"strconv"
	"strings"
)

// kind decides how a metric's numbers are shown, by its name.
type kind int

const (
	plain   kind = iota // one decimal
	euros               // whole euros
	percent             // a share shown in percent, one decimal
)

func kindOf(metric string) kind {
	switch {
	case strings.HasSuffix(metric, "_eur"):
		return euros
	case strings.HasSuffix(metric, "share"), strings.HasSuffix(metric, "_rate"), strings.HasPrefix(metric, "p_"):
		return percent
	}
	return plain
}

// num formats x as metric's kind, without its unit; NaN is "n/a".
func num(metric string, x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "n/a"
	}
	switch kindOf(metric) {
	case euros:
		return group(strconv.FormatFloat(x, 'f', 0, 64))
	case percent:
		return group(strconv.FormatFloat(100*x, 'f', 1, 64))
	}
	return group(strconv.FormatFloat(x, 'f', 1, 64))
}

// signed is num with a sign: "+1.2", "-0.4".
func signed(metric string, x float64) string {
	s := num(metric, x)
	if s != "n/a" && !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	if s == "+0.0" || s == "-0.0" || s == "+0" || s == "-0" {
		s = strings.TrimPrefix(strings.TrimPrefix(s, "+"), "-")
	}
	return s
}

// unit is what a metric's numbers are in, for column heads and sentences.
func unit(metric string) string {
	switch {
	case kindOf(metric) == euros:
		return "EUR"
	case kindOf(metric) == percent:
		return "%"
	case strings.HasSuffix(metric, "_per_1000"):
		return "per 1,000 persons"
	case strings.Contains(metric, "months"):
		return "months"
	}
	return ""
}

// iv is "mean [low, high]", or the mean alone without an interval.
func iv(metric string, mean, low, high float64, sign bool) string {
	f := num
	if sign {
		f = signed
	}
	s := f(metric, mean)
	if math.IsNaN(low) || math.IsNaN(high) || s == "n/a" {
		return s
	}
	return s + " [" + f(metric, low) + ", " + f(metric, high) + "]"
}

// span is a predictive interval, "[low, high]", or "n/a" without one.
func span(metric string, low, high float64, sign bool) string {
	if math.IsNaN(low) || math.IsNaN(high) {
		return "n/a"
	}
	f := num
	if sign {
		f = signed
	}
	return "[" + f(metric, low) + ", " + f(metric, high) + "]"
}

// group puts thousands separators in a formatted number.
func group(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if hasFrac {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// label turns a metric name into words: "verified_per_1000" is "verified
// per 1000".
func label(metric string) string {
	if l, ok := labels[metric]; ok {
		return l
	}
	return strings.ReplaceAll(metric, "_", " ")
}

var labels = map[string]string{
	"verified_per_1000":         "verified departures",
	"avr_per_1000":              "assisted returns (AVR)",
	"independent_per_1000":      "independent departures",
	"forced_per_1000":           "forced returns",
	"left_unseen_per_1000":      "left unseen",
	"status_per_1000":           "obtained status",
	"sessions_asked":            "sessions asked",
	"sessions_given":            "sessions given",
	"mean_wait_months":          "mean wait for a session",
	"counselled_share":          "share of persons counselled",
	"cost_total_eur":            "total cost",
	"cost_forced_eur":           "forced returns",
	"cost_avr_eur":              "assisted returns",
	"cost_package_eur":          "reintegration packages",
	"cost_sessions_eur":         "counselling sessions",
	"cost_reception_eur":        "reception",
	"cost_vbl_eur":              "the freedom-restricting location",
	"cost_family_location_eur":  "family locations",
	"cost_lvv_eur":              "national aliens facilities",
	"cost_detention_eur":        "detention",
	"additional_verified":       "additional verified departures",
	"lost_verified":             "lost verified departures",
	"deadweight":                "deadweight (paid, would have left anyway)",
	"cost_per_additional_eur":   "cost per gross additional verified departure",
	"net_verified":              "net additional verified departures (added - lost)",
	"cost_per_net_verified_eur": "net cost per additional verified departure",
	"p_beats_baseline":          "probability of beating the baseline",
}
