package tasks

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Shard
		err  string
	}{
		{"0/1", All, ""},
		{"2/4", Shard{2, 4}, ""},
		{"4/4", Shard{}, "K from 0 to N-1"},
		{"-1/4", Shard{}, "K from 0 to N-1"},
		{"0/0", Shard{}, "N at least 1"},
		{"1", Shard{}, "want K/N"},
		{"a/b", Shard{}, "whole numbers"},
	} {
		got, err := ParseShard(tc.in)
		if tc.err == "" && (err != nil || got != tc.want) {
			t.Errorf("ParseShard(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "\n")) {
			t.Errorf("ParseShard(%q) error = %v, want one line containing %q", tc.in, err, tc.err)
		}
	}
	// the shards of a run partition its tasks
	for i := range 100 {
		owners := 0
		for k := range 3 {
			if (Shard{k, 3}).Owns(i) {
				owners++
			}
		}
		if owners != 1 {
			t.Errorf("task %d has %d owners among shards k/3, want 1", i, owners)
		}
	}
}

// rec is task i's record: varied lengths, so that frames differ.
func rec(i int) []byte { return bytes.Repeat([]byte{byte(i)}, i%17+1) }

// collect runs n tasks and returns the emitted indices and records.
func collect(t *testing.T, ctx context.Context, opt Options, n int, do func(context.Context, int) ([]byte, error)) ([]int, [][]byte, error) {
	t.Helper()
	var idx []int
	var recs [][]byte
	err := Run(ctx, opt, n, do, func(i int, r []byte) error {
		idx = append(idx, i)
		recs = append(recs, r)
		return nil
	})
	return idx, recs, err
}

func TestRunEmitsInOrder(t *testing.T) {
	for _, w := range []int{1, 2, 7} {
		for _, sh := range []Shard{All, {1, 3}} {
			t.Run(fmt.Sprintf("workers %d shard %v", w, sh), func(t *testing.T) {
				var calls atomic.Int64
				do := func(_ context.Context, i int) ([]byte, error) {
					calls.Add(1)
					time.Sleep(time.Duration((i*7919)%5) * time.Millisecond) // finish out of order
					return rec(i), nil
				}
				idx, recs, err := collect(t, context.Background(), Options{Dir: t.TempDir(), Workers: w, Shard: sh}, 40, do)
				if err != nil {
					t.Fatal(err)
				}
				var want []int
				for i := range 40 {
					if sh.Owns(i) {
						want = append(want, i)
					}
				}
				if fmt.Sprint(idx) != fmt.Sprint(want) {
					t.Errorf("emitted %v, want %v", idx, want)
				}
				for k, i := range idx {
					if !bytes.Equal(recs[k], rec(i)) {
						t.Errorf("record of task %d = %v, want %v", i, recs[k], rec(i))
					}
				}
				if int(calls.Load()) != len(want) {
					t.Errorf("do called %d times, want %d", calls.Load(), len(want))
				}
			})
		}
	}
}

