package tomlpos

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// DecodeEach decodes the table prim (at dotted key at, "" for the whole
// text) into v, a pointer to a struct, key by key in file order, and
// returns the error of every key that fails, in file order, or err, the
// error of decoding the table whole, when it finds none.
//
// BurntSushi/toml visits a table's keys in map order and stops at the first
// that fails, so with two bad keys in one table its error, and which keys
// it leaves undecoded, are chance. DecodeEach decodes each key into a copy
// of its field and keeps the copy only when it decodes: a key that fails
// leaves its field as it was, but for a table, whose keys are decoded one
// by one in turn, so that every bad key in it is found. An array replaces
// its field whole, and one that fails leaves its field as it was. Of an
// array of values that fails, the first bad element is reported; of an
// array of tables, every bad key of every bad element, each named with its
// element's index ("t.rows[2].value") and placed where that element writes
// it (BurntSushi/toml gives such an error the position of the key's last
// element, whichever failed), and every element is decoded, so that the
// keys of the good ones are not left undecoded as if unknown.
func DecodeEach(md toml.MetaData, ix *Index, at string, prim toml.Primitive, v any, err error) []error {
	return decodeEach(md, ix, at, prim, reflect.ValueOf(v).Elem(), err)
}

var unmarshalerType = reflect.TypeFor[toml.Unmarshaler]()

// isTable reports whether t is a struct that BurntSushi/toml decodes key by
// key.
func isTable(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && !reflect.PointerTo(t).Implements(unmarshalerType)
}

func decodeEach(md toml.MetaData, ix *Index, at string, prim toml.Primitive, rv reflect.Value, err error) []error {
	m, ok := primitives(md, prim, rv.Type())
	if !ok {
		return []error{err}
	}
	if errs := decodeTable(md, ix, at, m, rv); len(errs) > 0 {
		return errs
	}
	return []error{err}
}

// decodeTable is decodeEach on the keys of the table, m.
func decodeTable(md toml.MetaData, ix *Index, at string, m map[string]toml.Primitive, rv reflect.Value) []error {
	var errs []error
	for _, k := range inFileOrder(ix, at, m) {
		i, ok := fieldIndex(rv.Type(), k)
		if !ok {
			continue // an unknown key: not a decoding error
		}
		fv, err := rv.FieldByIndexErr(i)
		if err != nil {
			continue // below a nil embedded pointer
		}
		tmp := reflect.New(fv.Type())
		if fv.Kind() != reflect.Slice {
			tmp.Elem().Set(fv)
		}
		err = md.PrimitiveDecode(m[k], tmp.Interface())
		switch {
		case err == nil:
			fv.Set(tmp.Elem())
		case isTable(fv.Type()):
			errs = append(errs, decodeEach(md, ix, join(at, k), m[k], fv, err)...)
		default:
			errs = append(errs, errorsOf(md, ix, join(at, k), m[k], fv.Type(), err)...)
		}
	}
	return errs
}

// errorsOf are the errors of decoding prim (at key at) into a value of
// type t, whose error is err: for an array of tables, those of every bad
// element (decoding every element); for an array of values, the first bad
// element's; else err.
func errorsOf(md toml.MetaData, ix *Index, at string, prim toml.Primitive, t reflect.Type, err error) []error {
	if t.Kind() == reflect.Slice {
		var elems []toml.Primitive
		if md.PrimitiveDecode(prim, &elems) == nil {
			var errs []error
			for i, el := range elems {
				e := md.PrimitiveDecode(el, reflect.New(t.Elem()).Interface())
				switch {
				case e == nil:
				case isTable(t.Elem()):
					errs = append(errs, errorsOf(md, ix, fmt.Sprintf("%s[%d]", at, i), el, t.Elem(), e)...)
				default:
					return errorsOf(md, ix, at, el, t.Elem(), err)
				}
			}
			if len(errs) > 0 {
				return errs
			}
		}
		return []error{place(at, err)}
	}
	if !isTable(t) {
		return []error{place(at, err)}
	}
	errs := decodeEach(md, ix, at, prim, reflect.New(t).Elem(), err)
	for i := range errs {
		errs[i] = place(at, errs[i])
	}
	return errs
}

// placed is an error of decoding the key at path, inside an element of an
// array of tables (path holds its index): decodeError places it there.
type placed struct {
	path string
	err  error
}

func (p *placed) Error() string { return p.err.Error() }
func (p *placed) Unwrap() error { return p.err }

// place returns err as a placed error at path when path lies inside an
// array-of-tables element and err is not placed already.
func place(path string, err error) error {
	var p *placed
	if !strings.Contains(path, "[") || errors.As(err, &p) {
		return err
	}
	return &placed{path, err}
}

// DecodeEachOf is DecodeEach on a whole text, whose decoding into v gave
// err; v is left as it was. A syntax error is returned as it is.
func DecodeEachOf(text string, ix *Index, v any, err error) []error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return []error{err}
	}
	var m map[string]toml.Primitive
	md, e := toml.Decode(text, &m)
	if e != nil {
		return []error{err}
	}
	errs := decodeTable(md, ix, "", m, reflect.New(reflect.TypeOf(v).Elem()).Elem())
	if len(errs) == 0 {
		return []error{err}
	}
	return errs
}

// primitives splits the table prim into the raw values of the keys that
// struct t knows, leaving the others undecoded in md, as unknown keys.
func primitives(md toml.MetaData, prim toml.Primitive, t reflect.Type) (map[string]toml.Primitive, bool) {
	kt := tableOf(t)
	v := reflect.New(kt.raw)
	if md.PrimitiveDecode(prim, v.Interface()) != nil {
		return nil, false
	}
	m := map[string]toml.Primitive{}
	for i, k := range kt.rawKeys {
		if f := v.Elem().Field(i); !f.IsZero() {
			m[k] = f.Interface().(toml.Primitive)
		}
	}
	return m, true
}

// inFileOrder lists the keys of the table m (at dotted key at) in the
// order they are written; keys written at one place by name.
func inFileOrder(ix *Index, at string, m map[string]toml.Primitive) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	pos := func(k string) Key { p, _ := ix.Lookup(join(at, k)); return p }
	sort.Slice(keys, func(i, j int) bool {
		a, b := pos(keys[i]), pos(keys[j])
		if a.Line != b.Line || a.Col != b.Col {
			return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
		}
		return keys[i] < keys[j]
	})
	return keys
}
