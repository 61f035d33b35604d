package tomlpos

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
)

// Suggest returns path, an unknown key, with its first part that the type
// t (what the text decodes into) does not know replaced by the known key
// nearest to it, joined with dots; or "" when no known key is close. Keys
// are read from the fields' toml tags; an anonymous struct field without a
// tag lends its keys to its parent, as in BurntSushi/toml; a map's parts
// are any key; a slice's or array's parts are its elements'. "Close" is an
// edit distance (insertions, deletions, substitutions and swaps of
// neighbours) of at most one for keys of up to four bytes, two up to
// eight, three beyond.
func Suggest(t reflect.Type, path []string) string {
	for i, part := range path {
		t = elem(t)
		switch t.Kind() {
		case reflect.Struct:
			if f, ok := field(t, part); ok {
				t = f
				continue
			}
			near := nearest(t, part)
			if near == "" {
				return ""
			}
			out := append(append(append([]string(nil), path[:i]...), near), path[i+1:]...)
			return strings.Join(out, ".")
		case reflect.Map:
			t = t.Elem()
		default:
			return ""
		}
	}
	return ""
}

// nearest is the key of struct t closest to part, or "".
func nearest(t reflect.Type, part string) string {
	limit := 3
	switch {
	case len(part) <= 4:
		limit = 1
	case len(part) <= 8:
		limit = 2
	}
	best, bestD := "", limit+1
	for _, k := range keysOf(t) {
		if d := distance(strings.ToLower(part), k, bestD); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// elem unwraps pointers, slices and arrays.
func elem(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	return t
}

func tagName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	return name
}

// keysOf lists a struct's keys in field order.
func keysOf(t reflect.Type) []string { return tableOf(t).keys }

// field is the type of the field that takes key name in struct t, as
// BurntSushi/toml matches them (by tag, then by name without regard to
// case, through anonymous structs); an outer field shadows an embedded one.
func field(t reflect.Type, name string) (reflect.Type, bool) {
	f, ok := fieldOf(t, name)
	return f.typ, ok
}

// fieldIndex is field's index sequence, for reflect.Value.FieldByIndex.
func fieldIndex(t reflect.Type, name string) ([]int, bool) {
	f, ok := fieldOf(t, name)
	return f.index, ok
}

func fieldOf(t reflect.Type, name string) (fieldInfo, bool) {
	kt := tableOf(t)
	if f, ok := kt.fields[name]; ok {
		return f, true
	}
	f, ok := kt.untagged[strings.ToLower(name)]
	return f, ok
}

// fieldInfo is a struct field that takes a key.
type fieldInfo struct {
	typ   reflect.Type
	index []int
}

// keyTable is what a struct type's fields take, computed once per type.
type keyTable struct {
	keys     []string             // in field order, embedded structs' in place
	fields   map[string]fieldInfo // each key's field, outer fields first
	untagged map[string]fieldInfo // by lower-case Go name: fields without a tag
	fold     map[string]string    // lower-case key to key
	// raw is a struct of a toml.Primitive for each key, rawKeys[i] the
	// key of its field i: what DecodeEach decodes a table into first
	raw     reflect.Type
	rawKeys []string
}

var tables sync.Map // reflect.Type to *keyTable

func tableOf(t reflect.Type) *keyTable {
	if kt, ok := tables.Load(t); ok {
		return kt.(*keyTable)
	}
	kt := &keyTable{fields: map[string]fieldInfo{}, untagged: map[string]fieldInfo{}, fold: map[string]string{}}
	depthOf := map[string]int{}
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			fi := fieldInfo{f.Type, append(append([]int(nil), index...), i)}
			name := tagName(f)
			switch {
			case name == "-" || !f.IsExported() && !f.Anonymous:
				continue
			case name == "" && f.Anonymous && elem(f.Type).Kind() == reflect.Struct:
				walk(elem(f.Type), fi.index)
				continue
			case name == "":
				name = f.Name
				if _, ok := kt.untagged[strings.ToLower(name)]; !ok {
					kt.untagged[strings.ToLower(name)] = fi
				}
			}
			kt.keys = append(kt.keys, name)
			if d, ok := depthOf[name]; !ok || len(index) < d {
				depthOf[name] = len(index)
				kt.fields[name] = fi
			}
			if _, ok := kt.fold[strings.ToLower(name)]; !ok {
				kt.fold[strings.ToLower(name)] = name
			}
		}
	}
	walk(t, nil)
	var raw []reflect.StructField
	for k := range kt.fields {
		kt.rawKeys = append(kt.rawKeys, k)
	}
	sort.Strings(kt.rawKeys)
	for i, k := range kt.rawKeys {
		raw = append(raw, reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: reflect.TypeFor[toml.Primitive](), Tag: reflect.StructTag("toml:" + strconv.Quote(k))})
	}
	kt.raw = reflect.StructOf(raw)
	tables.Store(t, kt)
	return kt
}

// distance is the optimal string alignment distance between a and b, or
// bound when it is at least bound; it costs O(len(a) x len(b)) at most and
// gives up at once when the lengths differ by bound or more.
func distance(a, b string, bound int) int {
	if d := len(a) - len(b); d >= bound || -d >= bound {
		return bound
	}
	if len(a) > 64 || len(b) > 64 {
		return bound // no key is that long
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		lowest := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			lowest = min(lowest, cur[j])
		}
		if lowest >= bound {
			return bound
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], bound)
}

// CaseErrors reports, as errors in file, every key of md (each once, at
// the first part that needs it) that names a field of t only when case is
// ignored. BurntSushi/toml decodes such a key into the field, so "Base"
// and "base" in one file would both land in one field, the one decoded
// last (in map order) winning: a file with them is refused instead.
func CaseErrors(file string, md toml.MetaData, ix *Index, t reflect.Type) Errors {
	var errs Errors
	seen := map[string]bool{}
	for _, k := range md.Keys() {
		i, want, ok := caseMismatch(t, k)
		if !ok {
			continue
		}
		path := strings.Join(k[:i+1], ".")
		if seen[path] {
			continue
		}
		seen[path] = true
		e := &Error{File: file, Key: path, Msg: fmt.Sprintf("keys are case-sensitive: want %s", want)}
		if at, ok := ix.Lookup(path); ok {
			e.Line, e.Col = at.Line, at.Col
		}
		errs = append(errs, e)
	}
	return errs
}

// caseMismatch finds the first part of path that names a field of t only
// when case is ignored, and that field's key.
func caseMismatch(t reflect.Type, path []string) (int, string, bool) {
	for i, part := range path {
		t = elem(t)
		switch t.Kind() {
		case reflect.Struct:
			kt := tableOf(t)
			if f, ok := kt.fields[part]; ok {
				t = f.typ
				continue
			}
			if k, ok := kt.fold[strings.ToLower(part)]; ok {
				return i, k, true
			}
			return 0, "", false
		case reflect.Map:
			t = t.Elem()
		default:
			return 0, "", false
		}
	}
	return 0, "", false
}
