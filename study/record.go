package study

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/returnsim/returnsim/results"
	"github.com/returnsim/returnsim/sim"
)

// replicateRecord is what one replicate contributes to a result folder:
// its own metrics (the pairing with the baseline is added as records are
// emitted), its persons' pairing flags, and its rows of timeseries.csv,
// cases.csv and persons.csv, formatted by the worker that ran it; its
// counts by group (groups.csv) and its group rules' counts (rules.csv).
type replicateRecord struct {
	own                    []float64
	flags                  []byte
	series, cases, persons []byte
	groups                 []int // results.GroupTally's counts, group after group
	rules                  []sim.RuleCount
	history                []byte // in a projection, the SHA-256 of its rows before the fork (results.Replicate.HistorySum)
	years                  []int  // in a projection, its files closed by year (results.YearTally.Flat)
}

// encodeReplicate writes a replicate's record for internal/tasks: the
// number of own metrics and each one's IEEE-754 bits, then the flags, the
// three row blocks, the counts by group, the rule counts, the history's
// sum and the yearly counts, each prefixed by its length (uvarints), so
// that a record restored from a journal gives the same bytes and the same
// summary.
func encodeReplicate(rec *results.Replicate, own []float64, keepCases bool) ([]byte, error) {
	var series, cases, persons bytes.Buffer
	w := bufio.NewWriter(&series)
	err := errors.Join(results.WriteSeries(w, rec), w.Flush())
	if keepCases {
		w.Reset(&cases)
		err = errors.Join(err, results.WriteCases(w, rec), w.Flush())
		w.Reset(&persons)
		err = errors.Join(err, results.WritePersons(w, rec), w.Flush())
	}
	if err != nil {
		return nil, err
	}
	var groups, rules []byte
	for _, c := range rec.Groups.Counts {
		for _, n := range c {
			groups = binary.AppendUvarint(groups, uint64(n))
		}
	}
	for _, c := range rec.Rules {
		for _, x := range [...]int{c.Month, c.Change, c.Rule, c.Persons} {
			rules = binary.AppendVarint(rules, int64(x))
		}
	}
	var years []byte
	if rec.Years != nil {
		for _, n := range rec.Years.Flat() {
			years = binary.AppendUvarint(years, uint64(n))
		}
	}
	parts := [][]byte{rec.Flags, series.Bytes(), cases.Bytes(), persons.Bytes(), groups, rules, rec.HistorySum(), years}
	size := 8*len(own) + (1+len(parts))*binary.MaxVarintLen64
	for _, p := range parts {
		size += len(p)
	}
	b := make([]byte, 0, size)
	b = binary.AppendUvarint(b, uint64(len(own)))
	for _, x := range own {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	for _, part := range parts {
		b = binary.AppendUvarint(b, uint64(len(part)))
		b = append(b, part...)
	}
	return b, nil
}

// decodeReplicate reads a record written by encodeReplicate, of a
// projection's replicate or not.
func decodeReplicate(b []byte, keepCases, projection bool) (replicateRecord, error) {
	var r replicateRecord
	bad := fmt.Errorf("malformed record of %d bytes", len(b))
	n, k := binary.Uvarint(b)
	if k <= 0 || n != uint64(results.NumOwn(projection)) || uint64(len(b)-k) < 8*n {
		return r, bad
	}
	b = b[k:]
	r.own = make([]float64, n)
	for i := range r.own {
		r.own[i] = math.Float64frombits(binary.LittleEndian.Uint64(b))
		b = b[8:]
	}
	parts := make([][]byte, 8)
	for i := range parts {
		l, k := binary.Uvarint(b)
		if k <= 0 || l > uint64(len(b)-k) {
			return r, bad
		}
		parts[i] = b[k : k+int(l)]
		b = b[k+int(l):]
	}
	if len(b) != 0 || !keepCases && (len(parts[2]) > 0 || len(parts[3]) > 0) || projection != (len(parts[6]) > 0) {
		return r, bad
	}
	r.history = parts[6]
	var ok bool
	if r.years, ok = uvarints(parts[7]); !ok {
		return r, bad
	}
	r.flags, r.series, r.cases, r.persons = parts[0], parts[1], parts[2], parts[3]
	if r.groups, ok = uvarints(parts[4]); !ok {
		return r, bad
	}
	var xs []int
	for g := parts[5]; len(g) > 0; {
		x, k := binary.Varint(g)
		if k <= 0 {
			return r, bad
		}
		xs = append(xs, int(x))
		g = g[k:]
	}
	if len(xs)%4 != 0 {
		return r, bad
	}
	for i := 0; i < len(xs); i += 4 {
		r.rules = append(r.rules, sim.RuleCount{Month: xs[i], Change: xs[i+1], Rule: xs[i+2], Persons: xs[i+3]})
	}
	return r, nil
}

// uvarints decodes a run of unsigned varints; false if one is malformed.
func uvarints(g []byte) ([]int, bool) {
	var out []int
	for len(g) > 0 {
		n, k := binary.Uvarint(g)
		if k <= 0 {
			return nil, false
		}
		out = append(out, int(n))
		g = g[k:]
	}
	return out, true
}
