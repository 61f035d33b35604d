// Package browser finds the Chromium that the browser tests drive (the
// report's page, the what-if page, the WebAssembly timing): $CHROMIUM, or
// the first of Debian's chromium and its usual other names on PATH.
// It imports nothing of the module, and runs nothing.
package browser
