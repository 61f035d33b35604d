package serve

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/report"
	"github.com/returnsim/returnsim/results"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/study"
)

//go:embed page.html static
var files embed.FS

// Options say how a Server answers. Zero values take the defaults named.
type Options struct {
	Workers    int                  // goroutines that simulate a download's run; 0: 1
	Posterior  *calibrate.Posterior // the Forked's, if any: a download's run takes it too
	MaxBody    int64                // bytes of a request body; 0: 64 KiB
	Concurrent int                  // simulations at once; 0: 1 (each uses every worker)
	Queue      int                  // requests that may wait for a simulation; 0: 8
	Wait       time.Duration        // the longest a request waits for its turn; 0: 10 s
	Cache      int                  // answers kept, by study text; 0: 256
	Report     report.Options       // what a download's report.html adds (the published figures)
	Version    string               // for a download's manifest
	Revision   string
}

// A Server answers the what-if page of one study from a Forked of it.
type Server struct {
	f      *study.Forked
	st     *scenarios.Study
	b      *Builder
	opt    Options
	starts map[string]Levers // the levers of each scenario of the study
	notes  map[string]string // what they cannot say of it
	page   *template.Template

	ctx  context.Context // cancelled by Close: every simulation stops
	stop context.CancelFunc

	sem     chan struct{} // a token per simulation running
	waiting atomic.Int64  // requests waiting for a token
	mu      sync.Mutex
	cache   *cache
	flights map[string]*flight

	cancelled atomic.Int64 // simulations stopped because no request wanted them any more
}

// New returns the server of study st, read from text in the file named
// file, answering from f, a Forked of st.
func New(f *study.Forked, st *scenarios.Study, file string, text []byte, opt Options) (*Server, error) {
	b, err := NewBuilder(file, text, st)
	if err != nil {
		return nil, err
	}
	if opt.Workers < 1 {
		opt.Workers = 1
	}
	if opt.MaxBody <= 0 {
		opt.MaxBody = 64 << 10
	}
	if opt.Concurrent < 1 {
		opt.Concurrent = 1
	}
	if opt.Queue < 1 {
		opt.Queue = 8
	}
	if opt.Wait <= 0 {
		opt.Wait = 10 * time.Second
	}
	if opt.Cache < 1 {
		opt.Cache = 256
	}
	page, err := template.ParseFS(files, "page.html")
	if err != nil {
		return nil, err
	}
	s := &Server{f: f, st: st, b: b, opt: opt, starts: map[string]Levers{}, notes: map[string]string{}, page: page,
		sem: make(chan struct{}, opt.Concurrent), cache: newCache(opt.Cache), flights: map[string]*flight{}}
	s.ctx, s.stop = context.WithCancel(context.Background())
	for i := range st.Scenarios {
		sc := &st.Scenarios[i]
		s.starts[sc.Name], s.notes[sc.Name] = b.Start(sc)
	}
	return s, nil
}

// Close stops every simulation in flight; requests waiting for one get an
// error.
func (s *Server) Close() { s.stop() }

// Serve answers on ln until ctx is done, then shuts down: it stops the
// simulations in flight and waits at most five seconds for requests to
// end. The Host of a request must name ln's address (Handler).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(ln.Addr().String()),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.Close()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Handler is the server's handler for requests to addr, the host:port it
// listens on: requests whose Host is another name are refused (403: a
// page of another site that a name of its own points here, DNS
// rebinding, cannot read it), and so are POSTs whose Origin is present
// and not this server; request bodies are capped at Options.MaxBody.
func (s *Server) Handler(addr string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.handlePage)
	static, _ := fs.Sub(files, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("POST /api/run", s.handleRun)
	mux.HandleFunc("GET /download/what-if.toml", s.handleStudyFile)
	mux.HandleFunc("GET /download/what-if.zip", s.handleZip)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		if !HostAllowed(r.Host, addr) {
			http.Error(w, fmt.Sprintf("403: host %q is not this server's (%s)", r.Host, addr), http.StatusForbidden)
			return
		}
		if o := r.Header.Get("Origin"); r.Method != http.MethodGet && r.Method != http.MethodHead && o != "" && o != "http://"+r.Host {
			http.Error(w, fmt.Sprintf("403: a request from %q, not from this server's page", o), http.StatusForbidden)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.opt.MaxBody)
		mux.ServeHTTP(w, r)
	})
}

