package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/returnsim/returnsim/results"
)

// replicateRecord is what one replicate contributes to a result folder:
// its metrics (for summary.csv) and its rows of replicates.csv,
// timeseries.csv and cases.csv, formatted by the worker that ran it.
type replicateRecord struct {
	metrics            []float64
	row, series, cases []byte
}

// encodeReplicate writes a replicate's record for internal/tasks: the
// number of metrics and each metric's IEEE-754 bits, then the three row
// blocks, each prefixed by its length (uvarints), so that a record
// restored from a journal gives the same bytes and the same summary.
func encodeReplicate(rec *results.Replicate, keepCases bool) ([]byte, error) {
	var rows, series, cases bytes.Buffer
	w := bufio.NewWriter(&rows)
	err := results.WriteReplicateRow(w, rec)
	err = errors.Join(err, w.Flush())
	w.Reset(&series)
	err = errors.Join(err, results.WriteSeries(w, rec), w.Flush())
	if keepCases {
		w.Reset(&cases)
		err = errors.Join(err, results.WriteCases(w, rec), w.Flush())
	}
	if err != nil {
		return nil, err
	}
	m := rec.Metrics()
	b := make([]byte, 0, 8*len(m)+rows.Len()+series.Len()+cases.Len()+4*binary.MaxVarintLen64)
	b = binary.AppendUvarint(b, uint64(len(m)))
	for _, x := range m {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	for _, part := range [][]byte{rows.Bytes(), series.Bytes(), cases.Bytes()} {
		b = binary.AppendUvarint(b, uint64(len(part)))
		b = append(b, part...)
	}
	return b, nil
}

// decodeReplicate reads a record written by encodeReplicate.
func decodeReplicate(b []byte, keepCases bool) (replicateRecord, error) {
	var r replicateRecord
	bad := fmt.Errorf("malformed record of %d bytes", len(b))
	n, k := binary.Uvarint(b)
	if k <= 0 || n != uint64(len(results.MetricNames)) || uint64(len(b)-k) < 8*n {
		return r, bad
	}
	b = b[k:]
	r.metrics = make([]float64, n)
	for i := range r.metrics {
		r.metrics[i] = math.Float64frombits(binary.LittleEndian.Uint64(b))
		b = b[8:]
	}
	parts := make([][]byte, 3)
	for i := range parts {
		l, k := binary.Uvarint(b)
		if k <= 0 || l > uint64(len(b)-k) {
			return r, bad
		}
		parts[i] = b[k : k+int(l)]
		b = b[k+int(l):]
	}
	if len(b) != 0 || !keepCases && len(parts[2]) > 0 {
		return r, bad
	}
	r.row, r.series, r.cases = parts[0], parts[1], parts[2]
	return r, nil
}
