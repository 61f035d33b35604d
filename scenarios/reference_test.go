package scenarios

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/scenarios.md")

// TestReference keeps docs/scenarios.md equal to what the code declares.
func TestReference(t *testing.T) {
	path := filepath.Join("..", "docs", "scenarios.md")
	got := Reference()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Errorf("docs/scenarios.md is out of date: run go test ./scenarios -run Reference -update")
	}
}
