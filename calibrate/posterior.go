package calibrate

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
	"gonum.org/v1/gonum/stat"
)

// Posterior is a weighted sample of parameter sets, as posterior.csv holds
// it: a column per scenario key, then weight and distance.
type Posterior struct {
	Keys      []string
	Particles []Particle
	File      string // where it was read from, for errors; "" when made
	Lines     []int  // the line of each particle in File
	SHA256    string // of File's bytes, when read by ReadPosterior
}

// WritePosterior writes p as CSV: particle, the keys, weight, distance.
func WritePosterior(w io.Writer, p *Posterior) error {
	cw := csv.NewWriter(w)
	head := append(append([]string{"particle"}, p.Keys...), "weight", "distance")
	if err := cw.Write(head); err != nil {
		return err
	}
	for i, q := range p.Particles {
		row := []string{strconv.Itoa(i)}
		for _, x := range q.Theta {
			row = append(row, strconv.FormatFloat(x, 'g', 10, 64))
		}
		row = append(row, strconv.FormatFloat(q.Weight, 'g', 10, 64), strconv.FormatFloat(q.Distance, 'g', 10, 64))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadPosterior reads and validates a posterior.csv (see ParsePosterior)
// and records the SHA-256 of its bytes, which identify the draws a run
// makes from it.
func ReadPosterior(file string) (*Posterior, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	p, err := ParsePosterior(file, io.TeeReader(f, h))
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	p.SHA256 = hex.EncodeToString(h.Sum(nil))
	return p, nil
}

// maxPosterior bounds the bytes of a posterior file: a calibration writes
// a few thousand particles, some hundred kilobytes.
const maxPosterior = 64 << 20

// ParsePosterior reads a posterior.csv from r, which errors call file, and
// validates it whole before anything uses it: the header is particle, one
// column per numeric scenario key (each once), weight, distance; every row
// has a value for each column; every value is a finite number, within its
// key's range (docs/scenarios.md), a whole number for an integer key;
// weights are 0 or more and sum to a finite number above 0; distances are
// finite and 0 or more. Weights are kept as written (Draw scales by their
// sum). Errors are one line, file:line: key: what was
// expected. Whether a particle fits a scenario as a whole (a combination
// of values that Validate refuses) is for Check.
func ParsePosterior(file string, r io.Reader) (*Posterior, error) {
	cr := csv.NewReader(io.LimitReader(r, maxPosterior+1))
	cr.ReuseRecord = true
	cr.FieldsPerRecord = 0 // the header sets the number of fields
	var p *Posterior
	var head []string
	var kinds []keyKind
	var total float64
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				if errors.Is(pe.Err, csv.ErrFieldCount) {
					return nil, fmt.Errorf("%s:%d: %d fields: want %d, one per column of the header", file, pe.StartLine, len(row), len(head))
				}
				return nil, fmt.Errorf("%s:%d:%d: %s", file, pe.Line, pe.Column, escape(pe.Err.Error()))
			}
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		line, _ := cr.FieldPos(0)
		if head == nil {
			head = append([]string(nil), row...)
			if p, kinds, err = parseHeader(file, head); err != nil {
				return nil, err
			}
			continue
		}
		q := Particle{Theta: make([]float64, len(p.Keys))}
		n := len(head)
		for j := 1; j < n; j++ {
			x, err := strconv.ParseFloat(row[j], 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("%s:%d: %s: %s is not a finite number", file, line, escape(head[j]), strconv.Quote(row[j]))
			}
			switch {
			case j < n-2:
				k := kinds[j-1]
				if k.integer && x != math.Trunc(x) {
					return nil, fmt.Errorf("%s:%d: %s: %v: want a whole number (an integer key)", file, line, head[j], x)
				}
				if x < k.lo || x > k.hi {
					return nil, fmt.Errorf("%s:%d: %s: %v is out of range: want %v to %v", file, line, head[j], x, k.lo, k.hi)
				}
				q.Theta[j-1] = x
			case j == n-2:
				if x < 0 {
					return nil, fmt.Errorf("%s:%d: weight: %v: want 0 or more", file, line, x)
				}
				q.Weight = x
			default:
				if x < 0 {
					return nil, fmt.Errorf("%s:%d: distance: %v: want 0 or more", file, line, x)
				}
				q.Distance = x
			}
		}
		total += q.Weight
		p.Particles = append(p.Particles, q)
		p.Lines = append(p.Lines, line)
		if cr.InputOffset() > maxPosterior {
			return nil, fmt.Errorf("%s:%d: more than %d bytes: a posterior file is at most %d MB", file, line, maxPosterior, maxPosterior>>20)
		}
	}
	switch {
	case p == nil || len(p.Particles) == 0:
		return nil, fmt.Errorf("%s: no particles: want a header and at least one row", file)
	case math.IsInf(total, 0):
		return nil, fmt.Errorf("%s: weights sum to +Inf: want a finite sum (they are normalised to 1)", file)
	case total <= 0:
		return nil, fmt.Errorf("%s: every weight is 0", file)
	}
	p.File = file
	return p, nil
}

