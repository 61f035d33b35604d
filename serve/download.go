package serve

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/returnsim/returnsim/report"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/study"
)

// studyFile reads a download's query: the study file of its levers, or
// the problems, written to w as plain text with code 422.
func (s *Server) studyFile(w http.ResponseWriter, r *http.Request) (request, []byte, *scenarios.Study, bool) {
	req, probs := s.read(r.URL.Query())
	var text []byte
	var st *scenarios.Study
	if len(probs) == 0 {
		text = s.b.Text(req.levers, req.from)
		st, probs = s.b.Parse(text)
	}
	if len(probs) > 0 {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusUnprocessableEntity)
		for _, p := range probs {
			fmt.Fprintf(w, "%s: %s\n", p.Key, p.Message)
		}
		return req, nil, nil, false
	}
	return req, text, st, true
}

// handleStudyFile answers GET /download/what-if.toml: the study file of
// the levers in the query, which returnsim check and run read.
func (s *Server) handleStudyFile(w http.ResponseWriter, r *http.Request) {
	_, text, _, ok := s.studyFile(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/toml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="what-if.toml"`)
	w.Write(text)
}

// Command is the returnsim command that writes the result folder of a
// download's study file, what-if.toml.
func (s *Server) command(reps int) []string {
	cmd := []string{"returnsim", "run", "what-if.toml", "--seed", strconv.FormatInt(s.f.Seed(), 10), "--replicates", strconv.Itoa(reps)}
	if s.opt.Posterior != nil {
		cmd = append(cmd, "--posterior", s.opt.Posterior.File)
	}
	return cmd
}

// handleZip answers GET /download/what-if.zip: the result folder that
// returnsim run --report writes of the levers' study file (the baseline
// and the what-if, the server's seed, replicates and posterior) as
// what-if/, beside the study file, what-if.toml, as a zip. The folder is a temporary one, made
// for the request and removed after it: no path comes from the request.
func (s *Server) handleZip(w http.ResponseWriter, r *http.Request) {
	req, text, st, ok := s.studyFile(w, r)
	if !ok {
		return
	}
	// the run stops when the request goes or the server shuts down
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	defer context.AfterFunc(s.ctx, cancel)()
	release, code, msg := s.acquire(ctx)
	if release == nil {
		http.Error(w, msg, code)
		return
	}
	defer release()
	tmp, err := os.MkdirTemp("", "returnsim-serve-")
	if err != nil {
		http.Error(w, "500: "+err.Error(), http.StatusInternalServerError)
		return
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "what-if")
	_, err = study.Run(ctx, st, study.Options{Out: out, Seed: s.f.Seed(), Replicates: req.reps, Workers: s.opt.Workers,
		Posterior: s.opt.Posterior, Histories: s.f, Command: s.command(req.reps), Version: s.opt.Version, Revision: s.opt.Revision})
	if err == nil {
		_, err = report.WriteWith(out, "", s.opt.Report)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(tmp, "what-if.toml"), text, 0o644)
	}
	if err != nil {
		if ctx.Err() != nil {
			http.Error(w, "503: stopped", http.StatusServiceUnavailable)
			return
		}
		http.Error(w, "500: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="what-if.zip"`)
	zw := zip.NewWriter(w)
	err = filepath.WalkDir(tmp, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		rel, err := filepath.Rel(tmp, path)
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		zf, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		_, err = io.Copy(zf, f)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		panic(http.ErrAbortHandler) // the zip is half sent: break the connection rather than end it as if whole
	}
}
