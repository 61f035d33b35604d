package agents_test

import (
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/returnsim/returnsim/agents"
)

// fieldKey returns the key of err as a *FieldError, or fails.
func fieldKey(t *testing.T, call string, err error) string {
	t.Helper()
	var fe *agents.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("%s = %v (%T), want a *agents.FieldError", call, err, err)
	}
	return fe.Key
}

func TestCheckRanges(t *testing.T) {
	for _, c := range []struct {
		name string
		set  func(*agents.Params)
		key  string // "" when the value is valid
		msg  string // part of the message
	}{
		{"valid", func(*agents.Params) {}, "", ""},
		{"NaN", func(p *agents.Params) { p.AVR.Base = math.NaN() }, "avr.base", "not a finite number"},
		{"+Inf", func(p *agents.Params) { p.Absconding.Network = math.Inf(1) }, "absconding.network", "not a finite number"},
		{"-Inf", func(p *agents.Params) { p.NewProcedure.Base = math.Inf(-1) }, "new_procedure.base", "not a finite number"},
		{"NaN in a nested section", func(p *agents.Params) { p.Counselling.Effect = math.NaN() }, "counselling.effect", "not a finite number"},
		{"float below range", func(p *agents.Params) { p.AVR.Base = -15.001 }, "avr.base", "-15.001 is out of range: want -15 to 5 (log-odds per month)"}, // range tag -15,5
		{"float above range", func(p *agents.Params) { p.Counselling.Retention = 1.5 }, "counselling.retention", "want 0 to 1"},
		{"float at lower end", func(p *agents.Params) { p.AVR.Base = -15 }, "", ""},
		{"float at upper end", func(p *agents.Params) { p.AVR.Base = 5 }, "", ""},
		{"int below range", func(p *agents.Params) { p.AVR.StayCapMonths = 0 }, "avr.stay_cap_months", "0 is out of range: want 1 to 600 (months)"}, // range tag 1,600
		{"int above range", func(p *agents.Params) { p.AVR.StayCapMonths = 601 }, "avr.stay_cap_months", "want 1 to 600"},
		{"negative int", func(p *agents.Params) { p.Pathway.AcceptanceMonths = -1 }, "pathway.acceptance_months", "want 0 to 600"},
		{"int at upper end", func(p *agents.Params) { p.Pathway.HopelessMonths = 600 }, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := agents.DefaultParams()
			c.set(&p)
			err := agents.CheckRanges(&p)
			if c.key == "" {
				if err != nil {
					t.Fatalf("CheckRanges(%s) = %v, want nil", c.name, err)
				}
				return
			}
			if got := fieldKey(t, "CheckRanges("+c.name+")", err); got != c.key {
				t.Errorf("CheckRanges(%s) key = %q, want %q", c.name, got, c.key)
			}
			if !strings.Contains(err.Error(), c.msg) || !strings.HasPrefix(err.Error(), c.key+": ") {
				t.Errorf("CheckRanges(%s) = %q, want %q: ...%s...", c.name, err, c.key, c.msg)
			}
			if err2 := p.Validate(); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("Params.Validate() = %v, want %v", err2, err)
			}
		})
	}

	t.Run("nested key within Policy", func(t *testing.T) {
		pol := agents.DefaultPolicy()
		pol.Counselling.Provider.NGO = -0.1
		err := agents.CheckRanges(&pol)
		if got := fieldKey(t, "CheckRanges(policy)", err); got != "counselling.provider.ngo" {
			t.Errorf("CheckRanges(policy with ngo share -0.1) key = %q, want %q", got, "counselling.provider.ngo")
		}
	})
}

func TestDefaultsValidate(t *testing.T) {
	p := agents.DefaultParams()
	if err := p.Validate(); err != nil {
		t.Errorf("DefaultParams().Validate() = %v, want nil", err)
	}
	pol := agents.DefaultPolicy()
	if err := pol.Validate(); err != nil {
		t.Errorf("DefaultPolicy().Validate() = %v, want nil", err)
	}
}

