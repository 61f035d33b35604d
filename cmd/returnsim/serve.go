package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/serve"
	"github.com/returnsim/returnsim/study"
)

// maxServeReplicates bounds --replicates: every history is held in memory
// and every answer continues them all.
const maxServeReplicates = 64

func serveCmd(args []string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveUntil(ctx, args, stdout, stderr)
}

// serveUntil is serve until ctx is done (SIGINT or SIGTERM).
func serveUntil(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", `usage: returnsim serve [STUDY.toml] [flags]

Serves a what-if page on this machine: a planner moves a lever and sees the
paired difference from the baseline. It simulates the study's shared history
(the baseline up to its fork) once per replicate, then answers each change by
continuing copies of them. With no file, the embedded default study.`, stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "the `host:port` to listen on; other than loopback, anyone who can reach it can use the page")
	reps := fs.Int("replicates", 8, "histories to build and continue for each answer")
	seed := fs.Int64("seed", 1, "run seed (0 or more): the histories and answers are run's with this seed")
	workers := fs.Int("workers", runtime.NumCPU(), "goroutines that simulate")
	posterior := fs.String("posterior", "", "draw one parameter set per replicate from this posterior.csv, as run does; the page adds P(beats baseline)")
	open := fs.Bool("open", false, "open the page in the default browser once the histories are built")
	maxMemory := fs.String("max-memory", "", "refuse to start when the estimated peak memory exceeds this `size` (as 512M, 4G; default 3/4 of the machine's or cgroup's memory)")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) > 1 {
		return fmt.Errorf("serve: one study file, not %d", len(files))
	}
	if *reps < 1 || *reps > maxServeReplicates {
		return fmt.Errorf("--replicates %d: want 1 to %d", *reps, maxServeReplicates)
	}
	c := common{seed: *seed, workers: *workers, maxMemory: *maxMemory}
	if err := c.check(); err != nil {
		return err
	}
	name, text := scenarios.DefaultName, scenarios.DefaultText()
	if len(files) == 1 {
		name = files[0]
		if text, err = os.ReadFile(name); err != nil {
			return err
		}
	}
	st, err := scenarios.Parse(name, text)
	if err != nil {
		return err
	}
	var post *calibrate.Posterior
	if *posterior != "" {
		if post, err = calibrate.ReadPosterior(*posterior); err != nil {
			return err
		}
	}
	if err := estimateServe(st, *reps, c.workers).check(c.memLimit, c.maxMemory != ""); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer ln.Close()
	url := "http://" + ln.Addr().String() + "/"
	if !serve.IsLoopback(ln.Addr().String()) {
		fmt.Fprintf(stderr, "warning: --addr %s is not loopback: anyone who can reach this machine at %s can use the page and its simulations\n", *addr, ln.Addr())
	}
	fmt.Fprintf(stdout, "returnsim serve: %s (Ctrl-C stops it); building %d histories of %s to %s first\n", url, *reps, st.Name, st.Fork)
	start := time.Now()
	tick, done := progress(stderr, *reps, "building the histories")
	f, err := study.Fork(ctx, st, study.ForkOptions{Seed: c.seed, Replicates: *reps, Workers: c.workers, Posterior: post, Progress: tick})
	done()
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted while building the histories")
		}
		return err
	}
	defer f.Close()
	v, rev := version()
	srv, err := serve.New(f, st, name, text, serve.Options{Workers: c.workers, Posterior: post, Report: reportOptions(), Version: v, Revision: rev})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ready: %s (%d histories built in %.1fs)\n", url, *reps, time.Since(start).Seconds())
	if *open {
		if err := serve.OpenBrowser(url); err != nil {
			fmt.Fprintf(stderr, "warning: could not open a browser (%v): open %s yourself\n", err, url)
		}
	}
	if err := srv.Serve(ctx, ln); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "stopped")
	return nil
}
