package study

import (
	"context"
	"sync"

	"github.com/returnsim/returnsim/sim"
)

// histories holds the shared history of each replicate of a study with a
// fork (sim.History): built by the first scenario that needs it, continued
// by every scenario, released when the last has; or, kept (a Forked's),
// only by release.
type histories struct {
	fork  int
	cases bool
	keep  bool
	build func(r int) (*sim.Config, uint64, error) // the baseline's configuration and seed in replicate r
	slots []historySlot
}

type historySlot struct {
	once sync.Once
	mu   sync.Mutex
	h    *sim.History
	tape *sim.Tape
	err  error
	left int // continuations still to run
}

func newHistories(reps, scenarios int, cases bool, fork int, build func(r int) (*sim.Config, uint64, error)) *histories {
	hs := &histories{fork: fork, cases: cases, build: build, slots: make([]historySlot, reps)}
	for i := range hs.slots {
		hs.slots[i].left = scenarios
	}
	return hs
}

// continueAs runs replicate r of a scenario with configuration cfg from
// the replicate's history, sending the history's records and then its own
// to rec. It stops between two months once ctx is done, with ctx's error.
func (hs *histories) continueAs(ctx context.Context, r int, cfg *sim.Config, rec sim.Recorder) (sim.Totals, error) {
	s := &hs.slots[r]
	s.once.Do(func() {
		base, seed, err := hs.build(r)
		if err != nil {
			s.err = err
			return
		}
		// a projection's metrics count no person who left before the
		// fork: their records are replayed for persons.csv only
		s.tape = &sim.Tape{Cases: hs.cases, Persons: hs.cases}
		s.h, s.err = sim.RunHistory(base, seed, hs.fork, s.tape)
	})
	if s.err != nil {
		return sim.Totals{}, s.err
	}
	s.tape.Replay(rec)
	tot, err := s.h.ContinueContext(ctx, cfg, rec)
	if hs.keep {
		return tot, err
	}
	s.mu.Lock()
	if s.left--; s.left == 0 {
		s.h.Release()
		s.h, s.tape = nil, nil
	}
	s.mu.Unlock()
	return tot, err
}

// release gives back the histories still held (those of replicates some
// scenario did not run, as when a run resumes).
func (hs *histories) release() {
	for i := range hs.slots {
		if s := &hs.slots[i]; s.h != nil {
			s.h.Release()
			s.h = nil
		}
	}
}