func TestSpecsComplete(t *testing.T) {
	p := agents.DefaultParams()
	specs := agents.Specs(&p)
	// every leaf field of Params, counted by reflection: a field without a
	// toml tag would be missing from Specs
	var leaves func(t reflect.Type) int
	leaves = func(t reflect.Type) int {
		n := 0
		for i := range t.NumField() {
			if f := t.Field(i); f.Type.Kind() == reflect.Struct {
				n += leaves(f.Type)
			} else if f.IsExported() {
				n++
			}
		}
		return n
	}
	if want := leaves(reflect.TypeOf(p)); len(specs) != want {
		t.Errorf("len(Specs(Params)) = %d, want %d (one per field)", len(specs), want)
	}
	seen := map[string]bool{}
	for _, s := range specs {
		if seen[s.Key] {
			t.Errorf("Specs(Params): key %q appears twice", s.Key)
		}
		seen[s.Key] = true
		for _, f := range []struct{ tag, v string }{{"unit", s.Unit}, {"range", s.Range}, {"src", s.Source}, {"desc", s.Desc}} {
			if strings.TrimSpace(f.v) == "" {
				t.Errorf("Specs(Params) %s: %s tag is empty, want it set", s.Key, f.tag)
			}
		}
		if s.Default == "" {
			t.Errorf("Specs(Params) %s: Default is empty", s.Key)
		}
	}
	d := agents.DefaultParams() // Specs must report the defaults' values, formatted
	for key, want := range map[string]string{
		"avr.base":              strconv.FormatFloat(d.AVR.Base, 'g', -1, 64),
		"avr.stay_cap_months":   strconv.Itoa(d.AVR.StayCapMonths),
		"counselling.retention": strconv.FormatFloat(d.Counselling.Retention, 'g', -1, 64),
	} {
		if !seen[key] {
			t.Errorf("Specs(Params) has no key %q", key)
			continue
		}
		for _, s := range specs {
			if s.Key == key && s.Default != want {
				t.Errorf("Specs(Params) %s default = %q, want %q", key, s.Default, want)
			}
		}
	}
}

func TestPolicyValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		set  func(*agents.Policy)
		key  string
	}{
		{"default", func(*agents.Policy) {}, ""},
		{"shares sum to 1", func(p *agents.Policy) {
			p.Counselling.Provider = agents.ProviderMix{Government: 0.5, NGO: 0.3, IOM: 0.2}
		}, ""},
		{"shares sum below 1", func(p *agents.Policy) {
			p.Counselling.Provider = agents.ProviderMix{Government: 0.5, NGO: 0.3}
		}, "counselling.provider"},
		{"shares sum above 1", func(p *agents.Policy) {
			p.Counselling.Provider = agents.ProviderMix{Government: 0.5, NGO: 0.3, IOM: 0.3}
		}, "counselling.provider"},
		{"no shares", func(p *agents.Policy) { p.Counselling.Provider = agents.ProviderMix{} }, "counselling.provider"},
		{"timing without counsellors", func(p *agents.Policy) {
			p.Counselling.Timing, p.Counselling.Counsellors = agents.AtDeadline, 0
		}, "counselling.counsellors"},
		{"no counselling needs no counsellors", func(p *agents.Policy) {
			p.Counselling.Timing, p.Counselling.Counsellors = agents.NoCounselling, 0
		}, ""},
		{"NaN enforcement", func(p *agents.Policy) { p.Enforcement = math.NaN() }, "enforcement"},
		{"negative cash", func(p *agents.Policy) { p.Reintegration.CashEUR = -1 }, "reintegration.cash_eur"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := agents.DefaultPolicy()
			c.set(&p)
			err := p.Validate()
			if c.key == "" {
				if err != nil {
					t.Errorf("Policy.Validate() = %v, want nil", err)
				}
				return
			}
			if got := fieldKey(t, "Policy.Validate()", err); got != c.key {
				t.Errorf("Policy.Validate() = %v, want an error at %q", err, c.key)
			}
		})
	}
}

func TestPolicyPrepareUnknownCode(t *testing.T) {
	p := agents.DefaultPolicy()
	p.Reintegration.Eligible = []string{"ZZ"}
	err := p.Prepare([]agents.Origin{{Code: "MA"}})
	if got := fieldKey(t, "Prepare([MA]) with eligible [ZZ]", err); got != "reintegration.eligible" {
		t.Errorf("Prepare([MA]) with eligible [ZZ] = %v, want an error at reintegration.eligible", err)
	}
}

