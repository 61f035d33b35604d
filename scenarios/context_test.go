package scenarios

import (
	"testing"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// TestDefaultStudyKeepsContext checks that every scenario of the default
// study compares a policy against the same context: in every recorded
// month its capacities (places, removals) are the baseline's. A variant
// that gives its own policy_changes replaces the base's array, and so must
// repeat the base's dated capacities (the LVV from 2019-04); one that
// forgot them would count the lost places as part of its policy's effect.
func TestDefaultStudyKeepsContext(t *testing.T) {
	st, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	base := &st.Scenarios[0].Config
	for _, sc := range st.Scenarios[1:] {
		for m := range base.Months {
			if got, want := capacityAt(&sc.Config, m), capacityAt(base, m); got != want {
				t.Errorf("%s: month %d (%s): capacities %+v, the baseline's %+v", sc.Name, m, base.Date(m), got, want)
				break
			}
		}
	}
}

// capacityAt is the policy's capacity in force in recorded month m.
func capacityAt(cfg *sim.Config, m int) agents.Capacity {
	c := cfg.Policy.Capacity
	for _, ch := range cfg.Changes {
		if ch.FromMonth <= m {
			c = ch.Policy.Capacity
		}
	}
	return c
}
