package tasks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
)

// TestBatchesResume: a run of batches, each sized by the records of the
// one before, stopped in its second batch and resumed, emits the records
// of an uninterrupted run and does again only what was not journalled.
func TestBatchesResume(t *testing.T) {
	// batch sizes 3, then the last record's value: a run that depends on
	// its records, as a calibration does
	run := func(dir string, resume bool, stopAt int) (emitted []string, done int64, err error) {
		var did atomic.Int64 // tasks done, on the workers
		defer func() { done = did.Load() }()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		b, err := OpenBatches(ctx, dir, "fp", resume)
		if err != nil {
			return nil, 0, err
		}
		defer b.Close()
		base := 0 // of the batch running
		do := func(_ context.Context, k int) ([]byte, error) {
			i := base + k
			if i == stopAt {
				cancel()
				return nil, ctx.Err()
			}
			did.Add(1)
			return []byte(fmt.Sprint(i%3 + 2)), nil
		}
		n := 3
		for range 3 {
			var last string
			err := b.Run(n, 2, do, func(k int, rec []byte) error {
				emitted = append(emitted, fmt.Sprintf("%d:%s", base+k, rec))
				last = string(rec)
				return nil
			})
			if err != nil {
				return emitted, done, err
			}
			base += n
			fmt.Sscan(last, &n)
		}
		return emitted, done, nil
	}
	want, _, err := run(t.TempDir(), false, -1)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, _, err := run(dir, false, 5); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v, want context.Canceled", err)
	}
	got, done, err := run(dir, true, -1)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("resumed run emitted %v, want %v", got, want)
	}
	if done >= int64(len(want)) {
		t.Errorf("resumed run did %d of %d tasks: want the journalled ones restored", done, len(want))
	}
}
