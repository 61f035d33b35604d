// Command returnsim runs the return-decision simulation. See README.md.
package main

import (
	"errors"
	"flag"
	"fmt"
	"github.com/returnsim/returnsim/scenarios"
	"io"
	"os"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		msg := err.Error()
		if !strings.Contains(msg, "\n") {
			fmt.Fprintln(os.Stderr, "returnsim: "+msg)
		} else {
			fmt.Fprintln(os.Stderr, msg)
		}
		os.Exit(1)
	}
}

const usage = `usage: returnsim <command> [arguments]

commands:
  run [FILE.toml ...]    run a study's scenarios (no file: the embedded default study)
  check FILE.toml ...    validate study, sweep and targets files and report every problem
  calibrate [TARGETS]    fit the free parameters to the study's findings
  report DIR             write DIR/report.html, the planner's report of a result folder
  serve [FILE.toml]      a what-if page on this machine: move a lever, see the difference from the baseline
  sweep FILE.toml        run a parameter sweep (grid, lhs, sobol, morris or --design CSV)
  merge DIR...           merge the shard folders of a sweep
  sensitivity DIR        Sobol or Morris indices of a finished sweep
  defaults               print the embedded default study
  keys                   print every scenario key: unit, default, range, source (docs/scenarios.md)
  version                print the version

Run 'returnsim <command> -h' for a command's flags.
`

// run runs the command line args. -h on a verb prints its usage and is not
// an error.
func run(args []string, stdout, stderr io.Writer) error {
	err := dispatch(args, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func dispatch(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch args[0] {
	case "run":
		return runCmd(args[1:], stdout, stderr)
	case "check":
		return checkCmd(args[1:], stdout, stderr)
	case "calibrate":
		return calibrateCmd(args[1:], stdout, stderr)
	case "report":
		return reportCmd(args[1:], stdout, stderr)
	case "serve":
		return serveCmd(args[1:], stdout, stderr)
	case "sweep":
		return sweepCmd(args[1:], stdout, stderr)
	case "merge":
		return mergeCmd(args[1:], stdout, stderr)
	case "sensitivity":
		return sensitivityCmd(args[1:], stdout, stderr)
	case "defaults":
		_, err := stdout.Write(defaultsText())
		return err
	case "keys":
		_, err := io.WriteString(stdout, scenarios.Reference())
		return err
	case "version":
		v, rev := version()
		fmt.Fprintf(stdout, "returnsim %s %s\n", v, rev)
		return nil
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
