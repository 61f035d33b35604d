package agents

import "fmt"

// CoopClass is the class of an origin country's cooperation on forced return.
type CoopClass uint8

const (
	CoopLow CoopClass = iota
	CoopMedium
	CoopHigh
)

var coopNames = [...]string{"low", "medium", "high"}

func (c CoopClass) String() string { return coopNames[c] }

// ParseCoopClass parses "low", "medium" or "high".
func ParseCoopClass(s string) (CoopClass, error) {
	for i, n := range coopNames {
		if n == s {
			return CoopClass(i), nil
		}
	}
	return 0, fmt.Errorf("%q is not one of low, medium, high", s)
}

// MarshalText and UnmarshalText let the class round-trip through TOML.
func (c CoopClass) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

func (c *CoopClass) UnmarshalText(b []byte) error {
	v, err := ParseCoopClass(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Origin is one origin country (or group of countries): data, not code.
type Origin struct {
	Code        string    `toml:"code" desc:"ISO 3166 alpha-2 code (XX for the remaining nationalities)"`
	Name        string    `toml:"name" desc:"country name"`
	Share       float64   `toml:"share" unit:"share of intake" range:"0,1" desc:"share of new return orders"`
	Cooperation float64   `toml:"cooperation" unit:"index" range:"0,1" desc:"cooperation on forced return: 0 none, 1 full"`
	Class       CoopClass `toml:"class" desc:"cooperation class: high, medium or low"`
	Conditions  float64   `toml:"conditions" unit:"index" range:"0,1" desc:"conditions in the country for a returnee: 0 dangerous or destitute, 1 good"`
	Distance    float64   `toml:"distance" unit:"index" range:"0,1" desc:"distance and cost of the journey: 0 a neighbouring region, 1 the costliest journeys"`
	Eligible    bool      `toml:"reintegration_eligible" desc:"eligible for reintegration support when the policy names no list"`
}

// Validate checks the ranges of one origin and that its class agrees with
// its cooperation index (low below 1/3, high from 2/3).
func (o *Origin) Validate() error {
	if !ValidCode(o.Code) {
		return &FieldError{Key: "code", Msg: fmt.Sprintf("%q is not an ISO 3166 alpha-2 code (two capital letters)", o.Code)}
	}
	if err := CheckRanges(o); err != nil {
		return err
	}
	want := CoopMedium
	switch {
	case o.Cooperation < 1.0/3:
		want = CoopLow
	case o.Cooperation >= 2.0/3:
		want = CoopHigh
	}
	if o.Class != want {
		return &FieldError{Key: "class", Msg: fmt.Sprintf("%q does not match cooperation %g (low below 0.333, high from 0.667)", o.Class, o.Cooperation)}
	}
	return nil
}

// ValidCode reports whether c is written as an origin's code: an ISO 3166
// alpha-2 code, two capital letters.
func ValidCode(c string) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}
