package main

import (
	"go/build"
	"path/filepath"
	"strings"
	"testing"
)

// TestDependenciesPointOneWay enforces the style guide's architecture
// (the package doc.go files): agents imports nothing from the module; sim
// only agents; scenarios and results only agents and sim (results also
// internal/tasks, for the sums of its manifests); calibrate those and
// results; study and sweep run on all of them; serve (the what-if page)
// on study, and on report for a download's page; report reads result
// folders through results alone; the internal packages (tomlpos, tasks;
// dist, a command) import
// nothing from the module, and anyone may import them (tasks builds for
// js/wasm: its folder lock is unix-only); nothing imports cmd.
func TestDependenciesPointOneWay(t *testing.T) {
	const mod = "github.com/returnsim/returnsim/"
	allowed := map[string][]string{
		"agents":             {},
		"sim":                {"agents"},
		"scenarios":          {"agents", "sim", "internal/tomlpos"},
		"results":            {"agents", "sim", "internal/tasks"},
		"calibrate":          {"agents", "sim", "results", "scenarios", "internal/tomlpos", "internal/tasks"},
		"report":             {"results", "internal/tasks"}, // reads result folders, never the engine
		"internal/tomlpos":   {},
		"internal/tasks":     {},
		"internal/dist":      {},                                                  // the release build: runs go, imports nothing
		"internal/wasmbench": {"sim", "scenarios", "results", "internal/browser"}, // times the engine natively and in js/wasm
		"internal/browser":   {},                                                  // finds the Chromium the browser tests drive
		"sensitivity":        {},
		"sweep":              {"agents", "sim", "scenarios", "results", "sensitivity", "internal/tomlpos", "internal/tasks"},
		"study":              {"sim", "scenarios", "results", "calibrate", "internal/tasks"},
		"serve":              {"agents", "sim", "scenarios", "results", "calibrate", "study", "report"},
	}
	dirs, err := filepath.Glob(filepath.Join("..", "..", "*", "doc.go"))
	internal, _ := filepath.Glob(filepath.Join("..", "..", "internal", "*", "doc.go"))
	dirs = append(dirs, internal...)
	if err != nil || len(dirs) < 4 {
		t.Fatalf("found packages %v (%v): want agents, sim, scenarios, results at least", dirs, err)
	}
	for _, d := range dirs {
		pkg, _ := filepath.Rel(filepath.Join("..", ".."), filepath.Dir(d))
		pkg = filepath.ToSlash(pkg)
		ok, known := allowed[pkg]
		if !known {
			t.Errorf("package %s has no place in the dependency order: add it to this test", pkg)
			continue
		}
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
