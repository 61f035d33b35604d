package tomlpos

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

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
// is 0 and without the key when Key is empty.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
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

// DecodeError turns an error of toml.Decode or MetaData.PrimitiveDecode on
// a text whose keys are keys into an *Error in file. Its Key is the last
// key as BurntSushi/toml names it, without array indices. A
// toml.ParseError keeps its position; a plain error gets its line and the
// column of its key on that line (1 if the key is not found there).
func DecodeError(file string, keys []Key, err error) *Error {
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
		for _, k := range LookupPlain(keys, e.Key) {
			if k.Line == line {
				e.Col = k.Col
				return e
			}
		}
		if k, ok := Lookup(keys, e.Key); ok && k.Line == line {
			e.Col = k.Col
		}
		return e
	}
	return &Error{File: file, Msg: strings.TrimPrefix(err.Error(), "toml: ")}
}
