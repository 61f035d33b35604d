// Command wasmbench times one scenario-replicate of the embedded default
// study continued from its fork, the unit of work a page running the model
// in a visitor's browser would do for each scenario: the history to
// December 2024 (sim.RunHistory) is built once, then continued N times to
// the horizon, December 2030 (History.Continue), and the median printed.
// The same program runs natively, under Node as js/wasm, and in headless
// Chromium, so that the three medians are of the same work
// (docs/performance.md, "In WebAssembly"):
//
//	go run ./internal/wasmbench -n 15
//	PATH="$(go env GOROOT)/lib/wasm:$PATH" GOOS=js GOARCH=wasm go run ./internal/wasmbench -n 15
//	go run ./internal/wasmbench -browser -n 15
//
// With -browser it builds itself for js/wasm, serves the module with
// wasm_exec.js on a local port, opens it in headless Chromium and prints
// what the page printed. -metrics records the continuations as a study
// does (results.Replicate: the history's records replayed, the metrics
// computed), as a page would have to; without it they record nothing,
// as BenchmarkFromFork.
package main
