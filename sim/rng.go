package sim

// This is the one file that makes random sources. golang.org/x/exp/rand's
// PCGSource is deprecated upstream but is the generator the project card asks
// for; it satisfies math/rand/v2's Source (and so gonum's Src), and it is a
// 16-byte value, so each person can own one. BenchmarkStream compares it with
// math/rand/v2's PCG.

import (
	"hash/fnv"
	randv2 "math/rand/v2"

	"golang.org/x/exp/rand"
)

// Mix is the SplitMix64 finaliser: a bijection on uint64 that spreads
// nearby inputs over the whole range.
func Mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// StreamSeed is the seed of replicate rep of a scenario in a run with seed
// run. With common random numbers (crn true) the scenario's name does not
// enter, so replicate k of every scenario shares a stream and differences
// between scenarios are paired; otherwise the name's hash does, so adding,
// removing or reordering scenarios changes no other stream.
func StreamSeed(run uint64, rep int, scenario string, crn bool) uint64 {
	s := Mix(run ^ Mix(uint64(rep)+1))
	if !crn {
		h := fnv.New64a()
		h.Write([]byte(scenario))
		s = Mix(s ^ h.Sum64())
	}
	return s
}

// Stream is one random stream: a person's, the intake counts', or one for
// work outside the engine (NewStream).
type Stream = rand.PCGSource

func newStream(seed uint64) Stream {
	var s Stream
	s.Seed(Mix(seed))
	return s
}

// personStream is person pid's own stream in the replicate with seed rep.
func personStream(rep uint64, pid int) Stream { return newStream(rep ^ Mix(uint64(pid)<<1|1)) }

// intakeStream is the stream of intake counts in the replicate with seed rep.
func intakeStream(rep uint64) Stream { return newStream(rep ^ 0x6a09e667f3bcc908) }

// uniform returns a draw in [0,1) with 53 random bits.
func uniform(s *Stream) float64 { return float64(s.Uint64()>>11) * 0x1p-53 }

// NewStream returns a stream for work outside the engine that needs its
// own draws (calibration proposals, posterior picks), seeded by mixing.
func NewStream(seed uint64) *Stream {
	s := newStream(seed)
	return &s
}

// wrap returns a generator that draws from *s, whatever s then holds: the
// engine wraps its field of the stream of the person being created once,
// for the normal and exponential draws of their attributes.
func wrap(s *Stream) *randv2.Rand { return randv2.New(s) }
