package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/returnsim/returnsim/internal/tasks"
	"github.com/returnsim/returnsim/sweep"
)

func sweepCmd(args []string, stdout, stderr io.Writer) error {
	fs, c := newVerb("sweep", "out-sweep", "usage: returnsim sweep FILE.toml [flags]\n\nRuns every (design point, replicate) of a sweep file; see docs/sweeps.md.\nRunning the same command again after an interruption resumes it.", stderr)
	shardFlag := fs.String("shard", "0/1", "run only shard `K/N` of the tasks (task i belongs to shard i mod N)")
	design := fs.String("design", "", "run the points of this CSV (SALib's layout: a header of factor keys, one point a row) instead of the file's design")
	files, err := c.parseVerb(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("sweep: want one sweep file, got %d", len(files))
	}
	sh, err := tasks.ParseShard(*shardFlag)
	if err != nil {
		return fmt.Errorf("--shard: %w", err)
	}
	f, err := sweep.Load(files[0])
	if err != nil {
		return err
	}
	plan, err := sweep.NewPlan(f, uint64(c.seed), *design)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := estimateSweep(plan, files[0], c.workers).check(c.memLimit, c.maxMemory != ""); err != nil {
		return err
	}
	v, rev := version()
	tick, done := progress(stderr, sh.Count(plan.Tasks()), "sweeping")
	opt := sweep.Options{Out: c.out, Shard: sh, Workers: c.workers, Force: c.force, Command: c.command, Version: v, Revision: rev, Progress: tick}
	st, err := sweep.Run(ctx, plan, opt)
	done()
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("sweep interrupted: the finished tasks are kept in %s; run the same command again to resume", c.out)
		}
		return err
	}
	fmt.Fprintf(stdout, "%d points x %d replicates (%s design), shard %s: %d tasks (%d resumed) in %.1fs, written to %s\n",
		len(plan.Design.Values), f.Replicates, plan.Design.Kind, sh, st.Tasks, st.Restored, st.Wall.Seconds(), c.out)
	if sh == tasks.All {
		if idx, _, err := sweep.Sensitivity(c.out, ""); err == nil {
			fmt.Fprintln(stdout)
			return sweep.Table(stdout, idx, "")
		}
	}
	return nil
}

func mergeCmd(args []string, stdout, stderr io.Writer) error {
	fs, c := newVerb("merge", "out-merged", "usage: returnsim merge DIR... --out DIR\n\nMerges the folders of a sweep's shards into the files of one unsharded run.", stderr)
	dirs, err := c.parseVerb(fs, args)
	if err != nil {
		return err
	}
	m, err := sweep.Merge(dirs, sweep.MergeOptions{Out: c.out, Force: c.force, Command: c.command})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d shards, %d points x %d replicates, merged into %s\n", len(dirs), m.Points, m.Replicates, c.out)
	return nil
}

func sensitivityCmd(args []string, stdout, stderr io.Writer) error {
	fs, c := newVerb("sensitivity", "", "usage: returnsim sensitivity DIR [--metric NAME] [--out DIR]\n\nSobol or Morris indices of a finished sweep (sobol or morris design), ranked.\nWith --out, also writes sensitivity.csv there.", stderr)
	metric := fs.String("metric", "", "only this output metric (default: every output of the sweep)")
	out := ""
	dirs, err := c.parseVerb(fs, args)
	if err != nil {
		return err
	}
	out = c.out
	if len(dirs) != 1 {
		return fmt.Errorf("sensitivity: want one sweep folder, got %d", len(dirs))
	}
	idx, _, err := sweep.Sensitivity(dirs[0], *metric)
	if err != nil {
		return err
	}
	if out != "" {
		fo, err := tasks.Open(out, "sensitivity", dirs[0]+" "+*metric, c.force)
		if err != nil {
			return err
		}
		defer fo.Close()
		w, err := fo.Create("sensitivity.csv")
		if err != nil {
			return err
		}
		if err := sweep.WriteSensitivity(w, idx); err != nil {
			return err
		}
		if err := fo.Commit(); err != nil {
			return err
		}
	}
	return sweep.Table(stdout, idx, *metric)
}
