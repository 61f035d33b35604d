package calibrate

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// Posterior is a weighted sample of parameter sets, as posterior.csv holds
// it: a column per scenario key, then weight and distance.
type Posterior struct {
	Keys      []string
	Particles []Particle
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

// ReadPosterior reads a posterior.csv. Every column between particle and
// weight must be a numeric scenario key; weights must be finite and not
// negative, and not all zero. Errors name the file, the line and the key.
func ReadPosterior(file string) (*Posterior, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("%s: no particles: want a header and at least one row", file)
	}
	head := rows[0]
	n := len(head)
	if n < 4 || head[0] != "particle" || head[n-2] != "weight" || head[n-1] != "distance" {
		return nil, fmt.Errorf("%s:1: header %q: want particle, one column per scenario key, weight, distance", file, head)
	}
	p := &Posterior{Keys: head[1 : n-2]}
	cfg := sim.DefaultConfig()
	for _, k := range p.Keys {
		if _, _, _, ok := agents.Field(&cfg, k); !ok {
			return nil, fmt.Errorf("%s:1: %s: not a numeric scenario key (see docs/scenarios.md)", file, k)
		}
	}
	var total float64
	for i, row := range rows[1:] {
		q := Particle{Theta: make([]float64, len(p.Keys))}
		for j := 1; j < n; j++ {
			x, err := strconv.ParseFloat(row[j], 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("%s:%d: %s: %q is not a finite number", file, i+2, head[j], row[j])
			}
			switch {
			case j < n-2:
				q.Theta[j-1] = x
			case j == n-2:
				if x < 0 {
					return nil, fmt.Errorf("%s:%d: weight: %v: want 0 or more", file, i+2, x)
				}
				q.Weight = x
			default:
				q.Distance = x
			}
		}
		total += q.Weight
		p.Particles = append(p.Particles, q)
	}
	if total <= 0 {
		return nil, fmt.Errorf("%s: every weight is 0", file)
	}
	normalise(p.Particles)
	return p, nil
}

// Draw picks a particle by weight with the uniform draw u in [0,1).
func (p *Posterior) Draw(u float64) *Particle {
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
	return cfg.Validate()
}