// TestRunBoundedWindow: with task 0 slow, no more than 2 x Workers tasks
// are started ahead of emission.
func TestRunBoundedWindow(t *testing.T) {
	const w = 3
	var started, emitted, worst atomic.Int64
	release := make(chan struct{})
	do := func(_ context.Context, i int) ([]byte, error) {
		ahead := started.Add(1) - emitted.Load()
		for {
			m := worst.Load()
			if ahead <= m || worst.CompareAndSwap(m, ahead) {
				break
			}
		}
		if i == 0 {
			<-release
		}
		return rec(i), nil
	}
	go func() { time.Sleep(100 * time.Millisecond); close(release) }()
	err := Run(context.Background(), Options{Workers: w}, 200, do, func(int, []byte) error { emitted.Add(1); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if worst.Load() > 2*w {
		t.Errorf("%d tasks started ahead of emission, want at most %d", worst.Load(), 2*w)
	}
	if worst.Load() < 2 {
		t.Errorf("at most %d tasks ran ahead: the workers did not run in parallel", worst.Load())
	}
}

// TestResume: a run cancelled midway, resumed, emits what an uninterrupted
// run emits, and does not redo the tasks the journal holds.
func TestResume(t *testing.T) {
	const n = 30
	for _, sh := range []Shard{All, {0, 2}} {
		t.Run(sh.String(), func(t *testing.T) {
			dir := t.TempDir()
			want, wantRecs, err := collect(t, context.Background(), Options{Workers: 2, Shard: sh}, n, func(_ context.Context, i int) ([]byte, error) { return rec(i), nil })
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			var done sync.Map
			var count atomic.Int64
			opt := Options{Dir: dir, Workers: 2, Shard: sh, Fingerprint: "seed=1"}
			_, _, err = collect(t, ctx, opt, n, func(ctx context.Context, i int) ([]byte, error) {
				if count.Add(1) == 6 {
					cancel()
				}
				done.Store(i, true)
				return rec(i), nil
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("cancelled run returned %v, want context.Canceled", err)
			}
			_, restored, err := openJournal(filepath.Join(dir, JournalName), "seed=1", n, sh)
			if err != nil {
				t.Fatal(err)
			}
			if len(restored) == 0 {
				t.Fatal("the journal holds no completed task")
			}
			opt.Resume = true
			var redone []int
			var mu sync.Mutex
			got, gotRecs, err := collect(t, context.Background(), opt, n, func(_ context.Context, i int) ([]byte, error) {
				mu.Lock()
				redone = append(redone, i)
				mu.Unlock()
				return rec(i), nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(gotRecs) != fmt.Sprint(wantRecs) {
				t.Errorf("resumed run emitted %v %v, want %v %v", got, gotRecs, want, wantRecs)
			}
			for _, i := range redone {
				if _, ok := restored[i]; ok {
					t.Errorf("task %d was in the journal and was done again", i)
				}
			}
			if len(redone)+len(restored) != len(want) {
				t.Errorf("%d tasks redone + %d restored, want %d", len(redone), len(restored), len(want))
			}
		})
	}
}

// TestResumeTornTail: a journal cut mid-frame or with a corrupt last frame
// resumes from its good frames and redoes the rest.
func TestResumeTornTail(t *testing.T) {
	const n = 10
	for _, damage := range []string{"cut", "flip", "garbage"} {
		t.Run(damage, func(t *testing.T) {
			dir := t.TempDir()
			opt := Options{Dir: dir, Workers: 1, Fingerprint: "f"}
			if _, _, err := collect(t, context.Background(), opt, n, func(_ context.Context, i int) ([]byte, error) { return rec(i), nil }); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, JournalName)
			b, _ := os.ReadFile(path)
			last := frameHead + len(rec(n-1)) // the last frame, task n-1's (one worker: in order)
			switch damage {
			case "cut":
				b = b[:len(b)-last/2]
			case "flip":
				b[len(b)-1] ^= 0xff
			case "garbage":
				b = append(b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)
			}
			os.WriteFile(path, b, 0o644)
			opt.Resume = true
			var redone []int
			got, _, err := collect(t, context.Background(), opt, n, func(_ context.Context, i int) ([]byte, error) {
				redone = append(redone, i)
				return rec(i), nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != n {
				t.Errorf("emitted %v, want all %d tasks", got, n)
			}
			wantRedone := "[9]"
			if damage == "garbage" {
				wantRedone = "[]"
			}
			if fmt.Sprint(redone) != wantRedone {
				t.Errorf("redone %v, want %s", redone, wantRedone)
			}
		})
	}
}

func TestResumeRefused(t *testing.T) {
	dir := t.TempDir()
	do := func(_ context.Context, i int) ([]byte, error) { return rec(i), nil }
	if _, _, err := collect(t, context.Background(), Options{Dir: dir, Resume: true, Workers: 1}, 5, do); err == nil || !strings.Contains(err.Error(), "nothing to resume") {
		t.Errorf("resume without a journal: %v, want nothing to resume", err)
	}
	if _, _, err := collect(t, context.Background(), Options{Dir: dir, Workers: 1, Fingerprint: "seed=1"}, 5, do); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		opt  Options
		n    int
		want string
	}{
		{Options{Dir: dir, Resume: true, Workers: 1, Fingerprint: "seed=2"}, 5, "fingerprint=seed=2"},
		{Options{Dir: dir, Resume: true, Workers: 1, Fingerprint: "seed=1"}, 6, "tasks=6"},
		{Options{Dir: dir, Resume: true, Workers: 1, Fingerprint: "seed=1", Shard: Shard{1, 2}}, 5, "shard=1/2"},
	} {
		_, _, err := collect(t, context.Background(), tc.opt, tc.n, do)
		if err == nil || !strings.Contains(err.Error(), "other arguments") || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("resume with %+v, n %d: %v, want one line naming other arguments and %s", tc.opt, tc.n, err, tc.want)
		}
	}
}

// TestRunCancelPrompt: Run returns soon after cancellation even when tasks
// ignore it for a while, and emits nothing afterwards.
func TestRunCancelPrompt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	hold := make(chan struct{})
	defer close(hold)
	var after atomic.Bool
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	start := time.Now()
	err := Run(ctx, Options{Dir: t.TempDir(), Workers: 2}, 100, func(ctx context.Context, i int) ([]byte, error) {
		if i >= 4 {
			<-hold // a task that does not look at ctx
		}
		return rec(i), nil
	}, func(i int, _ []byte) error {
		if ctx.Err() != nil {
			after.Store(true)
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Run took %v after cancellation, want well under a second", d)
	}
	if after.Load() {
		t.Error("emit was called after cancellation")
	}
}

func TestRunErrors(t *testing.T) {
	boom := errors.New("boom")
	err := Run(context.Background(), Options{Workers: 2}, 10, func(_ context.Context, i int) ([]byte, error) {
		if i == 5 {
			return nil, boom
		}
		return rec(i), nil
	}, func(int, []byte) error { return nil })
	if err != boom {
		t.Errorf("Run with a failing task = %v, want %v", err, boom)
	}
	var last int
	err = Run(context.Background(), Options{Workers: 2}, 10, func(_ context.Context, i int) ([]byte, error) { return rec(i), nil },
		func(i int, _ []byte) error {
			last = i
			if i == 3 {
				return boom
			}
			return nil
		})
	if err != boom || last != 3 {
		t.Errorf("Run with a failing emit = %v after task %d, want %v after 3", err, last, boom)
	}
}

func writeAll(t *testing.T, fo *Folder, files map[string]string) {
	t.Helper()
	for name, s := range files {
		w, err := fo.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.WriteString(s)
	}
}

func TestFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	fo, err := Open(dir, "run", "a", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, "run", "a", false); err == nil || !strings.Contains(err.Error(), "in use by another run") {
		t.Errorf("second Open while locked = %v, want in use by another run", err)
	}
	writeAll(t, fo, map[string]string{"a.csv": "1\n", "cases.csv": "c\n"})
	sums, err := fo.Sums()
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256([]byte("1\n"))
	if len(sums) != 2 || sums[0] != (Sum{"a.csv", hex.EncodeToString(h[:])}) {
		t.Errorf("Sums = %v, want a.csv %x first", sums, h)
	}
	if err := fo.Commit(); err != nil {
		t.Fatal(err)
	}
	fo.Close()

	// another kind, other arguments: refused
	for _, tc := range []struct{ kind, fp, want string }{
		{"calibrate", "a", `a "run" run, not a "calibrate" run`},
		{"run", "b", "other arguments"},
	} {
		if fo, err := Open(dir, tc.kind, tc.fp, false); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "--force") {
			t.Errorf("Open(%s, %s) = %v, want refused: %s", tc.kind, tc.fp, err, tc.want)
			if fo != nil {
				fo.Close()
			}
		}
	}

	// a killed run's leftovers are removed; an aborted run leaves the folder as it was
	os.WriteFile(filepath.Join(dir, ".a.csv.123.tmp"), []byte("x"), 0o644)
	fo, err = Open(dir, "run", "a", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".a.csv.123.tmp")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a leftover temporary file survived Open: %v", err)
	}
	writeAll(t, fo, map[string]string{"a.csv": "2\n"})
	fo.Close()
	if b, _ := os.ReadFile(filepath.Join(dir, "a.csv")); string(b) != "1\n" {
		t.Errorf("after an aborted run a.csv = %q, want the old %q", b, "1\n")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) > 0 {
		t.Errorf("Abort left %v", left)
	}

	// --force: the new run's files replace the old; the old run's other files go
	fo, err = Open(dir, "calibrate", "z", true)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, fo, map[string]string{"a.csv": "3\n"})
	if err := fo.Commit(); err != nil {
		t.Fatal(err)
	}
	fo.Close()
	if _, err := os.Stat(filepath.Join(dir, "cases.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the earlier run's cases.csv survived a forced run: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a.csv")); string(b) != "3\n" {
		t.Errorf("after a forced run a.csv = %q, want %q", b, "3\n")
	}

	// a folder with files no run recorded
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644)
	if _, err := Open(other, "run", "a", false); err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("Open of a folder with foreign files = %v, want refused naming notes.txt", err)
	}
}

