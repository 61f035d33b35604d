package tasks

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
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

	// with shards (OpenShardBatches): this process's shard, and the
	// records the other shards had journalled when it started
	shard Shard
	peers map[int][]byte
}

// ErrWaiting is returned (wrapped) by a shard's Run when a task of the
// batch belongs to another shard that has not journalled it yet: the
// shard has done its own tasks of the batch, and goes on from there when
// run again once the others have run.
var ErrWaiting = errors.New("waiting for the other shards")

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
//
// With shards, a batch of one task is done by every shard (a sequential
// stage cannot wait for the others), and task i of a larger batch (in the
// run's numbering) by shard i mod N. A task another shard journalled is
// copied into this shard's journal; when one is missing, Run does this
// shard's missing tasks of the batch, emits nothing, and returns
// ErrWaiting.
func (b *Batches) Run(n, workers int, do func(ctx context.Context, i int) ([]byte, error), emit func(i int, rec []byte) error) error {
	if n < 0 || workers < 1 {
		return fmt.Errorf("tasks: a batch of %d tasks on %d workers: want 0 or more tasks and at least 1 worker", n, workers)
	}
	base := b.next
	b.next += n
	var mine []int // with shards: this shard's tasks not journalled yet
	waiting := false
	for i := base; i < base+n; i++ {
		_, own := b.restored[i]
		_, peer := b.peers[i]
		switch {
		case own || peer:
			b.resumed++
		case b.shard.N > 1 && n > 1 && !b.shard.Owns(i):
			waiting = true
		default:
			mine = append(mine, i)
		}
	}
	index := func(k int) int { return base + k }
	if waiting {
		// this shard's part of the batch, journalled and not emitted
		index = func(k int) int { return mine[k] }
		n = len(mine)
		emit = func(int, []byte) error { return nil }
	}
	err := journalled(b.ctx, b.j, b.restored, n, workers, index,
		func(ctx context.Context, i int) ([]byte, error) {
			if rec, ok := b.peers[i]; ok {
				return rec, nil // another shard's, copied into this journal
			}
			return do(ctx, i-base)
		},
		func(i int, rec []byte) error { return emit(i-base, rec) })
	if err == nil && waiting {
		return fmt.Errorf("shard %s, tasks %d to %d: %w", b.shard, base, b.next-1, ErrWaiting)
	}
	return err
}

// OpenShardBatches is OpenBatches for shard sh of a run spread over
// processes that share storage: its journal is in dir (resumed when there
// is one), and peers are the folders of the other shards' journals, in
// shard order (peers[sh.K] is dir itself, not read). What the others had
// journalled when it opens is read once, and their journals are never
// written: a torn tail (a shard writing or killed) is left alone, and a
// journal cut before the end of its header (a shard starting) is empty.
func OpenShardBatches(ctx context.Context, dir string, peers []string, fingerprint string, sh Shard) (*Batches, error) {
	if err := sh.Check(); err != nil {
		return nil, err
	}
	if len(peers) != sh.N {
		return nil, fmt.Errorf("tasks: %d folders for %d shards", len(peers), sh.N)
	}
	_, err := os.Stat(filepath.Join(dir, JournalName))
	b, err := OpenBatches(ctx, dir, shardPrint(fingerprint, sh), err == nil)
	if err != nil {
		return nil, err
	}
	b.shard, b.peers = sh, map[int][]byte{}
	for k, p := range peers {
		if k == sh.K {
			continue
		}
		if err := scanJournal(filepath.Join(p, JournalName), shardPrint(fingerprint, Shard{k, sh.N}), b.peers); err != nil {
			b.Close()
			return nil, err
		}
	}
	return b, nil
}

// shardPrint is the fingerprint a shard's journal records: the run's and
// the shard's, so that a journal is never read as another shard's.
func shardPrint(fingerprint string, sh Shard) string {
	return fingerprint + " shard " + sh.String()
}

// scanJournal reads the records of the journal at path, whose header must
// hold fingerprint, into recs, up to its first torn or corrupt frame; a
// journal not there, or not past its header yet (a shard creating it),
// adds nothing.
func scanJournal(path, fingerprint string, recs map[int][]byte) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	// a shard started at the same time as this one (the tasks of a job
	// array) may be creating its journal: a file that ends before its
	// header does is that, and holds nothing yet
	magic := make([]byte, len(journalMagic))
	n, err := io.ReadFull(r, magic)
	if err != nil && string(magic[:n]) == journalMagic[:n] {
		return nil
	}
	if err != nil || string(magic) != journalMagic {
		return fmt.Errorf("%s is not a journal of this program", path)
	}
	idx, payload, ok := readFrame(r)
	if !ok {
		if _, err := r.Peek(1); err == io.EOF {
			return nil // a header being written
		}
	}
	if !ok || idx != headerIndex {
		return fmt.Errorf("%s has no readable header", path)
	}
	if want := header(fingerprint, unbounded, All); string(payload) != string(want) {
		return fmt.Errorf("%s is the journal of another run (%s), not of this one's (%s): remove it, or give the same arguments", path, oneLine(payload), oneLine(want))
	}
	for {
		idx, payload, ok := readFrame(r)
		if !ok || idx >= unbounded {
			return nil
		}
		if _, dup := recs[int(idx)]; !dup {
			recs[int(idx)] = payload
		}
	}
}

// Resumed is the number of tasks so far whose records came from the
// journal of an interrupted run.
func (b *Batches) Resumed() int { return b.resumed }

// Close closes the journal; the file stays (a Folder's Commit removes it).
func (b *Batches) Close() { b.j.close() }
