package tomlpos

import (
	"reflect"
	"strings"
	"testing"
)

func TestShape(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("a.", n-1) + "a = 1\n" }
	for _, tc := range []struct {
		name, text string
		want       string // "" when accepted; else the start of the error
	}{
		{"plain", "[base]\nmonths = 84\n", ""},
		{"depth at the limit", deep(MaxDepth), ""},
		{"dotted key too deep", deep(MaxDepth + 1), "x.toml:1:"},
		{"header too deep", "[" + strings.Repeat("a.", MaxDepth) + "b]\n", "x.toml:1:"},
		{"header plus key too deep", "[" + strings.Repeat("a.", MaxDepth/2) + "b]\n" + deep(MaxDepth/2+1), "x.toml:2:"},
		{"inline tables too deep", "x = " + strings.Repeat("{a = ", MaxDepth) + "1" + strings.Repeat("}", MaxDepth) + "\n", "x.toml:1:"},
		{"arrays too deep", "x = " + strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1) + "\n", "x.toml:1:"},
		// dots and brackets inside strings and comments do not count
		{"strings", "a = \"" + strings.Repeat("{[.", 50) + "\"\n'" + strings.Repeat("a.", 50) + "' = 1\nb = '''\n" + strings.Repeat("{", 50) + "\n'''\n# " + strings.Repeat("[", 50) + "\n", ""},
		{"escaped quote", `a = "\"` + strings.Repeat("{", 50) + `"` + "\n", ""},
		{"multi-line array", "a = [\n" + strings.Repeat("  1,\n", 100) + "]\nb.c = 2\n", ""},
		{"too large", strings.Repeat("#", MaxSize+1), "x.toml: "},
		{"too many keys", strings.Repeat("a.b.c.d = 1\n", MaxKeys/4+1), "x.toml:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := Shape("x.toml", tc.text)
			switch {
			case tc.want == "" && e != nil:
				t.Errorf("Shape(%.60q) = %v, want nil", tc.text, e)
			case tc.want != "" && (e == nil || !strings.HasPrefix(e.Error(), tc.want)):
				t.Errorf("Shape(%.60q) = %v, want an error starting %q", tc.text, e, tc.want)
			}
		})
	}
}

func TestErrorOneLine(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{File: "a.toml", Line: 1, Col: 1, Key: "variants.a\nb", Msg: "unknown key"}, `a.toml:1:1: "variants.a\nb": unknown key`},
		{Error{File: "a.toml", Line: 1, Col: 9, Key: "months", Msg: "expected\nvalue \x00"}, `a.toml:1:9: months: expected\nvalue \x00`},
		{Error{File: "a\rb.toml", Msg: "x\u2028y"}, `a\rb.toml: x\u2028y`},
		{Error{File: "a.toml", Key: "a b", Msg: `"quoted" stays`}, `a.toml: "a b": "quoted" stays`},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("%+v.Error() = %s, want %s", tc.e, got, tc.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	type inner struct {
		Timing      string `toml:"timing"`
		Counsellors int    `toml:"counsellors"`
	}
	type Embedded struct {
		Months int `toml:"months"`
	}
	type doc struct {
		Name string           `toml:"name"`
		Pol  inner            `toml:"counselling"`
		Vars map[string]inner `toml:"variants"`
		List []inner          `toml:"list"`
		Embedded
	}
	ty := reflect.TypeFor[doc]()
	for _, tc := range []struct {
		path []string
		want string
	}{
		{[]string{"counseling"}, "counselling"},
		{[]string{"counselling", "timin"}, "counselling.timing"},
		{[]string{"counselling", "counselors"}, "counselling.counsellors"},
		{[]string{"counseling", "timing"}, "counselling.timing"}, // the first unknown part
		{[]string{"variants", "any", "tmiing"}, "variants.any.timing"},
		{[]string{"list", "timng"}, "list.timing"},
		{[]string{"monts"}, "months"}, // through the embedded struct
		{[]string{"nmae"}, "name"},    // a swap
		{[]string{"zzzzzz"}, ""},
		{[]string{"name", "x"}, ""}, // below a leaf
		{[]string{"nope", "timing"}, ""},
	} {
		if got := Suggest(ty, tc.path); got != tc.want {
			t.Errorf("Suggest(doc, %q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}
