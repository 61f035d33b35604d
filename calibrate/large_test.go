package calibrate

import (
	"fmt"
	"strings"
	"testing"
)

// largeInputs are 1 MB inputs of the kinds a user may hand calibrate: many
// valid targets, many unknown keys, a long posterior.
func largeInputs() []struct {
	name  string
	parse func() error
} {
	var targets, unknown, post strings.Builder
	for i := 0; targets.Len() < 1<<20; i++ {
		fmt.Fprintf(&targets, "[[target]]\nname = \"t%d\"\nstatistic = \"return_rate\"\nkind = \"at_most\"\nvalue = [0.34]\ntolerance = 0.2\nweight = 1\nsource = \"seed 001\"\n", i)
	}
	for i := 0; unknown.Len() < 1<<20; i++ {
		fmt.Fprintf(&unknown, "[[target]]\nnmae_%d = 1\n", i)
	}
	post.WriteString(postHead)
	for i := 0; post.Len() < 1<<20; i++ {
		fmt.Fprintf(&post, "%d,0.1,%d,1,0.5\n", i, i%100)
	}
	return []struct {
		name  string
		parse func() error
	}{
		{"targets", func() error { _, err := ParseTargets("big.toml", []byte(targets.String())); return err }},
		{"unknown keys", func() error { _, err := ParseTargets("big.toml", []byte(unknown.String())); return err }},
		{"posterior", func() error { _, err := ParsePosterior("big.csv", strings.NewReader(post.String())); return err }},
	}
}

// TestLargeInputs: a 1 MB targets file or posterior is accepted or refused
// in one-line errors that name the file. How long that takes is measured
// by BenchmarkLargeInputs, not asserted here: the machine is shared, and a
// timed assertion fails with the load, not the code.
func TestLargeInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("1 MB inputs")
	}
	for _, tc := range largeInputs() {
		if err := tc.parse(); err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "big.") {
					t.Errorf("%s: error line %.80q does not name the file", tc.name, line)
					break
				}
			}
		}
	}
}

// BenchmarkLargeInputs reports the time to accept or refuse each 1 MB
// input (go test ./calibrate -run XXX -bench LargeInputs -benchmem).
func BenchmarkLargeInputs(b *testing.B) {
	for _, tc := range largeInputs() {
		b.Run(strings.ReplaceAll(tc.name, " ", "-"), func(b *testing.B) {
			for b.Loop() {
				tc.parse()
			}
		})
	}
}
