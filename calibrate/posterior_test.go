package calibrate

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/sim"
)

// postHead is a header with a float key (range 0 to 1) and an integer key
// (policy.counselling.counsellors, 0 to 100000).
const postHead = "particle,state.forced_rate,policy.counselling.counsellors,weight,distance\n"

func TestParsePosteriorErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
	}{
		{"out of range with a small weight", postHead + "0,0.1,10,1,0.5\n1,1.5,10,1e-12,0.5\n", "p.csv:3: state.forced_rate: 1.5 is out of range: want 0 to 1"},
		{"duplicated column", "particle,state.forced_rate,state.forced_rate,weight,distance\n0,0.1,0.1,1,0\n", "p.csv:1: state.forced_rate: column 3 repeats column 2"},
		{"unknown column", "particle,state.forced_rat,weight,distance\n0,0.1,1,0\n", "p.csv:1: state.forced_rat: not a numeric scenario key"},
		{"fraction for an integer key", postHead + "0,0.1,12.7,1,0\n", "p.csv:2: policy.counselling.counsellors: 12.7: want a whole number"},
		{"infinite weight", postHead + "0,0.1,10,inf,0\n", `p.csv:2: weight: "inf" is not a finite number`},
		{"weights sum to infinity", postHead + "0,0.1,10,1e308,0\n1,0.1,10,1e308,0\n", "p.csv: weights sum to +Inf"},
		{"NaN distance", postHead + "0,0.1,10,1,NaN\n", `p.csv:2: distance: "NaN" is not a finite number`},
		{"negative distance", postHead + "0,0.1,10,1,-1\n", "p.csv:2: distance: -1: want 0 or more"},
		{"negative weight", postHead + "0,0.1,10,-1,0\n", "p.csv:2: weight: -1: want 0 or more"},
		{"all weights zero", postHead + "0,0.1,10,0,0\n", "p.csv: every weight is 0"},
		{"short row", postHead + "0,0.1,10,1\n", "p.csv:2: 4 fields: want 5"},
		{"bad quote", postHead + "0,\"0.1,10,1,0\n", "p.csv:2:"},
		{"header", "particle,weight\n", "p.csv:1: header particle,weight: want particle"},
		{"no rows", postHead, "p.csv: no particles"},
		{"newline in a key", "particle,\"a\nb\",weight,distance\n0,1,1,0\n", `p.csv:1: a\nb: not a numeric scenario key`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePosterior("p.csv", strings.NewReader(tc.text))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("ParsePosterior(%q) = %v, want one line starting %q", tc.text, err, tc.want)
			}
		})
	}
}

// TestPosteriorCheck: a particle that every range accepts but the scenario
// does not (counselling without counsellors) is refused with its line.
func TestPosteriorCheck(t *testing.T) {
	p, err := ParsePosterior("p.csv", strings.NewReader(postHead+"0,0.1,10,1,0\n1,0.1,0,1,0\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.DefaultConfig()
	err = p.Check(&cfg, "baseline")
	if err == nil || !strings.HasPrefix(err.Error(), "p.csv:3: particle 1 does not fit scenario baseline: ") || strings.Contains(err.Error(), "\n") {
		t.Errorf("Check = %v, want one line at p.csv:3", err)
	}
	if cfg.Policy.Counselling.Counsellors != sim.DefaultConfig().Policy.Counselling.Counsellors {
		t.Error("Check changed the configuration it checked")
	}
}

// FuzzParsePosterior: reading never panics; every error is one line that
// names the file; what is accepted is written and read back to the same
// bytes.
func FuzzParsePosterior(f *testing.F) {
	f.Add([]byte(postHead + "0,0.1,10,1,0.5\n1,0.2,3,2,0.25\n"))
	f.Add([]byte(postHead + "0,0.1,12.7,1,0\n"))
	f.Add([]byte("particle,\"a\nb\",weight,distance\n0,1,1,0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePosterior("fuzz.csv", bytes.NewReader(data))
		if err != nil {
			if msg := err.Error(); !strings.HasPrefix(msg, "fuzz.csv") || strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("ParsePosterior(%q) error %q: want one line naming the file", data, msg)
			}
			return
		}
		var once, twice bytes.Buffer
		if err := WritePosterior(&once, p); err != nil {
			t.Fatal(err)
		}
		q, err := ParsePosterior("again.csv", bytes.NewReader(once.Bytes()))
		if err != nil {
			t.Fatalf("ParsePosterior(WritePosterior(ParsePosterior(%q))) error: %v\n%s", data, err, once.Bytes())
		}
		if err := WritePosterior(&twice, q); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(once.Bytes(), twice.Bytes()) {
			t.Fatalf("posterior %q written twice differs:\n%s\nthen\n%s", data, once.Bytes(), twice.Bytes())
		}
	})
}

// TestIdentifyNoise: a posterior SD of 0.4 prior SDs is "identified" at an
// ESS of 1,000 (0.4 x (1 + 2 / sqrt(2 x 999)) = 0.43 < 0.5) and
// "undecided" at 20, where two Monte Carlo standard errors reach 0.4 x (1
// + 2 / sqrt(38)) = 0.53.
func TestIdentifyNoise(t *testing.T) {
	q := []Parameter{{Key: "x", Lower: 0, Upper: 1}}
	sd := 0.4 / math.Sqrt(12)
	for _, tc := range []struct {
		n    int
		want string
	}{{1000, Identified}, {20, Undecided}} {
		post := make([]Particle, tc.n)
		for i := range post {
			x := 0.5 - sd
			if i%2 == 1 {
				x = 0.5 + sd
			}
			post[i] = Particle{Theta: []float64{x}, Weight: 1 / float64(tc.n)}
		}
		id := Identify(q, post)[0]
		if id.Verdict != tc.want || math.Abs(id.Ratio-0.4) > 1e-9 {
			t.Errorf("Identify at ESS %d: ratio %v [%v, %v], %q; want 0.4, %q", tc.n, id.Ratio, id.RatioLow, id.RatioHigh, id.Verdict, tc.want)
		}
	}
}
