package calibrate

// Helpers of the tests, moved here from targets.go because only tests use
// them: the command and the library parse a whole spec (ParseSpec).

// DefaultTargets returns the targets of the embedded targets.toml: the
// study's statistics (seed 001) and the service's departure figures.
func DefaultTargets() []Target {
	ts, err := ParseTargets(DefaultTargetsName, defaultTargets)
	if err != nil {
		panic(err) // TestDefaultTargets keeps the embedded file valid
	}
	return ts
}

// ParseTargets parses a targets file and returns its targets; see ParseSpec.
func ParseTargets(file string, data []byte) ([]Target, error) {
	s, err := ParseSpec(file, data)
	if err != nil {
		return nil, err
	}
	return s.Targets, nil
}
