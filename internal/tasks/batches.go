package tasks

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
)

// Batches is a journal for a run whose tasks are not known in advance:
// each batch is decided by the records of the batches before it, as a
// calibration's next evaluations are by the last ones' distances. Tasks
// are numbered on from batch to batch. A resumed run that asks for the
// same batches in the same order (as a deterministic one does) gets the
// journalled records back without doing their tasks, and does the rest.
//
// Run's promises hold for each batch: records are emitted in order, each
// is journalled before it is emitted, a cancelled context stops the batch
// at once, and a torn tail is dropped on resume. The journal is Dir's, as
// Run's, so a Folder's Commit removes it and its Abort keeps it.
type Batches struct {
	ctx      context.Context
	j        *journal
	restored map[int]span
	next     int // the first task of the next batch
	resumed  int
}

// unbounded is the task count a Batches journal's header records: its
// tasks are numbered on without a known end.
const unbounded = math.MaxInt64

// OpenBatches starts a journal in dir for a run with fingerprint or, with
// resume, reopens the journal of the interrupted run with the same
// fingerprint there. Every batch runs under ctx.
func OpenBatches(ctx context.Context, dir, fingerprint string, resume bool) (*Batches, error) {
	if dir == "" {
		return nil, errors.New("tasks: batches need a folder for their journal")
	}
	b := &Batches{ctx: ctx}
	var err error
	path := filepath.Join(dir, JournalName)
	if resume {
		b.j, b.restored, err = openJournal(path, fingerprint, unbounded, All)
	} else {
		b.j, err = createJournal(path, fingerprint, unbounded, All)
	}
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Run does the next n tasks with do on workers goroutines and passes each
// record to emit, in order; do and emit receive the task's index in the
// batch, 0 to n-1 (the journal numbers it on from the batches before).
func (b *Batches) Run(n, workers int, do func(ctx context.Context, i int) ([]byte, error), emit func(i int, rec []byte) error) error {
	if n < 0 || workers < 1 {
		return fmt.Errorf("tasks: a batch of %d tasks on %d workers: want 0 or more tasks and at least 1 worker", n, workers)
	}
	base := b.next
	b.next += n
	for i := base; i < base+n; i++ {
		if _, ok := b.restored[i]; ok {
			b.resumed++
		}
	}
	return journalled(b.ctx, b.j, b.restored, n, workers, func(k int) int { return base + k },
		func(ctx context.Context, i int) ([]byte, error) { return do(ctx, i-base) },
		func(i int, rec []byte) error { return emit(i-base, rec) })
}

// Context is the context the batches run under.
func (b *Batches) Context() context.Context { return b.ctx }

// Resumed is the number of tasks so far whose records came from the
// journal of an interrupted run.
func (b *Batches) Resumed() int { return b.resumed }

// Close closes the journal; the file stays (a Folder's Commit removes it).
func (b *Batches) Close() { b.j.close() }
