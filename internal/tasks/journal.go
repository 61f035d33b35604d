package tasks

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// JournalName is the journal's file name in a run's folder.
const JournalName = ".journal"

// journalMagic starts every journal; a file without it is not one.
const journalMagic = "returnsim-tasks-journal 1\n"

// headerIndex marks the header frame, which holds the run's fingerprint.
const headerIndex = ^uint64(0)

// frameHead is a frame's length (4 bytes), CRC-32C (4) and index (8); the
// checksum covers the index and the payload.
const frameHead = 16

// maxFrame bounds a payload, so a corrupt length cannot ask for a huge
// buffer.
const maxFrame = 1 << 30

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// span is where a restored record lies in the journal.
type span struct{ off, n int64 }

// journal is an append-only file of checksummed frames.
type journal struct {
	mu       sync.Mutex
	f        *os.File
	closed   bool
	dirty    bool      // frames written since the last fsync
	lastSync time.Time // of the last fsync
}

// syncEvery is the most often the journal is fsynced. A frame is written
// to the file at once, so a process killed loses none it wrote; only a
// crash of the machine can lose the frames of the last syncEvery, which a
// resume then recomputes. One fsync per task cost more than the 5% the
// sweep machinery may add to the simulations (docs/sweeps.md).
const syncEvery = 100 * time.Millisecond

func header(fingerprint string, n int, sh Shard) []byte {
	return []byte("fingerprint=" + fingerprint + "\ntasks=" + strconv.Itoa(n) + "\nshard=" + sh.String() + "\n")
}

// createJournal starts a new journal at path, replacing any there.
func createJournal(path, fingerprint string, n int, sh Shard) (*journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	j := &journal{f: f}
	if _, err := f.Write([]byte(journalMagic)); err != nil {
		f.Close()
		return nil, err
	}
	if err := j.append(headerIndex, header(fingerprint, n, sh)); err != nil {
		f.Close()
		return nil, err
	}
	syncDir(filepath.Dir(path))
	return j, nil
}

// openJournal reopens the journal at path for a resume: it checks the
// header against the run's, returns where each completed task's record is,
// and truncates a torn or corrupt tail.
func openJournal(path, fingerprint string, n int, sh Shard) (*journal, map[int]span, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("resume: %s has no journal of an interrupted run: nothing to resume", filepath.Dir(path))
	}
	if err != nil {
		return nil, nil, err
	}
	fail := func(err error) (*journal, map[int]span, error) { f.Close(); return nil, nil, err }
	r := bufio.NewReader(f)
	magic := make([]byte, len(journalMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != journalMagic {
		return fail(fmt.Errorf("resume: %s is not a journal of this program", path))
	}
	off := int64(len(journalMagic))
	idx, payload, ok := readFrame(r)
	if !ok || idx != headerIndex {
		return fail(fmt.Errorf("resume: %s has no readable header", path))
	}
	want := header(fingerprint, n, sh)
	if string(payload) != string(want) {
		return fail(fmt.Errorf("resume: the interrupted run in %s had other arguments (%s), this one has (%s): rerun without --resume",
			filepath.Dir(path), oneLine(payload), oneLine(want)))
	}
	off += frameHead + int64(len(payload))
	done := map[int]span{}
	for {
		idx, payload, ok := readFrame(r)
		if !ok {
			break
		}
		i := int(idx)
		if idx >= uint64(n) || !sh.Owns(i) {
			break // not a frame this run could write: treat as corrupt
		}
		if _, dup := done[i]; dup {
			break
		}
		done[i] = span{off + frameHead, int64(len(payload))}
		off += frameHead + int64(len(payload))
	}
	// drop the torn tail, if any, so that appends follow the last good frame
	if err := f.Truncate(off); err != nil {
		return fail(err)
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return fail(err)
	}
	return &journal{f: f}, done, nil
}

// oneLine writes a header's fields on one line.
func oneLine(b []byte) string { return strings.ReplaceAll(strings.TrimSpace(string(b)), "\n", ", ") }

// readFrame reads one frame; ok is false at the end or at a frame that is
// torn or fails its checksum.
func readFrame(r *bufio.Reader) (idx uint64, payload []byte, ok bool) {
	var h [frameHead]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, nil, false
	}
	n := binary.LittleEndian.Uint32(h[0:4])
	sum := binary.LittleEndian.Uint32(h[4:8])
	idx = binary.LittleEndian.Uint64(h[8:16])
	if n > maxFrame {
		return 0, nil, false
	}
	payload = make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		return 0, nil, false
	}
	c := crc32.Update(crc32.Checksum(h[8:16], castagnoli), castagnoli, payload)
	if c != sum {
		return 0, nil, false
	}
	return idx, payload, true
}

// append writes one frame, and fsyncs the journal when the last fsync is
// syncEvery old. After close it writes nothing.
func (j *journal) append(idx uint64, payload []byte) error {
	if len(payload) > maxFrame {
		return fmt.Errorf("tasks: record of task %d has %d bytes: at most %d fit a journal frame", idx, len(payload), maxFrame)
	}
	var h [frameHead]byte
	binary.LittleEndian.PutUint32(h[0:4], uint32(len(payload)))
	binary.LittleEndian.PutUint64(h[8:16], idx)
	binary.LittleEndian.PutUint32(h[4:8], crc32.Update(crc32.Checksum(h[8:16], castagnoli), castagnoli, payload))
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return errClosed
	}
	if _, err := j.f.Write(append(h[:], payload...)); err != nil {
		return fmt.Errorf("journal %s: %w", j.f.Name(), err)
	}
	j.dirty = true
	if time.Since(j.lastSync) < syncEvery {
		return nil
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal %s: %w", j.f.Name(), err)
	}
	j.dirty, j.lastSync = false, time.Now()
	return nil
}

var errClosed = errors.New("tasks: journal closed")

// read returns a restored record.
func (j *journal) read(s span) ([]byte, error) {
	b := make([]byte, s.n)
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.f.ReadAt(b, s.off); err != nil {
		return nil, fmt.Errorf("journal %s: %w", j.f.Name(), err)
	}
	return b, nil
}

func (j *journal) close() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if !j.closed {
		j.closed = true
		if j.dirty {
			j.f.Sync()
		}
		j.f.Close()
	}
}

// syncDir fsyncs a folder so that a file created or renamed in it lasts.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
