// Command dist builds the returnsim binaries people download: for Linux,
// macOS and Windows, each on amd64 and arm64, static (CGO_ENABLED=0),
// with -trimpath, and with the version and revision stamped in (returnsim
// version prints them), into one folder with their SHA256SUMS:
//
//	go run ./internal/dist [-out dist] [-version V] [-revision R] [-platforms linux/amd64,...]
//
// -stamp prints the version and revision it would stamp and builds
// nothing: the Dockerfile's build arguments.
//
// The version and revision default to what git says of the work tree: the
// tag at HEAD, or else a Go pseudo-version (v0.0.0-yyyymmddhhmmss-abcdef123456,
// or vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdef123456 after the tag vX.Y.Z, as the
// go command computes it), and the commit; with uncommitted changes the
// version ends in "+dirty" and the revision in "+modified". They are
// stamped with -ldflags -X, not taken from Go's VCS stamping, which
// -buildvcs=false (set in many containers' GOFLAGS, and on the machine this
// was written on) turns off.
//
// It is a Go program rather than a shell script so that it runs wherever
// Go does, Windows included, and sums the files itself (macOS has no
// sha256sum); it imports nothing of the module.
package main
