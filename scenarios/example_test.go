package scenarios_test

import (
	"fmt"

	"github.com/returnsim/returnsim/scenarios"
)

func ExampleParse() {
	study := `
name = "timing"

[base]
policy.counselling.timing = "final-decision"

[variants.early]
description = "Counselling while the appeal is pending"
policy.counselling.timing = "first-decision"
`
	st, err := scenarios.Parse("timing.toml", []byte(study))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, sc := range st.Scenarios {
		fmt.Println(sc.Name, sc.Config.Policy.Counselling.Timing)
	}
	// Output:
	// baseline final-decision
	// early first-decision
}

func ExampleParse_error() {
	study := `
[base]
policy.counselling.timing = "erly"
`
	_, err := scenarios.Parse("timing.toml", []byte(study))
	fmt.Println(err)
	// Output:
	// timing.toml:3:30: base.policy.counselling.timing: "erly" is not one of none, first-decision, final-decision, deadline, detention, periodic
}
