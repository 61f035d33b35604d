package tomlpos

import (
	"errors"
	"testing"

	"github.com/BurntSushi/toml"
)

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&Error{File: "a.toml", Line: 12, Col: 3, Key: "base.months", Msg: "0 is out of range"}, "a.toml:12:3: base.months: 0 is out of range"},
		{&Error{File: "a.toml", Key: "base", Msg: "missing"}, "a.toml: base: missing"},
		{&Error{File: "a.toml", Line: 1, Col: 1, Msg: "bad"}, "a.toml:1:1: bad"},
		{Errors{{File: "a.toml", Msg: "x"}, {File: "b.toml", Line: 2, Col: 5, Key: "k", Msg: "y"}}, "a.toml: x\nb.toml:2:5: k: y"},
		{Errors{}, ""},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%#v.Error() = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestDecodeError(t *testing.T) {
	type target struct {
		Name  string    `toml:"name"`
		Value []float64 `toml:"value"`
	}
	var dst struct {
		Months int      `toml:"months"`
		Target []target `toml:"target"`
	}
	tests := []struct {
		name, text string
		want       Error
	}{
		{"syntax", "months = \n", Error{File: "x.toml", Line: 1, Col: 10, Key: "months", Msg: "expected value but found '\\n' instead"}},
		{"wrong type", "months = \"many\"\n", Error{File: "x.toml", Line: 1, Col: 1, Key: "months", Msg: "incompatible types: TOML value has type string; want integer"}},
		// the column is the key's, found by its plain path on the error's line
		{"wrong type in an element", "[[target]]\nname = \"a\"\n[[target]]\n  name = 1\n", Error{File: "x.toml", Line: 4, Col: 3, Key: "target.name", Msg: "incompatible types: TOML value has type int64; want string"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := toml.Decode(tt.text, &dst)
			if err == nil {
				t.Fatalf("toml.Decode(%q) = nil, want an error", tt.text)
			}
			if got := decodeError("x.toml", NewIndex(Keys(tt.text)), err); *got != tt.want {
				t.Errorf("decodeError(x.toml, keys, %q) = %+v, want %+v", err, *got, tt.want)
			}
		})
	}
	other := decodeError("x.toml", NewIndex(nil), errors.New("toml: cannot decode to non-pointer"))
	if want := (Error{File: "x.toml", Msg: "cannot decode to non-pointer"}); *other != want {
		t.Errorf("decodeError(x.toml, nil, other) = %+v, want %+v", *other, want)
	}
}
