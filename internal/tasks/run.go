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
	if err := ctx.Err(); err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		i   int
		rec []byte
		err error
	}
	w := opt.Workers
	jobs := make(chan int)
	results := make(chan result, w)
	window := make(chan struct{}, 2*w) // tasks dispatched, not yet emitted
	go func() {
		defer close(jobs)
		for i := sh.K; i < n; i += sh.N {
			if _, ok := restored[i]; ok {
				continue
			}
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range w {
		go func() {
			for i := range jobs {
				rec, err := do(ctx, i)
				if err == nil && j != nil {
					err = j.append(uint64(i), rec)
				}
				select {
				case results <- result{i, rec, err}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}

	pending := map[int][]byte{}
	for i := sh.K; i < n; i += sh.N {
		if s, ok := restored[i]; ok {
			if err := ctx.Err(); err != nil {
				return err
			}
			rec, err := j.read(s)
			if err != nil {
				return err
			}
			if err := emit(i, rec); err != nil {
				return err
			}
			continue
		}
		for {
			if rec, ok := pending[i]; ok {
				delete(pending, i)
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := emit(i, rec); err != nil {
					return err
				}
				<-window
				break
			}
			select {
			case r := <-results:
				if r.err != nil {
					if err := ctx.Err(); err != nil {
						return err // the task failed because the run was cancelled
					}
					return r.err
				}
				pending[r.i] = r.rec
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return nil
}
