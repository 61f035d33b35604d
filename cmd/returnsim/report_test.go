package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunReport: run --report writes report.html and its charts beside
// the CSV files, and the page names every scenario of the run.
func TestRunReport(t *testing.T) {
	dir := t.TempDir()
	out, err := runArgs(t, "run", "testdata/small.toml", "--out", dir, "--replicates", "2", "--cases", "--report")
	if err != nil {
		t.Fatalf("run --report: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<!DOCTYPE html>", "baseline", "ngo", "package-from-12", "Provenance", "<svg"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if pngs, _ := filepath.Glob(filepath.Join(dir, "charts", "*.png")); len(pngs) == 0 {
		t.Error("no charts/*.png beside report.html")
	}
	if !strings.Contains(out, "report written to "+filepath.Join(dir, "report.html")) {
		t.Errorf("run --report did not say where the page is:\n%s", out)
	}
}

func TestReportVerb(t *testing.T) {
	src := filepath.Join("..", "..", "report", "testdata", "full")
	page := filepath.Join(t.TempDir(), "page.html")
	if out, err := runArgs(t, "report", src, "--out", page); err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}
	if _, err := os.Stat(page); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(page), "charts", "differences.svg")); err != nil {
		t.Error(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report"}, "want one result folder, got 0"},
		{[]string{"report", "a", "b"}, "want one result folder, got 2"},
		{[]string{"report", t.TempDir()}, "no summary.csv"},
		{[]string{"report", src, "--bogus"}, "flag provided but not defined"},
	} {
		_, err := runArgs(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
	}
}
