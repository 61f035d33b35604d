package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var sumLine = regexp.MustCompile(`(?m)^totals sha256 [0-9a-f]{12}`)

// TestSameInWasm runs one continuation natively and, when Node is on
// PATH, as js/wasm under Node (docs/performance.md, "In WebAssembly"): the
// continuation's totals are the same, so a page would show the numbers
// the command line does.
func TestSameInWasm(t *testing.T) {
	var native bytes.Buffer
	if err := bench(&native, 1, "", false); err != nil {
		t.Fatal(err)
	}
	want := sumLine.FindString(native.String())
	if want == "" || !strings.Contains(native.String(), "continued 2025-01 to 2030-12") {
		t.Fatalf("native output:\n%s\nwant the fork, the horizon and the totals' sum", native.String())
	}
	if testing.Short() {
		t.Skip("builds for js/wasm")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node on PATH")
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	wasm := filepath.Join(t.TempDir(), "wasmbench.wasm")
	build := exec.Command("go", "build", "-o", wasm, ".")
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build for js/wasm: %v\n%s", err, out)
	}
	out, err := exec.Command(node, "--stack-size=8192", filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec_node.js"), wasm, "-n", "1").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "js/wasm") {
		t.Fatalf("under node: %v\n%s", err, out)
	}
	if got := sumLine.FindString(string(out)); got != want {
		t.Errorf("js/wasm under node: %q, natively %q: want the same totals", got, want)
	}
}
