package report

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	findbrowser "github.com/returnsim/returnsim/internal/browser"
)

var (
	browserDir = flag.String("dir", "", "TestInBrowser: render this result folder instead of testdata/full (e.g. ../out)")
	screenshot = flag.String("screenshot", "", "TestInBrowser: also save the screenshot to this PNG file (e.g. ../docs/report.png)")
	shotHeight = flag.Int("shot-height", 0, "TestInBrowser: height in CSS pixels of the saved screenshot; 0 is the whole page")
)

// chromium is the browser to test with (internal/browser).
func chromium() string { return findbrowser.Chromium() }

// TestInBrowser renders report.html in headless Chromium, as a planner
// would open it, 1,200 CSS pixels wide, and fails on a console message, an
// uncaught exception, a failed load or any other error in the browser's
// log, a chart that is not drawn, a blank page, or a page that does not
// answer the planner's question (answers): no opening paragraph naming a
// scenario with a figure of summary.csv, no word of what is calibrated and
// what assumed, a change listed twice or hidden behind "more", a table
// wider than the page that does not scroll with its first column held, a
// chart's text (a legend's label) cut at its edge, or a scenario that loses
// departures on balance shown with a cost per departure.
//
// It drives Chromium through the DevTools protocol on a pipe
// (--remote-debugging-pipe: fd 3 in, fd 4 out, messages ended by NUL):
// unlike scraping --enable-logging output, the protocol reports each
// console call, exception and log entry as a typed event with its level,
// whatever the browser version prints, and it needs no port.
//
// It skips only when Chromium is absent and CI is unset; in CI a missing
// browser fails the test (.ci/run installs Debian's chromium).
func TestInBrowser(t *testing.T) {
	bin := chromium()
	if bin == "" {
		if os.Getenv("CI") == "" {
			t.Skip("no chromium on PATH (apt-get install chromium); CI is unset, so skipping")
		}
		t.Fatal("no chromium on PATH, and CI is set: .ci/run must install it")
	}
	src := full
	if *browserDir != "" {
		src = *browserDir
	}
	out := filepath.Join(t.TempDir(), "report.html")
	if _, err := WriteWith(src, out, dtv()); err != nil {
		t.Fatal(err)
	}
	pg, err := BuildWith(src, dtv())
	if err != nil {
		t.Fatal(err)
	}
	wantCharts := len(pg.Charts())
	facts := factsOf(t, src)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	b, err := startBrowser(ctx, t, bin)
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()

	problems, raw := b.check(out, wantCharts)
	problems = append(problems, b.answers(out, facts)...)
	for _, p := range problems {
		t.Error(p)
	}
	if *screenshot != "" && raw != nil {
		if err := os.WriteFile(*screenshot, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot written to %s", *screenshot)
	}

	// The checks can fail: a broken page shows each problem.
	if *browserDir == "" {
		html, _ := os.ReadFile(out)
		broken := strings.Replace(string(html), "<main>", `<main><img src="missing.png"><script>console.error("boom"); noSuchFunction();</script>`, 1)
		i := strings.Index(broken, "<svg")
		j := strings.Index(broken[i:], "</svg>")
		broken = broken[:i] + broken[i+j+len("</svg>"):]
		bad := filepath.Join(filepath.Dir(out), "broken.html")
		os.WriteFile(bad, []byte(broken), 0o644)
		got, _ := b.check(bad, wantCharts)
		for _, want := range []string{"svg", "consoleAPICalled", "exceptionThrown", "missing.png"} {
			if !strings.Contains(strings.Join(got, "\n"), want) {
				t.Errorf("broken page: problems %q, want one about %s", got, want)
			}
		}
		// a page that does not answer the question: the faults the
		// planner found, each put back
		html = []byte(strings.Replace(string(html), `<p class="opening">`, `<p>`, 1))
		unanswered := string(html)
		unanswered = strings.ReplaceAll(unanswered, "calibrated", "fitted")
		for _, r := range []struct{ old, new string }{
			{".wrap tr > :first-child { position: sticky;", ".wrap tr > :first-child { position: static;"},
			{"<li>who counsels: ngo (baseline: government)</li>", "<li>who counsels: ngo (baseline: government)</li><li>who counsels: ngo (baseline: government)</li><li>and 8 more</li>"},
			{">loses departures</td>", ">3,999 EUR</td>"},
			{"<h2>What was compared</h2>", `<h2>What was compared</h2><div class="wrap"><table><tr><th>scenario</th><td style="white-space: nowrap">` + strings.Repeat("a wide cell ", 200) + `</td></tr></table></div>`},
			{`<svg role="img"`, `<svg role="img"><text x="640" y="20">a legend label cut at the chart's edge</text></svg><svg role="img"`},
		} {
			if !strings.Contains(unanswered, r.old) {
				t.Fatalf("the page has no %q to break", r.old)
			}
			unanswered = strings.Replace(unanswered, r.old, r.new, 1)
		}
		bad = filepath.Join(filepath.Dir(out), "unanswered.html")
		os.WriteFile(bad, []byte(unanswered), 0o644)
		got = b.answers(bad, facts)
		for _, want := range []string{"opening paragraph", "calibrated", "twice", "more", "sticky", "cut", "loses departures"} {
			if !strings.Contains(strings.Join(got, "\n"), want) {
				t.Errorf("a page that does not answer: problems %q, want one about %s", got, want)
			}
		}
		blank := filepath.Join(filepath.Dir(out), "blank.html")
		os.WriteFile(blank, []byte("<!DOCTYPE html><html><body style=\"height:2000px\"></body></html>"), 0o644)
		if got, _ := b.check(blank, 0); !strings.Contains(strings.Join(got, "\n"), "blank") {
			t.Errorf("blank page: problems %q, want one saying it is blank", got)
		}
	}
}

// check opens page and returns what a planner would see go wrong: a
// chart not drawn, a blank page, a console message, an exception or an
// error in the browser's log; and the whole page's screenshot.
func (b *browser) check(page string, wantCharts int) (problems []string, shot []byte) {
	const width = 1200
	fail := func(err error) ([]string, []byte) { return append(problems, err.Error()), nil }
	b.mu.Lock()
	b.evs = nil
	b.mu.Unlock()
	if _, err := b.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": false}); err != nil {
		return fail(err)
	}
	if _, err := b.call("Page.navigate", map[string]any{"url": "file://" + page}); err != nil {
		return fail(err)
	}
	if err := b.waitEvent("Page.loadEventFired"); err != nil {
		return fail(err)
	}

	// Every chart is in the DOM and drawn at a visible size.
	var counts struct{ SVG, Drawn, Figures int }
	if err := b.eval(`(() => {
		const svgs = Array.from(document.querySelectorAll("figure svg"));
		return {SVG: document.querySelectorAll("svg").length,
			Drawn: svgs.filter(s => { const r = s.getBoundingClientRect(); return r.width > 200 && r.height > 100 && s.querySelectorAll("path").length > 5; }).length,
			Figures: document.querySelectorAll("figure").length};
	})()`, &counts); err != nil {
		return fail(err)
	}
	if counts.SVG != wantCharts || counts.Drawn != wantCharts {
		problems = append(problems, fmt.Sprintf("%s: %d svg, %d drawn at a visible size, %d figures; want %d charts", page, counts.SVG, counts.Drawn, counts.Figures, wantCharts))
	}

	// A screenshot of the whole page, not all one colour.
	var height float64
	if err := b.eval(`document.documentElement.scrollHeight`, &height); err != nil {
		return fail(err)
	}
	if *shotHeight > 0 {
		height = min(height, float64(*shotHeight))
	}
	res, err := b.call("Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
	if err != nil {
		return fail(err)
	}
	var sc struct{ Data string }
	json.Unmarshal(res, &sc)
	raw, err := base64.StdEncoding.DecodeString(sc.Data)
	if err != nil {
		return fail(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		return fail(fmt.Errorf("screenshot: %w", err))
	}
	if img.Bounds().Dx() != width || img.Bounds().Dy() < 900 {
		problems = append(problems, fmt.Sprintf("%s: screenshot %v, want %d wide and the whole page", page, img.Bounds(), width))
	}
	if share, sd := inked(img); share < 0.02 || sd < 10 {
		problems = append(problems, fmt.Sprintf("%s: %.2f%% of pixels differ from the background, luminance sd %.1f: the page looks blank", page, 100*share, sd))
	}

	// Nothing went wrong in the browser.
	for _, e := range b.events() {
		switch e.Method {
		case "Runtime.consoleAPICalled", "Runtime.exceptionThrown":
			problems = append(problems, fmt.Sprintf("%s: browser %s %s", page, e.Method, e.Params))
		case "Log.entryAdded":
			var le struct {
				Entry struct{ Level, Source, Text, URL string }
			}
			json.Unmarshal(e.Params, &le)
			if le.Entry.Level == "error" || le.Entry.Level == "warning" {
				problems = append(problems, fmt.Sprintf("%s: browser log: %s %s: %s %s", page, le.Entry.Level, le.Entry.Source, le.Entry.Text, le.Entry.URL))
			}
		}
	}
	return problems, raw
}

// inked returns the share of pixels that differ from the top-left one and
// the standard deviation of luminance (0-255): a blank page has both near
// zero.
func inked(img image.Image) (share, sd float64) {
	bg := img.At(0, 0)
	br, bgG, bb, _ := bg.RGBA()
	var n, diff float64
	var sum, sum2 float64
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := r.Min.X; x < r.Max.X; x += 2 {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr != br || cg != bgG || cb != bb {
				diff++
			}
			l := (0.299*float64(cr) + 0.587*float64(cg) + 0.114*float64(cb)) / 257
			sum += l
			sum2 += l * l
			n++
		}
	}
	mean := sum / n
	return diff / n, math.Sqrt(max(0, sum2/n-mean*mean))
}

// browser is a headless Chromium driven over --remote-debugging-pipe.
type browser struct {
	t       *testing.T
	cmd     *exec.Cmd
	in      *os.File // we write commands here (the browser's fd 3)
	stderr  bytes.Buffer
	session string

	mu      sync.Mutex
	nextID  int
	waiting map[int]chan message
	evs     []message
	newEv   chan struct{}
	done    chan struct{}
}

type message struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct{ Message string }
	SessionID string `json:"sessionId,omitempty"`
}

