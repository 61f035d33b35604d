package scenarios

import (
	"strconv"
	"strings"
)

// pos is a 1-based line and column in a TOML file.
type pos struct{ line, col int }

// keyIndex maps every key defined in a TOML text to where it is defined,
// as dotted paths with array-of-tables indices: "base.policy_changes[0].from_month".
// BurntSushi/toml keeps key positions to itself, so validation errors found
// after decoding look their keys up here. The scan is line based and
// forgiving: it serves error messages, never the decoding itself, and a key
// it cannot place falls back to its nearest parent.
func keyIndex(text string) map[string]pos {
	idx := map[string]pos{}
	arrays := map[string]int{} // next index of each array of tables
	table := ""
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
			depth = max(depth+bracketDepth(s), 0)
			continue
		}
		switch {
		case s == "":
		case strings.HasPrefix(s, "[["):
			name := joinKey(strings.TrimSuffix(strings.TrimPrefix(s, "[["), "]]"))
			i := arrays[name]
			arrays[name] = i + 1
			table = name + "[" + strconv.Itoa(i) + "]"
			idx[table] = pos{line, col}
			if i == 0 {
				idx[name] = pos{line, col}
			}
		case strings.HasPrefix(s, "["):
			table = joinKey(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
			table = indexed(table, arrays)
			idx[table] = pos{line, col}
		default:
			k, v, ok := strings.Cut(s, "=")
			if !ok {
				continue
			}
			key := joinKey(k)
			if table != "" {
				key = table + "." + key
			}
			p := pos{line, col}
			idx[key] = p
			v = strings.TrimSpace(v)
			switch {
			case strings.HasPrefix(v, `"""`) && strings.Count(v, `"""`) == 1:
				inMulti = `"""`
			case strings.HasPrefix(v, "'''") && strings.Count(v, "'''") == 1:
				inMulti = "'''"
			case strings.HasPrefix(v, "{"):
				inline(key, v, p, idx)
			default:
				depth = max(bracketDepth(v), 0)
			}
		}
	}
	return idx
}

// indexed rewrites a table path below an array of tables to point at its
// latest element: [a.b] after [[a]] is a[N-1].b.
func indexed(table string, arrays map[string]int) string {
	parts := strings.Split(table, ".")
	for i := len(parts); i > 0; i-- {
		head := strings.Join(parts[:i], ".")
		if n, ok := arrays[head]; ok {
			rest := strings.Join(parts[i:], ".")
			out := head + "[" + strconv.Itoa(n-1) + "]"
			if rest != "" {
				out += "." + rest
			}
			return out
		}
	}
	return table
}

// inline records the keys of a one-line inline table at its key's position.
func inline(key, v string, p pos, idx map[string]pos) {
	v = strings.TrimSuffix(strings.TrimPrefix(v, "{"), "}")
	for _, kv := range strings.Split(v, ",") {
		if k, _, ok := strings.Cut(kv, "="); ok {
			idx[key+"."+joinKey(k)] = p
		}
	}
}

// joinKey normalises a possibly dotted, possibly quoted key.
func joinKey(k string) string {
	parts := strings.Split(strings.TrimSpace(k), ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, ".")
}

func stripComment(s string) string {
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == '\\' && quote == '"':
			i++
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote == 0 && c == '#':
			return s[:i]
		}
	}
	return s
}

// bracketDepth is the number of '[' minus ']' outside strings in s.
func bracketDepth(s string) int {
	d := 0
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == '\\' && quote == '"':
			i++
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote == 0 && c == '[':
			d++
		case quote == 0 && c == ']':
			d--
		}
	}
	return d
}

// lookup finds the position of key, or of its nearest parent, in idx.
func lookup(idx map[string]pos, key string) (pos, bool) {
	for key != "" {
		if p, ok := idx[key]; ok {
			return p, true
		}
		i := strings.LastIndexAny(key, ".[")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return pos{}, false
}