// HostAllowed reports whether a request's Host, host, names the server
// listening on addr: addr itself, or its port on localhost or on an IP
// address (which no other site can point at it); an IP address that is
// not the one addr binds is allowed only when addr binds every address.
func HostAllowed(host, addr string) bool {
	if host == addr {
		return true
	}
	ah, ap, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	h, p, err := net.SplitHostPort(host)
	if err != nil {
		h, p = host, "80"
	}
	if p != ap {
		return false
	}
	bound := net.ParseIP(ah)
	if h == "localhost" {
		return bound == nil || bound.IsLoopback() || bound.IsUnspecified()
	}
	ip := net.ParseIP(strings.Trim(h, "[]"))
	switch {
	case ip == nil:
		return false
	case bound == nil || bound.IsUnspecified():
		return true
	case bound.IsLoopback():
		return ip.IsLoopback()
	}
	return ip.Equal(bound)
}

// IsLoopback reports whether addr (host:port) binds the loopback
// interface only.
func IsLoopback(addr string) bool {
	h, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// request is what a request asks: the levers, the scenario they started
// from, and the replicates.
type request struct {
	levers Levers
	from   string
	reps   int
}

// read reads a request's levers from the form values q: the scenario to
// start from (scenario; default the baseline), its levers with those q
// gives in their place, and the replicates (1 to those the Forked holds).
func (s *Server) read(q url.Values) (request, []Problem) {
	var probs []Problem
	req := request{from: q.Get("scenario"), reps: s.f.Replicates()}
	if req.from == "" {
		req.from = s.st.Scenarios[0].Name
	}
	start, ok := s.starts[req.from]
	if !ok {
		var names []string
		for _, sc := range s.st.Scenarios {
			names = append(names, sc.Name)
		}
		probs = append(probs, Problem{Field: "scenario", Message: fmt.Sprintf("no scenario %q in the study: want one of %s", clip(req.from), strings.Join(names, ", "))})
		req.from, start = s.st.Scenarios[0].Name, s.starts[s.st.Scenarios[0].Name]
	}
	req.levers = Levers{}
	for k, v := range start {
		req.levers[k] = v
	}
	for _, l := range s.b.Levers() {
		vs, ok := q[l.Field]
		if !ok || len(vs) == 0 {
			continue
		}
		if len(vs[0]) > MaxValue {
			probs = append(probs, Problem{Field: l.Field, Message: fmt.Sprintf("%d characters: want at most %d", len(vs[0]), MaxValue)})
			continue
		}
		req.levers[l.Field] = vs[0]
	}
	if v := q.Get("replicates"); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 || n > s.f.Replicates() {
			probs = append(probs, Problem{Field: "replicates", Message: fmt.Sprintf("%q: want a whole number from 1 to %d, the histories this server holds (returnsim serve --replicates)", clip(v), s.f.Replicates())})
		} else {
			req.reps = n
		}
	}
	return req, probs
}

// clip shortens a value typed into a message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// query is the query string of request req: the scenario it starts from,
// the levers that differ from that scenario's, and the replicates if they
// are not all.
func (s *Server) query(req request) string {
	q := url.Values{}
	q.Set("scenario", req.from)
	start := s.starts[req.from]
	for _, l := range s.b.Levers() {
		if v := req.levers[l.Field]; v != start[l.Field] {
			q.Set(l.Field, v)
		}
	}
	if req.reps != s.f.Replicates() {
		q.Set("replicates", strconv.Itoa(req.reps))
	}
	return q.Encode()
}

// writeJSON writes v as JSON with status code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeBody(w, code, b)
}

func writeBody(w http.ResponseWriter, code int, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(b)
}