func startBrowser(ctx context.Context, t *testing.T, bin string) (*browser, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	b := &browser{t: t, in: inW, waiting: map[int]chan message{}, newEv: make(chan struct{}, 1), done: make(chan struct{})}
	b.cmd = exec.CommandContext(ctx, bin, "--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
		"--no-first-run", "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
		"--user-data-dir="+t.TempDir(), "about:blank")
	b.cmd.ExtraFiles = []*os.File{inR, outW}
	b.cmd.Stderr = &b.stderr
	if err := b.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	inR.Close()
	outW.Close()
	go b.read(outR)

	res, err := b.call("Target.createTarget", map[string]any{"url": "about:blank"})
	if err != nil {
		b.close()
		return nil, err
	}
	var tg struct{ TargetID string }
	json.Unmarshal(res, &tg)
	res, err = b.call("Target.attachToTarget", map[string]any{"targetId": tg.TargetID, "flatten": true})
	if err != nil {
		b.close()
		return nil, err
	}
	var at struct{ SessionID string }
	json.Unmarshal(res, &at)
	b.session = at.SessionID
	for _, m := range []string{"Runtime.enable", "Log.enable", "Page.enable"} {
		if _, err := b.call(m, nil); err != nil {
			b.close()
			return nil, err
		}
	}
	return b, nil
}

