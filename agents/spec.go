package agents

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// FieldError is a value that breaks its declared range or type. Key is the
// dotted TOML key below the struct that was checked; callers prefix it with
// their own path and add the file position.
type FieldError struct {
	Key string
	Msg string
}

func (e *FieldError) Error() string { return e.Key + ": " + e.Msg }

// Spec describes one configurable field, read from its struct tags.
type Spec struct {
	Key     string // dotted TOML key
	Unit    string
	Range   string // "lo,hi", inclusive; empty when unbounded
	Source  string // seed document, "calibrated: ..." or "assumption"
	Desc    string
	Default string // the value in the struct given to Specs
	// Via are the keys of the parameters through which a policy setting
	// acts (its via tag, space-separated, or that of the nearest nested
	// struct that has one), named as a study file names them from its
	// scenario's root ("params.counselling.moment_first"): how much a
	// change of the setting does depends on them, so whether they are
	// calibrated says whether its effect is. Empty for the parameters
	// themselves.
	Via []string
}

// Specs lists the tagged fields of the struct v points to, depth first, in
// declaration order, with v's current values as defaults.
func Specs(v any) []Spec {
	var out []Spec
	groups := Groups(v)
	walk(reflect.ValueOf(v).Elem(), "", func(f reflect.StructField, fv reflect.Value, key string) error {
		s := Spec{
			Key: key, Unit: f.Tag.Get("unit"), Range: f.Tag.Get("range"),
			Source: f.Tag.Get("src"), Desc: f.Tag.Get("desc"), Default: formatValue(fv),
			Via: fields(f.Tag.Get("via")),
		}
		for i := len(groups) - 1; i >= 0 && s.Via == nil; i-- {
			if strings.HasPrefix(key, groups[i].Key+".") {
				s.Via = groups[i].Via
			}
		}
		out = append(out, s)
		return nil
	})
	return out
}

// Groups lists the nested structs of the struct v points to that Specs
// walks into and that carry a desc tag of their own, depth first, in
// declaration order: one setting made of several keys, such as the
// counselling provider (a mix of shares), which a reader names as one.
// Default is empty.
func Groups(v any) []Spec {
	var out []Spec
	var rec func(t reflect.Type, prefix string)
	rec = func(t reflect.Type, prefix string) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if name == "" || name == "-" || f.Type.Kind() != reflect.Struct || f.Type.Implements(stringer) {
				continue
			}
			key := name
			if prefix != "" {
				key = prefix + "." + name
			}
			if d := f.Tag.Get("desc"); d != "" {
				out = append(out, Spec{Key: key, Unit: f.Tag.Get("unit"), Source: f.Tag.Get("src"), Desc: d, Via: fields(f.Tag.Get("via"))})
			}
			rec(f.Type, key)
		}
	}
	rec(reflect.TypeOf(v).Elem(), "")
	return out
}

var stringer = reflect.TypeFor[fmt.Stringer]()

// fields splits a space-separated tag, nil when it is empty.
func fields(tag string) []string {
	if tag == "" {
		return nil
	}
	return strings.Fields(tag)
}

// CheckRanges checks every tagged field of the struct v points to: floats
// must be finite, and fields with a range tag must lie inside it. It
// reports every field that fails, as *FieldError values joined with
// errors.Join, in declaration order.
func CheckRanges(v any) error {
	var errs []error
	walk(reflect.ValueOf(v).Elem(), "", func(f reflect.StructField, fv reflect.Value, key string) error {
		if err := checkField(f, fv, key); err != nil {
			errs = append(errs, err)
		}
		return nil
	})
	return errors.Join(errs...)
}

// FieldErrors lists the *FieldError values in err, which may be one or a
// join of several.
func FieldErrors(err error) []*FieldError {
	var out []*FieldError
	var fe *FieldError
	switch {
	case err == nil:
	case errors.As(err, &fe) && fe == err:
		out = append(out, fe)
	default:
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				out = append(out, FieldErrors(e)...)
			}
		} else if errors.As(err, &fe) {
			out = append(out, fe)
		}
	}
	return out
}