// problems is the answer to a request with problems.
type problems struct {
	Problems []Problem `json:"problems"`
}

// handleRun answers POST /api/run: the form's levers as a form body; the
// answer is the result's JSON (Answer), or its problems ({"problems":
// [...]}: the request was answered, with what the study file's parser
// says of it, so 200 too, which a browser does not log as a failed load),
// or 429 when too many requests wait for a simulation.
func (s *Server) handleRun(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			http.Error(w, fmt.Sprintf("413: a request body of at most %d bytes", mb.Limit), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "400: "+err.Error(), http.StatusBadRequest)
		return
	}
	req, probs := s.read(r.PostForm)
	if len(probs) > 0 {
		writeJSON(w, http.StatusOK, problems{probs})
		return
	}
	code, body, cached := s.answer(r.Context(), req)
	if code == 0 {
		return // the client went away
	}
	if cached {
		w.Header().Set("X-Cache", "hit")
	}
	writeBody(w, code, body)
}

// answer is the answer to req, from the cache, from a simulation in
// flight for the same study text, or from a new one; code 0 when ctx
// ended first. The simulation stops when no request waits for it any
// more.
func (s *Server) answer(ctx context.Context, req request) (code int, body []byte, cached bool) {
	text := s.b.Text(req.levers, req.from)
	key := strconv.Itoa(req.reps) + "\n" + string(text)
	var fl *flight
	for fl == nil {
		s.mu.Lock()
		if b, ok := s.cache.get(key); ok {
			s.mu.Unlock()
			return http.StatusOK, b, true
		}
		if fl = s.flights[key]; fl != nil {
			fl.waiters++
			s.mu.Unlock()
			break
		}
		s.mu.Unlock()
		st, probs := s.b.Parse(text) // outside the lock: other requests need not wait for it
		if len(probs) > 0 {
			b, _ := json.Marshal(problems{probs})
			return http.StatusOK, b, false
		}
		s.mu.Lock()
		if s.flights[key] == nil {
			fctx, cancel := context.WithCancel(s.ctx)
			fl = &flight{done: make(chan struct{}), cancel: cancel, waiters: 1}
			s.flights[key] = fl
			go s.fly(fctx, key, fl, req, st, text)
		}
		s.mu.Unlock()
	}
	select {
	case <-fl.done:
		return fl.code, fl.body, false
	case <-ctx.Done():
		s.mu.Lock()
		if fl.waiters--; fl.waiters == 0 {
			fl.cancel()
			if s.flights[key] == fl {
				delete(s.flights, key)
			}
		}
		s.mu.Unlock()
		return 0, nil, false
	}
}

// flight is one simulation and the requests that wait for it.
type flight struct {
	done    chan struct{}
	code    int
	body    []byte
	waiters int
	cancel  context.CancelFunc
}

// fly runs the simulation of flight fl, keyed key in the flights, and
// keeps its answer.
func (s *Server) fly(ctx context.Context, key string, fl *flight, req request, st *scenarios.Study, text []byte) {
	code, body := s.simulate(ctx, req, st, text)
	s.mu.Lock()
	fl.code, fl.body = code, body
	if s.flights[key] == fl {
		delete(s.flights, key)
	}
	if code == http.StatusOK {
		s.cache.put(key, body)
	}
	s.mu.Unlock()
	close(fl.done)
	fl.cancel()
}

// acquire waits for a simulation's token, at most Options.Wait; release
// gives it back. ok false: too many wait (code 429), or ctx ended.
func (s *Server) acquire(ctx context.Context) (release func(), code int, msg string) {
	if s.waiting.Add(1) > int64(s.opt.Queue) {
		s.waiting.Add(-1)
		return nil, http.StatusTooManyRequests, fmt.Sprintf("429: %d requests already wait for a simulation; try again in a moment", s.opt.Queue)
	}
	defer s.waiting.Add(-1)
	t := time.NewTimer(s.opt.Wait)
	defer t.Stop()
	select {
	case s.sem <- struct{}{}:
		return func() { <-s.sem }, 0, ""
	case <-t.C:
		return nil, http.StatusTooManyRequests, fmt.Sprintf("429: no simulation free within %s; try again in a moment", s.opt.Wait)
	case <-ctx.Done():
		return nil, http.StatusServiceUnavailable, "503: stopped"
	}
}

