package serve

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
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

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/study"

	findbrowser "github.com/returnsim/returnsim/internal/browser"
)

var screenshot = flag.String("screenshot", "", "TestScreenshot: save the page of the default study, 1,200 pixels wide, to this PNG file (e.g. ../docs/serve.png)")

// chromium is the browser to test with (internal/browser).
func chromium() string { return findbrowser.Chromium() }

// browser is a headless Chromium driven by chromedp, 1,200 CSS pixels
// wide, that keeps what a planner would see go wrong: console messages,
// uncaught exceptions and the browser log's errors and warnings.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: starts a browser")
	}
	bin := chromium()
	if bin == "" {
		if os.Getenv("CI") == "" {
			t.Skip("no chromium on PATH (apt-get install chromium); CI is unset, so skipping")
		}
		t.Fatal("no chromium on PATH, and CI is set: .ci/run must install it")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.WindowSize(1200, 900), chromedp.DisableGPU)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancel3)
	b := &browser{ctx: ctx}
	listen := func(ev any) {
		var p string
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			p = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
		case *runtime.EventExceptionThrown:
			p = "exception: " + ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				p += " " + ev.ExceptionDetails.Exception.Description
			}
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError || ev.Entry.Level == cdplog.EntryLevelWarning {
				p = fmt.Sprintf("log %s (%s): %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
			}
		}
		if p != "" {
			b.mu.Lock()
			b.problems = append(b.problems, p)
			b.mu.Unlock()
		}
	}
	if err := chromedp.Listen(ctx, listen); err != nil { // starts the browser
		t.Fatal(err)
	}
	return b
}

// seen returns, and forgets, the problems the browser reported.
func (b *browser) seen() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.problems
	b.problems = nil
	return p
}

