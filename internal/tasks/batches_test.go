package tasks

import (
	"context"
	"errors"
	"fmt"
	"os"
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

// TestShardBatches: a run of batches spread over 3 shards, run in rounds
// (each shard in turn, until one gets through), emits what one process
// emits; a batch of one task is done by every shard without waiting.
func TestShardBatches(t *testing.T) {
	// batch sizes: 1, then the last record's value, as a calibration's
	// next batch depends on the last ones' results
	run := func(open func() (*Batches, error)) ([]string, error) {
		b, err := open()
		if err != nil {
			return nil, err
		}
		defer b.Close()
		var emitted []string
		n := 1
		for range 4 {
			var last string
			err := b.Run(n, 2, func(_ context.Context, k int) ([]byte, error) {
				return []byte(fmt.Sprint(k%4 + 2)), nil
			}, func(k int, rec []byte) error {
				emitted = append(emitted, fmt.Sprintf("%d:%s", k, rec))
				last = string(rec)
				return nil
			})
			if err != nil {
				return emitted, err
			}
			fmt.Sscan(last, &n)
		}
		return emitted, nil
	}
	want, err := run(func() (*Batches, error) { return OpenBatches(context.Background(), t.TempDir(), "fp", false) })
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	dirs := []string{root + "/0", root + "/1", root + "/2"}
	for _, d := range dirs {
		os.MkdirAll(d, 0o755)
	}
	for round := 0; ; round++ {
		if round == 10 {
			t.Fatal("no shard got through in 10 rounds")
		}
		var got []string
		done := false
		for k := range dirs {
			got, err = run(func() (*Batches, error) {
				return OpenShardBatches(context.Background(), dirs[k], dirs, "fp", Shard{k, 3})
			})
			if err == nil {
				done = true
				break
			}
			if !errors.Is(err, ErrWaiting) {
				t.Fatalf("round %d, shard %d: %v", round, k, err)
			}
		}
		if done {
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("3 shards emitted %v, one process %v", got, want)
			}
			break
		}
	}
	if _, err := OpenShardBatches(context.Background(), dirs[0], dirs, "other", Shard{0, 3}); err == nil {
		t.Error("a shard read the journals of a run with another fingerprint")
	}
}

// TestShardBatchesPeerStarting: shards started at once (a Slurm job
// array) read each other's journals while they are being created; a
// peer's journal caught empty or with half its header is a shard
// starting, read as nothing yet, not an error. A full header of another
// run still is one.
func TestShardBatchesPeerStarting(t *testing.T) {
	root := t.TempDir()
	dirs := []string{root + "/0", root + "/1"}
	for _, d := range dirs {
		os.MkdirAll(d, 0o755)
	}
	// the whole journal a starting shard 1 writes: magic, then its header
	b, err := OpenShardBatches(context.Background(), dirs[1], dirs, "fp", Shard{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	whole, err := os.ReadFile(dirs[1] + "/" + JournalName)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, len(journalMagic) / 2, len(journalMagic), len(journalMagic) + 5, len(whole) - 1} {
		if err := os.WriteFile(dirs[1]+"/"+JournalName, whole[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		os.Remove(dirs[0] + "/" + JournalName)
		b, err := OpenShardBatches(context.Background(), dirs[0], dirs, "fp", Shard{0, 2})
		if err != nil {
			t.Errorf("shard 0 with shard 1's journal cut at %d of %d bytes: %v", n, len(whole), err)
			continue
		}
		if len(b.peers) != 0 {
			t.Errorf("shard 0 read %d records from a journal with no whole header", len(b.peers))
		}
		b.Close()
	}
	os.WriteFile(dirs[1]+"/"+JournalName, whole, 0o644)
	os.Remove(dirs[0] + "/" + JournalName)
	if _, err := OpenShardBatches(context.Background(), dirs[0], dirs, "other", Shard{0, 2}); err == nil {
		t.Error("a shard read a peer's journal of a run with another fingerprint")
	}
}
