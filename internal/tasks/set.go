package tasks

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Set is files written whole or not at all: each goes to a hidden
// temporary file beside its final name and is renamed into place by Commit
// when all are complete. A Set neither locks its folder nor records an
// owner (a Folder does); the report writes its page and charts with one.
type Set struct {
	dir   string
	files []*tmpFile
}

type tmpFile struct {
	name string
	f    *os.File
	w    *bufio.Writer
	h    hash.Hash
}

// NewSet creates dir if needed and starts a set of files in it.
func NewSet(dir string) (*Set, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &Set{dir: dir}, nil
}

// Dir is the set's folder.
func (s *Set) Dir() string { return s.dir }

// Create starts the file name (a plain name, no folder) of the set.
func (s *Set) Create(name string) (*bufio.Writer, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return nil, fmt.Errorf("tasks: output name %q: want a plain name that does not start with '.'", name)
	}
	for _, t := range s.files {
		if t.name == name {
			return nil, fmt.Errorf("tasks: %s created twice", name)
		}
	}
	f, err := os.CreateTemp(s.dir, "."+name+".*.tmp")
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(0o644); err != nil { // CreateTemp makes 0600; results are for sharing
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	t := &tmpFile{name: name, f: f, h: sha256.New()}
	t.w = bufio.NewWriterSize(io.MultiWriter(f, t.h), 1<<16)
	s.files = append(s.files, t)
	return t.w, nil
}

// Sum is a file's name and the SHA-256 of its bytes.
type Sum struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// Sums flushes the files created so far and returns their SHA-256, in
// order of name. Nothing may be written to them afterwards.
func (s *Set) Sums() ([]Sum, error) {
	var out []Sum
	for _, t := range s.files {
		if err := t.w.Flush(); err != nil {
			return nil, fmt.Errorf("writing %s: %w", filepath.Join(s.dir, t.name), err)
		}
		out = append(out, Sum{t.name, hex.EncodeToString(t.h.Sum(nil))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Commit flushes, syncs and closes every file, then renames them into
// place. If anything fails before the renames, nothing is renamed.
func (s *Set) Commit() error {
	if _, err := s.close(); err != nil {
		return err
	}
	if err := s.rename(); err != nil {
		return err
	}
	syncDir(s.dir)
	return nil
}

// close flushes, syncs and closes every file and returns their names in
// order; on an error it aborts.
func (s *Set) close() ([]string, error) {
	names := make([]string, 0, len(s.files))
	for _, t := range s.files {
		err := t.w.Flush()
		if err == nil {
			err = t.f.Sync()
		}
		if cerr := t.f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			s.Abort()
			return nil, fmt.Errorf("writing %s: %w", filepath.Join(s.dir, t.name), err)
		}
		names = append(names, t.name)
	}
	sort.Strings(names)
	return names, nil
}

// rename moves the closed files into place; on an error it aborts.
func (s *Set) rename() error {
	for _, t := range s.files {
		if err := os.Rename(t.f.Name(), filepath.Join(s.dir, t.name)); err != nil {
			s.Abort()
			return err
		}
	}
	s.files = nil
	return nil
}

// Abort removes the temporary files: the folder is left as it was (a
// Folder's, but for the journal of an interrupted run).
func (s *Set) Abort() {
	for _, t := range s.files {
		t.f.Close()
		os.Remove(t.f.Name())
	}
	s.files = nil
}