// state waits until the page's answer has settled (body's data-state is
// not busy) after request number after, and returns the state and the
// request's number.
func (b *browser) state(t *testing.T, after int) (string, int) {
	t.Helper()
	type state struct {
		State string
		Seq   string
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		st, err := chromedp.Run(b.ctx, chromedp.Evaluate[state](`({State: document.body.dataset.state || "", Seq: document.body.dataset.seq || "0"})`))
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.Atoi(st.Seq)
		if st.State != "" && st.State != "busy" && n > after {
			return st.State, n
		}
		if time.Now().After(deadline) {
			t.Fatalf("the page did not answer within 60 s: state %q, request %s", st.State, st.Seq)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// shown is what the page shows of its answer: the headline's cells by
// metric, the net cost, and the URL's query.
type shown struct {
	Cells map[string][]string
	Cost  string
	Query string
	Fan   int // polylines drawn in the fan
	Diff  int
}

func (b *browser) shown(t *testing.T) shown {
	t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[shown](`(() => {
		const cells = {};
		for (const tr of document.querySelectorAll("#headline tbody tr")) cells[tr.dataset.metric] = Array.from(tr.cells).map((c) => c.textContent);
		return {Cells: cells, Cost: document.getElementById("cost").dataset.cost || "", Query: location.search.slice(1),
			Fan: document.querySelectorAll("#fan polyline").length, Diff: document.querySelectorAll("#diff polyline").length};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// type_ replaces the value of the input of field with value, keystroke by
// keystroke, as a planner types it.
func (b *browser) type_(t *testing.T, field, value string) {
	t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.getElementById(%q).value = ""`, "f-"+field))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, chromedp.SendKeys(chromedp.CSS("#f-"+strings.ReplaceAll(field, ".", `\.`)), value)); err != nil {
		t.Fatal(err)
	}
}

// oneDecimal writes x as the page does: one decimal, thousands with
// commas, -0.0 as 0.0, and a + for a difference above 0.
func oneDecimal(x float64, sign bool) string {
	if math.IsNaN(x) {
		return "n/a"
	}
	if math.Round(x*10) == 0 {
		x = 0
	}
	s := strconv.FormatFloat(math.Abs(x), 'f', 1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	s = whole + "." + frac
	switch {
	case x < 0:
		s = "-" + s
	case sign && s != "0.0":
		s = "+" + s
	}
	return s
}

// runSummary is the summary.csv that study.Run writes for the page's
// study file of query q (asked of the server: the same text the page
// ran), with the server's seed and replicates, by scenario and metric.
func runSummary(t *testing.T, ts *httptest.Server, q string, seed int64, reps int) map[[2]string]map[string]string {
	t.Helper()
	resp, err := http.Get(ts.URL + "/download/what-if.toml?" + q)
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the study file of %s: %d %v %s", q, resp.StatusCode, err, text)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "what-if.toml")
	if err := os.WriteFile(file, text, 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := scenarios.Load(file)
	if err != nil {
		t.Fatalf("the page's study file: %v", err)
	}
	if _, err := study.Run(context.Background(), st, study.Options{Out: filepath.Join(dir, "out"), Seed: seed, Replicates: reps, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	_, rows := csvRows(t, filepath.Join(dir, "out", "summary.csv"))
	out := map[[2]string]map[string]string{}
	for _, r := range rows {
		out[[2]string{r["scenario"], r["metric"]}] = r
	}
	return out
}

// sameAsRun fails the test where the page's headline differs from
// summary.csv of study.Run for the same study file, seed and replicates.
func sameAsRun(t *testing.T, what string, s shown, sum map[[2]string]map[string]string) {
	t.Helper()
	f := func(r map[string]string, col string) float64 {
		x, err := strconv.ParseFloat(r[col], 64)
		if err != nil {
			return math.NaN()
		}
		return x
	}
	for _, m := range []string{"verified_per_1000", "avr_per_1000", "forced_per_1000"} {
		cells := s.Cells[m]
		b, w := sum[[2]string{"baseline", m}], sum[[2]string{"what-if", m}]
		if len(cells) < 4 || b == nil || w == nil {
			t.Fatalf("%s: %s: cells %q, rows %v %v", what, m, cells, b, w)
		}
		want := []string{
			oneDecimal(f(b, "mean"), false) + " [" + oneDecimal(f(b, "ci_low"), false) + ", " + oneDecimal(f(b, "ci_high"), false) + "]",
			oneDecimal(f(w, "mean"), false) + " [" + oneDecimal(f(w, "ci_low"), false) + ", " + oneDecimal(f(w, "ci_high"), false) + "]",
			oneDecimal(f(w, "diff_vs_baseline"), true) + " [" + oneDecimal(f(w, "diff_ci_low"), false) + ", " + oneDecimal(f(w, "diff_ci_high"), false) + "]",
		}
		for i, c := range want {
			if cells[i+1] != c {
				t.Errorf("%s: %s: the page shows %q, summary.csv of study.Run gives %q", what, m, cells[i+1], c)
			}
		}
	}
	net := f(sum[[2]string{"what-if", "net_verified"}], "mean")
	cost := sum[[2]string{"what-if", "cost_per_net_verified_eur"}]["mean"]
	if cost == "NaN" && net < 0 && s.Cost != "loses departures" {
		t.Errorf("%s: net change %g and no cost per departure in summary.csv, the page says %q, want \"loses departures\"", what, net, s.Cost)
	}
}

// TestPageInBrowser loads the page of the test study in headless
// Chromium, as a planner would, and fails on a console message, an
// exception or an error in the browser's log; on numbers that differ
// from summary.csv of study.Run for the page's study file, seed and
// replicates; on a lever moved whose numbers do not change; on a value
// out of range not shown beside its field; and on a URL that does not
// restore its levers and numbers. It skips when Chromium is absent and CI
// is unset, and with -short; in CI a missing browser fails it (.ci/run
// installs Debian's chromium).
func TestPageInBrowser(t *testing.T) {
	b := newBrowser(t)
	const reps = 3
	_, ts := tiny(t, reps, Options{})
	check := func(what string) {
		t.Helper()
		for _, p := range b.seen() {
			t.Errorf("%s: %s", what, p)
		}
	}

	// the page of a scenario of the study
	if err := chromedp.Do(b.ctx, chromedp.Navigate(ts.URL+"/?scenario=ngo")); err != nil {
		t.Fatal(err)
	}
	state, n := b.state(t, 0)
	if state != "done" {
		t.Fatalf("the first answer: state %s", state)
	}
	first := b.shown(t)
	if first.Fan != 2 || first.Diff != 1 {
		t.Errorf("the charts: %d lines in the fan, %d in the difference's; want 2 and 1", first.Fan, first.Diff)
	}
	sameAsRun(t, "ngo", first, runSummary(t, ts, first.Query, 5, reps))
	check("the first page")

	// a lever moved: the numbers change, and are run's
	b.type_(t, "enforcement", "3")
	state, n = b.state(t, n)
	moved := b.shown(t)
	if state != "done" || !strings.Contains(moved.Query, "enforcement=3") {
		t.Fatalf("after enforcement 3: state %s, query %s", state, moved.Query)
	}
	if fmt.Sprint(moved.Cells) == fmt.Sprint(first.Cells) {
		t.Errorf("three times the enforcement changed nothing on the page: %v", moved.Cells)
	}
	sameAsRun(t, "enforcement 3", moved, runSummary(t, ts, moved.Query, 5, reps))
	check("a lever moved")

	// a value out of range: its message beside its field, the last answer kept
	b.type_(t, "counselling.counsellors", "-4")
	state, n = b.state(t, n)
	beside, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(`#e-counselling\.counsellors`)))
	if err != nil {
		t.Fatal(err)
	}
	invalid, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS(`#f-counselling\.counsellors`), "aria-invalid"))
	if err != nil {
		t.Fatal(err)
	}
	if state != "problems" || !strings.Contains(beside, "out of range") || invalid.Value != "true" {
		t.Errorf("counsellors -4: state %s, beside the field %q, aria-invalid %q", state, beside, invalid.Value)
	}
	if still := b.shown(t); fmt.Sprint(still.Cells) != fmt.Sprint(moved.Cells) {
		t.Error("a refused value took the last answer away")
	}
	b.type_(t, "counselling.counsellors", "60")
	state, n = b.state(t, n)
	if state != "done" {
		t.Errorf("counsellors back to 60: state %s", state)
	}
	check("a value out of range")

	// a group from a later month, by its selector
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { const e = document.getElementById("f-for.household"); e.value = "family"; return e.dispatchEvent(new Event("input", {bubbles: true})); })()`)); err != nil {
		t.Fatal(err)
	}
	b.type_(t, "from", "2018-06")
	state, n = b.state(t, n)
	group := b.shown(t)
	if state != "done" {
		t.Fatalf("a group from 2018-06: state %s", state)
	}
	sameAsRun(t, "families from 2018-06", group, runSummary(t, ts, group.Query, 5, reps))
	check("a group")

	// the URL restores the levers and the answer
	query, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.search`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, chromedp.Navigate(ts.URL+"/"+query)); err != nil {
		t.Fatal(err)
	}
	state, _ = b.state(t, 0)
	enforcement, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(`#f-enforcement`)))
	if err != nil {
		t.Fatal(err)
	}
	household, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(`#f-for\.household`)))
	if err != nil {
		t.Fatal(err)
	}
	restored := b.shown(t)
	if state != "done" || enforcement != "3" || household != "family" || fmt.Sprint(restored.Cells) != fmt.Sprint(group.Cells) {
		t.Errorf("the URL %s restored enforcement %q, household %q, and %v; want 3, family and %v", query, enforcement, household, restored.Cells, group.Cells)
	}
	check("the URL restored")

	// the checks can fail: a page that throws is caught
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`setTimeout(() => { console.error("boom"); noSuchFunction(); }, 0)`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	got := strings.Join(b.seen(), "\n")
	for _, want := range []string{"console.error", "exception"} {
		if !strings.Contains(got, want) {
			t.Errorf("a page that throws: problems %q, want one of %s", got, want)
		}
	}
}

