package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/returnsim/returnsim/internal/tasks"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// common are the flags every command that writes a result folder has.
type common struct {
	command   []string // the command line, for the manifest
	out       string
	seed      int64
	workers   int
	force     bool
	maxMemory string
	memLimit  int64 // --max-memory in bytes, or the default share of the machine's
}

func (c *common) register(fs *flag.FlagSet, out string) {
	fs.StringVar(&c.out, "out", out, "output `dir`")
	fs.Int64Var(&c.seed, "seed", 1, "run seed (0 or more)")
	fs.IntVar(&c.workers, "workers", runtime.NumCPU(), "parallel workers")
	fs.BoolVar(&c.force, "force", false, "write into a folder that holds another run's results, replacing or removing every file of it")
	fs.StringVar(&c.maxMemory, "max-memory", "", "refuse to start when the estimated peak memory exceeds this `size` (as 512M, 4G; default 3/4 of the machine's or cgroup's memory)")
}

func (c *common) check() error {
	if c.seed < 0 {
		return fmt.Errorf("--seed %d: want 0 or more", c.seed)
	}
	if c.workers < 1 || c.workers > 1024 {
		return fmt.Errorf("--workers %d: want 1 to 1024", c.workers)
	}
	if c.maxMemory != "" {
		n, err := tasks.ParseBytes(c.maxMemory)
		if err != nil {
			return fmt.Errorf("--max-memory: %w", err)
		}
		c.memLimit = n
	} else if n, ok := tasks.MachineMemory(); ok {
		c.memLimit = int64(float64(n) * tasks.DefaultMemoryShare)
	}
	return nil
}

// newVerb returns a verb's flag set with the common flags registered and
// a usage line; out is the default output folder.
func newVerb(name, out, usage string, stderr io.Writer) (*flag.FlagSet, *common) {
	fs := newFlagSet(name, usage, stderr)
	c := new(common)
	c.register(fs, out)
	return fs, c
}

// newFlagSet returns a flag set that prints its usage to stderr on -h and
// on a bad flag, but not the error itself: the caller prints each error
// once.
func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usage)
		fs.SetOutput(stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
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

// progress shows a bar of n steps on stderr, described by what, unless
// stderr is not a terminal or CI is set. It returns tick, to call after
// each step (on one goroutine), and done, to call at the end; both do
// nothing when no bar is shown. The bar redraws at most ten times a
// second.
func progress(stderr io.Writer, n int, what string) (tick, done func()) {
	if !showsBar(stderr) {
		return func() {}, func() {}
	}
	bar := progressbar.NewOptions(n,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	return func() { bar.Add(1) }, func() { bar.Finish() }
}

// showsBar reports whether progress bars are shown on stderr: it is a
// terminal and CI is not set. Otherwise the run is in batch.
func showsBar(stderr io.Writer) bool {
	f, ok := stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd())) && os.Getenv("CI") == ""
}

// revision is the VCS revision stamped at build time, with
//
//	go build -ldflags "-X main.revision=$(git rev-parse HEAD)" ./cmd/returnsim
//
// (docs/running.md), so that a binary built without VCS information
// (-buildvcs=false, or outside a work tree) and run outside a checkout, as
// on a cluster, still knows the revision it was built from.
var revision string

// stampedVersion is the version stamped at build time, with
//
//	-ldflags "-X main.stampedVersion=v1.2.3"
//
// as the release builds (go run ./internal/dist) and the Dockerfile do:
// Go records the module's version from the VCS only when it builds with
// VCS information, which they do not rely on.
var stampedVersion string

// version returns the module version and VCS revision of this binary. The
// version is the stamped one when there is one, else the one the build
// recorded, else "(devel)". The revision is the stamped one when there is
// one. Otherwise the build records the
// revision when it builds a module in a Git work tree (go build, go
// install); go run and go test do not, and then the revision is asked of
// git in the current folder, if that is a work tree of this module. The
// revision ends in "+modified" when the tree had uncommitted changes; it
// says why when it is unknown.
func version() (v, rev string) {
	v = "(devel)"
	info, ok := debug.ReadBuildInfo()
	if ok && info.Main.Version != "" {
		v = info.Main.Version
	}
	if stampedVersion != "" {
		v = stampedVersion
	}
	if revision != "" {
		return v, revision
	}
	if ok {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					defer func() { rev += "+modified" }()
				}
			}
		}
	}
	if rev != "" {
		return v, rev
	}
	return v, gitRevision()
}

// modulePath is this module's path, to recognise its work tree.
const modulePath = "github.com/returnsim/returnsim"

// gitRevision asks git for the revision of the work tree around the
// current folder, if it is this module's.
func gitRevision() string {
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return "unknown (built without VCS information, and git found no work tree here)"
	}
	mod, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(top)), "go.mod"))
	if err != nil || !strings.HasPrefix(string(mod), "module "+modulePath+"\n") {
		return "unknown (built without VCS information, and the work tree here is not " + modulePath + "'s)"
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "unknown (built without VCS information, and git rev-parse HEAD failed)"
	}
	rev := strings.TrimSpace(string(head))
	if exec.Command("git", "diff", "--quiet", "HEAD").Run() != nil {
		rev += "+modified"
	}
	return rev
}
