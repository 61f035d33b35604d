package scenarios

import (
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// TestNumericKeySetByAChange: a key outside the policy that a dated change
// sets cannot be swept on the scenario (the change's value would hold after
// it); one no change sets can, and reaches every month.
func TestNumericKeySetByAChange(t *testing.T) {
	st, err := Parse("f.toml", []byte("[base]\n[[base.changes]]\nfrom = \"2020-01\"\nstate.vbl_months = 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := &st.Scenarios[0].Config
	if _, _, err := NumericKey(cfg, "state.vbl_months"); err == nil || !strings.Contains(err.Error(), "changes[0] sets it from 2020-01") {
		t.Errorf("NumericKey(state.vbl_months) = %v, want changes[0] sets it from 2020-01", err)
	}
	if _, _, err := NumericKey(cfg, "state.lvv_share"); err != nil {
		t.Errorf("NumericKey(state.lvv_share) = %v, want nil: no change sets it", err)
	}
}

func TestWith(t *testing.T) {
	st, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	base := &st.Scenarios[0]
	before := base.ConfigSHA256()
	cfg, err := base.With([]string{"population.network_mean", "months", "origins.NG.conditions", "origins.NG.cooperation"}, []float64{0.42, 36.4, 0.9, 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Population.NetworkMean != 0.42 || cfg.Months != 36 {
		t.Errorf("With: network_mean %v, months %v; want 0.42 and 36 (rounded)", cfg.Population.NetworkMean, cfg.Months)
	}
	ng := cfg.Origins[originIndex(&cfg, "NG")]
	if ng.Conditions != 0.9 || ng.Cooperation != 0.1 || ng.Class.String() != "low" {
		t.Errorf("With: NG = %+v, want conditions 0.9, cooperation 0.1, class low", ng)
	}
	if base.ConfigSHA256() != before || base.Config.Origins[originIndex(&base.Config, "NG")].Conditions == 0.9 {
		t.Error("With changed the scenario it was called on")
	}
	for _, c := range []struct{ key, want string }{
		{"population.nope", "not a numeric scenario key"},
		{"policy.counselling.timing", "not a numeric scenario key"},
		{"origins.ZZ.conditions", "no origin \"ZZ\""},
		{"origins.NG.share", "can move alone"},
		{"origins.NG", "not a numeric scenario key"},
		{"policy.enforcement", "has dated changes, which each hold a whole policy"},
	} {
		if _, _, err := NumericKey(&base.Config, c.key); err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), c.key+": ") {
			t.Errorf("NumericKey(%q) = %v, want an error starting with the key and saying %q", c.key, err, c.want)
		}
	}
	if _, err := base.With([]string{"population.network_mean"}, []float64{2}); err == nil {
		t.Error("With(network_mean = 2) = nil error, want the range error of Validate")
	}
}

// TestSensitivityFileKeys: every factor of the shipped sensitivity.toml is
// a numeric key of the default study's baseline, its range inside the
// key's (the sweep package checks the file itself; this keeps the key
// names honest when the model changes).
func TestSensitivityFileKeys(t *testing.T) {
	var f struct {
		Factors []struct {
			Key      string
			Min, Max float64
		}
	}
	if _, err := toml.DecodeFile("sensitivity.toml", &f); err != nil {
		t.Fatal(err)
	}
	st, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Factors) < 10 {
		t.Errorf("%d factors, want the study's dozen", len(f.Factors))
	}
	for _, fa := range f.Factors {
		lo, hi, err := NumericKey(&st.Scenarios[0].Config, fa.Key)
		if err != nil || fa.Min < lo || fa.Max > hi || fa.Min >= fa.Max {
			t.Errorf("%s [%v, %v]: %v (key range %v to %v)", fa.Key, fa.Min, fa.Max, err, lo, hi)
		}
	}
}
