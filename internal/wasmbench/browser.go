//go:build !js

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/returnsim/returnsim/internal/browser"
)

// page runs the module with wasm_exec.js, collects what it prints and
// posts it to /done when the program exits (or fails to start).
const page = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>wasmbench</title><script src="wasm_exec.js"></script></head>
<body><pre id="out">running...</pre><script>
const lines = [];
for (const level of ["log", "warn", "error"]) {
  const orig = console[level];
  console[level] = (...a) => { lines.push(a.join(" ")); orig.apply(console, a); };
}
const done = (extra) => fetch("/done", {method: "POST", body: lines.concat(extra).join("\n")});
const go = new Go();
go.argv = ARGV;
WebAssembly.instantiateStreaming(fetch("bench.wasm"), go.importObject)
  .then((r) => go.run(r.instance))
  .then(() => { document.getElementById("out").textContent = lines.join("\n"); return done(["browser " + navigator.userAgent]); })
  .catch((e) => done(["error: " + e]));
</script></body></html>
`

// inBrowser builds this program for js/wasm, serves it on a local port
// with Go's wasm_exec.js and a page that runs it with args, opens the
// page in headless Chromium and copies what the program printed to w.
func inBrowser(w io.Writer, args []string) error {
	bin := browser.Chromium()
	if bin == "" {
		return errors.New("-browser: no chromium on PATH (apt-get install chromium) and CHROMIUM unset")
	}
	dir, err := os.MkdirTemp("", "wasmbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %w", err)
	}
	js, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return err
	}
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "bench.wasm"), "github.com/returnsim/returnsim/internal/wasmbench")
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build for js/wasm: %w", err)
	}
	argv, _ := json.Marshal(append([]string{"wasmbench"}, args...))
	if err := os.WriteFile(filepath.Join(dir, "wasm_exec.js"), js, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(strings.Replace(page, "ARGV", string(argv), 1)), 0o644); err != nil {
		return err
	}

	printed := make(chan string, 1)
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServer(http.Dir(dir)))
	mux.HandleFunc("POST /done", func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		select {
		case printed <- string(b):
		default:
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--no-default-browser-check", "--disable-extensions", "--user-data-dir="+filepath.Join(dir, "profile"),
		"http://"+ln.Addr().String()+"/index.html")
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		// asked to end, Chromium ends its own helper processes; Kill is
		// for a browser that does not (and for Windows, which has no SIGTERM)
		ended := make(chan struct{})
		go func() { cmd.Wait(); close(ended) }()
		if cmd.Process.Signal(syscall.SIGTERM) != nil {
			cmd.Process.Kill()
		}
		select {
		case <-ended:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-ended
		}
	}()
	select {
	case s := <-printed:
		fmt.Fprintln(w, s)
		if strings.Contains(s, "error: ") || strings.Contains(s, "exit code:") {
			return errors.New("the program failed in the browser")
		}
		return nil
	case <-ctx.Done():
		return errors.New("-browser: no result from the page in 15 minutes")
	}
}
