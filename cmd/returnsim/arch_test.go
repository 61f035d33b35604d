package main

import (
	"go/build"
	"strings"
	"testing"
)

// TestDependenciesPointOneWay enforces STYLE.md's architecture: agents
// imports nothing from the module; sim only agents; scenarios and results
// only agents and sim; calibrate those and results; nothing imports cmd.
func TestDependenciesPointOneWay(t *testing.T) {
	const mod = "github.com/returnsim/returnsim/"
	allowed := map[string][]string{
		"agents":    {},
		"sim":       {"agents"},
		"scenarios": {"agents", "sim"},
		"results":   {"agents", "sim"},
		"calibrate": {"agents", "sim", "results", "scenarios"},
	}
	for pkg, ok := range allowed {
		p, err := build.Import(mod+pkg, "", 0)
		if err != nil {
			t.Fatalf("import %s: %v", pkg, err)
		}
		for _, imp := range p.Imports {
			dep, inModule := strings.CutPrefix(imp, mod)
			if !inModule {
				continue
			}
			found := false
			for _, a := range ok {
				found = found || a == dep
			}
			if !found {
				t.Errorf("%s imports %s: want only %v from this module", pkg, dep, ok)
			}
		}
	}
}