// keyKind is what a posterior column may hold.
type keyKind struct {
	integer bool
	lo, hi  float64
}

// parseHeader checks a posterior's header and returns its keys' ranges.
func parseHeader(file string, head []string) (*Posterior, []keyKind, error) {
	n := len(head)
	if n < 4 || head[0] != "particle" || head[n-2] != "weight" || head[n-1] != "distance" {
		return nil, nil, fmt.Errorf("%s:1: header %s: want particle, one column per scenario key, weight, distance", file, escape(strings.Join(head, ",")))
	}
	p := &Posterior{Keys: head[1 : n-2]}
	kinds := make([]keyKind, len(p.Keys))
	seen := map[string]int{}
	for i, k := range p.Keys {
		if j, ok := seen[k]; ok {
			return nil, nil, fmt.Errorf("%s:1: %s: column %d repeats column %d", file, escape(k), i+2, j+2)
		}
		seen[k] = i
		kind, ok := kindOf(k)
		if !ok {
			return nil, nil, fmt.Errorf("%s:1: %s: not a numeric scenario key (see docs/scenarios.md)", file, escape(k))
		}
		kinds[i] = kind
	}
	return p, kinds, nil
}

// kinds caches kindOf for the numeric scenario keys (a fixed set).
var kinds sync.Map

// kindOf is what the numeric scenario key k may hold; ok is false when k
// is not one.
func kindOf(k string) (keyKind, bool) {
	if v, ok := kinds.Load(k); ok {
		return v.(keyKind), true
	}
	cfg := sim.DefaultConfig()
	f, lo, hi, ok := agents.Field(&cfg, k)
	if !ok {
		return keyKind{}, false
	}
	kind := keyKind{integer: f.Kind() == reflect.Int, lo: lo, hi: hi}
	kinds.Store(k, kind)
	return kind, true
}

// escape writes s so that it stays on one line.
func escape(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 }) {
		return s
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// Check applies every particle to cfg, a scenario's configuration, and
// validates the result, so that a run refuses a posterior before it
// simulates rather than midway. The error names the file and line of the
// first particle that does not fit.
func (p *Posterior) Check(cfg *sim.Config, scenario string) error {
	for i := range p.Particles {
		own := *cfg
		own.Changes = append([]sim.Change(nil), cfg.Changes...)
		if err := p.Apply(&own, &p.Particles[i]); err != nil {
			line := 0
			if i < len(p.Lines) {
				line = p.Lines[i]
			}
			return fmt.Errorf("%s:%d: particle %d does not fit scenario %s: %v", p.File, line, i, scenario, oneLine(err))
		}
	}
	return nil
}

// oneLine joins the lines of an error's message with "; ".
func oneLine(err error) string { return escape(strings.ReplaceAll(err.Error(), "\n", "; ")) }

// Draw picks a particle by weight with the uniform draw u in [0,1). The
// weights need not sum to 1: a posterior keeps the weights as written, so
// that writing what was read gives the same bytes.
func (p *Posterior) Draw(u float64) *Particle {
	var total float64
	for i := range p.Particles {
		total += p.Particles[i].Weight
	}
	u *= total
	for i := range p.Particles {
		if u < p.Particles[i].Weight {
			return &p.Particles[i]
		}
		u -= p.Particles[i].Weight
	}
	return &p.Particles[len(p.Particles)-1]
}

// Apply sets the particle's values on cfg and validates it.
func (p *Posterior) Apply(cfg *sim.Config, q *Particle) error {
	for i, k := range p.Keys {
		if err := agents.SetFloat(cfg, k, q.Theta[i]); err != nil {
			return err
		}
	}
	return cfg.Prepare()
}

// Interval is the central interval of a parameter's weighted posterior
// sample holding the share level of its weight: the (1-level)/2 and
// (1+level)/2 weighted empirical quantiles of the particles' values of
// parameter i.
func Interval(post []Particle, i int, level float64) (lo, hi float64) {
	idx := make([]int, len(post))
	for j := range idx {
		idx[j] = j
	}
	sort.SliceStable(idx, func(a, b int) bool { return post[idx[a]].Theta[i] < post[idx[b]].Theta[i] })
	xs, ws := make([]float64, len(post)), make([]float64, len(post))
	for k, j := range idx {
		xs[k], ws[k] = post[j].Theta[i], post[j].Weight
	}
	return stat.Quantile((1-level)/2, stat.Empirical, xs, ws), stat.Quantile((1+level)/2, stat.Empirical, xs, ws)
}
