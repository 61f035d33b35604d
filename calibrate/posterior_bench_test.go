package calibrate

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkParsePosterior reads the shipped posterior.
func BenchmarkParsePosterior(b *testing.B) {
	data, err := os.ReadFile("posterior.csv")
	if err != nil {
		b.Skip(err)
	}
	for b.Loop() {
		if _, err := ParsePosterior("posterior.csv", bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
