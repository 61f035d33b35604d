package tomlpos

import (
	"fmt"
	"strings"
)

// Limits of Shape. No key of a study or targets file is nested more than
// seven levels deep (variants.NAME.policy.counselling.provider.ngo is six);
// BurntSushi/toml spends time quadratic in a key's depth, so a bound on it
// keeps decoding linear in the size of the text.
//
// BurntSushi/toml also spends a few microseconds per key and level of depth
// (it builds each key's full path as a string, several times), so a
// text's keys, each counted once per level of depth, are bounded too: a
// study with a hundred variants of thirty keys each counts about 15,000.
const (
	MaxDepth = 12      // table header parts + dotted key parts + inline tables and arrays around a key
	MaxSize  = 8 << 20 // bytes
	MaxKeys  = 150000  // keys, each counted once per level of depth
)

// Shape refuses, as an *Error in file, a text larger than MaxSize or with a
// key or value nested deeper than MaxDepth, before it is decoded. It reads
// the text once, skipping strings and comments; it is not a validator, and
// leaves every other problem to the decoder. It returns nil otherwise.
func Shape(file, text string) *Error {
	if len(text) > MaxSize {
		return &Error{File: file, Msg: fmt.Sprintf("%d bytes: a file of at most %d bytes (%d MB) is read", len(text), MaxSize, MaxSize>>20)}
	}
	s := shaper{text: text, line: 1, lineStart: 0}
	return s.run(file)
}

type shaper struct {
	units     int // keys so far, each counted once per level of depth
	text      string
	i         int
	line      int
	lineStart int
	last      Key // the last key read: its text, line and column
}

// frame is an open inline table ('{') or array ('[') in a value; depth is
// the depth of the key or element that holds it.
type frame struct {
	table bool
	depth int
}

// count adds a key at depth to the units and refuses the text past MaxKeys.
func (s *shaper) count(file string, depth int) *Error {
	s.units += depth
	if s.units > MaxKeys {
		return &Error{File: file, Line: s.last.Line, Col: s.last.Col, Key: s.last.Path,
			Msg: fmt.Sprintf("too many keys: at most %d, each counted once per level of depth, are read (a study of a hundred variants counts about 15000)", MaxKeys)}
	}
	return nil
}

func (s *shaper) err(file string, depth int) *Error {
	return &Error{File: file, Line: s.last.Line, Col: s.last.Col, Key: s.last.Path,
		Msg: fmt.Sprintf("nested %d levels deep: at most %d are read (no key of this program is deeper than 7)", depth, MaxDepth)}
}

func (s *shaper) newline() {
	s.line++
	s.lineStart = s.i + 1
}

// skipString skips the string that starts at s.i, multi-line or not.
func (s *shaper) skipString() {
	q := s.text[s.i]
	t := s.text
	if s.i+2 < len(t) && t[s.i+1] == q && t[s.i+2] == q { // multi-line
		s.i += 3
		for s.i < len(t) {
			switch c := t[s.i]; {
			case c == '\\' && q == '"':
				s.i++
				if s.i < len(t) && t[s.i] == '\n' {
					s.newline()
				}
			case c == '\n':
				s.newline()
			case c == q && s.i+2 < len(t) && t[s.i+1] == q && t[s.i+2] == q:
				s.i += 3
				for s.i < len(t) && t[s.i] == q { // up to two more quotes belong to the string
					s.i++
				}
				return
			}
			s.i++
		}
		return
	}
	s.i++
	for s.i < len(t) {
		switch c := t[s.i]; {
		case c == '\\' && q == '"':
			s.i++
		case c == q:
			s.i++
			return
		case c == '\n':
			return // an unterminated string: the decoder will say so
		}
		s.i++
	}
}

func (s *shaper) skipComment() {
	for s.i < len(s.text) && s.text[s.i] != '\n' {
		s.i++
	}
}

