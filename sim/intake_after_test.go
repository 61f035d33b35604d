package sim

import (
	"math"
	"testing"

	"github.com/returnsim/returnsim/agents"
)

// TestIntakeAfterTheData: after the last year of intake.years a source
// brings, each month, the mean of its last three years; before the first
// year, the first year's.
func TestIntakeAfterTheData(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Months = 168
	if err := cfg.Prepare(); err != nil {
		t.Fatal(err)
	}
	ys := cfg.Intake.Years
	last := ys[len(ys)-1].Year
	month := func(year int) int { return 12 * (year - 2017) }
	for s := agents.Source(0); s < agents.NumSources; s++ {
		want := 0.0
		for y := last - 2; y <= last; y++ {
			want += cfg.NewPerMonth(month(y), s) / 3
		}
		for _, y := range []int{last + 1, last + 6} {
			if got := cfg.NewPerMonth(month(y)+5, s); math.Abs(got-want) > 1e-9*want {
				t.Errorf("%s in %d: %v new persons a month, want the mean of %d-%d, %v", s, y, got, last-2, last, want)
			}
		}
		if a, b := cfg.NewPerMonth(-cfg.Warmup, s), cfg.NewPerMonth(month(ys[0].Year), s); a != b {
			t.Errorf("%s before the first year: %v, want the first year's %v", s, a, b)
		}
	}
	for s := agents.Source(0); s < agents.NumSources; s++ {
		t.Logf("%s after %d: %.2f a month", s, last, cfg.NewPerMonth(month(last+1), s))
	}
}
