package tasks

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
)

// Options say how Run runs.
type Options struct {
	// Dir is the folder of the journal; empty: no journal, no resume.
	Dir string
	// Workers is the number of goroutines that do tasks; at least 1.
	Workers int
	// Shard is the part of the tasks this process does; the zero value
	// means All.
	Shard Shard
	// Resume restores the completed tasks of an interrupted run from the
	// journal in Dir instead of starting a new journal.
	Resume bool
	// Fingerprint identifies the run's arguments (those that change its
	// output, not Workers); a resume with another fingerprint is refused.
	Fingerprint string
}

// Run does tasks 0..n-1 that opt.Shard owns with do on opt.Workers
// goroutines and passes each record to emit in increasing index order.
// See the package documentation for its promises.
func Run(ctx context.Context, opt Options, n int, do func(ctx context.Context, i int) ([]byte, error), emit func(i int, rec []byte) error) error {
	sh := opt.Shard
	if sh == (Shard{}) {
		sh = All
	}
	if err := sh.Check(); err != nil {
		return err
	}
	if opt.Workers < 1 {
		return fmt.Errorf("tasks: %d workers: want at least 1", opt.Workers)
	}
	if n < 0 {
		return fmt.Errorf("tasks: %d tasks: want 0 or more", n)
	}
	var j *journal
	var restored map[int]span
	var err error
	switch {
	case opt.Dir == "" && opt.Resume:
		return errors.New("tasks: resume needs a folder with a journal")
	case opt.Dir == "":
	case opt.Resume:
		j, restored, err = openJournal(filepath.Join(opt.Dir, JournalName), opt.Fingerprint, n, sh)
	default:
		j, err = createJournal(filepath.Join(opt.Dir, JournalName), opt.Fingerprint, n, sh)
	}
	if err != nil {
		return err
	}
	if j != nil {
		defer j.close()
	}

	// tasks sh.K, sh.K+sh.N, ... in order
	return journalled(ctx, j, restored, sh.Count(n), opt.Workers, func(k int) int { return sh.K + k*sh.N }, do, emit)
}

// journalled does the owned tasks index(0), ..., index(owned-1) with do on
// workers goroutines, appending each record to j (when not nil), and
// passes every record to emit in that order. A restored task goes through
// a worker as a mark, and is read back from the journal only when emitted.
func journalled(ctx context.Context, j *journal, restored map[int]span, owned, workers int, index func(k int) int, do func(ctx context.Context, i int) ([]byte, error), emit func(i int, rec []byte) error) error {
	type record struct {
		b        []byte
		restored bool
	}
	work := func(ctx context.Context, k int) (record, error) {
		i := index(k)
		if _, ok := restored[i]; ok {
			return record{restored: true}, nil
		}
		b, err := do(ctx, i)
		if err == nil && j != nil {
			err = j.append(uint64(i), b)
		}
		return record{b: b}, err
	}
	return Ordered(ctx, owned, workers, work, func(k int, r record) error {
		i := index(k)
		if r.restored {
			var err error
			if r.b, err = j.read(restored[i]); err != nil {
				return err
			}
		}
		return emit(i, r.b)
	})
}
