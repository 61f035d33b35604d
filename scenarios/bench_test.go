package scenarios

import (
	"fmt"
	"strings"
	"testing"
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

// TestParseHostileErrors: every hostile shape of 1 MB is accepted or
// refused in lines of one error each, each naming the file. How long a
// parse takes is measured by BenchmarkParseHostile (time per KB at two
// sizes: linear parsing keeps them close), not asserted here: the machine
// is shared, and a timed assertion fails with the load, not the code.
func TestParseHostileErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("1 MB inputs")
	}
	for name, gen := range hostile {
		text := []byte(gen(1 << 20))
		_, err := Parse("hostile.toml", text)
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
