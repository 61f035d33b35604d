package serve

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/results"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/study"
)

const tinyFile = "testdata/tiny.toml"

// testServer is a Server of the study text (the file named file) with
// reps histories, seed 5, and an httptest server of it.
func testServer(t testing.TB, file string, text []byte, reps int, post *calibrate.Posterior, opt Options) (*Server, *httptest.Server) {
	t.Helper()
	st, err := scenarios.Parse(file, text)
	if err != nil {
		t.Fatal(err)
	}
	f, err := study.Fork(context.Background(), st, study.ForkOptions{Seed: 5, Replicates: reps, Workers: 2, Posterior: post})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	opt.Posterior, opt.Workers = post, 2
	s, err := New(f, st, file, text, opt)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	ts.Config.Handler = s.Handler(ts.Listener.Addr().String())
	ts.Start()
	t.Cleanup(ts.Close)
	t.Cleanup(s.Close)
	return s, ts
}

func tiny(t testing.TB, reps int, opt Options) (*Server, *httptest.Server) {
	t.Helper()
	text, err := os.ReadFile(tinyFile)
	if err != nil {
		t.Fatal(err)
	}
	return testServer(t, tinyFile, text, reps, nil, opt)
}

// post sends the levers q to /api/run and returns the status and body.
func post(t testing.TB, ts *httptest.Server, q url.Values) (int, []byte) {
	t.Helper()
	resp, err := http.PostForm(ts.URL+"/api/run", q)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// csvRows are a result file's rows as maps from column to field, with
// its header.
func csvRows(t *testing.T, path string) ([]string, []map[string]string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	head := strings.Split(lines[0], ",")
	var out []map[string]string
	for _, l := range lines[1:] {
		m := map[string]string{}
		for i, f := range strings.Split(l, ",") {
			m[head[i]] = f
		}
		out = append(out, m)
	}
	return head, out
}

// sameRows reports where the JSON rows (generic maps) differ from a
// result file's rows of the same scenarios: field by field, each number
// of the JSON at the file's fixed precision (results.FormatFixed, null
// written NaN), under the file's column names.
func sameRows(t *testing.T, what string, got []map[string]any, head []string, want []map[string]string, scenarios ...string) {
	t.Helper()
	var rows []map[string]string
	for _, r := range want {
		for _, s := range scenarios {
			if r["scenario"] == s {
				rows = append(rows, r)
			}
		}
	}
	if len(rows) == 0 || len(got) != len(rows) {
		t.Fatalf("%s: %d rows in the answer, %d in the file", what, len(got), len(rows))
	}
	for i, r := range rows {
		for _, col := range head {
			v, ok := got[i][col]
			if !ok {
				t.Fatalf("%s: the answer's row has no %s", what, col)
			}
			var s string
			switch x := v.(type) {
			case nil:
				s = "NaN"
			case json.Number:
				f, err := x.Float64()
				if err != nil {
					t.Fatal(err)
				}
				if col == "year" || col == "months" {
					s = x.String()
				} else {
					s = results.FormatFixed(f)
				}
			case string:
				s = x
			default:
				s = fmt.Sprint(x)
			}
			if s != r[col] {
				t.Errorf("%s, row %d (%s %s): %s %s in the answer, %s in the file", what, i, r["scenario"], r["metric"], col, s, r[col])
			}
		}
	}
}

// TestPageIsRun: the page's numbers, the server's JSON, are those that
// study.Run writes in summary.csv, yearly.csv and groups-summary.csv for
// the page's study file (the download), the same seed and replicates:
// for the study's own scenarios taken as they are, for levers moved, for
// a group rule from a later month, for fewer replicates, and with a
// posterior (P(beats baseline)).
func TestPageIsRun(t *testing.T) {
	text, err := os.ReadFile(tinyFile)
	if err != nil {
		t.Fatal(err)
	}
	posterior, err := calibrate.ReadPosterior(filepath.Join("..", "cmd", "returnsim", "testdata", "posterior-small.csv"))
	if err != nil {
		t.Fatal(err)
	}
	_, plain := testServer(t, tinyFile, text, 3, nil, Options{})
	_, drawn := testServer(t, tinyFile, text, 3, posterior, Options{})
	for _, tc := range []struct {
		ts   *httptest.Server
		post *calibrate.Posterior
		q    url.Values
	}{
		{plain, nil, url.Values{"scenario": {"ngo"}}},
		{plain, nil, url.Values{"scenario": {"families-periodic"}}},
		{plain, nil, url.Values{"scenario": {"baseline"}, "enforcement": {"1.5"}, "reintegration.cash_eur": {"1000"}, "capacity.removals_per_month": {"40"}}},
		{plain, nil, url.Values{"scenario": {"ngo"}, "from": {"2018-07"}, "for.cooperation": {"low"}, "counselling.partner_contact": {"true"}}},
		{plain, nil, url.Values{"scenario": {"ngo"}, "replicates": {"2"}, "counselling.timing": {"deadline"}}},
		{drawn, posterior, url.Values{"scenario": {"ngo"}, "counselling.country_knowledge": {"0.9"}}},
	} {
		code, body := post(t, tc.ts, tc.q)
		if code != http.StatusOK {
			t.Fatalf("%v: %d %s", tc.q, code, body)
		}
		var a struct {
			Answer
			Rows   []map[string]any `json:"rows"`
			Yearly []map[string]any `json:"yearly"`
			Groups []map[string]any `json:"groups"`
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&a); err != nil {
			t.Fatal(err)
		}
		// returnsim run of the page's study file, as a planner would run
		// the download: its own histories, nothing shared with the server
		dir := t.TempDir()
		file := filepath.Join(dir, "what-if.toml")
		if err := os.WriteFile(file, []byte(a.Text), 0o644); err != nil {
			t.Fatal(err)
		}
		st, err := scenarios.Load(file)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "out")
		if _, err := study.Run(context.Background(), st, study.Options{Out: out, Seed: 5, Replicates: a.Replicates, Workers: 2, Posterior: tc.post}); err != nil {
			t.Fatal(err)
		}
		what := fmt.Sprint(tc.q)
		head, rows := csvRows(t, filepath.Join(out, "summary.csv"))
		sameRows(t, what+" summary.csv", a.Rows, head, rows, a.Baseline, a.Scenario)
		head, rows = csvRows(t, filepath.Join(out, "yearly.csv"))
		sameRows(t, what+" yearly.csv", a.Yearly, head, rows, a.Baseline, a.Scenario)
		head, rows = csvRows(t, filepath.Join(out, "groups-summary.csv"))
		var kept []map[string]string
		for _, r := range rows {
			if r["by"] != "origin" {
				kept = append(kept, r)
			}
		}
		sameRows(t, what+" groups-summary.csv", a.Groups, head, kept, a.Baseline, a.Scenario)
		if tc.post != nil {
			p := ""
			for _, r := range a.Rows {
				if r["scenario"] == "what-if" && r["metric"] == "verified_per_1000" {
					p = fmt.Sprint(r["p_above_baseline"])
				}
			}
			if p == "" || p == "<nil>" {
				t.Errorf("with a posterior: P(beats baseline) %q", p)
			}
		}
	}
}

