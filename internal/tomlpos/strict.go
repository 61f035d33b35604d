package tomlpos

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// MaxErrors is the most problems a Doc reports; a last line says how many
// more there are.
const MaxErrors = 100

// Doc is a TOML text decoded strictly: the one front end of study, targets
// and sweep files. Decode refuses a text out of Shape, a syntax error, a
// wrong type and a key that names a field only when case is ignored; the
// caller then reports unknown keys with Unknown and its own checks with
// Add, and Err gives every problem in file order, at most MaxErrors of
// them.
type Doc struct {
	File   string
	Text   string // without a leading byte-order mark
	MD     toml.MetaData
	Ix     *Index
	schema reflect.Type
	// Hint, when set, gives the message of an unknown key in place of
	// "unknown key" and its suggestion, or "" to leave them.
	Hint func(k toml.Key) string
	errs Errors
	seen map[Error]bool // each problem reported, to report each once
	// failed holds the plain keys whose decoding failed: their fields
	// keep what they held, and which keys below them BurntSushi/toml
	// decoded is chance, so nothing below them is reported.
	failed []string
}

// bom is UTF-8's byte-order mark, which BurntSushi/toml skips.
const bom = "\ufeff"

// Decode decodes data, a text that errors call file, into v, whose type
// (or the type schema, when v is less strict) names the known keys. It
// returns the Doc and, for a text that does not decode, an Errors of its
// problems: the size or depth of the text, a syntax error, every key of a
// wrong type, or the keys that match a field only when case is ignored.
func Decode(file string, data []byte, v any, schema reflect.Type) (*Doc, error) {
	d := &Doc{File: file, Text: strings.TrimPrefix(string(data), bom), schema: schema, seen: map[Error]bool{}}
	if e := Shape(file, d.Text); e != nil {
		return nil, Errors{e}
	}
	d.Ix = NewIndex(Keys(d.Text))
	md, err := toml.Decode(d.Text, v)
	if err != nil {
		for _, err := range DecodeEachOf(d.Text, d.Ix, v, err) {
			d.Append(d.errorOf(err))
		}
		return nil, d.Err()
	}
	d.MD = md
	if errs := CaseErrors(file, md, d.Ix, schema); len(errs) > 0 {
		return nil, errs
	}
	return d, nil
}

// redefined matches BurntSushi/toml's message for a key or table given twice.
var redefined = regexp.MustCompile(`^Key '(.*)' has already been defined\.$`)

// errorOf is decodeError in the Doc, with the key named as Add names it:
// with the index of its array-of-tables element, and, for a key or table
// given twice, placed at the whole key.
func (d *Doc) errorOf(err error) *Error {
	e := decodeError(d.File, d.Ix, err)
	m := redefined.FindStringSubmatch(e.Msg)
	if m != nil {
		e.Key, e.Msg = m[1], "given twice: a key or table is defined once in a file"
	}
	for _, at := range d.Ix.LookupPlain(e.Key) {
		if at.Line == e.Line {
			e.Key = at.Path
			if m != nil {
				e.Col = at.Col
			}
		}
	}
	return e
}

// Failed reports err, an error of decoding a table of the Doc's
// metadata, and reports nothing more below its key.
func (d *Doc) Failed(err error) {
	e := d.errorOf(err)
	d.Append(e)
	d.failed = append(d.failed, plain(e.Key))
}

// belowFailed reports whether the key, with or without array indices, is
// one whose decoding failed or lies below one.
func (d *Doc) belowFailed(key string) bool {
	key = plain(key)
	for _, f := range d.failed {
		if key == f || strings.HasPrefix(key, f+".") {
			return true
		}
	}
	return false
}

// plain drops the array indices of a path: "a[2].b" is "a.b".
func plain(path string) string { return indices.ReplaceAllString(path, "") }

var indices = regexp.MustCompile(`\[[0-9]+\]`)

// Add reports msg at key, a dotted path with array indices, placed where
// the key or its nearest parent is written; the same key and message are
// reported once.
func (d *Doc) Add(key, msg string) {
	if d.belowFailed(key) {
		return
	}
	e := &Error{File: d.File, Key: key, Msg: msg}
	if at, ok := d.Ix.Lookup(key); ok {
		e.Line, e.Col = at.Line, at.Col
	}
	d.Append(e)
}

// Append reports e, once.
func (d *Doc) Append(e *Error) {
	if d.seen[*e] {
		return
	}
	d.seen[*e] = true
	d.errs = append(d.errs, e)
}

// Unknown reports every key that no field took, but those below an
// unknown key reported before them and those below a key that failed to
// decode, at every place it is written, with the known key of the schema
// nearest to it when one is close.
func (d *Doc) Unknown() {
	reported := map[string]bool{}
	suggested := 0
	for _, k := range d.MD.Undecoded() {
		if reportedAbove(reported, k) {
			continue
		}
		key := strings.Join(k, ".") // as Keys writes it, unquoted
		reported[key] = true
		if d.belowFailed(key) {
			continue
		}
		msg := "unknown key"
		if d.Hint != nil {
			if h := d.Hint(k); h != "" {
				msg = h
			}
		}
		// in file order: suggest for those that can be among those shown
		if msg == "unknown key" && suggested < MaxErrors {
			suggested++
			if s := Suggest(d.schema, k); s != "" {
				msg = "unknown key: did you mean " + s + "?"
			}
		}
		written := d.Ix.LookupPlain(key)
		for _, at := range written {
			d.Append(&Error{File: d.File, Line: at.Line, Col: at.Col, Key: at.Path, Msg: msg})
		}
		if len(written) == 0 {
			d.Add(key, msg)
		}
	}
}

// reportedAbove reports whether k or a table above it has been reported
// (the metadata lists a key once per array-of-tables element).
func reportedAbove(reported map[string]bool, k toml.Key) bool {
	for n := len(k); n > 0; n-- {
		if reported[strings.Join(k[:n], ".")] {
			return true
		}
	}
	return false
}

// Failing reports whether a problem has been reported.
func (d *Doc) Failing() bool { return len(d.errs) > 0 }

// Fresh returns the Doc with no problems reported, for checks made later.
func (d *Doc) Fresh() *Doc {
	c := *d
	c.errs, c.seen, c.failed = nil, map[Error]bool{}, nil
	return &c
}

// Err returns the problems reported, in file order (those without a place
// last), at most MaxErrors and a line that counts the rest; nil if none.
func (d *Doc) Err() error {
	errs := d.errs
	if len(errs) == 0 {
		return nil
	}
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i], errs[j]
		if (a.Line == 0) != (b.Line == 0) {
			return b.Line == 0
		}
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	if n := len(errs); n > MaxErrors {
		errs = append(errs[:MaxErrors:MaxErrors], &Error{File: d.File, Msg: fmt.Sprintf("%d more problems not shown", n-MaxErrors)})
	}
	return errs
}

// AsErrors returns the Errors in err, or err as one Error in file.
func AsErrors(file string, err error) Errors {
	var es Errors
	if errors.As(err, &es) {
		return es
	}
	return Errors{{File: file, Msg: err.Error()}}
}