// simulate runs req's scenario, the variant of st, from the Forked.
func (s *Server) simulate(ctx context.Context, req request, st *scenarios.Study, text []byte) (int, []byte) {
	fail := func(code int, msg string) (int, []byte) {
		b, _ := json.Marshal(problems{[]Problem{{Message: msg}}})
		return code, b
	}
	sc := &st.Scenarios[len(st.Scenarios)-1]
	if err := s.f.Check(sc); err != nil {
		return fail(http.StatusOK, err.Error())
	}
	release, code, msg := s.acquire(ctx)
	if release == nil {
		return fail(code, msg)
	}
	defer release()
	start := time.Now()
	out, err := s.f.Run(ctx, sc, req.reps)
	if err != nil {
		if ctx.Err() != nil {
			s.cancelled.Add(1)
			return fail(http.StatusServiceUnavailable, "503: cancelled")
		}
		return fail(http.StatusInternalServerError, "500: "+err.Error())
	}
	a := s.answerOf(out, req, sc, text)
	a.Seconds = time.Since(start).Seconds()
	b, err := json.Marshal(a)
	if err != nil {
		return fail(http.StatusInternalServerError, "500: "+err.Error())
	}
	return http.StatusOK, b
}

// num is a number in JSON: null for NaN and the infinities, which JSON
// has not.
type num float64