// TestLeversSayTinyStudy: the levers of each scenario of the test study
// give its policy from the fork on (a variant with a policy of its own,
// whose base changes before the fork must be restated, and a group
// rule).
func TestLeversSayTinyStudy(t *testing.T) {
	text, err := os.ReadFile(tinyFile)
	if err != nil {
		t.Fatal(err)
	}
	st, err := scenarios.Parse(tinyFile, text)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewBuilder(tinyFile, text, st)
	if err != nil {
		t.Fatal(err)
	}
	for i := range st.Scenarios {
		if ls, note := b.Start(&st.Scenarios[i]); note != "" {
			t.Errorf("%s: %s\n%s", st.Scenarios[i].Name, note, b.Text(ls, st.Scenarios[i].Name))
		}
	}
}

// TestDownloads: the study file downloaded parses, with scenarios.Parse,
// to the configuration the page ran; the zip holds the result folder of
// returnsim run --report of it, whose summary.csv has the page's numbers,
// and the study file; the temporary folder it was made in is gone.
func TestDownloads(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	_, ts := tiny(t, 2, Options{})
	q := url.Values{"scenario": {"families-periodic"}, "counselling.provider.government": {"0.5"}, "counselling.provider.ngo": {"0.5"}, "from": {"2018-04"}}
	code, body := post(t, ts, q)
	if code != http.StatusOK {
		t.Fatalf("%d %s", code, body)
	}
	var a Answer
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatal(err)
	}
	get := func(path string) []byte {
		resp, err := http.Get(ts.URL + path + "?" + a.Query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, b)
		}
		return b
	}
	text := get("/download/what-if.toml")
	st, err := scenarios.Parse("what-if.toml", text)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Scenarios[len(st.Scenarios)-1].ConfigSHA256(); got != a.ConfigSHA256 || string(text) != a.Text {
		t.Errorf("the downloaded study file's what-if has config %s, the page ran %s", got, a.ConfigSHA256)
	}
	zb := get("/download/what-if.zip")
	z, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range z.File {
		r, _ := f.Open()
		files[f.Name], _ = io.ReadAll(r)
		r.Close()
	}
	for _, name := range []string{"what-if.toml", "what-if/summary.csv", "what-if/report.html", "what-if/manifest.json", "what-if/yearly.csv"} {
		if files[name] == nil {
			t.Errorf("the zip has no %s: %d files", name, len(files))
		}
	}
	if string(files["what-if.toml"]) != a.Text {
		t.Error("the zip's study file is not the page's")
	}
	for _, r := range a.Rows {
		line := fmt.Sprintf("\n%s,%s,%s,%s,%s,", r.Scenario, r.Metric, results.FormatFixed(float64(r.Mean)), results.FormatFixed(float64(r.CILow)), results.FormatFixed(float64(r.CIHigh)))
		if !bytes.Contains(files["what-if/summary.csv"], []byte(line)) {
			t.Errorf("the zip's summary.csv has no %q", line[1:])
			break
		}
	}
	if !bytes.Contains(files["what-if/manifest.json"], []byte(`"returnsim",`+"\n"+`    "run",`)) {
		t.Errorf("the zip's manifest does not give the command that makes it again: %.300s", files["what-if/manifest.json"])
	}
	left, _ := os.ReadDir(tmp)
	if len(left) != 0 {
		t.Errorf("the temporary folder holds %d entries after the download: %v", len(left), left)
	}
}

