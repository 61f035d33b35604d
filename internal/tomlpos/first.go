package tomlpos

import (
	"errors"
	"reflect"
	"sort"

	"github.com/BurntSushi/toml"
)

// FirstError finds, of the errors of decoding the table prim (at dotted
// key at, "" for the whole text) into a value of type t, the one in the
// key that comes first in the file; err is the error of decoding it whole.
//
// BurntSushi/toml visits a table's keys in map order and stops at the first
// that fails, so with two bad keys in one table its error, and which keys
// it leaves undecoded, are chance. FirstError decodes key by key, in file
// order, into fresh values of the fields' types, down to the first key
// that fails, so the error reported is the same on every run. It returns
// err when it finds nothing else.
func FirstError(md toml.MetaData, ix *Index, at string, prim toml.Primitive, t reflect.Type, err error) error {
	var m map[string]toml.Primitive
	if md.PrimitiveDecode(prim, &m) != nil {
		return err
	}
	return firstIn(md, ix, at, m, t, err)
}

// FirstErrorOf is FirstError on a whole text, whose decoding into a value
// of type t gave err. A syntax error is returned as it is.
func FirstErrorOf(text string, ix *Index, t reflect.Type, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return err
	}
	var m map[string]toml.Primitive
	md, e := toml.Decode(text, &m)
	if e != nil {
		return err
	}
	return firstIn(md, ix, "", m, t, err)
}

var unmarshalerType = reflect.TypeFor[toml.Unmarshaler]()

func firstIn(md toml.MetaData, ix *Index, at string, m map[string]toml.Primitive, t reflect.Type, err error) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || reflect.PointerTo(t).Implements(unmarshalerType) {
		return err
	}
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
	for _, k := range keys {
		ft, ok := field(t, k)
		if !ok {
			continue // an unknown key: not a decoding error
		}
		e := md.PrimitiveDecode(m[k], reflect.New(ft).Interface())
		if e == nil {
			continue
		}
		if ft.Kind() == reflect.Slice {
			var elems []toml.Primitive
			if md.PrimitiveDecode(m[k], &elems) == nil {
				for _, el := range elems {
					if md.PrimitiveDecode(el, reflect.New(ft.Elem()).Interface()) != nil {
						return FirstError(md, ix, join(at, k), el, ft.Elem(), e)
					}
				}
			}
			return e
		}
		return FirstError(md, ix, join(at, k), m[k], ft, e)
	}
	return err
}
