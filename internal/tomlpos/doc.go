// Package tomlpos places the keys of a TOML text and reports problems in
// it as file:line:col: key: message.
//
// BurntSushi/toml keeps the positions of keys to itself, and reports some
// decoding errors (wrong types) as plain strings. Keys scans a text for
// every key written in it, with its line and column, so that errors found
// after decoding can name where their key is; a decoding error becomes an
// *Error of the same form.
//
// Why BurntSushi/toml and not pelletier/go-toml/v2 (measured 2026-12-07,
// go-toml v2.4.3, with a throw-away benchmark beside BenchmarkParseHostile
// in one `go test -bench -benchmem -count 5` run, medians): go-toml gives
// positions in its own errors only, so Keys and Index would stay for the
// problems found after decoding; it bounds the nesting of values at 10,000
// but not of keys, so Shape would stay; it has no Primitive or
// MetaData.IsDefined, on which a study's variants are decoded over their
// base; and it stops at the first wrong type. Its strict mode
// (DisallowUnknownFields) is quadratic on the hostile shapes: at 256 KB,
// 11.4 s for unknown keys (218 times Parse) and 2.4 s and 1.9 GB for deep
// lines (6,700 times), against 45 to 490 times on the others. At most
// DecodeEach and the decodeError regexp (some 140 of about 1,000 lines)
// could go, for more code around variants.
//
// What it promises:
//   - Keys never fails and never panics, whatever the text: it serves error
//     messages, never the decoding itself. The scan is line based and
//     forgiving; a key it cannot place is left out, and Index.Lookup falls
//     back to the key's nearest parent that it did place.
//   - Paths name keys as error messages do: a dotted path with the index of
//     each array-of-tables element ("target[2].value"); plain paths name
//     them as BurntSushi/toml does, without indices ("target.value").
//   - Lines and columns are 1-based, columns counted in bytes. An Error
//     with Line 0 has no known position and prints none.
//   - A decoding error uses a toml.ParseError's position only when its
//     line is at least 1 (ErrorWithPosition can panic otherwise), and keeps
//     BurntSushi/toml's message but for the "toml: " prefix, in type
//     errors "destination has type" shortened to "want", and a key or
//     table defined twice, which is said in one line of our own.
//   - Error() is always one line: newlines and other control characters in
//     the file name, key and message are escaped, and a key holding them
//     is quoted.
//   - Shape reads a text once and refuses, before it is decoded, one over
//     MaxSize bytes, with a key nested over MaxDepth levels, or with over
//     MaxKeys key-levels: BurntSushi/toml's time grows with the square of
//     a key's depth, so with these bounds decoding stays linear in the
//     size of the text. Keys and Index are linear too.
//   - DecodeEach makes decoding errors the same on every run: BurntSushi
//     visits a table's keys in map order and stops at the first bad one;
//     DecodeEach decodes key by key in file order and reports every bad
//     key, leaving each as it was, so that the rest can still be checked.
//     In an array of tables it reports every bad element, each at its own
//     element's key and line ("t.rows[2].value"), which BurntSushi/toml
//     places at the key's last element whichever failed.
//   - Decode and Doc are the one strict front end of every TOML file of
//     the program (study, targets and sweep files): the same shape limits,
//     the same "did you mean" for unknown keys, the same placing of every
//     problem as file:line:col: key: message, one line each, in file order,
//     at most MaxErrors of them and a line that counts the rest. A leading
//     byte-order mark is dropped before the text is read, so that positions
//     on the first line stay right.
//   - A Doc's Hint, when set, may give an unknown key a message of its
//     caller's (a key that exists elsewhere but is not allowed there).
//   - Suggest names the known key nearest to an unknown one, from the toml
//     tags of the type decoded into, or nothing when none is close.
//   - It does no I/O, keeps no state between calls (but the problems of
//     one Doc) and imports nothing from this module.
package tomlpos
