//go:build !unix

package tasks

import (
	"errors"
	"os"
)

// errLocked is lockFile's error when another process holds the lock.
var errLocked = errors.New("locked")

// lockFile fails where there is no flock (js/wasm, Windows): a result
// folder cannot be held there, but the rest of the package (Ordered, Set)
// builds, so that packages the engine's wasm build imports may use it.
func lockFile(*os.File) error { return errors.ErrUnsupported }