// key reads a possibly dotted key from s.i up to '=', ']', a newline or
// the end, and returns its number of parts. It keeps the key's place and
// its text, cut to 40 bytes, for errors.
func (s *shaper) key() int {
	s.last = Key{Line: s.line, Col: s.i - s.lineStart + 1}
	start := s.i
	defer func() {
		k := strings.TrimSpace(s.text[start:min(s.i, len(s.text))]) // an escape at the end steps past it
		if len(k) > 40 {
			k = strings.TrimRight(strings.ToValidUTF8(k[:40], ""), ".") + "..."
		}
		s.last.Path = k
	}()
	parts := 1
	t := s.text
	for s.i < len(t) {
		switch c := t[s.i]; c {
		case '"', '\'':
			s.skipString()
			continue
		case '.':
			parts++
		case '=', ']', '\n', '#', '}', ',':
			return parts
		}
		s.i++
	}
	return parts
}

func (s *shaper) run(file string) *Error {
	t := s.text
	table := 0 // parts of the current table header
	var stack []frame
	cur := 0 // depth of the value being read
	for s.i < len(t) {
		c := t[s.i]
		switch {
		case c == '\n':
			s.newline()
			s.i++
			continue
		case c == ' ' || c == '\t' || c == '\r':
			s.i++
			continue
		case c == '#':
			s.skipComment()
			continue
		}
		if len(stack) == 0 {
			// a statement: a table header or a key = value
			if c == '[' {
				s.i++
				if s.i < len(t) && t[s.i] == '[' {
					s.i++
				}
				table = s.key()
				if table > MaxDepth {
					return s.err(file, table)
				}
				if e := s.count(file, table); e != nil {
					return e
				}
				for s.i < len(t) && t[s.i] != '\n' && t[s.i] != '#' {
					s.i++
				}
				continue
			}
			if c == '=' || c == ']' || c == '}' || c == ',' {
				s.i++ // not TOML: the decoder will say so
				continue
			}
			cur = table + s.key()
			if cur > MaxDepth {
				return s.err(file, cur)
			}
			if e := s.count(file, cur); e != nil {
				return e
			}
			if s.i < len(t) && t[s.i] == '=' {
				s.i++
				if e := s.value(file, &stack, &cur); e != nil {
					return e
				}
			}
			continue
		}
		if e := s.value(file, &stack, &cur); e != nil {
			return e
		}
	}
	return nil
}

// value reads a value from s.i until the end of its statement: the end of
// the line once no inline table or array is open.
func (s *shaper) value(file string, stack *[]frame, cur *int) *Error {
	t := s.text
	for s.i < len(t) {
		c := t[s.i]
		switch c {
		case '"', '\'':
			s.skipString()
			continue
		case '#':
			s.skipComment()
			continue
		case '\n':
			if len(*stack) == 0 {
				return nil
			}
			s.newline()
		case '{':
			*stack = append(*stack, frame{true, *cur})
			if len(*stack) > MaxDepth || *cur+1 > MaxDepth {
				return s.err(file, max(len(*stack), *cur+1))
			}
			s.i++
			if e := s.inlineKey(file, stack, cur); e != nil {
				return e
			}
			continue
		case '[':
			*stack = append(*stack, frame{false, *cur})
			*cur++
			if len(*stack) > MaxDepth || *cur > MaxDepth {
				return s.err(file, max(len(*stack), *cur))
			}
		case ']', '}':
			if n := len(*stack); n > 0 {
				*cur = (*stack)[n-1].depth
				*stack = (*stack)[:n-1]
			}
		case ',':
			if n := len(*stack); n > 0 && (*stack)[n-1].table {
				s.i++
				if e := s.inlineKey(file, stack, cur); e != nil {
					return e
				}
				continue
			}
		}
		s.i++
	}
	return nil
}

// inlineKey reads the key of an inline table's entry.
func (s *shaper) inlineKey(file string, stack *[]frame, cur *int) *Error {
	t := s.text
	for s.i < len(t) && (t[s.i] == ' ' || t[s.i] == '\t') {
		s.i++
	}
	if s.i < len(t) && t[s.i] == '}' {
		return nil // an empty table, or a trailing comma: value closes it
	}
	top := (*stack)[len(*stack)-1].depth
	*cur = top + s.key()
	if *cur > MaxDepth {
		return s.err(file, *cur)
	}
	if e := s.count(file, *cur); e != nil {
		return e
	}
	if s.i < len(t) && t[s.i] == '=' {
		s.i++
	}
	return nil
}
