package scenarios

import (
	"strings"
	"testing"
)

// TestKeysVia: every policy setting names the parameters through which it
// acts, and each of them is a parameter (params. or state.) of the
// configuration, so that the report can say whether a policy's effect rests
// on calibrated values; a new policy key without a via tag fails here.
func TestKeysVia(t *testing.T) {
	keys := Keys()
	byKey := map[string]bool{}
	for _, k := range keys {
		byKey[k.Key] = true
	}
	var policy, calibrated int
	for _, k := range keys {
		if strings.HasPrefix(k.Source, "calibrated") {
			calibrated++
		}
		if !strings.HasPrefix(k.Key, "policy.") {
			if len(k.Via) > 0 {
				t.Errorf("%s: via %v, want none: only policy settings act through parameters", k.Key, k.Via)
			}
			continue
		}
		policy++
		if len(k.Via) == 0 {
			t.Errorf("%s: no via tag: name the parameters through which it acts", k.Key)
		}
		for _, v := range k.Via {
			if !byKey[v] || !(strings.HasPrefix(v, "params.") || strings.HasPrefix(v, "state.")) {
				t.Errorf("%s: via %s is not a params. or state. key of the configuration", k.Key, v)
			}
		}
	}
	// 20 policy keys, the provider group and the group rules, docs/scenarios.md
	if policy != 22 {
		t.Errorf("%d policy settings, want 22 (20 keys, the provider and the group rules)", policy)
	}
	if calibrated < 10 {
		t.Errorf("%d keys whose source says calibrated, want the calibration's free parameters (docs/calibration.md)", calibrated)
	}
	var provider bool
	for _, k := range keys {
		if k.Key == "policy.counselling.provider" {
			provider = strings.HasPrefix(k.Desc, "who counsels")
		}
		if k.Key == "policy.counselling.provider.ngo" && !slicesContain(k.Via, "params.counselling.civil_legal") {
			t.Errorf("policy.counselling.provider.ngo: via %v, want the provider's, with params.counselling.civil_legal", k.Via)
		}
	}
	if !provider {
		t.Error("no group policy.counselling.provider described as who counsels")
	}
}

func slicesContain(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
