package study_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/returnsim/returnsim/results"
	"github.com/returnsim/returnsim/scenarios"
	"github.com/returnsim/returnsim/study"
)

func ExampleRun() {
	st, err := scenarios.Parse("tiny.toml", []byte(`
name = "tiny"

[base]
months = 12
warmup_months = 12
intake.scale = 0.02

[variants.ngo]
policy.counselling.provider = "ngo"
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, err := os.MkdirTemp("", "study")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	res, err := study.Run(context.Background(), st, study.Options{Out: dir, Seed: 1, Replicates: 2, Workers: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	files, _ := filepath.Glob(filepath.Join(dir, "[^.]*")) // not the folder lock and owner record
	for _, f := range files {
		fmt.Println(filepath.Base(f))
	}
	fmt.Println(len(res.Rows) == len(st.Scenarios)*len(results.MetricNames), res.Manifest.Scenarios[1].Name)
	// Output:
	// groups-summary.csv
	// groups.csv
	// manifest.json
	// replicates.csv
	// rules.csv
	// summary.csv
	// timeseries.csv
	// true ngo
}
