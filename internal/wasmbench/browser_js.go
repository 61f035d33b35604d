//go:build js

package main

import (
	"errors"
	"io"
)

// inBrowser is the native program's: from inside a browser it has none to
// start.
func inBrowser(io.Writer, []string) error {
	return errors.New("-browser: run it natively; it builds the js/wasm program and opens it in Chromium")
}
