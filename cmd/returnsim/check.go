package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/returnsim/returnsim/scenarios"
)

func checkCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: returnsim check FILE.toml ...") }
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