// TestFolderSameRunAgain: the same run may rewrite its own folder, and a
// run that writes fewer files removes the rest of the earlier one's.
func TestFolderSameRunAgain(t *testing.T) {
	dir := t.TempDir()
	for k, files := range []map[string]string{{"a": "1", "b": "2"}, {"a": "3"}} {
		fo, err := Open(dir, "run", "same", false)
		if err != nil {
			t.Fatalf("run %d: %v", k, err)
		}
		writeAll(t, fo, files)
		if err := fo.Commit(); err != nil {
			t.Fatal(err)
		}
		fo.Close()
	}
	if _, err := os.Stat(filepath.Join(dir, "b")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("b of the earlier run survived: %v", err)
	}
}

func TestParseBytes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"100", 100}, {"512M", 512 << 20}, {"4G", 4 << 30}, {"1.5g", 3 << 29}, {"2GiB", 2 << 30}, {"64KB", 64 << 10}, {"1T", 1 << 40},
	} {
		if got, err := ParseBytes(tc.in); err != nil || got != tc.want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "0", "-1G", "lots", "1X", "nan", "1e30T"} {
		if _, err := ParseBytes(bad); err == nil {
			t.Errorf("ParseBytes(%q) succeeded, want an error", bad)
		}
	}
	if n, ok := MachineMemory(); ok && n < 1<<20 {
		t.Errorf("MachineMemory() = %d: less than a MiB", n)
	}
	if got := FormatBytes(3 << 29); got != "1.5 GiB" {
		t.Errorf("FormatBytes(1.5 GiB) = %q", got)
	}
}

