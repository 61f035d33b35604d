package calibrate

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// The embedded targets are the study's table (docs/calibration.md).
func TestDefaultTargets(t *testing.T) {
	type short struct {
		Name, Statistic string
		Kind            Kind
		Value           []float64
	}
	want := []short{
		{"AVR odds ratio, three procedures against one", "avr_odds_ratio_file3", Equals, []float64{0.422}},
		{"AVR odds ratio, six procedures against one", "avr_odds_ratio_file6", Equals, []float64{0.087}},
		{"AVR odds ratio, credibility of deportation", "avr_odds_ratio_cooperation", Equals, []float64{2.35}},
		{"Nigeria vs Iraq", "avr_nigeria_iraq", Order, nil},
		{"return rate 2020-2023", "return_rate_by_year", AtMost, []float64{0.34, 0.34, 0.34, 0.34}},
		{"scale", "closed_files", Equals, []float64{118000}},
		{"verified independent departures by year", "departures_independent_by_year", Equals, []float64{3400, 3610, 4460, 2630, 2100, 2450, 2820}},
		{"forced returns by year", "departures_forced_by_year", Equals, []float64{2700, 2650, 2760, 1650, 1630, 1850, 1990}},
		{"departures without supervision by year", "departures_unsupervised_by_year", Equals, []float64{9020, 8620, 9660, 6880, 5600, 4310, 3960}},
		{"files opened from the IND by year", "ind_files_by_year", Equals, []float64{13000, 15640, 9780, 9200, 6590, 11670}},
		{"files opened by the police by year", "police_files_by_year", Equals, []float64{3160, 3080, 2350, 2320, 2450, 2740}},
		{"files opened by others by year", "other_files_by_year", Equals, []float64{1770, 2570, 1820, 1440, 2740, 2320}},
		{"assisted returns 2017", "avr_2017", Equals, []float64{1532}},
		{"households in family locations", "family_location_households", Equals, []float64{507, 372}},
		{"households leaving family locations without a known destination", "family_location_absconded", Equals, []float64{95, 103}},
		{"detention placements a year", "detention_placements", Equals, []float64{3506, 3790, 2550, 3190, 2920, 3710}},
		{"detention ending in departure", "detention_departure_share", Equals, []float64{0.73, 0.74, 0.75}},
		{"persons in detention on an average day", "detention_persons", Equals, []float64{400, 299}},
		{"counselling and reintegration play a limited role", "policy_vs_context", AtMost, []float64{1}},
	}
	ts, err := ParseTargets(DefaultTargetsName, DefaultTargetsText())
	if err != nil {
		t.Fatalf("ParseTargets(%s) error:\n%v", DefaultTargetsName, err)
	}
	got := make([]short, len(ts))
	for i, x := range ts {
		got[i] = short{x.Name, x.Statistic, x.Kind, x.Value}
		if x.Source == "" || x.Tolerance <= 0 || x.Weight <= 0 {
			t.Errorf("target %q: source %q, tolerance %v, weight %v: want a source and positive tolerance and weight", x.Name, x.Source, x.Tolerance, x.Weight)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseTargets(%s) = %+v, want %+v", DefaultTargetsName, got, want)
	}
	if !reflect.DeepEqual(DefaultTargets(), ts) {
		t.Errorf("DefaultTargets() differs from ParseTargets(%s)", DefaultTargetsName)
	}
}

// good is one valid target; its lines are numbered 1 to 8.
const good = `[[target]]
name = "a"
statistic = "avr_by_cooperation"
kind = "equals"
value = [0.11, 0.05]
tolerance = 0.25
weight = 1
source = "seed 001"
`

// second is good with line n (1-based) replaced by s, appended as a
// second target on lines 10 to 17.
func second(n int, s string) string {
	lines := strings.Split(good, "\n")
	lines[n-1] = s
	lines[1] = `name = "b"`
	if n == 2 {
		lines[1] = s
	}
	return good + "\n" + strings.Join(lines, "\n")
}

func TestParseTargetsErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"unknown key", second(7, "weight = 1\ncolour = \"red\""),
			"bad.toml:17:1: target[1].colour: unknown key"},
		{"unknown key in two targets", strings.ReplaceAll(second(1, "[[target]]"), "weight = 1", "weight = 1\ncolour = 2"),
			"bad.toml:8:1: target[0].colour: unknown key\nbad.toml:18:1: target[1].colour: unknown key"},
		{"unknown table below a target", good + "[target.extra]\ny = 1\n",
			"bad.toml:9:1: target[0].extra: unknown key"},
		{"unknown table", "[[targets]]\nname = \"a\"\n",
			"bad.toml:1:1: targets[0]: unknown key: did you mean target?\nbad.toml: target: no targets: want at least one [[target]] table"},
		{"NaN tolerance", second(6, "tolerance = nan"),
			"bad.toml:15:1: target[1].tolerance: NaN: want a finite number above 0"},
		{"Inf value", second(5, "value = [inf, 0.05]"),
			"bad.toml:14:1: target[1].value[0]: +Inf is not a finite number"},
		{"wrong type", second(7, `weight = "heavy"`),
			"bad.toml:16:1: target[1].weight: incompatible types: TOML value has type string; want float"},
		{"unknown kind", second(4, `kind = "about"`),
			`bad.toml:13:9: target[1].kind: "about" is not one of equals, at_most, order`},
		{"missing kind", second(4, ""),
			"bad.toml:10:1: target[1].kind: missing: want equals, at_most or order"},
		{"unknown statistic", second(3, `statistic = "avr_by_age"`),
			`bad.toml:12:1: target[1].statistic: "avr_by_age" is not one of avr_by_file, avr_by_cooperation, avr_nigeria_iraq, return_rate, departure_mix, closed_files, avr_odds_ratio_file3, avr_odds_ratio_file6, avr_odds_ratio_cooperation, departures_independent_by_year, departures_forced_by_year, departures_unsupervised_by_year, ind_files_by_year, police_files_by_year, other_files_by_year, family_location_households, family_location_absconded, detention_persons, detention_placements, detention_departure_share, avr_2017, return_rate_by_year, policy_vs_context`},
		{"too few values", second(5, "value = [0.11]"),
			"bad.toml:14:1: target[1].value: 1 values: want 2 (high, low)"},
		{"share out of range", second(5, "value = [0.11, 1.5]"),
			"bad.toml:14:1: target[1].value[1]: 1.5: want a share between 0 and 1, exclusive"},
		{"order with a value", second(4, `kind = "order"`),
			"bad.toml:14:1: target[1].value: an order target takes no value: it asks that the statistic's components increase"},
		{"zero weight", second(7, "weight = 0"),
			"bad.toml:16:1: target[1].weight: 0: want a finite number above 0"},
		{"duplicate name", second(2, `name = "a"`),
			`bad.toml:11:1: target[1].name: "a" is already the name of target[0]`},
		{"missing source", second(8, ""),
			"bad.toml:10:1: target[1].source: missing: want where the value comes from (a seed document, a publication)"},
		{"syntax error", second(6, "tolerance = "),
			"bad.toml:15:13: target[1].tolerance: expected value but found '\\n' instead"},
		{"empty", "", "bad.toml: target: no targets: want at least one [[target]] table"},
		// a weight that makes the distance overflow to +Inf
		{"infinite distance", second(7, "weight = 1e308"),
			"bad.toml:16:1: target[1].weight: 1e+308 with tolerance 0.25 can make the distance infinite (a miss of 23 on the target's scale adds weight x (miss/tolerance)^2): want a smaller weight or a larger tolerance"},
		{"infinite distance together", strings.Replace(second(7, "weight = 1.5e304"), "weight = 1\n", "weight = 1.5e304\n", 1),
			"bad.toml:16:1: target[1].weight: 1.5e+304: with the targets before it, the distance can be infinite: want smaller weights or larger tolerances"},
		{"misspelt key", second(7, "wieght = 1"),
			"bad.toml:10:1: target[1].weight: 0: want a finite number above 0\nbad.toml:16:1: target[1].wieght: unknown key: did you mean target.weight?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, err := ParseTargets("bad.toml", []byte(tt.text))
			if err == nil {
				t.Fatalf("ParseTargets(bad.toml) = %+v, want error %q", ts, tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("ParseTargets(bad.toml) error =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// FuzzParseTargets: parsing never panics, every error names the file, and
// what is accepted survives an encode and parse unchanged.
func FuzzParseTargets(f *testing.F) {
	f.Add(DefaultTargetsText())
	f.Add([]byte(good))
	f.Add([]byte(strings.Replace(good, "kind = \"equals\"\nvalue = [0.11, 0.05]", "kind = \"order\"\nvalue = []", 1)))
	f.Add([]byte(second(7, `weight = "heavy"`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := ParseSpec("fuzz.toml", data)
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("ParseTargets(%q) error = %#v, want a non-empty Errors", data, err)
			}
			for _, e := range es {
				if line := e.Error(); !strings.HasPrefix(line, "fuzz.toml") || strings.ContainsAny(line, "\n\r") {
					t.Fatalf("ParseTargets(%q) error %q: want one line naming the file", data, line)
				}
			}
			if _, again := ParseSpec("fuzz.toml", data); again == nil || again.Error() != err.Error() {
				t.Fatalf("ParseTargets(%q) error changed between two parses:\n%v\nthen\n%v", data, err, again)
			}
			return
		}
		var b bytes.Buffer
		if err := toml.NewEncoder(&b).Encode(struct {
			Target    []Target     `toml:"target"`
			Parameter []Parameter  `toml:"parameter"`
			Method    Method       `toml:"method"`
			Pattern   *PatternSpec `toml:"pattern,omitempty"`
		}{spec.Targets, spec.Parameters, spec.Method, spec.Pattern}); err != nil {
			t.Fatalf("Encode: %v", err)
		}
		again, err := ParseSpec("again.toml", b.Bytes())
		if err != nil {
			t.Fatalf("ParseSpec(encoded) error: %v\n%s", err, b.Bytes())
		}
		if !reflect.DeepEqual(again, spec) {
			t.Fatalf("ParseSpec(encoded) = %+v, want %+v", again, spec)
		}
	})
}

// TestWarningsMaxDistance: the embedded targets' max_distance is twice
// their weights (no warning); dropping a target and keeping the bound
// warns; a file that drops a target (of weight 1) and the bound gets the
// default, twice its weights, 32, and no warning.
func TestWarningsMaxDistance(t *testing.T) {
	spec, err := ParseSpec(DefaultTargetsName, DefaultTargetsText())
	if err != nil {
		t.Fatal(err)
	}
	if w := spec.Warnings(); len(w) != 0 {
		t.Errorf("embedded targets: warnings %q, want none", w)
	}
	spec.Targets = spec.Targets[1:]
	if w := spec.Warnings(); len(w) != 1 || !strings.Contains(w[0], "max_distance is 34") {
		t.Errorf("a target dropped, max_distance kept: warnings %q, want one on max_distance", w)
	}
	// the first target dropped from the file, and max_distance with it
	text := DefaultTargetsText()
	first := bytes.Index(text, []byte("\n[[target]]\n"))
	second := first + 1 + bytes.Index(text[first+1:], []byte("\n[[target]]\n"))
	text = append(text[:first:first], text[second:]...)
	text = bytes.Replace(text, []byte("\nmax_distance = 34"), []byte("\n"), 1)
	spec, err = ParseSpec("dropped.toml", text)
	if err != nil {
		t.Fatal(err)
	}
	if w := spec.Warnings(); len(w) != 0 || spec.Method.MaxDistance != 32 {
		t.Errorf("a target and max_distance dropped: max_distance %v, warnings %q; want 32 and none", spec.Method.MaxDistance, w)
	}
}
