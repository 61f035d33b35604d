package tomlpos_test

import (
	"fmt"

	"github.com/returnsim/returnsim/internal/tomlpos"
)

func ExampleIndex_Lookup() {
	text := "[[target]]\nname = \"a\"\n\n[[target]]\nname = \"b\"\n  weight = 0\n"
	ix := tomlpos.NewIndex(tomlpos.Keys(text))
	e := &tomlpos.Error{File: "targets.toml", Key: "target[1].weight", Msg: "0: want a finite number above 0"}
	if k, ok := ix.Lookup(e.Key); ok {
		e.Line, e.Col = k.Line, k.Col
	}
	fmt.Println(e)
	for _, k := range ix.LookupPlain("target.name") {
		fmt.Printf("%s at %d:%d\n", k.Path, k.Line, k.Col)
	}
	// Output:
	// targets.toml:6:3: target[1].weight: 0: want a finite number above 0
	// target[0].name at 2:1
	// target[1].name at 5:1
}
