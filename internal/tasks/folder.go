package tasks

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Hidden files of a folder that are the machinery's, not a run's outputs.
const (
	LockName  = ".lock"
	OwnerName = ".owner.json"
)

// owner is what .owner.json records of the run that last committed.
type owner struct {
	Kind        string   `json:"kind"`
	Fingerprint string   `json:"fingerprint"`
	Files       []string `json:"files"`
}

// Folder is a result folder held by one run: a Set with a lock and an
// owner record.
type Folder struct {
	Set
	kind string
	fp   string
	lock *os.File
	prev []string // files of the run that last committed here

	// KeepJournal, when set, leaves the journal in the folder at Commit,
	// so that the same run started again restores every task from it and
	// redoes none (a sweep's shard resubmitted as a whole job array).
	KeepJournal bool
}

// Open creates dir if needed, locks it, removes a killed run's temporary
// files and checks that the folder may take a run of kind with
// fingerprint: it must be empty of outputs, or hold those of a run of the
// same kind and fingerprint, unless force is set.
func Open(dir, kind, fingerprint string, force bool) (*Folder, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	lock, err := os.OpenFile(filepath.Join(dir, LockName), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := lockFile(lock); err != nil {
		lock.Close()
		if errors.Is(err, errLocked) {
			return nil, fmt.Errorf("%s is in use by another run (it holds %s): wait for it, or choose another --out", dir, filepath.Join(dir, LockName))
		}
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	fo := &Folder{Set: Set{dir: dir}, kind: kind, fp: fingerprint, lock: lock}
	fail := func(err error) (*Folder, error) { fo.Close(); return nil, err }
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fail(err)
	}
	var outputs []string
	for _, e := range entries {
		n := e.Name()
		switch {
		case strings.HasPrefix(n, ".") && strings.HasSuffix(n, ".tmp"):
			os.Remove(filepath.Join(dir, n)) // a killed run's
		case strings.HasPrefix(n, "."):
		default:
			outputs = append(outputs, n)
		}
	}
	var own owner
	b, err := os.ReadFile(filepath.Join(dir, OwnerName))
	switch {
	case errors.Is(err, os.ErrNotExist):
		if len(outputs) > 0 && !force {
			return fail(fmt.Errorf("%s holds files no run recorded (%s): choose an empty --out, or add --force to replace them", dir, list(outputs)))
		}
	case err != nil:
		return fail(err)
	default:
		if err := json.Unmarshal(b, &own); err != nil {
			if !force {
				return fail(fmt.Errorf("%s: unreadable (%v): add --force to start the folder afresh", filepath.Join(dir, OwnerName), err))
			}
			own = owner{}
		}
		switch {
		case force:
		case own.Kind != kind:
			return fail(fmt.Errorf("%s holds the results of a %q run, not a %q run: choose another --out, or add --force to replace them", dir, own.Kind, kind))
		case own.Fingerprint != fingerprint:
			return fail(fmt.Errorf("%s holds the results of a %s run with other arguments: choose another --out, or add --force to replace them", dir, kind))
		}
		fo.prev = own.Files
	}
	return fo, nil
}

func list(names []string) string {
	if len(names) > 3 {
		return strings.Join(names[:3], ", ") + fmt.Sprintf(" and %d more", len(names)-3)
	}
	return strings.Join(names, ", ")
}

// Commit flushes, syncs and closes every file, renames them into place,
// records the run as the folder's owner, removes the earlier run's files
// that this one did not write, and the journal unless KeepJournal is set. If anything fails before
// the renames, nothing is renamed.
func (fo *Folder) Commit() error {
	names, err := fo.close()
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(owner{fo.kind, fo.fp, names}, "", "  ")
	if err != nil {
		fo.Abort()
		return err
	}
	ownTmp, err := writeTemp(fo.dir, OwnerName, append(b, '\n'))
	if err != nil {
		fo.Abort()
		return err
	}
	// the owner record first: a crash between the renames leaves the new
	// owner with some old files, which the next run removes or replaces
	if err := os.Rename(ownTmp, filepath.Join(fo.dir, OwnerName)); err != nil {
		os.Remove(ownTmp)
		fo.Abort()
		return err
	}
	if err := fo.rename(); err != nil {
		return err
	}
	for _, p := range fo.prev {
		if !slices.Contains(names, p) && p == filepath.Base(p) && !strings.HasPrefix(p, ".") {
			if err := os.Remove(filepath.Join(fo.dir, p)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	fo.prev = names
	if fo.KeepJournal {
		syncDir(fo.dir)
		return nil
	}
	if err := os.Remove(filepath.Join(fo.dir, JournalName)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	syncDir(fo.dir)
	return nil
}

// writeTemp writes b to a new hidden temporary file in dir, synced.
func writeTemp(dir, name string, b []byte) (string, error) {
	f, err := os.CreateTemp(dir, "."+strings.TrimPrefix(name, ".")+".*.tmp")
	if err != nil {
		return "", err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// Close aborts what is not committed and releases the lock. The lock file
// stays: removing it would let a third run lock a file the second has
// already opened.
func (fo *Folder) Close() {
	fo.Abort()
	if fo.lock != nil {
		fo.lock.Close()
		fo.lock = nil
	}
}