func TestProviderMixUnmarshalTOML(t *testing.T) {
	for _, c := range []struct {
		name  string
		start agents.ProviderMix
		in    any
		want  agents.ProviderMix
		err   string // part of the message; "" when accepted
	}{
		{"government", agents.ProviderMix{}, "government", agents.Only(agents.Government), ""},
		{"ngo", agents.ProviderMix{}, "ngo", agents.ProviderMix{NGO: 1}, ""},
		{"iom replaces an earlier mix", agents.ProviderMix{Government: 0.5, NGO: 0.5}, "iom", agents.ProviderMix{IOM: 1}, ""},
		{"table of floats", agents.ProviderMix{}, map[string]any{"government": 0.25, "iom": 0.75}, agents.ProviderMix{Government: 0.25, IOM: 0.75}, ""},
		{"table with an integer", agents.ProviderMix{}, map[string]any{"ngo": int64(1)}, agents.ProviderMix{NGO: 1}, ""},
		{"table replaces an earlier mix", agents.Only(agents.Government), map[string]any{"ngo": 1.0}, agents.ProviderMix{NGO: 1}, ""},
		{"unknown name", agents.ProviderMix{}, "red cross", agents.ProviderMix{}, `"red cross" is not one of government, ngo, iom`},
		{"unknown key", agents.ProviderMix{}, map[string]any{"unhcr": 1.0}, agents.ProviderMix{}, `"unhcr" is not one of government, ngo, iom`},
		{"share not a number", agents.ProviderMix{}, map[string]any{"ngo": "half"}, agents.ProviderMix{}, "ngo: want a number, got string"},
		{"a number", agents.ProviderMix{}, int64(1), agents.ProviderMix{}, "want a provider name (government, ngo, iom) or a table of shares, got int64"},
		{"an array", agents.ProviderMix{}, []any{"ngo"}, agents.ProviderMix{}, "got []interface {}"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := c.start
			err := m.UnmarshalTOML(c.in)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Errorf("UnmarshalTOML(%#v) = %v, want an error containing %q", c.in, err, c.err)
				}
				return
			}
			if err != nil || m != c.want {
				t.Errorf("UnmarshalTOML(%#v) = %+v, %v, want %+v, nil", c.in, m, err, c.want)
			}
		})
	}
}

func TestTimingText(t *testing.T) {
	names := []string{"none", "first-decision", "final-decision", "deadline", "detention", "periodic"}
	for i, n := range names {
		t.Run(n, func(t *testing.T) {
			var tm agents.Timing
			if err := tm.UnmarshalText([]byte(n)); err != nil || tm != agents.Timing(i) {
				t.Errorf("Timing.UnmarshalText(%q) = %d, %v, want %d, nil", n, tm, err, i)
			}
			if b, _ := tm.MarshalText(); string(b) != n {
				t.Errorf("Timing(%d).MarshalText() = %q, want %q", i, b, n)
			}
		})
	}
	for _, bad := range []string{"erly", "", "Final-Decision", "final decision"} {
		t.Run("reject "+bad, func(t *testing.T) {
			tm := agents.Periodic
			err := tm.UnmarshalText([]byte(bad))
			if err == nil {
				t.Fatalf("Timing.UnmarshalText(%q) = nil, want an error", bad)
			}
			if want := `"` + bad + `" is not one of ` + strings.Join(names, ", "); err.Error() != want {
				t.Errorf("Timing.UnmarshalText(%q) = %q, want %q", bad, err, want)
			}
			if tm != agents.Periodic {
				t.Errorf("Timing.UnmarshalText(%q) changed the value to %s", bad, tm)
			}
		})
	}
}

func TestOverloadText(t *testing.T) {
	for i, n := range []string{"dilute", "wait"} {
		var o agents.Overload
		if err := o.UnmarshalText([]byte(n)); err != nil || o != agents.Overload(i) {
			t.Errorf("Overload.UnmarshalText(%q) = %d, %v, want %d, nil", n, o, err, i)
		}
		if b, _ := o.MarshalText(); string(b) != n {
			t.Errorf("Overload(%d).MarshalText() = %q, want %q", i, b, n)
		}
	}
	var o agents.Overload
	err := o.UnmarshalText([]byte("queue"))
	if want := `"queue" is not one of dilute, wait`; err == nil || err.Error() != want {
		t.Errorf("Overload.UnmarshalText(%q) = %v, want %q", "queue", err, want)
	}
}

