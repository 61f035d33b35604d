package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// common are the flags every command has.
type common struct {
	command   []string // the command line, for the manifest
	posterior string   // the posterior file, for the manifest
	out       string
	seed      int64
	workers   int
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.out, "out", "out", "output `dir`")
	fs.Int64Var(&c.seed, "seed", 1, "run seed (0 or more)")
	fs.IntVar(&c.workers, "workers", runtime.NumCPU(), "parallel workers")
}

func (c *common) check() error {
	if c.seed < 0 {
		return fmt.Errorf("--seed %d: want 0 or more", c.seed)
	}
	if c.workers < 1 || c.workers > 1024 {
		return fmt.Errorf("--workers %d: want 1 to 1024", c.workers)
	}
	return nil
}

// newVerb returns a verb's flag set with the common flags registered and
// a usage line.
func newVerb(name, usage string, stderr io.Writer) (*flag.FlagSet, *common) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := new(common)
	c.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usage)
		fs.PrintDefaults()
	}
	return fs, c
}

// parseVerb parses a verb's arguments, checks the common flags, records
// the command line for the manifest and returns the positional arguments.
func (c *common) parseVerb(fs *flag.FlagSet, args []string) ([]string, error) {
	files, err := parse(fs, args)
	if err != nil {
		return nil, err
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	c.command = append([]string{"returnsim", fs.Name()}, args...)
	return files, nil
}

// parse parses flags that may stand before, between or after the
// positional arguments, which it returns.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// progress returns a progress bar on stderr, or nil when stderr is not a
// terminal or CI is set. It redraws at most ten times a second.
func progress(stderr io.Writer, n int, what string) *progressbar.ProgressBar {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || os.Getenv("CI") != "" {
		return nil
	}
	return progressbar.NewOptions(n,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

// version returns the module version and VCS revision of this binary.
func version() (v, rev string) {
	v, rev = "(devel)", "unknown"
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	if info.Main.Version != "" {
		v = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				rev += "+modified"
			}
		}
	}
	return
}