func (b *browser) read(r *os.File) {
	defer close(b.done)
	sc := bufio.NewReader(r)
	for {
		raw, err := sc.ReadBytes(0)
		if err != nil {
			return
		}
		var m message
		if json.Unmarshal(raw[:len(raw)-1], &m) != nil {
			continue
		}
		b.mu.Lock()
		if m.ID != 0 {
			if ch, ok := b.waiting[m.ID]; ok {
				ch <- m
				delete(b.waiting, m.ID)
			}
		} else if m.SessionID == b.session || b.session == "" {
			b.evs = append(b.evs, m)
			select {
			case b.newEv <- struct{}{}:
			default:
			}
		}
		b.mu.Unlock()
	}
}

// call sends a command to the page's session (or the browser before one
// is attached) and waits for its result.
func (b *browser) call(method string, params any) (json.RawMessage, error) {
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan message, 1)
	b.waiting[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if b.session != "" && !strings.HasPrefix(method, "Target.") {
		msg["sessionId"] = b.session
	}
	raw, _ := json.Marshal(msg)
	if _, err := b.in.Write(append(raw, 0)); err != nil {
		return nil, fmt.Errorf("%s: %w (stderr: %s)", method, err, b.stderr.String())
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return nil, fmt.Errorf("%s: %s", method, m.Error.Message)
		}
		return m.Result, nil
	case <-b.done:
		return nil, fmt.Errorf("%s: the browser closed the pipe (stderr: %s)", method, b.stderr.String())
	case <-time.After(60 * time.Second):
		return nil, fmt.Errorf("%s: no answer in 60 s", method)
	}
}

