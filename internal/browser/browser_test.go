package browser

import (
	"os"
	"path/filepath"
	"testing"
)

// TestChromium: $CHROMIUM wins; else the first of the usual names on PATH;
// else "".
func TestChromium(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "chromium-browser")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	t.Setenv("CHROMIUM", "/opt/chrome")
	if got := Chromium(); got != "/opt/chrome" {
		t.Errorf("with CHROMIUM: %q", got)
	}
	t.Setenv("CHROMIUM", "")
	if got := Chromium(); got != fake {
		t.Errorf("on PATH: %q, want %q", got, fake)
	}
	t.Setenv("PATH", t.TempDir())
	if got := Chromium(); got != "" {
		t.Errorf("none: %q, want empty", got)
	}
}
