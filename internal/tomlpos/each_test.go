package tomlpos

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/BurntSushi/toml"
)

// TestDecodeEach: every bad key is reported, in file order; a bad key
// keeps what its field held, the good ones are decoded, a table that
// fails is decoded key by key, and unknown keys stay undecoded.
func TestDecodeEach(t *testing.T) {
	type inner struct {
		A int    `toml:"a"`
		B string `toml:"b"`
	}
	type outer struct {
		N     int      `toml:"n"`
		M     int      `toml:"m"`
		In    inner    `toml:"in"`
		Names []string `toml:"names"`
	}
	text := "[t]\nm = \"x\"\nn = 5\nnames = [\"p\", 3]\nzap = 1\n[t.in]\nb = 2\na = 7\n"
	var raw struct {
		T toml.Primitive `toml:"t"`
	}
	md, err := toml.Decode(text, &raw)
	if err != nil {
		t.Fatal(err)
	}
	v := outer{M: 1, In: inner{B: "kept"}, Names: []string{"kept"}}
	err = md.PrimitiveDecode(raw.T, &v)
	if err == nil {
		t.Fatal("PrimitiveDecode = nil error, want one")
	}
	v = outer{M: 1, In: inner{B: "kept"}, Names: []string{"kept"}}
	errs := DecodeEach(md, NewIndex(Keys(text)), "t", raw.T, &v, err)
	var got []string
	for _, e := range errs {
		got = append(got, fmt.Sprint(e))
	}
	want := []string{
		`toml: line 2 (last key "t.m"): incompatible types: TOML value has type string; destination has type integer`,
		`toml: line 4 (last key "t.names"): incompatible types: TOML value has type int64; destination has type string`,
		`toml: line 7 (last key "t.in.b"): incompatible types: TOML value has type int64; destination has type string`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DecodeEach errors =\n%q\nwant\n%q", got, want)
	}
	if wantV := (outer{N: 5, M: 1, In: inner{A: 7, B: "kept"}, Names: []string{"kept"}}); !reflect.DeepEqual(v, wantV) {
		t.Errorf("DecodeEach value = %+v, want %+v", v, wantV)
	}
	if u := fmt.Sprint(md.Undecoded()); u != "[t.zap]" {
		t.Errorf("Undecoded() = %s, want [t.zap]", u)
	}
}

// TestDecodeEachArrayOfTables: in an array of tables, every bad element
// is reported, each at its own element's key and line (BurntSushi/toml
// gives the line of the key's last element, whichever failed), and the
// keys of every element are decoded, so that none is left as if unknown.
func TestDecodeEachArrayOfTables(t *testing.T) {
	type row struct {
		N int    `toml:"n"`
		S string `toml:"s"`
	}
	type outer struct {
		Rows []row `toml:"rows"`
	}
	text := "[t]\n[[t.rows]]\nn = \"x\"\ns = \"a\"\n[[t.rows]]\nn = 2\ns = \"b\"\n[[t.rows]]\nn = 3\ns = 4\n"
	var raw struct {
		T toml.Primitive `toml:"t"`
	}
	md, err := toml.Decode(text, &raw)
	if err != nil {
		t.Fatal(err)
	}
	var v outer
	err = md.PrimitiveDecode(raw.T, &v)
	if err == nil {
		t.Fatal("PrimitiveDecode = nil error, want one")
	}
	ix := NewIndex(Keys(text))
	var got []string
	for _, e := range DecodeEach(md, ix, "t", raw.T, &outer{}, err) {
		got = append(got, decodeError("f.toml", ix, e).Error())
	}
	want := []string{
		"f.toml:3:1: t.rows[0].n: incompatible types: TOML value has type string; want integer",
		"f.toml:10:1: t.rows[2].s: incompatible types: TOML value has type int64; want string",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors =\n%q\nwant\n%q", got, want)
	}
	if u := md.Undecoded(); len(u) != 0 {
		t.Errorf("Undecoded() = %v, want none", u)
	}
}
