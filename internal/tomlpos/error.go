package tomlpos

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// Error is one problem in a file.
type Error struct {
	File      string
	Line, Col int // 0 when unknown
	Key       string
	Msg       string
}

// Error returns "file:line:col: key: msg", without the position when Line
// is 0 and without the key when Key is empty. It is always one line:
// newlines and other control characters in the file name, key and message
// are escaped as Go escapes them in strings (\n, \x00, \u2028), and a
// key holding any of them, or a space, is written quoted.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(escape(e.File))
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Key != "" {
		if needsQuote(e.Key) {
			b.WriteString(strconv.Quote(e.Key) + ": ")
		} else {
			b.WriteString(e.Key + ": ")
		}
	}
	b.WriteString(escape(e.Msg))
	return b.String()
}

// needsQuote reports whether a key must be quoted to stay on one line and
// read as one key.
func needsQuote(s string) bool {
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r == '\u2028' || r == '\u2029' || r == utf8.RuneError || !unicode.IsPrint(r) {
			return true
		}
	}
	return !utf8.ValidString(s)
}

// escape escapes what would break a line, and invalid UTF-8, in s.
func escape(s string) string {
	if !needsEscape(s) {
		return s
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

func needsEscape(s string) bool {
	for _, r := range s {
		if r < ' ' && r != '\t' || r == 0x7f || r == '\u2028' || r == '\u2029' || r == 0x85 || r == utf8.RuneError {
			return true
		}
	}
	return false
}

// Errors is every problem found in a set of files.
type Errors []*Error

// Error returns the errors' messages, one per line.
func (es Errors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// plainErr matches the decoding errors that BurntSushi/toml returns as
// plain errors (wrong types): toml: line N (last key "k"): msg.
var plainErr = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

// decodeError turns an error of toml.Decode or MetaData.PrimitiveDecode on
// a text whose keys ix indexes into an *Error in file. Its Key is the last
// key as BurntSushi/toml names it, without array indices, but for an error
// that DecodeEach placed in an array-of-tables element: that element's
// key, where the element writes it. A
// toml.ParseError keeps its position; a plain error gets its line and the
// column of its key on that line (1 if the key is not found there).
func decodeError(file string, ix *Index, err error) *Error {
	var pl *placed
	if errors.As(err, &pl) {
		e := decodeError(file, ix, pl.err)
		e.Key = pl.path
		if k, ok := ix.Lookup(pl.path); ok && k.Line != e.Line {
			e.Line, e.Col = k.Line, k.Col // the position was another element's
		}
		return e
	}
	var pe toml.ParseError
	if errors.As(err, &pe) {
		e := &Error{File: file, Key: pe.LastKey, Msg: pe.Message}
		if pe.Position.Line >= 1 {
			e.Line, e.Col = pe.Position.Line, pe.Position.Col
		}
		return e
	}
	if m := plainErr.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		e := &Error{File: file, Line: line, Col: 1, Key: m[2], Msg: strings.Replace(m[3], "destination has type", "want", 1)}
		for _, k := range ix.LookupPlain(e.Key) {
			if k.Line == line {
				e.Col = k.Col
				return e
			}
		}
		if k, ok := ix.Lookup(e.Key); ok && k.Line == line {
			e.Col = k.Col
		}
		return e
	}
	return &Error{File: file, Msg: strings.TrimPrefix(err.Error(), "toml: ")}
}
