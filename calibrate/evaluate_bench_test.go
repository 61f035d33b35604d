package calibrate

import (
	"testing"

	"github.com/returnsim/returnsim/sim"
)

// BenchmarkEvaluate is the cost of one calibration evaluation at the
// shipped defaults with the embedded targets: one full-size replicate, its
// statistics (the joint logistic regression among them) and the pattern's
// paired runs, on one goroutine. BenchmarkEvaluateReplicate, the same
// replicate alone with its collector, is the baseline it is read against.
func BenchmarkEvaluate(b *testing.B) {
	base, spec := defaultProblem(b)
	p := &Problem{Base: base, Spec: spec, Seed: 1}
	theta := p.Start()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := p.Evaluate(theta, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvaluateReplicate(b *testing.B) {
	base, spec := defaultProblem(b)
	p := &Problem{Base: base, Spec: spec, Seed: 1}
	cfg, err := p.Config(p.Start())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c := NewCollector(cfg.Origins)
		sim.Run(&cfg, sim.StreamSeed(p.Seed, 0, "", true), c)
		if _, err := c.Stats(); err != nil {
			b.Fatal(err)
		}
	}
}
