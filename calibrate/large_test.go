package calibrate

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestLargeInputsFast: a 1 MB targets file or posterior is accepted or
// refused within a second, in one-line errors. The time is the
// least of up to three reads: the machine is shared, and other work only
// adds to a read's time.
func TestLargeInputsFast(t *testing.T) {
	if testing.Short() {
		t.Skip("1 MB inputs")
	}
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
	for _, tc := range []struct {
		name  string
		parse func() error
	}{
		{"targets", func() error { _, err := ParseTargets("big.toml", []byte(targets.String())); return err }},
		{"unknown keys", func() error { _, err := ParseTargets("big.toml", []byte(unknown.String())); return err }},
		{"posterior", func() error { _, err := ParsePosterior("big.csv", strings.NewReader(post.String())); return err }},
	} {
		best := time.Duration(1 << 62)
		var err error
		for range 3 {
			start := time.Now()
			err = tc.parse()
			best = min(best, time.Since(start))
			if best < time.Second/4 {
				break
			}
		}
		if best > time.Second {
			t.Errorf("%s: 1 MB took %v, want under 1s", tc.name, best)
		}
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "big.") {
					t.Errorf("%s: error line %.80q does not name the file", tc.name, line)
					break
				}
			}
		}
	}
}
