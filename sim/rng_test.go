package sim

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
)

func TestMixBijectiveOnSample(t *testing.T) {
	// 1e5 adjacent inputs, and 1e5 inputs that differ only in their high
	// bits: a bijection maps each set to as many distinct outputs.
	for _, c := range []struct {
		name  string
		input func(i uint64) uint64
	}{
		{"adjacent", func(i uint64) uint64 { return i }},
		{"high bits", func(i uint64) uint64 { return i << 40 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			const n = 100000
			seen := make(map[uint64]uint64, n)
			for i := uint64(0); i < n; i++ {
				x := c.input(i)
				y := Mix(x)
				if prev, ok := seen[y]; ok {
					t.Fatalf("Mix(%#x) = Mix(%#x) = %#x, want distinct outputs", x, prev, y)
				}
				seen[y] = x
			}
		})
	}
}

// TestMixSpreadsAdjacentInputs checks the avalanche of Mix: for adjacent
// inputs each output bit should flip with probability 1/2, so the number of
// differing bits is Binomial(64, 1/2), mean 32 and sd 4. Over n = 1e4 pairs
// the mean lies within 4 standard errors, 4 x 4/sqrt(n) = 0.16, of 32; and
// a single pair below 10 differing bits has probability about 2e-9
// (P(Binomial(64, 1/2) < 10)), so no pair of 1e4 should show one.
func TestMixSpreadsAdjacentInputs(t *testing.T) {
	const n = 10000
	sum := 0
	for x := uint64(0); x < n; x++ {
		d := bits.OnesCount64(Mix(x) ^ Mix(x+1))
		if d < 10 {
			t.Errorf("Mix(%d) ^ Mix(%d) has %d bits set, want at least 10 of 64", x, x+1, d)
		}
		sum += d
	}
	mean := float64(sum) / n
	if tol := 4 * 4 / math.Sqrt(n); math.Abs(mean-32) > tol {
		t.Errorf("mean differing bits of Mix(x), Mix(x+1) over %d pairs = %.3f, want 32 ± %.2f", n, mean, tol)
	}
}

func TestStreamSeed(t *testing.T) {
	for _, c := range []struct {
		name string
		a, b uint64
		same bool
	}{
		{"crn ignores the scenario name", StreamSeed(1, 0, "baseline", true), StreamSeed(1, 0, "ngo-at-deadline", true), true},
		{"without crn the name enters", StreamSeed(1, 0, "baseline", false), StreamSeed(1, 0, "ngo-at-deadline", false), false},
		{"without crn the same name gives the same seed", StreamSeed(1, 3, "baseline", false), StreamSeed(1, 3, "baseline", false), true},
		{"crn and not crn differ", StreamSeed(1, 0, "baseline", true), StreamSeed(1, 0, "baseline", false), false},
		{"replicates differ with crn", StreamSeed(1, 0, "", true), StreamSeed(1, 1, "", true), false},
		{"replicates differ without crn", StreamSeed(1, 0, "baseline", false), StreamSeed(1, 1, "baseline", false), false},
		{"run seeds differ", StreamSeed(1, 0, "", true), StreamSeed(2, 0, "", true), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if (c.a == c.b) != c.same {
				t.Errorf("StreamSeed: %#x and %#x, want equal %v", c.a, c.b, c.same)
			}
		})
	}

	t.Run("many replicates all differ", func(t *testing.T) {
		const n = 10000
		seen := make(map[uint64]int, n)
		for rep := 0; rep < n; rep++ {
			s := StreamSeed(1, rep, "", true)
			if prev, ok := seen[s]; ok {
				t.Fatalf("StreamSeed(1, %d) = StreamSeed(1, %d) = %#x, want distinct", rep, prev, s)
			}
			seen[s] = rep
		}
	})
}

// TestStreamsDiffer checks that the person streams and the intake stream of
// a replicate start differently: the first draws of 1e4 persons and the
// intake stream are distinct; and that a person's stream differs between
// replicates.
func TestStreamsDiffer(t *testing.T) {
	for pid := 0; pid < 100; pid++ {
		s0, s1 := personStream(StreamSeed(1, 0, "", true), pid), personStream(StreamSeed(1, 1, "", true), pid)
		if x0, x1 := s0.Uint64(), s1.Uint64(); x0 == x1 {
			t.Errorf("person %d: first draw %#x in replicates 0 and 1, want them to differ", pid, x0)
		}
	}

	rep := StreamSeed(1, 0, "", true)
	const n = 10000
	seen := make(map[uint64]int, n+1)
	src := intakeStream(rep)
	seen[src.Uint64()] = -1
	for pid := 0; pid < n; pid++ {
		s := personStream(rep, pid)
		x := s.Uint64()
		if prev, ok := seen[x]; ok {
			t.Fatalf("first draw of person %d's stream equals that of stream %d (-1: intake): %#x", pid, prev, x)
		}
		seen[x] = pid
	}
}

// TestUniform checks that uniform lies in [0,1) and that its mean over
// n = 1e6 draws is within 4 standard errors of 1/2. The sd of U(0,1) is
// sqrt(1/12) (variance: the integral of (u-1/2)^2 over [0,1] = 1/12), so the
// standard error of the mean is 1/sqrt(12 n), about 2.9e-4.
func TestUniform(t *testing.T) {
	const n = 1000000
	s := newStream(42) // an arbitrary fixed seed
	sum := 0.0
	for i := 0; i < n; i++ {
		u := uniform(&s)
		if !(u >= 0 && u < 1) {
			t.Fatalf("uniform() = %v on draw %d, want a value in [0,1)", u, i)
		}
		sum += u
	}
	mean := sum / n
	se := 1 / math.Sqrt(12*n)
	if math.Abs(mean-0.5) > 4*se {
		t.Errorf("mean of %d uniform() draws = %.6f, want 0.5 ± %.6f (4 standard errors)", n, mean, 4*se)
	}
}

var sourceSink uint64

// BenchmarkStream compares golang.org/x/exp/rand's PCGSource, the source
// rng.go makes, with math/rand/v2's PCG. Run with -benchmem: neither should
// allocate.
func BenchmarkStream(b *testing.B) {
	b.Run("x-exp-rand-PCGSource", func(b *testing.B) {
		s := newStream(1)
		b.ReportAllocs()
		var x uint64
		for b.Loop() {
			x ^= s.Uint64()
		}
		sourceSink = x
	})
	b.Run("math-rand-v2-PCG", func(b *testing.B) {
		s := rand.NewPCG(1, Mix(1))
		b.ReportAllocs()
		var x uint64
		for b.Loop() {
			x ^= s.Uint64()
		}
		sourceSink = x
	})
}