func TestSetCommitAndAbort(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "summary.csv")
	os.WriteFile(old, []byte("old\n"), 0o644)

	s, err := NewSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := s.Create("summary.csv")
	w.WriteString("new\n")
	s.Abort()
	if b, _ := os.ReadFile(old); string(b) != "old\n" {
		t.Errorf("after Abort summary.csv = %q, want the old contents", b)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("Abort left %v", left)
	}

	s, _ = NewSet(dir)
	w, _ = s.Create("summary.csv")
	w.WriteString("new\n")
	w2, _ := s.Create("replicates.csv")
	w2.WriteString("r\n")
	if b, _ := os.ReadFile(old); string(b) != "old\n" {
		t.Errorf("before Commit summary.csv = %q, want the old contents", b)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]string{"summary.csv": "new\n", "replicates.csv": "r\n"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || string(b) != want {
			t.Errorf("after Commit %s = %q, %v; want %q", f, b, err, want)
		}
		if fi, _ := os.Stat(filepath.Join(dir, f)); fi.Mode().Perm() != 0o644 {
			t.Errorf("%s mode %v, want 0644", f, fi.Mode().Perm())
		}
	}
}

// TestShardCount: Count agrees with counting the tasks Owns gives.
func TestShardCount(t *testing.T) {
	for _, sh := range []Shard{All, {0, 3}, {1, 3}, {2, 3}, {4, 5}} {
		for n := range 12 {
			want := 0
			for i := range n {
				if sh.Owns(i) {
					want++
				}
			}
			if got := sh.Count(n); got != want {
				t.Errorf("Shard%v.Count(%d) = %d, want %d", sh, n, got, want)
			}
		}
	}
}