// TestRestoresURL: the page at a URL of levers shows those levers, over
// the scenario it names.
func TestRestoresURL(t *testing.T) {
	_, ts := tiny(t, 1, Options{})
	resp, err := http.Get(ts.URL + "/?scenario=ngo&enforcement=2.5&for.household=family")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	for _, want := range []string{
		`<option value="ngo" selected>`,
		`name="enforcement" type="text" value="2.5"`,
		`<option value="family" selected>family</option>`,
		`name="counselling.provider.ngo" type="text" value="1"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page has no %s", want)
		}
	}
}

// answering fails the test unless the server still answers a page and a
// run.
func answering(t *testing.T, ts *httptest.Server, what string) {
	t.Helper()
	resp, err := http.Get(ts.URL + "/")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("after %s: the page: %v %v", what, resp, err)
	}
	resp.Body.Close()
	if code, body := post(t, ts, url.Values{"scenario": {"ngo"}}); code != http.StatusOK || !bytes.Contains(body, []byte(`"rows":[`)) {
		t.Fatalf("after %s: a run: %d %.200s", what, code, body)
	}
}

// TestSafety: a request whose Host is another name (DNS rebinding) and
// a POST from another origin get 403; a value out of range gets its
// problem, naming its field (an answer, 200, with problems and no rows); a body over the cap gets 413; a thousand
// requests in a second get answers or 429, never an error of the
// server's; and after each the server still answers.
func TestSafety(t *testing.T) {
	_, ts := tiny(t, 2, Options{Queue: 4, Wait: 200 * time.Millisecond})
	host := ts.Listener.Addr().String()
	_, port, _ := net.SplitHostPort(host)
	do := func(method, path, hostHeader, origin string, body io.Reader) (int, string) {
		req, _ := http.NewRequest(method, ts.URL+path, body)
		if hostHeader != "" {
			req.Host = hostHeader
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	t.Run("foreign host", func(t *testing.T) {
		for _, h := range []string{"evil.example:" + port, "127.0.0.1.nip.io:" + port, "evil.example", "127.0.0.1:1"} {
			if code, _ := do("GET", "/", h, "", nil); code != http.StatusForbidden {
				t.Errorf("Host %s: %d, want 403", h, code)
			}
			if code, _ := do("POST", "/api/run", h, "", strings.NewReader("scenario=ngo")); code != http.StatusForbidden {
				t.Errorf("POST with Host %s: %d, want 403", h, code)
			}
		}
		if code, _ := do("GET", "/", "localhost:"+port, "", nil); code != http.StatusOK {
			t.Errorf("Host localhost:%s: %d, want 200", port, code)
		}
		answering(t, ts, "foreign hosts")
	})
	t.Run("foreign origin", func(t *testing.T) {
		for _, o := range []string{"http://evil.example", "http://" + host + ".evil.example", "null"} {
			if code, _ := do("POST", "/api/run", "", o, strings.NewReader("scenario=ngo")); code != http.StatusForbidden {
				t.Errorf("Origin %s: %d, want 403", o, code)
			}
		}
		if code, b := do("POST", "/api/run", "", "http://"+host, strings.NewReader("scenario=ngo")); code != http.StatusOK {
			t.Errorf("Origin of the server's own page: %d %.200s", code, b)
		}
		answering(t, ts, "foreign origins")
	})
	t.Run("out of range", func(t *testing.T) {
		code, b := do("POST", "/api/run", "", "", strings.NewReader("scenario=ngo&enforcement=11&counselling.counsellors=x&replicates=99"))
		var p problems
		if code != http.StatusOK || json.Unmarshal([]byte(b), &p) != nil {
			t.Fatalf("%d %s", code, b)
		}
		if len(p.Problems) != 1 || p.Problems[0].Field != "replicates" {
			t.Errorf("problems %+v, want the replicates' first", p.Problems)
		}
		code, b = do("POST", "/api/run", "", "", strings.NewReader("scenario=ngo&enforcement=11&counselling.counsellors=x"))
		if code != http.StatusOK || json.Unmarshal([]byte(b), &p) != nil {
			t.Fatalf("%d %s", code, b)
		}
		fields := map[string]string{}
		for _, x := range p.Problems {
			fields[x.Field] = x.Message
		}
		if !strings.Contains(fields["enforcement"], "out of range: want 0 to 10") || !strings.Contains(fields["counselling.counsellors"], "want integer") {
			t.Errorf("problems %+v, want enforcement's range and the counsellors' type, beside each", p.Problems)
		}
		if code, b = do("POST", "/api/run", "", "", strings.NewReader("scenario=nosuch")); code != http.StatusOK || !strings.Contains(b, `"field":"scenario"`) {
			t.Errorf("an unknown scenario: %d %s", code, b)
		}
		if code, b = do("POST", "/api/run", "", "", strings.NewReader("scenario=ngo&enforcement="+strings.Repeat("9", 200))); code != http.StatusOK || !strings.Contains(b, "at most 100") {
			t.Errorf("a long value: %d %s", code, b)
		}
		answering(t, ts, "values out of range")
	})
	t.Run("huge body", func(t *testing.T) {
		code, _ := do("POST", "/api/run", "", "", strings.NewReader("scenario=ngo&enforcement=1&x="+strings.Repeat("a", 1<<20)))
		if code != http.StatusRequestEntityTooLarge {
			t.Errorf("a 1 MiB body: %d, want 413", code)
		}
		answering(t, ts, "a huge body")
	})
	t.Run("a thousand requests in a second", func(t *testing.T) {
		var mu sync.Mutex
		codes := map[int]int{}
		var wg sync.WaitGroup
		start := time.Now()
		for g := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 20 {
					q := url.Values{"scenario": {"ngo"}, "enforcement": {strconv.FormatFloat(1+float64(g*20+i)/1000, 'f', 3, 64)}}
					resp, err := http.PostForm(ts.URL+"/api/run", q)
					if err != nil {
						t.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					mu.Lock()
					codes[resp.StatusCode]++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		t.Logf("1,000 requests in %.2f s: %v", time.Since(start).Seconds(), codes)
		for c, n := range codes {
			if c != http.StatusOK && c != http.StatusTooManyRequests {
				t.Errorf("%d requests got %d, want 200 or 429", n, c)
			}
		}
		answering(t, ts, "a thousand requests")
	})
}

func TestHostAllowed(t *testing.T) {
	for _, tc := range []struct {
		host, addr string
		ok         bool
	}{
		{"127.0.0.1:8080", "127.0.0.1:8080", true},
		{"localhost:8080", "127.0.0.1:8080", true},
		{"[::1]:8080", "127.0.0.1:8080", true},
		{"127.0.0.1:8081", "127.0.0.1:8080", false},
		{"evil.example:8080", "127.0.0.1:8080", false},
		{"192.168.1.5:8080", "127.0.0.1:8080", false},
		{"192.168.1.5:8080", "0.0.0.0:8080", true},
		{"evil.example:8080", "0.0.0.0:8080", false},
		{"192.168.1.5:8080", "192.168.1.5:8080", true},
		{"192.168.1.6:8080", "192.168.1.5:8080", false},
		{"myhost:8080", "myhost:8080", true},
		{"localhost", "127.0.0.1:80", true},
		{"", "127.0.0.1:8080", false},
	} {
		if got := HostAllowed(tc.host, tc.addr); got != tc.ok {
			t.Errorf("HostAllowed(%q, %q) = %t, want %t", tc.host, tc.addr, got, tc.ok)
		}
	}
	for addr, want := range map[string]bool{"127.0.0.1:8080": true, "[::1]:80": true, "localhost:8080": true, "0.0.0.0:8080": false, ":8080": false, "192.168.1.5:80": false} {
		if IsLoopback(addr) != want {
			t.Errorf("IsLoopback(%q) = %t", addr, !want)
		}
	}
}

// slowText is the test study at ten years and the intake times scale, so
// that an answer takes long enough to be cancelled midway.
func slowText(t *testing.T, scale string) []byte {
	t.Helper()
	text, err := os.ReadFile(tinyFile)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(text), "months = 36 ", "months = 120", 1)
	s = strings.Replace(s, "intake.scale = 0.05", "intake.scale = "+scale, 1)
	if s == string(text) {
		t.Fatal("the test study changed: slowText finds nothing to replace")
	}
	return []byte(s)
}

// TestCancel: a request that goes away (the page cancels its request
// when a lever moves) stops its simulation between two months, freeing
// its turn for the next request at once; and Serve shuts down on its
// context, stopping the simulations in flight.
func TestCancel(t *testing.T) {
	s, ts := testServer(t, tinyFile, slowText(t, "0.3"), 2, nil, Options{})
	q := url.Values{"scenario": {"ngo"}, "enforcement": {"1.7"}}
	t0 := time.Now()
	code, _ := post(t, ts, q)
	full := time.Since(t0)
	if code != http.StatusOK {
		t.Fatal(code)
	}
	// A request cancelled a quarter of a run in; it is tried again, with
	// another value, if the machine was so slow that it ended first.
	for try := 0; s.cancelled.Load() == 0 && try < 5; try++ {
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+"/api/run", strings.NewReader(fmt.Sprintf("scenario=ngo&enforcement=1.8%d", try)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		errc := make(chan error, 1)
		go func() {
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			errc <- err
		}()
		time.Sleep(full / 4)
		cancel()
		if err := <-errc; err == nil {
			continue // answered before it was cancelled
		}
		// a simulation that was not stopped runs to its end and counts
		// no cancellation: so the wait can be long (a loaded machine)
		// without the test passing for a simulation that ran on
		deadline := time.Now().Add(5 * time.Second)
		for s.cancelled.Load() == 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if s.cancelled.Load() != 1 {
			t.Fatalf("a request gone after a quarter of a run (%s): %d simulations stopped, want 1", full/4, s.cancelled.Load())
		}
	}
	if s.cancelled.Load() != 1 {
		t.Fatalf("%d simulations stopped, want 1", s.cancelled.Load())
	}
	t0 = time.Now()
	if code, _ := post(t, ts, url.Values{"scenario": {"ngo"}, "enforcement": {"1.9"}}); code != http.StatusOK {
		t.Fatal(code)
	}
	if next := time.Since(t0); next > 5*full {
		t.Errorf("the next request took %s, a whole run %s: the cancelled one held its turn", next, full)
	}

	// Serve stops on its context, with a simulation in flight.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(sctx, ln) }()
	go http.PostForm("http://"+ln.Addr().String()+"/api/run", url.Values{"scenario": {"ngo"}, "enforcement": {"2.1"}})
	time.Sleep(full / 4)
	stop()
	select {
	case err := <-served:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("Serve did not return within 5 s of its context's end")
	}
}

func TestBrowserCommand(t *testing.T) {
	for goos, want := range map[string]string{"linux": "xdg-open x", "freebsd": "xdg-open x", "darwin": "open x", "windows": "rundll32 url.dll,FileProtocolHandler x"} {
		name, args := browserCommand(goos, "x")
		if got := name + " " + strings.Join(args, " "); got != want {
			t.Errorf("%s: %q, want %q", goos, got, want)
		}
	}
}
