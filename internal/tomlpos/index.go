package tomlpos

import "strings"

// Index finds keys by path in time independent of the number of keys, so
// that placing every error of a file with thousands of keys stays linear.
type Index struct {
	byPath  map[string]Key   // first key written at each path
	byPlain map[string][]Key // every key at each plain path, in order
}

// NewIndex indexes keys as Keys returns them.
func NewIndex(keys []Key) *Index {
	ix := &Index{byPath: make(map[string]Key, len(keys)), byPlain: make(map[string][]Key, len(keys))}
	for _, k := range keys {
		if _, ok := ix.byPath[k.Path]; !ok {
			ix.byPath[k.Path] = k
		}
		ix.byPlain[k.Plain] = append(ix.byPlain[k.Plain], k)
	}
	return ix
}

// Lookup finds where the key at path, or its nearest parent, is written.
// A path without index that names an array of tables is where its first
// element is.
func (ix *Index) Lookup(path string) (Key, bool) {
	for path != "" {
		if k, ok := ix.byPath[path]; ok {
			return k, true
		}
		if k, ok := ix.byPath[path+"[0]"]; ok {
			return k, true
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return Key{}, false
}

// LookupPlain lists, in order, where keys with the plain path plain are
// written: once for each array-of-tables element that has one.
func (ix *Index) LookupPlain(plain string) []Key { return ix.byPlain[plain] }
