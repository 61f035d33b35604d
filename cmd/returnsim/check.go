package main

import (
	"fmt"
	"io"

	"github.com/returnsim/returnsim/scenarios"
)

func checkCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check", "usage: returnsim check FILE.toml ...\n\nValidates study files and reports every problem, one per line.", stderr)
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("check: no file given")
	}
	st, err := scenarios.Load(files...)
	if err != nil {
		return err
	}
	for _, sc := range st.Scenarios {
		fmt.Fprintf(stdout, "%s: %s ok\n", sc.File, sc.Name)
	}
	return nil
}

func defaultsText() []byte { return scenarios.DefaultText() }