func (b *browser) eval(expr string, v any) error {
	res, err := b.call("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true})
	if err != nil {
		return err
	}
	var r struct {
		Result           struct{ Value json.RawMessage }
		ExceptionDetails json.RawMessage
	}
	json.Unmarshal(res, &r)
	if len(r.ExceptionDetails) > 0 {
		return fmt.Errorf("evaluating %q: %s", expr, r.ExceptionDetails)
	}
	return json.Unmarshal(r.Result.Value, v)
}

func (b *browser) waitEvent(method string) error {
	deadline := time.After(60 * time.Second)
	for {
		for _, e := range b.events() {
			if e.Method == method {
				return nil
			}
		}
		select {
		case <-b.newEv:
		case <-b.done:
			return fmt.Errorf("waiting for %s: the browser closed the pipe (stderr: %s)", method, b.stderr.String())
		case <-deadline:
			return fmt.Errorf("no %s in 60 s", method)
		}
	}
}

func (b *browser) events() []message {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]message(nil), b.evs...)
}

func (b *browser) close() {
	b.call("Browser.close", nil)
	b.in.Close()
	done := make(chan struct{})
	go func() { b.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		b.cmd.Process.Kill()
		<-done
	}
}

// pageFacts are what summary.csv says, read here independently of the
// package's reader, that the page must show.
type pageFacts struct {
	scenarios []string          // but the baseline
	figures   map[string]string // scenario -> its paired difference in verified departures per 1,000, as the page writes it
	losing    []string          // scenarios whose net change in verified departures is below zero
}

func factsOf(t *testing.T, dir string) pageFacts {
	t.Helper()
	f := pageFacts{figures: map[string]string{}}
	for _, r := range readCSV(t, filepath.Join(dir, "summary.csv")) {
		x, _ := strconv.ParseFloat(r["diff_vs_baseline"], 64)
		mean, _ := strconv.ParseFloat(r["mean"], 64)
		if r["scenario"] == "baseline" {
			continue
		}
		switch r["metric"] {
		case "verified_per_1000":
			f.scenarios = append(f.scenarios, r["scenario"])
			f.figures[r["scenario"]] = fmt.Sprintf("%+.1f", x)
		case "net_verified":
			if mean < 0 {
				f.losing = append(f.losing, r["scenario"])
			}
		}
	}
	return f
}

