package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// platforms are the GOOS/GOARCH pairs built by default.
var platforms = []string{
	"linux/amd64", "linux/arm64",
	"darwin/amd64", "darwin/arm64",
	"windows/amd64", "windows/arm64",
}

// pkg is the package built: named by its import path, so that dist runs
// from any folder of the module.
const pkg = "github.com/returnsim/returnsim/cmd/returnsim"

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "dist:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("dist", flag.ContinueOnError)
	out := fs.String("out", "dist", "output `dir`")
	ver := fs.String("version", "", "the version to stamp (default: the tag at HEAD, or a Go pseudo-version of HEAD)")
	rev := fs.String("revision", "", "the revision to stamp (default: git rev-parse HEAD)")
	plats := fs.String("platforms", strings.Join(platforms, ","), "comma-separated GOOS/GOARCH `pairs` to build")
	stamp := fs.Bool("stamp", false, "print the version and revision it would stamp, on one line, and build nothing (for docker build's --build-arg)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *ver == "" || *rev == "" {
		gv, gr, err := fromGit()
		if err != nil {
			return fmt.Errorf("%w (or give -version and -revision)", err)
		}
		if *ver == "" {
			*ver = gv
		}
		if *rev == "" {
			*rev = gr
		}
	}
	if strings.ContainsAny(*ver+*rev, " \t\n'\"") {
		return fmt.Errorf("version %q, revision %q: want no spaces or quotes", *ver, *rev)
	}
	if *stamp {
		_, err := fmt.Fprintln(stdout, *ver, *rev)
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "returnsim %s %s\n", *ver, *rev)
	var names []string
	for _, p := range strings.Split(*plats, ",") {
		goos, goarch, ok := strings.Cut(strings.TrimSpace(p), "/")
		if !ok || goos == "" || goarch == "" {
			return fmt.Errorf("-platforms: %q is not GOOS/GOARCH", p)
		}
		name := binaryName(goos, goarch)
		start := time.Now()
		if err := build(filepath.Join(*out, name), goos, goarch, *ver, *rev); err != nil {
			return err
		}
		fi, err := os.Stat(filepath.Join(*out, name))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%-30s %5.1f MB %5.1f s\n", name, float64(fi.Size())/1e6, time.Since(start).Seconds())
		names = append(names, name)
	}
	sums, err := sumFiles(*out, names)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "SHA256SUMS"), sums, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(stdout, filepath.Join(*out, "SHA256SUMS"))
	return nil
}

// binaryName is the file name of the binary for goos/goarch.
func binaryName(goos, goarch string) string {
	name := "returnsim-" + goos + "-" + goarch
	if goos == "windows" {
		name += ".exe"
	}
	return name
}

// ldflags are the linker flags of a release build: the version and
// revision stamped (cmd/returnsim's stampedVersion and revision), the
// symbol table and DWARF left out (-s -w: a third smaller; a panic's stack
// trace keeps its function names and lines).
func ldflags(version, revision string) string {
	return "-s -w -X main.stampedVersion=" + version + " -X main.revision=" + revision
}

// build builds the binary for goos/goarch into path. -buildvcs=false:
// the stamp is the only source of the version, whatever GOFLAGS says, so
// that the same commit gives the same bytes everywhere (with the same Go).
func build(path, goos, goarch, version, revision string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags", ldflags(version, revision), "-o", path, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build for %s/%s: %w", goos, goarch, err)
	}
	return nil
}

// sumFiles returns the SHA256SUMS of the named files of dir, as sha256sum
// writes them (and sha256sum -c, shasum -a 256 -c read them), by name.
func sumFiles(dir string, names []string) ([]byte, error) {
	names = slices.Sorted(slices.Values(names))
	var b bytes.Buffer
	for _, n := range names {
		f, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			return nil, err
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(h.Sum(nil)), n)
	}
	return b.Bytes(), nil
}

// fromGit returns the version and revision of the work tree around the
// current folder: the semantic version tag at HEAD, or else a pseudo-version
// as the go command computes it; the commit. With uncommitted changes to
// tracked files the version ends in "+dirty" (as Go's) and the revision
// in "+modified" (as returnsim's own, cmd/returnsim's gitRevision).
func fromGit() (version, revision string, err error) {
	git := func(args ...string) (string, error) {
		out, err := exec.Command("git", args...).Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, bytes.TrimSpace(ee.Stderr))
			}
			return "", fmt.Errorf("git %s: %v", strings.Join(args, " "), err)
		}
		return strings.TrimSpace(string(out)), nil
	}
	revision, err = git("rev-parse", "HEAD")
	if err != nil {
		return "", "", err
	}
	ct, err := git("log", "-1", "--format=%ct", "HEAD")
	if err != nil {
		return "", "", err
	}
	secs, err := strconv.ParseInt(ct, 10, 64)
	if err != nil {
		return "", "", fmt.Errorf("commit time %q: %v", ct, err)
	}
	// the tags at HEAD, then the nearest tag before it (none is no error)
	var atHead []string
	if s, err := git("tag", "--points-at", "HEAD", "--sort=-v:refname", "--list", "v[0-9]*"); err == nil && s != "" {
		atHead = strings.Split(s, "\n")
	}
	before, _ := git("describe", "--tags", "--abbrev=0", "--match", "v[0-9]*", "HEAD")
	version = versionOf(atHead, before, time.Unix(secs, 0), revision)
	if exec.Command("git", "diff", "--quiet", "HEAD").Run() != nil {
		version += "+dirty"
		revision += "+modified"
	}
	return version, revision, nil
}

var semver = regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$`)

// versionOf is the version of a commit made at t with the given revision:
// a semantic version tag at it (tags are the tags at the commit, highest first: the first
// valid one), or else the pseudo-version Go gives a commit after the
// nearest earlier tag (before, "" for none): v0.0.0-T-R without one,
// vX.Y.(Z+1)-0.T-R after a release vX.Y.Z, vX.Y.Z-pre.0.T-R after a
// pre-release, with T the commit's UTC time as yyyymmddhhmmss and R the
// revision's first 12 digits.
func versionOf(tags []string, before string, t time.Time, revision string) string {
	for _, tag := range tags {
		if semver.MatchString(tag) {
			return tag
		}
	}
	stamp := t.UTC().Format("20060102150405") + "-" + revision[:min(12, len(revision))]
	m := semver.FindStringSubmatch(before)
	switch {
	case m == nil:
		return "v0.0.0-" + stamp
	case m[4] != "": // a pre-release
		return before + ".0." + stamp
	default:
		patch, _ := strconv.Atoi(m[3])
		return fmt.Sprintf("v%s.%s.%d-0.%s", m[1], m[2], patch+1, stamp)
	}
}