func (x num) MarshalJSON() ([]byte, error) {
	f := float64(x)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// UnmarshalJSON reads null as NaN.
func (x *num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*x = num(math.NaN())
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	*x = num(f)
	return err
}

// Answer is the page's result: the rows of summary.csv, yearly.csv and
// groups-summary.csv that run writes for the baseline and the what-if,
// under the names of those files' columns.
type Answer struct {
	Study        string     `json:"study"`
	Baseline     string     `json:"baseline"`
	Scenario     string     `json:"scenario"`
	From         string     `json:"from"` // the study's scenario the levers started from
	Description  string     `json:"description"`
	ConfigSHA256 string     `json:"config_sha256"` // of the what-if's resolved configuration
	Fork         string     `json:"fork"`
	Replicates   int        `json:"replicates"`
	Seed         int64      `json:"seed"`
	Posterior    string     `json:"posterior,omitempty"` // its file, with one
	Persons      string     `json:"persons"`             // whom the per-person metrics count
	Query        string     `json:"query"`               // the page's query string of it
	Seconds      float64    `json:"seconds"`             // the simulation's time
	Rows         []SumRow   `json:"rows"`
	Yearly       []YearRow  `json:"yearly"`
	Groups       []GroupRow `json:"groups"`
	Rules        []RuleRow  `json:"rules,omitempty"`
	Text         string     `json:"text"` // the study file
}

// SumRow is a row of summary.csv.
type SumRow struct {
	Scenario       string `json:"scenario"`
	Metric         string `json:"metric"`
	Mean           num    `json:"mean"`
	CILow          num    `json:"ci_low"`
	CIHigh         num    `json:"ci_high"`
	Diff           num    `json:"diff_vs_baseline"`
	DiffLow        num    `json:"diff_ci_low"`
	DiffHigh       num    `json:"diff_ci_high"`
	Pred90Low      num    `json:"pred90_low"`
	Pred90High     num    `json:"pred90_high"`
	DiffPred90Low  num    `json:"diff_pred90_low"`
	DiffPred90High num    `json:"diff_pred90_high"`
	PAbove         num    `json:"p_above_baseline"`
	// with the study's unconstrained assumptions held: run's alone (the
	// page draws them with a posterior, as run does, but does not run the
	// draws again with them held), so NaN here
	HeldLow    num `json:"diff_pred90_low_held"`
	HeldHigh   num `json:"diff_pred90_high_held"`
	HeldPAbove num `json:"p_above_baseline_held"`
}

// YearRow is a row of yearly.csv.
type YearRow struct {
	Scenario string `json:"scenario"`
	Year     int    `json:"year"`
	Months   int    `json:"months"`
	Part     string `json:"part"`
	Metric   string `json:"metric"`
	Mean     num    `json:"mean"`
	CILow    num    `json:"ci_low"`
	CIHigh   num    `json:"ci_high"`
	Diff     num    `json:"diff_vs_baseline"`
	DiffLow  num    `json:"diff_ci_low"`
	DiffHigh num    `json:"diff_ci_high"`
	Q05      num    `json:"reps_q05"`
	Q95      num    `json:"reps_q95"`
}

// GroupRow is a row of groups-summary.csv.
type GroupRow struct {
	Scenario string `json:"scenario"`
	By       string `json:"by"`
	Group    string `json:"group"`
	Metric   string `json:"metric"`
	Mean     num    `json:"mean"`
	CILow    num    `json:"ci_low"`
	CIHigh   num    `json:"ci_high"`
	Diff     num    `json:"diff_vs_baseline"`
	DiffLow  num    `json:"diff_ci_low"`
	DiffHigh num    `json:"diff_ci_high"`
}

// RuleRow is what a group rule selected when it came into force: the
// persons in the return system it was the rule of, mean over replicates.
type RuleRow struct {
	Rule    string `json:"rule"`
	Date    string `json:"date"`
	Persons num    `json:"persons"`
}

// answerOf is the answer of outcome out of req's scenario sc, from the
// study file text.
func (s *Server) answerOf(out *study.Outcome, req request, sc *scenarios.Scenario, text []byte) *Answer {
	a := &Answer{Study: s.st.Name, Baseline: out.Baseline, Scenario: out.Scenario, From: req.from, Description: sc.Description,
		ConfigSHA256: sc.ConfigSHA256(), Fork: s.f.Fork(), Replicates: out.Replicates, Seed: s.f.Seed(),
		Persons: results.Population(&s.st.Scenarios[0].Config, s.st.ForkMonth), Query: s.query(req), Text: string(text)}
	if s.opt.Posterior != nil {
		a.Posterior = s.opt.Posterior.File
	}
	nan := math.NaN()
	for _, r := range out.Rows {
		row := SumRow{Scenario: r.Scenario, Metric: r.Metric, Mean: num(r.Value.Mean), CILow: num(r.Value.Low), CIHigh: num(r.Value.High),
			Diff: num(r.Diff.Mean), DiffLow: num(r.Diff.Low), DiffHigh: num(r.Diff.High),
			Pred90Low: num(nan), Pred90High: num(nan), DiffPred90Low: num(nan), DiffPred90High: num(nan), PAbove: num(nan),
			HeldLow: num(nan), HeldHigh: num(nan), HeldPAbove: num(nan)}
		if d := r.Draws; d != nil {
			row.Pred90Low, row.Pred90High, row.DiffPred90Low, row.DiffPred90High, row.PAbove = num(d.Value.Low), num(d.Value.High), num(d.Diff.Low), num(d.Diff.High), num(d.PAbove)
			row.HeldLow, row.HeldHigh, row.HeldPAbove = num(d.HeldDiff.Low), num(d.HeldDiff.High), num(d.HeldPAbove)
		}
		a.Rows = append(a.Rows, row)
	}
	for _, r := range out.Yearly {
		a.Yearly = append(a.Yearly, YearRow{Scenario: r.Scenario, Year: r.Year, Months: r.Months, Part: r.Part, Metric: r.Metric,
			Mean: num(r.Value.Mean), CILow: num(r.Value.Low), CIHigh: num(r.Value.High), Diff: num(r.Diff.Mean), DiffLow: num(r.Diff.Low), DiffHigh: num(r.Diff.High),
			Q05: num(r.Reps.Low), Q95: num(r.Reps.High)})
	}
	for _, r := range out.Groups {
		if r.Group.By == "origin" {
			continue // the page shows households, cooperation classes and months without status; groups-summary.csv has the origins
		}
		a.Groups = append(a.Groups, GroupRow{Scenario: r.Scenario, By: r.Group.By, Group: r.Group.Name, Metric: r.Metric,
			Mean: num(r.Value.Mean), CILow: num(r.Value.Low), CIHigh: num(r.Value.High), Diff: num(r.Diff.Mean), DiffLow: num(r.Diff.Low), DiffHigh: num(r.Diff.High)})
	}
	for _, x := range out.Rules {
		var sum float64
		for _, n := range x.Persons {
			sum += float64(n)
		}
		a.Rules = append(a.Rules, RuleRow{Rule: x.Rule, Date: x.Date, Persons: num(sum / float64(len(x.Persons)))})
	}
	return a
}

// pageData is what the page's template shows.
type pageData struct {
	Study, Description, Baseline, Fork, Horizon, Persons string
	Replicates                                           int
	Seed                                                 int64
	Posterior                                            string
	From                                                 string
	Scenarios                                            []scenarios.Scenario
	Sections                                             []section
	Note                                                 string
	Problems                                             []Problem
	Data                                                 pageJSON
}

type section struct {
	Key, Title string
	Levers     []leverView
}

type leverView struct {
	Lever
	Value    string
	Provider bool // one of the provider's shares
}

// pageJSON is what the page's script reads: each scenario's levers and
// note, the levers' fields, the replicates held.
type pageJSON struct {
	Starts     map[string]Levers `json:"starts"`
	Notes      map[string]string `json:"notes"`
	Fields     []string          `json:"fields"`
	Replicates int               `json:"replicates"`
	Posterior  bool              `json:"posterior"`
	Baseline   string            `json:"baseline"`
}

// handlePage answers GET /: the page, with the levers of its query string.
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	req, probs := s.read(r.URL.Query())
	base := &s.st.Scenarios[0].Config
	d := pageData{Study: s.st.Name, Description: s.st.Description, Baseline: s.st.Scenarios[0].Name, Fork: s.f.Fork(),
		Horizon: base.Date(base.Months - 1), Persons: results.Population(base, s.st.ForkMonth),
		Replicates: req.reps, Seed: s.f.Seed(), From: req.from, Scenarios: s.st.Scenarios, Note: s.notes[req.from], Problems: probs,
		Data: pageJSON{Starts: s.starts, Notes: s.notes, Replicates: s.f.Replicates(), Posterior: s.opt.Posterior != nil, Baseline: s.st.Scenarios[0].Name}}
	if s.opt.Posterior != nil {
		d.Posterior = s.opt.Posterior.File
	}
	for _, l := range s.b.Levers() {
		d.Data.Fields = append(d.Data.Fields, l.Field)
	}
	for _, sec := range Sections {
		v := section{Key: sec.Key, Title: sec.Title}
		for _, l := range s.b.Levers() {
			if l.Section == sec.Key {
				v.Levers = append(v.Levers, leverView{Lever: l, Value: req.levers[l.Field],
					Provider: strings.HasPrefix(l.Field, providerField+".")})
			}
		}
		d.Sections = append(d.Sections, v)
	}
	var page bytes.Buffer
	if err := s.page.Execute(&page, d); err != nil {
		http.Error(w, "500: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(page.Bytes())
}

// cache keeps the most recently used answers, by key.
type cache struct {
	max   int
	order []string // least recently used first
	m     map[string][]byte
}

func newCache(max int) *cache { return &cache{max: max, m: map[string][]byte{}} }

func (c *cache) get(k string) ([]byte, bool) {
	b, ok := c.m[k]
	if ok {
		c.touch(k)
	}
	return b, ok
}

func (c *cache) put(k string, b []byte) {
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
	c.m[k] = b
	c.touch(k)
}

func (c *cache) touch(k string) {
	if i := slices.Index(c.order, k); i >= 0 {
		c.order = slices.Delete(c.order, i, i+1)
	}
	c.order = append(c.order, k)
}
