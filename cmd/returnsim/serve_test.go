package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServe: serve lists in the usage, refuses what it cannot serve
// (replicates out of range, a study without a fork, two files), and on
// the test study prints its address, answers the page and a lever, and
// stops cleanly when its context ends (as on SIGINT or SIGTERM).
func TestServe(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run([]string{"help"}, &out, &errb); err != nil || !strings.Contains(out.String(), "serve [FILE.toml]") {
		t.Errorf("the usage does not list serve: %v\n%s", err, out.String())
	}
	tiny := filepath.Join("..", "..", "serve", "testdata", "tiny.toml")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--replicates", "0", tiny}, "--replicates 0"},
		{[]string{"serve", "--replicates", "65", tiny}, "want 1 to 64"},
		{[]string{"serve", tiny, tiny}, "one study file"},
		{[]string{"serve", filepath.Join("testdata", "small.toml")}, "no fork"},
		{[]string{"serve", "--addr", "no-port", tiny}, "serve:"},
	} {
		err := run(tc.args, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one saying %q", tc.args, err, tc.want)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- serveUntil(ctx, []string{tiny, "--addr", "127.0.0.1:0", "--replicates", "2", "--workers", "2"}, pw, io.Discard)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	var addr string
	for lines.Scan() {
		if u, ok := strings.CutPrefix(lines.Text(), "ready: "); ok {
			addr, _, _ = strings.Cut(u, " ")
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if addr == "" {
		t.Fatalf("serve printed no address: %v", <-done)
	}
	resp, err := http.Get(addr)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %v %v", addr, resp, err)
	}
	resp.Body.Close()
	resp, err = http.PostForm(addr+"api/run", url.Values{"scenario": {"ngo"}, "enforcement": {"1.5"}})
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("a lever: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after its context ended: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("serve did not stop within 10 s of its context's end")
	}
}
