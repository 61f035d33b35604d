// Package tomlpos places the keys of a TOML text and reports problems in
// it as file:line:col: key: message.
//
// BurntSushi/toml keeps the positions of keys to itself, and reports some
// decoding errors (wrong types) as plain strings. Keys scans a text for
// every key written in it, with its line and column, so that errors found
// after decoding can name where their key is; DecodeError turns a decoding
// error into an *Error with the same form.
//
// What it promises:
//   - Keys never fails and never panics, whatever the text: it serves error
//     messages, never the decoding itself. The scan is line based and
//     forgiving; a key it cannot place is left out, and Lookup falls back
//     to the key's nearest parent that it did place.
//   - Paths name keys as error messages do: a dotted path with the index of
//     each array-of-tables element ("target[2].value"); plain paths name
//     them as BurntSushi/toml does, without indices ("target.value").
//   - Lines and columns are 1-based, columns counted in bytes. An Error
//     with Line 0 has no known position and prints none.
//   - DecodeError uses a toml.ParseError's position only when its line is
//     at least 1 (ErrorWithPosition can panic otherwise), and keeps
//     BurntSushi/toml's message but for the "toml: " prefix and, in type
//     errors, "destination has type" shortened to "want".
//   - It does no I/O, keeps no state between calls and imports nothing
//     from this module.
package tomlpos