func TestCoopClassText(t *testing.T) {
	for i, n := range []string{"low", "medium", "high"} {
		var c agents.CoopClass
		if err := c.UnmarshalText([]byte(n)); err != nil || c != agents.CoopClass(i) {
			t.Errorf("CoopClass.UnmarshalText(%q) = %d, %v, want %d, nil", n, c, err, i)
		}
	}
	var c agents.CoopClass
	if err := c.UnmarshalText([]byte("none")); err == nil || err.Error() != `"none" is not one of low, medium, high` {
		t.Errorf("CoopClass.UnmarshalText(%q) = %v, want an error listing low, medium, high", "none", err)
	}
}

func TestOriginValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		set  func(*agents.Origin)
		key  string
	}{
		{"valid", func(*agents.Origin) {}, ""},
		{"rest of the world", func(o *agents.Origin) { o.Code = "XX" }, ""},
		// classes: low below 1/3, high from 2/3 (origin.go)
		{"low class, cooperation just below 1/3", func(o *agents.Origin) { o.Cooperation, o.Class = 0.3333, agents.CoopLow }, ""},
		{"medium class at 1/3", func(o *agents.Origin) { o.Cooperation, o.Class = 1.0/3, agents.CoopMedium }, ""},
		{"medium class just below 2/3", func(o *agents.Origin) { o.Cooperation, o.Class = 0.6666, agents.CoopMedium }, ""},
		{"high class at 2/3", func(o *agents.Origin) { o.Cooperation, o.Class = 2.0/3, agents.CoopHigh }, ""},
		{"high class with low cooperation", func(o *agents.Origin) { o.Cooperation, o.Class = 0.1, agents.CoopHigh }, "class"},
		{"low class with medium cooperation", func(o *agents.Origin) { o.Cooperation, o.Class = 0.5, agents.CoopLow }, "class"},
		{"medium class with high cooperation", func(o *agents.Origin) { o.Cooperation, o.Class = 0.9, agents.CoopMedium }, "class"},
		{"lower-case code", func(o *agents.Origin) { o.Code = "iq" }, "code"},
		{"lower-case second letter", func(o *agents.Origin) { o.Code = "Iq" }, "code"},
		{"three-letter code", func(o *agents.Origin) { o.Code = "IRQ" }, "code"},
		{"empty code", func(o *agents.Origin) { o.Code = "" }, "code"},
		{"digit in code", func(o *agents.Origin) { o.Code = "I1" }, "code"},
		{"share out of range", func(o *agents.Origin) { o.Share = 1.5 }, "share"},
		{"NaN conditions", func(o *agents.Origin) { o.Conditions = math.NaN() }, "conditions"},
		{"negative distance", func(o *agents.Origin) { o.Distance = -0.1 }, "distance"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := agents.Origin{Code: "IQ", Name: "Iraq", Share: 0.08, Cooperation: 0.45, Class: agents.CoopMedium, Conditions: 0.5, Distance: 0.5, Eligible: true}
			c.set(&o)
			err := o.Validate()
			if c.key == "" {
				if err != nil {
					t.Errorf("Origin.Validate(%q, %v, %s) = %v, want nil", o.Code, o.Cooperation, o.Class, err)
				}
				return
			}
			if got := fieldKey(t, "Origin.Validate()", err); got != c.key {
				t.Errorf("Origin.Validate(%q, %v, %s) = %v, want an error at %q", o.Code, o.Cooperation, o.Class, err, c.key)
			}
		})
	}
}

// TestNames: every choice Names offers is one its type reads, and the
// names of Timing are those its desc tag lists.
func TestNames(t *testing.T) {
	var tm agents.Timing
	var ov agents.Overload
	var h agents.Household
	for key, v := range map[string]interface{ UnmarshalText([]byte) error }{
		"counselling.timing": &tm, "counselling.overload": &ov, "for.household": &h,
	} {
		names := agents.Names(key)
		if len(names) < 2 {
			t.Errorf("%s: names %q", key, names)
		}
		for _, n := range names {
			if err := v.UnmarshalText([]byte(n)); err != nil {
				t.Errorf("%s: %q: %v", key, n, err)
			}
		}
	}
	for _, n := range agents.Names("for.cooperation") {
		if _, err := agents.ParseCoopClass(n); err != nil {
			t.Errorf("for.cooperation: %q: %v", n, err)
		}
	}
	if agents.Names("enforcement") != nil {
		t.Error("enforcement has names")
	}
}
