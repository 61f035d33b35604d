package main

import (
	"flag"
	"fmt"
	"io"
	"reflect"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"

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

func isInt(cfg *sim.Config, key string) bool {
	f, _, _, ok := agents.Field(cfg, key)
	return ok && f.Kind() == reflect.Int
}
