package results

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Headers of the CSV files.
var (
	ReplicatesHeader = "scenario,replicate,seed," + strings.Join(MetricNames, ",")
	SummaryHeader    = "scenario,metric,mean,ci_low,ci_high,diff_vs_baseline,diff_ci_low,diff_ci_high,pred90_low,pred90_high,diff_pred90_low,diff_pred90_high,p_above_baseline,diff_pred90_low_held,diff_pred90_high_held,p_above_baseline_held"
	TimeseriesHeader = "scenario,replicate,month,date,active,out_of_sight,in_procedure,avr,independent,forced,absconded,regularised,new_procedure,opened,opened_ind,opened_police,opened_kmar,opened_other," +
		"in_reception,in_departure_period,no_shelter,in_vbl,in_family_location,in_lvv,in_detention,vbl_refused,family_queued,detention_refused,removals_failed,detained,released"
	CasesHeader   = "scenario,replicate,case_id,person_id,file_number,origin,cooperation,household,source,opened_month,opened_date,closed_month,closed_date,outcome,pathway,counselled,provider"
	PersonsHeader = "scenario,replicate,person_id,origin,household,first_date,files,fate,fate_date,months_irregular,counselled,package_paid"
)

// FormatFixed writes x with six decimals ("NaN" for NaN): the fixed
// precision of every float in the CSV files here, so that the same numbers
// give the same bytes on any machine.
func FormatFixed(x float64) string {
	if x != x { // NaN
		return "NaN"
	}
	return strconv.FormatFloat(x, 'f', 6, 64)
}

// ReplicatesHeaderDraw is replicates.csv's header in a run with a
// posterior: a draw column after the seed, the posterior row that gave
// the replicate its parameters. A run without one keeps ReplicatesHeader.
var ReplicatesHeaderDraw = "scenario,replicate,seed,draw," + strings.Join(MetricNames, ",")

// ReplicatesHeaderOf is replicates.csv's header: ReplicatesHeader, or
// ReplicatesHeaderDraw with a posterior (draw), and for a projection with
// its WindowMetrics after the others.
func ReplicatesHeaderOf(projection, draw bool) string {
	h := "scenario,replicate,seed,"
	if draw {
		h += "draw,"
	}
	return h + strings.Join(MetricNamesOf(projection), ",")
}

// TimeseriesHeaderOf is timeseries.csv's header: TimeseriesHeader, or for a
// projection the same with a part column after the date (history: the
// months before the fork, written once under the baseline's name; or
// projection).
func TimeseriesHeaderOf(projection bool) string {
	if !projection {
		return TimeseriesHeader
	}
	return strings.Replace(TimeseriesHeader, ",date,", ",date,part,", 1)
}

// CasesHeaderOf and PersonsHeaderOf are cases.csv's and persons.csv's
// headers: CasesHeader and PersonsHeader, or for a projection the same with
// a part column after the replicate: history for a file closed, or a
// person whose fate came, before the fork (written once, under the
// baseline's name, as timeseries.csv's months before it), else projection.
func CasesHeaderOf(projection bool) string { return withPart(CasesHeader, projection) }

// PersonsHeaderOf: see CasesHeaderOf.
func PersonsHeaderOf(projection bool) string { return withPart(PersonsHeader, projection) }

func withPart(h string, projection bool) string {
	if !projection {
		return h
	}
	return strings.Replace(h, "scenario,replicate,", "scenario,replicate,part,", 1)
}

// AppendReplicateRow appends the line of replicates.csv of replicate
// index of scenario, with stream seed seed and metrics in the order of
// MetricNames (or, a projection's, of MetricNamesOf(true)): counts without
// decimals, the rest at FormatFixed's precision.
// A draw of 0 or more (a run with a posterior) is written after the seed:
// the 0-based row of the posterior file whose parameters the replicate ran
// with; a negative draw writes no such column (ReplicatesHeader).
func AppendReplicateRow(b []byte, scenario string, index int, seed uint64, draw int, metrics []float64) []byte {
	b = append(b, scenario...)
	b = strconv.AppendInt(append(b, ','), int64(index), 10)
	b = append(append(b, ','), SeedText(seed)...)
	if draw >= 0 {
		b = strconv.AppendInt(append(b, ','), int64(draw), 10)
	}
	for i, x := range metrics {
		b = append(b, ',')
		if metricAt(i).Count {
			b = strconv.AppendFloat(b, x, 'f', 0, 64)
		} else {
			b = append(b, FormatFixed(x)...)
		}
	}
	return append(b, '\n')
}

// SeedText writes a replicate's 64-bit stream seed as "x" and 16
// hexadecimal digits, as in x0f3a9c2e7b1d4856. Written as a decimal
// integer, seeds above 2^53 were read by R's read.csv and pandas as
// doubles and lost their last digits; with the x no reader takes the field
// for a number (R reads 0x-prefixed hexadecimal as one), so it is read
// back as text, exactly. strconv.ParseUint(s[1:], 16, 64) gives the seed.
func SeedText(seed uint64) string {
	const digits = "0123456789abcdef"
	b := []byte("x0000000000000000")
	for i := 16; i > 0; i-- {
		b[i] = digits[seed&15]
		seed >>= 4
	}
	return string(b)
}

// WriteSeries and WriteCases copy r's formatted rows.
func WriteSeries(w *bufio.Writer, r *Replicate) error {
	_, err := w.Write(r.series.Bytes())
	return err
}

func WriteCases(w *bufio.Writer, r *Replicate) error {
	if r.cases == nil {
		return errors.New("results: cases were not kept for " + r.Scenario)
	}
	_, err := w.Write(r.cases.Bytes())
	return err
}

// WritePersons copies r's persons.csv rows.
func WritePersons(w *bufio.Writer, r *Replicate) error {
	if r.persons == nil {
		return errors.New("results: persons were not kept for " + r.Scenario)
	}
	_, err := w.Write(r.persons.Bytes())
	return err
}

// WriteSummary writes summary.csv's rows, in the columns of SummaryHeader:
// the mean and its 95% interval, the paired difference and its 95%
// interval, then over parameter draws the 90% predictive intervals of the
// value and of the difference and the share of draws above the baseline,
// NaN for a row without Draws (a run without a posterior).
func WriteSummary(w *bufio.Writer, rows []SummaryRow) error {
	nan := math.NaN()
	for _, r := range rows {
		none := PredictiveInterval{nan, nan}
		d := Draws{none, none, nan, none, nan}
		if r.Draws != nil {
			d = *r.Draws
		}
		if _, err := fmt.Fprintf(w, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", r.Scenario, r.Metric,
			FormatFixed(r.Value.Mean), FormatFixed(r.Value.Low), FormatFixed(r.Value.High), FormatFixed(r.Diff.Mean), FormatFixed(r.Diff.Low), FormatFixed(r.Diff.High),
			FormatFixed(d.Value.Low), FormatFixed(d.Value.High), FormatFixed(d.Diff.Low), FormatFixed(d.Diff.High), FormatFixed(d.PAbove),
			FormatFixed(d.HeldDiff.Low), FormatFixed(d.HeldDiff.High), FormatFixed(d.HeldPAbove)); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON writes v as indented JSON.
func WriteJSON(w *bufio.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
