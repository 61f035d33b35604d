package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/BurntSushi/toml"
	"github.com/returnsim/returnsim/calibrate"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/sweep"
)

func checkCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check", `usage: returnsim check FILE.toml ... [--seed N]

Validates study, sweep and targets files and reports every problem, one per line.
A file's kind is told by its tables: a sweep has [design] or [[factors]], a
targets file [[target]], [[parameter]], [method] or [pattern], a study the rest.
A sweep is checked as returnsim sweep would before its first simulation (its
study, its design made with --seed, every point's configuration): a dry run.`, stderr)
	seed := fs.Int64("seed", 1, "the seed whose design a sweep file's check makes, as sweep's --seed")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("check: no file given")
	}
	if *seed < 0 {
		return fmt.Errorf("--seed %d: want 0 or more", *seed)
	}
	var studies []string
	var errs []error
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch fileKind(data) {
		case "sweep":
			err = checkSweep(stdout, f, uint64(*seed))
		case "targets":
			err = checkTargets(stdout, f, data)
		default:
			studies = append(studies, f)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(studies) > 0 {
		if st, err := scenarios.Load(studies...); err != nil {
			errs = append(errs, err)
		} else {
			for _, sc := range st.Scenarios {
				fmt.Fprintf(stdout, "%s: %s ok\n", sc.File, sc.Name)
			}
		}
	}
	return errors.Join(errs...)
}

// fileKind tells a sweep file ("sweep") and a targets file ("targets")
// from a study file ("study") by their top-level tables. A file that is
// not TOML is a study's: its parser then reports where the text is wrong.
func fileKind(data []byte) string {
	var top map[string]any
	if _, err := toml.Decode(string(data), &top); err != nil {
		return "study"
	}
	has := func(keys ...string) bool {
		for _, k := range keys {
			if _, ok := top[k]; ok {
				return true
			}
		}
		return false
	}
	switch {
	case has("base", "variants"):
		return "study"
	case has("design", "factors"):
		return "sweep"
	case has("target", "parameter", "method", "pattern"):
		return "targets"
	}
	return "study"
}

// checkSweep parses a sweep file and makes its plan, as sweep does before
// its first simulation: the study and scenario, the factors' keys, the
// design and every point's configuration. A design read from a CSV
// (--design) has no points to check here.
func checkSweep(stdout io.Writer, file string, seed uint64) error {
	f, err := sweep.Load(file)
	if err != nil {
		return err
	}
	if f.Points() <= 0 {
		base, err := f.Base()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: sweep of scenario %s ok: %d factors; its points come from --design\n", file, base.Name, len(f.Factors))
		return nil
	}
	p, err := sweep.NewPlan(f, seed, "")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: sweep of scenario %s ok: %d points (%s design, seed %d) x %d replicates = %d tasks, every point's configuration valid\n",
		file, p.Base.Name, len(p.Design.Values), p.Design.Kind, seed, f.Replicates, p.Tasks())
	return nil
}

// checkTargets parses a targets file as calibrate does.
func checkTargets(stdout io.Writer, file string, data []byte) error {
	spec, err := calibrate.ParseSpec(file, data)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: targets ok: %d targets, %d free parameters\n", file, len(spec.Targets), len(spec.Parameters))
	return nil
}

func defaultsText() []byte { return scenarios.DefaultText() }
