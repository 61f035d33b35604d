package scenarios

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// hostile texts of about size bytes: the shapes that once made the
// parser quadratic or worse.
var hostile = map[string]func(size int) string{
	// x = {a = {a = {a = ... }}}: nested inline tables
	"nested-inline": func(size int) string {
		d := size / 8
		return "[base]\nx = " + strings.Repeat("{a = ", d) + "1" + strings.Repeat("}", d) + "\n"
	},
	// one dotted key with many parts
	"dotted-key": func(size int) string {
		return "[base]\n" + strings.Repeat("a.", size/2) + "b = 1\n"
	},
	// a table header with many dotted parts, then a key
	"dotted-table": func(size int) string {
		return "[base." + strings.Repeat("a.", size/2) + "b]\nc = 1\n"
	},
	// many unknown keys
	"unknown-keys": func(size int) string {
		var b strings.Builder
		b.WriteString("[base]\n")
		for i := 0; b.Len() < size; i++ {
			fmt.Fprintf(&b, "unknown_%d = %d\n", i, i)
		}
		return b.String()
	},
	// many lines of dotted keys and nested inline tables just within
	// tomlpos.MaxDepth: what Shape lets through must decode in linear time
	"deep-lines": func(size int) string {
		var b strings.Builder
		b.WriteString("[base]\n")
		for i := 0; b.Len() < size; i++ {
			fmt.Fprintf(&b, "k%d%s = %s1%s\n", i, strings.Repeat(".b", 5), strings.Repeat("{c = ", 5), strings.Repeat("}", 5))
		}
		return b.String()
	},
	// many unknown keys under dotted paths in variants
	"unknown-dotted": func(size int) string {
		var b strings.Builder
		b.WriteString("[base]\n[variants.v]\n")
		for i := 0; b.Len() < size; i++ {
			fmt.Fprintf(&b, "policy.x%d.y = %d\n", i, i)
		}
		return b.String()
	},
}

// BenchmarkParseHostile reports the time per KB of input for each hostile
// shape at 16 KB and 256 KB: linear parsing keeps the two close.
func BenchmarkParseHostile(b *testing.B) {
	for _, name := range []string{"nested-inline", "dotted-key", "dotted-table", "deep-lines", "unknown-keys", "unknown-dotted"} {
		for _, kb := range []int{16, 256} {
			text := []byte(hostile[name](kb << 10))
			b.Run(fmt.Sprintf("%s/%dKB", name, kb), func(b *testing.B) {
				for b.Loop() {
					Parse("hostile.toml", text)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(float64(len(text))/1024), "ns/KB")
			})
		}
	}
}

// TestParseHostileFast: every hostile shape of 1 MB is accepted or refused
// within a second, in lines of one error each. The time is the
// least of up to three parses: the machine is shared, and other work only
// ever adds to a parse's time. BenchmarkParseHostile shows the time per KB
// at two sizes.
func TestParseHostileFast(t *testing.T) {
	if testing.Short() {
		t.Skip("1 MB inputs")
	}
	least := func(text []byte) (time.Duration, error) {
		best := time.Duration(1 << 62)
		var err error
		for range 3 {
			start := time.Now()
			_, err = Parse("hostile.toml", text)
			best = min(best, time.Since(start))
			if best < time.Second/4 {
				break
			}
		}
		return best, err
	}
	for name, gen := range hostile {
		text := []byte(gen(1 << 20))
		d, err := least(text)
		if d > time.Second {
			t.Errorf("Parse(%s, %d bytes) took %v, want under 1s", name, len(text), d)
		}
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "hostile.toml") {
					t.Errorf("Parse(%s): error line %.80q does not start with the file name", name, line)
					break
				}
			}
		}
	}
}