// answers opens page, 1,200 pixels wide, and returns how it fails to
// answer the planner's question, by what the browser shows (innerText,
// computed styles, boxes), not by the page's source.
func (b *browser) answers(page string, f pageFacts) (problems []string) {
	b.mu.Lock()
	b.evs = nil
	b.mu.Unlock()
	if _, err := b.call("Page.navigate", map[string]any{"url": "file://" + page}); err != nil {
		return []string{err.Error()}
	}
	if err := b.waitEvent("Page.loadEventFired"); err != nil {
		return []string{err.Error()}
	}
	var p struct {
		Opening, Body        string
		Changes              [][]string
		DocWidth, InnerWidth float64
		Overflow             []struct {
			Table           string
			Width, Box      float64
			Scrolls, Sticky bool
		}
		Cut []struct {
			Chart, Text  string
			Right, Width float64
		}
		NetCost       []struct{ Scenario, Text string }
		NetCostTables int
	}
	if err := b.eval(`(() => {
		const txt = e => e.innerText.replace(/\s+/g, " ").trim();
		const op = document.querySelector("p.opening");
		const changes = Array.from(document.querySelectorAll("#compared tbody tr")).map(tr =>
			Array.from(tr.querySelectorAll("td:last-child li, td:last-child")).filter(e => e.tagName === "LI" || !e.querySelector("li")).map(txt));
		const overflow = [];
		for (const t of document.querySelectorAll("table")) {
			const box = t.parentElement;
			if (t.offsetWidth <= box.clientWidth + 1) continue;
			const ox = getComputedStyle(box).overflowX;
			const sticky = Array.from(t.rows).every(r => r.cells.length === 0 || getComputedStyle(r.cells[0]).position === "sticky");
			overflow.push({Table: txt(t).slice(0, 60), Width: t.offsetWidth, Box: box.clientWidth, Scrolls: ox === "auto" || ox === "scroll", Sticky: sticky});
		}
		const cut = [];
		document.querySelectorAll("figure svg").forEach((svg, i) => {
			const vb = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width ? svg.viewBox.baseVal : null;
			const w = vb ? vb.width : svg.width.baseVal.value;
			const x0 = vb ? vb.x : 0;
			for (const t of svg.querySelectorAll("text")) {
				const bb = t.getBBox();
				if (bb.width > 0 && (bb.x + bb.width > x0 + w + 2 || bb.x < x0 - 2)) {
					cut.push({Chart: svg.getAttribute("aria-label") || String(i), Text: t.textContent, Right: bb.x + bb.width, Width: w});
				}
			}
		});
		const net = [];
		let tables = 0;
		for (const t of document.querySelectorAll("table")) {
			const head = Array.from(t.querySelectorAll("thead th")).map(txt);
			const j = head.findIndex(h => h.startsWith("net cost per additional verified departure"));
			if (j < 0) continue;
			tables++;
			for (const r of t.tBodies[0].rows) net.push({Scenario: txt(r.cells[0]), Text: r.cells[j] ? txt(r.cells[j]) : ""});
		}
		return {Opening: op ? txt(op) : "", Body: document.body.innerText, Changes: changes,
			DocWidth: document.documentElement.scrollWidth, InnerWidth: window.innerWidth,
			Overflow: overflow, Cut: cut, NetCost: net, NetCostTables: tables};
	})()`, &p); err != nil {
		return []string{err.Error()}
	}
	bad := func(format string, args ...any) { problems = append(problems, page+": "+fmt.Sprintf(format, args...)) }

	// the opening paragraph names a scenario with its figure of summary.csv
	named := ""
	for _, sc := range f.scenarios {
		if strings.Contains(p.Opening, sc) && strings.Contains(p.Opening, f.figures[sc]+" [") {
			named = sc
		}
	}
	switch {
	case p.Opening == "":
		bad("no opening paragraph (p.opening)")
	case named == "":
		bad("the opening paragraph %q names no scenario with its difference in verified departures from summary.csv (%v)", p.Opening, f.figures)
	}
	for _, w := range []string{"calibrated", "assumption"} {
		if !strings.Contains(p.Body, w) {
			bad("the page never says %q: whether its effects are calibrated or assumed", w)
		}
	}

	// what changes: each entry once, no "and N more", no raw keys
	more := regexp.MustCompile(`\band \d+ more\b`)
	for _, row := range p.Changes {
		seen := map[string]bool{}
		for _, c := range row {
			if seen[c] {
				bad("what changes lists %q twice", c)
			}
			seen[c] = true
			if more.MatchString(c) {
				bad("what changes hides changes behind %q (more)", c)
			}
			if strings.Contains(c, "policy_changes[") || strings.Contains(c, "policy.") {
				bad("what changes shows a raw key: %q", c)
			}
		}
	}

	// nothing wider than the window; a wider table scrolls in its box
	// with its first column held
	if p.DocWidth > p.InnerWidth {
		bad("the page is %.0f px wide in a window of %.0f: it scrolls sideways (a table or chart overflows; want it to scroll in its box, first column sticky)", p.DocWidth, p.InnerWidth)
	}
	for _, o := range p.Overflow {
		if !o.Scrolls || !o.Sticky {
			bad("table %q is %.0f px wide in a box of %.0f: its box scrolls %v, its first column is sticky %v; want both", o.Table, o.Width, o.Box, o.Scrolls, o.Sticky)
		}
	}
	for _, c := range p.Cut {
		bad("chart %q: text %q ends at %.0f, outside its width %.0f: cut", c.Chart, c.Text, c.Right, c.Width)
	}

	// a scenario that loses departures says so, and has no cost
	if len(f.losing) > 0 && p.NetCostTables == 0 {
		bad("no table of the net cost per additional verified departure, though %v loses departures", f.losing)
	}
	for _, n := range p.NetCost {
		if slices.Contains(f.losing, n.Scenario) && n.Text != "loses departures" {
			bad("%s loses departures on balance (summary.csv's net_verified) but its net cost reads %q: want \"loses departures\"", n.Scenario, n.Text)
		}
	}
	return problems
}
