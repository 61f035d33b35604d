package scenarios

import (
	"fmt"
	"strings"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// NumericKey reports whether key names a number that can be set on cfg,
// and its declared range (infinite bounds when it has none). Keys are those
// of docs/scenarios.md, or origins.CODE.FIELD for a numeric field of the
// origin CODE in cfg's origin table ("origins.NG.conditions"). Sweeps and
// posterior draws set such keys one by one on a resolved scenario.
func NumericKey(cfg *sim.Config, key string) (lo, hi float64, err error) {
	if code, field, ok := originKey(key); ok {
		i := originIndex(cfg, code)
		if i < 0 {
			return 0, 0, fmt.Errorf("%s: the scenario has no origin %q", key, code)
		}
		_, lo, hi, ok := agents.Field(&cfg.Origins[i], field)
		if !ok || field == "share" {
			// shares must sum to 1, so one cannot move alone
			return 0, 0, fmt.Errorf("%s: not a numeric origin field that can move alone (conditions, cooperation, distance)", key)
		}
		return lo, hi, nil
	}
	_, lo, hi, ok := agents.Field(cfg, key)
	if !ok {
		return 0, 0, fmt.Errorf("%s: not a numeric scenario key (see docs/scenarios.md)", key)
	}
	if strings.HasPrefix(key, "policy.") && len(cfg.Changes) > 0 {
		return 0, 0, fmt.Errorf("%s: the scenario has dated changes, which each hold a whole policy; a policy key set on the scenario would not reach them", key)
	}
	table, k, _ := strings.Cut(key, ".")
	for i, c := range cfg.Changes {
		if _, set := map[string]map[string]float64{"intake": c.Intake, "population": c.Population, "state": c.State}[table][k]; set {
			return 0, 0, fmt.Errorf("%s: changes[%d] sets it from %s; a value set on the scenario would not reach the months after", key, i, cfg.Date(c.FromMonth))
		}
	}
	return lo, hi, nil
}

// With returns a copy of the scenario's configuration with each keys[i]
// set to xs[i] (rounded for whole-number keys), validated. The scenario
// itself is not changed.
func (s *Scenario) With(keys []string, xs []float64) (sim.Config, error) {
	return Set(s.Config, keys, xs)
}

// Set returns a copy of cfg with each keys[i] (NumericKey) set to xs[i]
// (rounded for whole-number keys), prepared. cfg itself is not changed.
func Set(from sim.Config, keys []string, xs []float64) (sim.Config, error) {
	cfg := cloneConfig(from)
	for i, k := range keys {
		if _, _, err := NumericKey(&cfg, k); err != nil {
			return cfg, err
		}
		var err error
		if code, field, ok := originKey(k); ok {
			o := &cfg.Origins[originIndex(&cfg, code)]
			err = agents.SetFloat(o, field, xs[i])
			if err == nil && field == "cooperation" {
				// the class follows the index, as the study classes countries
				o.Class = agents.CoopMedium
				switch {
				case o.Cooperation < 1.0/3:
					o.Class = agents.CoopLow
				case o.Cooperation >= 2.0/3:
					o.Class = agents.CoopHigh
				}
			}
		} else {
			err = agents.SetFloat(&cfg, k, xs[i])
		}
		if err != nil {
			return cfg, fmt.Errorf("%s: %w", k, err)
		}
	}
	return cfg, cfg.Prepare()
}

// originKey splits "origins.CODE.FIELD".
func originKey(key string) (code, field string, ok bool) {
	rest, ok := strings.CutPrefix(key, "origins.")
	if !ok {
		return "", "", false
	}
	code, field, ok = strings.Cut(rest, ".")
	return code, field, ok && field != ""
}

func originIndex(cfg *sim.Config, code string) int {
	for i := range cfg.Origins {
		if cfg.Origins[i].Code == code {
			return i
		}
	}
	return -1
}
