package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// The README and docs/ copy some of the command line's constants; these
// tests hold each copy to the code (scenarios/docs_test.go does the same
// for the scenario defaults).

// docTexts are README.md and docs/*.md, by path from the module root.
func docTexts(t *testing.T) map[string]string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "..", "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	paths = append(paths, filepath.Join("..", "..", "README.md"))
	out := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(filepath.Join("..", ".."), p)
		out[filepath.ToSlash(rel)] = string(b)
	}
	return out
}

var perPerson = regexp.MustCompile(`([0-9][0-9,]*)\s+bytes\s+per\s+person`)

// bytesPerPersonCopies returns every "N bytes per person" in text whose N is not want.
func bytesPerPersonCopies(text string, want int) []string {
	var bad []string
	for _, m := range perPerson.FindAllStringSubmatch(text, -1) {
		n, err := strconv.Atoi(string(bytes.ReplaceAll([]byte(m[1]), []byte(","), nil)))
		if err != nil || n != want {
			bad = append(bad, m[0])
		}
	}
	return bad
}

// TestDocsBytesPerPerson holds every "N bytes per person" in the README
// and docs/ to the memory estimate's bytesPerPerson, and requires the
// README to say it.
func TestDocsBytesPerPerson(t *testing.T) {
	docs := docTexts(t)
	for name, text := range docs {
		for _, b := range bytesPerPersonCopies(text, bytesPerPerson) {
			t.Errorf("%s: %q, the memory estimate uses %d bytes per person (cmd/returnsim/memory.go)", name, b, bytesPerPerson)
		}
	}
	if !perPerson.MatchString(docs["README.md"]) {
		t.Error("README.md no longer says how many bytes per person the memory estimate counts")
	}
	if bad := bytesPerPersonCopies("the estimate: 400 bytes per person per worker", bytesPerPerson); len(bad) != 1 {
		t.Errorf("a wrong copy was not caught: %v", bad)
	}
}

// TestDocsReplicates holds the README's "x N replicates" of the first
// command to run's default --replicates, read from run -h.
func TestDocsReplicates(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run([]string{"run", "-h"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`-replicates int\n\s+[^\n]*\(default ([0-9]+)\)`).FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("run -h does not give --replicates' default:\n%s", stderr.String())
	}
	want := fmt.Sprintf("x %s replicates", m[1])
	if readme := docTexts(t)["README.md"]; !bytes.Contains([]byte(readme), []byte(want)) {
		t.Errorf("README.md does not say %q (run's default --replicates)", want)
	}
}

// TestDocsGoVersion holds the README's "Go (X.Y or later)" to go.mod's go
// directive.
func TestDocsGoVersion(t *testing.T) {
	mod, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go ([0-9]+\.[0-9]+)`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod has no go directive")
	}
	want := fmt.Sprintf("Go (%s or later)", m[1])
	if !bytes.Contains([]byte(docTexts(t)["README.md"]), []byte(want)) {
		t.Errorf("README.md does not say %q (go.mod's go directive)", want)
	}
}
