package tomlpos

import (
	"iter"
	"strconv"
	"strings"
)

// Key is a key written in a TOML text and where it is written.
type Key struct {
	Path      string // with array-of-tables indices: "target[2].value"
	Plain     string // without, as BurntSushi/toml names it: "target.value"
	Line, Col int    // 1-based; the column of the key's first byte
}

// Keys lists, in order, every key written in text: table and
// array-of-tables headers, "key = value" lines, and the keys of one-line
// inline tables (placed at their table's key). A table header below an
// array of tables names its latest element: [a.b] after [[a]] is a[N-1].b.
// Dotted and quoted keys are joined as dotted paths; lines inside
// multi-line arrays and multi-line strings are skipped.
func Keys(text string) []Key {
	var keys []Key
	arrays := map[string]int{} // elements so far of each array of tables, by indexed path
	table, plainTable := "", ""
	inMulti := "" // closing delimiter of a multi-line string, while inside one
	depth := 0    // open brackets of a multi-line array value
	for n, raw := range strings.Split(text, "\n") {
		line := n + 1
		if inMulti != "" {
			if strings.Contains(raw, inMulti) {
				inMulti = ""
			}
			continue
		}
		s := strings.TrimSpace(stripComment(raw))
		col := strings.Index(raw, s) + 1
		if depth > 0 {
			// clamped in the running total only, so that a line of
			// only ']' closes the array
			depth = max(depth+bracketDepth(s), 0)
			continue
		}
		switch {
		case s == "":
		case strings.HasPrefix(s, "[["):
			plainTable = joinKey(strings.TrimSuffix(strings.TrimPrefix(s, "[["), "]]"))
			parent, last := "", plainTable
			if i := strings.LastIndex(plainTable, "."); i >= 0 {
				parent, last = indexed(plainTable[:i], arrays), plainTable[i+1:]
			}
			array := join(parent, last)
			table = array + "[" + strconv.Itoa(arrays[array]) + "]"
			arrays[array]++
			keys = append(keys, Key{table, plainTable, line, col})
		case strings.HasPrefix(s, "["):
			plainTable = joinKey(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
			table = indexed(plainTable, arrays)
			keys = append(keys, Key{table, plainTable, line, col})
		default:
			k, v, ok := strings.Cut(s, "=")
			if !ok {
				continue
			}
			k = joinKey(k)
			key := Key{join(table, k), join(plainTable, k), line, col}
			keys = append(keys, key)
			v = strings.TrimSpace(v)
			switch {
			case strings.HasPrefix(v, `"""`) && strings.Count(v, `"""`) == 1:
				inMulti = `"""`
			case strings.HasPrefix(v, "'''") && strings.Count(v, "'''") == 1:
				inMulti = "'''"
			case strings.HasPrefix(v, "{"):
				keys = inline(keys, key, v)
			default:
				depth = max(bracketDepth(v), 0)
			}
		}
	}
	return keys
}

// indexed gives a table path the index of the latest element of each array
// of tables along it: a.b.c after [[a]] and [[a.b]] is a[N-1].b[M-1].c.
func indexed(plain string, arrays map[string]int) string {
	out := ""
	for _, part := range strings.Split(plain, ".") {
		out = join(out, part)
		if n, ok := arrays[out]; ok {
			out += "[" + strconv.Itoa(n-1) + "]"
		}
	}
	return out
}

// inline appends the keys of the one-line inline table v, written as the
// value of key, at key's position.
func inline(keys []Key, key Key, v string) []Key {
	v = strings.TrimSuffix(strings.TrimPrefix(v, "{"), "}")
	for _, kv := range strings.Split(v, ",") {
		if k, _, ok := strings.Cut(kv, "="); ok {
			k = joinKey(k)
			keys = append(keys, Key{key.Path + "." + k, key.Plain + "." + k, key.Line, key.Col})
		}
	}
	return keys
}

// join joins a table path and a key below it.
func join(table, k string) string {
	if table == "" {
		return k
	}
	return table + "." + k
}

// joinKey normalises a possibly dotted, possibly quoted key.
func joinKey(k string) string {
	parts := strings.Split(strings.TrimSpace(k), ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, ".")
}

// stripComment cuts a # comment that is not inside a string from s.
func stripComment(s string) string {
	for i, c := range unquoted(s) {
		if c == '#' {
			return s[:i]
		}
	}
	return s
}

// bracketDepth is the number of '[' minus ']' outside strings in s.
func bracketDepth(s string) int {
	d := 0
	for _, c := range unquoted(s) {
		switch c {
		case '[':
			d++
		case ']':
			d--
		}
	}
	return d
}

// unquoted yields the index and value of each byte of the line s that is
// outside a one-line string, quotes excluded.
func unquoted(s string) iter.Seq2[int, byte] {
	return func(yield func(int, byte) bool) {
		quote := byte(0)
		for i := 0; i < len(s); i++ {
			switch c := s[i]; {
			case quote == '"' && c == '\\':
				i++ // an escaped character
			case quote != 0 && c == quote:
				quote = 0
			case quote != 0:
			case c == '"' || c == '\'':
				quote = c
			default:
				if !yield(i, c) {
					return
				}
			}
		}
	}
}