// TestBrowserCancels: a lever moved while the last answer is still being
// simulated cancels that request, and the server stops its simulation;
// the page shows the answer to the last lever.
func TestBrowserCancels(t *testing.T) {
	b := newBrowser(t)
	s, ts := testServer(t, tinyFile, slowText(t, "1"), 2, nil, Options{})
	if err := chromedp.Do(b.ctx, chromedp.Navigate(ts.URL+"/?scenario=ngo")); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	state, n := b.state(t, 0)
	full := time.Since(t0)
	if state != "done" {
		t.Fatalf("state %s", state)
	}
	submit := func(v string) {
		t.Helper()
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { document.getElementById("f-enforcement").value = %q; document.getElementById("levers").requestSubmit(); return true; })()`, v))); err != nil {
			t.Fatal(err)
		}
	}
	for try := 0; s.cancelled.Load() == 0 && try < 5; try++ {
		submit(fmt.Sprintf("1.%d1", try))
		time.Sleep(full / 4)
		submit(fmt.Sprintf("1.%d2", try))
		state, n = b.state(t, n)
	}
	if s.cancelled.Load() == 0 {
		t.Fatalf("levers moved a quarter of an answer (%s) apart: no simulation stopped", full/4)
	}
	if got := b.shown(t); state != "done" || !strings.Contains(got.Query, "enforcement=1.") || !strings.HasSuffix(strings.Split(strings.Split(got.Query, "enforcement=")[1], "&")[0], "2") {
		t.Errorf("after two levers: state %s, query %s; want the answer to the second", state, got.Query)
	}
	for _, p := range b.seen() {
		t.Error(p)
	}
}

// TestScreenshot saves the page of the default study (8 replicates, seed
// 1), started from the families-ngo scenario, 1,200 pixels wide, to
// -screenshot: README.md's docs/serve.png. It builds the default study's
// histories, so it runs only when asked:
//
//	go test ./serve -run TestScreenshot -screenshot ../docs/serve.png
func TestScreenshot(t *testing.T) {
	if *screenshot == "" {
		t.Skip("run with -screenshot FILE.png")
	}
	b := newBrowser(t)
	st, err := scenarios.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	f, err := study.Fork(context.Background(), st, study.ForkOptions{Seed: 1, Replicates: 8, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := New(f, st, scenarios.DefaultName, scenarios.DefaultText(), Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	ts.Config.Handler = s.Handler(ts.Listener.Addr().String())
	ts.Start()
	defer ts.Close()
	q := url.Values{"scenario": {"families-ngo"}}
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(1200, 1000), chromedp.Navigate(ts.URL+"/?"+q.Encode())); err != nil {
		t.Fatal(err)
	}
	if state, _ := b.state(t, 0); state != "done" {
		t.Fatalf("state %s", state)
	}
	shot, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range b.seen() {
		t.Error(p)
	}
	if err := os.WriteFile(*screenshot, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot written to %s", *screenshot)
}