func checkField(f reflect.StructField, fv reflect.Value, key string) error {
	var x float64
	switch fv.Kind() {
	case reflect.Float64:
		x = fv.Float()
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return &FieldError{Key: key, Msg: fmt.Sprintf("%v is not a finite number", x)}
		}
	case reflect.Int:
		x = float64(fv.Int())
	default:
		return nil
	}
	r := f.Tag.Get("range")
	if r == "" {
		return nil
	}
	lo, hi := parseRange(r)
	if x < lo || x > hi {
		unit := f.Tag.Get("unit")
		if unit != "" {
			unit = " (" + unit + ")"
		}
		return &FieldError{Key: key, Msg: fmt.Sprintf("%s is out of range: want %s to %s%s", formatValue(fv), trim(lo), trim(hi), unit)}
	}
	return nil
}

func parseRange(r string) (lo, hi float64) {
	a, b, _ := strings.Cut(r, ",")
	lo, err1 := strconv.ParseFloat(a, 64)
	hi, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil {
		panic("agents: bad range tag " + strconv.Quote(r))
	}
	return lo, hi
}

func trim(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func formatValue(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Float64:
		return trim(v.Float())
	case reflect.Slice:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = formatValue(v.Index(i))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case reflect.String:
		return strconv.Quote(v.String())
	case reflect.Pointer: // a key that may be left out (a group rule's)
		if v.IsNil() {
			return ""
		}
		return formatValue(v.Elem())
	}
	if s, ok := v.Interface().(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprint(v.Interface())
}

// walk calls fn for every leaf field with a toml tag, recursing into nested
// structs whose type has no String method.
func walk(v reflect.Value, prefix string, fn func(reflect.StructField, reflect.Value, string) error) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if name == "" || name == "-" {
			continue
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Struct {
			if _, ok := fv.Interface().(fmt.Stringer); !ok {
				if err := walk(fv, key, fn); err != nil {
					return err
				}
				continue
			}
		}
		if err := fn(f, fv, key); err != nil {
			return err
		}
	}
	return nil
}

// Field returns the tagged numeric field at the dotted key in the struct v
// points to, and its declared range; ok is false when there is no such
// float or int field.
func Field(v any, key string) (f reflect.Value, lo, hi float64, ok bool) {
	walk(reflect.ValueOf(v).Elem(), "", func(sf reflect.StructField, fv reflect.Value, k string) error {
		if k != key || (fv.Kind() != reflect.Float64 && fv.Kind() != reflect.Int) {
			return nil
		}
		f, ok = fv, true
		lo, hi = math.Inf(-1), math.Inf(1)
		if r := sf.Tag.Get("range"); r != "" {
			lo, hi = parseRange(r)
		}
		return errStop
	})
	return f, lo, hi, ok
}

var errStop = errors.New("stop")

// GetFloat returns the numeric field at key, as a float64.
func GetFloat(v any, key string) (float64, error) {
	f, _, _, ok := Field(v, key)
	if !ok {
		return 0, &FieldError{Key: key, Msg: "no such numeric key"}
	}
	if f.Kind() == reflect.Int {
		return float64(f.Int()), nil
	}
	return f.Float(), nil
}

// SetFloat sets the numeric field at key to x, rounded for an int field.
func SetFloat(v any, key string, x float64) error {
	f, _, _, ok := Field(v, key)
	if !ok {
		return &FieldError{Key: key, Msg: "no such numeric key"}
	}
	if f.Kind() == reflect.Int {
		f.SetInt(int64(math.Round(x)))
	} else {
		f.SetFloat(x)
	}
	return nil
}

// Names are the values a key whose unit is "name" takes, by its key in a
// policy (counselling.timing, counselling.overload) or in a rule's
// selector (for.household, for.cooperation), in the order their types
// number them; nil for any other key. A form that offers the choices
// (returnsim serve) reads them here rather than copying them.
func Names(key string) []string {
	var names []string
	switch key {
	case "counselling.timing":
		names = timingNames[:]
	case "counselling.overload":
		names = overloadNames[:]
	case "for.household":
		names = householdNames[:]
	case "for.cooperation":
		names = coopNames[:]
	default:
		return nil
	}
	return append([]string(nil), names...)
}
