package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// fuzzSeeds are small studies, valid and invalid, that reach every branch
// of the parser: variants, arrays that replace, policy changes that chain,
// provider mixes, and the errors of TestParseErrors.
var fuzzSeeds = []string{
	// valid
	"[base]\n",
	"name = \"s\"\ncommon_random_numbers = false\n[base]\nmonths = 12\nwarmup_months = 0\n",
	"[base]\nmonths = 84\n\n[variants.early]\npolicy.counselling.timing = \"first-decision\"\n\n[variants.mix]\npolicy.counselling.provider = { government = 0.5, ngo = 0.25, iom = 0.25 }\n",
	"[base]\nmonths = 84\npolicy.reintegration.eligible = [\"NG\", \"IQ\"]\n\n[[base.policy_changes]]\nfrom_month = 12\nenforcement = 2.0\n\n[[base.policy_changes]]\nfrom_month = 24\nreintegration.cash_eur = 1000\nreintegration.eligible = [\"IQ\"]\n",
	"[base]\npolicy.reintegration.eligible = [\"NG\"]\n\n[[base.policy_changes]]\nfrom_month = 12\nreintegration.eligible = []\n",
	"[base]\nintake.scale = 1.0\n\n[[base.origins]]\ncode = \"NG\"\nname = \"Ni\\\"ge\\u00efria\\t\"\nshare = 1\ncooperation = 0.85\nclass = \"high\"\nconditions = 0.25\ndistance = 0.9\nreintegration_eligible = true\n",
	"[base]\ndescription = \"\"\"two\nlines\"\"\"\n[base.policy.counselling]\ntiming = \"periodic\"\nperiod_months = 3\noverload = \"wait\"\ncounsellors = 1\npartner_contact = true\n[base.params.avr]\nbase = -1e1\n",
	"[base]\npolicy.counselling.timing = \"none\"\npolicy.counselling.counsellors = 0\n[variants.v]\nname = \"v2\"\ndescription = \"d\"\npolicy.enforcement = 0\n",
	"[base]\n[[base.policy.groups]]\nfor.household = \"family\"\nfor.origins = [\"IQ\"]\ncounselling.timing = \"periodic\"\ncounselling.provider = { ngo = 0.5, iom = 0.5 }\nreintegration.eligible = []\n[[base.policy_changes]]\nfrom_month = 12\n[[base.policy_changes.groups]]\nfor.min_months_without_status = 36\nfor.cooperation = \"high\"\nenforcement = 2\n[variants.none]\npolicy.groups = []\n",
	"[base]\nmonths = 84\n\n[[base.changes]]\nfrom_month = 12\npolicy.enforcement = 2.0\nstate.vbl_months = 1\npopulation.frl_share = 0.2\nintake.scale = 0.5\n\n[[base.changes]]\nfrom = \"2019-01\"\nstate.find_rate = 0\n[[base.changes.policy.groups]]\nfor.household = \"single\"\nenforcement = 2\n",
	// invalid
	"[base]\n[[base.changes]]\nfrom_month = 12\nstate = 3\npopulation.frl_share = \"none\"\nintake.years = []\n",
	"[base]\n[[base.policy.groups]]\nfor.household = \"families\"\n[[base.policy.groups]]\nfor.origins = [\"ZZ\"]\ncounselling.counsellors = 2\n",
	"[base]\n\n[base.policy.counselling]\ntiming = \"erly\"\n",
	"[base]\nmonths = 84\nfoo = 1\n\n[variants.a]\nbar = 2\n",
	"[base]\nmonths = \"many\"\nwarmup_months = 24\n",
	"[base.state]\nappeal_success = nan\nforced_rate = inf\n",
	"[base.policy.counselling]\nprovider = { government = 0.5, ngo = 0.25 }\n",
	"[base]\n[[base.origins]]\ncode = \"NG\"\nshare = 1\ncooperation = 0.85\nclass = \"low\"\n",
	"[base]\nmonths = 84\n\n[[base.policy_changes]]\nfrom_month = 24\n\n[[base.policy_changes]]\nfrom_month = 12\n",
	"name = \"x\"\n\n[variants.a]\nmonths = 12\n",
	"[base]\nmonths = 84\nwarmup_months = \n",
	"[base]\nname = \"a,b\"\n",
	"base = 5\n",
	"[base]\nvariants = 1\n[variants]\na = 3\n",
	"[base]\npolicy.reintegration.eligible = [\n  \"NG\",\n  \"IQ\",\n]\nmonths = 0\n",
	"[base]\n[[base.policy_changes]]\nfrom_month = 12\ncounselling.provider = 7\n",
}

func FuzzParse(f *testing.F) {
	f.Add(DefaultText())
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := Parse("fuzz.toml", data)
		if _, again := Parse("fuzz.toml", data); fmt.Sprint(again) != fmt.Sprint(err) {
			t.Fatalf("Parse(%q) error changed between two parses:\n%v\nthen\n%v", data, err, again)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.toml") {
				t.Fatalf("Parse(%q) error = %q, want it to start with fuzz.toml", data, err)
			}
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("Parse(%q) error = %#v, want a non-empty Errors", data, err)
			}
			for i, e := range es {
				if e.File != "fuzz.toml" || !strings.HasPrefix(e.Error(), "fuzz.toml") {
					t.Errorf("Parse(%q) error %d = %q (File %q), want it to name fuzz.toml", data, i, e, e.File)
				}
				if strings.ContainsAny(e.Error(), "\n\r") {
					t.Errorf("Parse(%q) error %d = %q, want one line", data, i, e)
				}
			}
			return
		}
		if len(st.Scenarios) == 0 {
			t.Fatalf("Parse(%q) = no scenarios and no error", data)
		}
		for i := range st.Scenarios {
			sc := &st.Scenarios[i]
			var b bytes.Buffer
			if err := Encode(&b, sc); err != nil {
				t.Fatalf("Parse(%q): Encode(%q) error: %v", data, sc.Name, err)
			}
			again, err := Parse("fuzz.toml", b.Bytes())
			if err != nil {
				t.Fatalf("Parse(%q): Parse(Encode(%q)) error:\n%v\nencoded:\n%s", data, sc.Name, err, b.Bytes())
			}
			if len(again.Scenarios) != 1 {
				t.Fatalf("Parse(%q): Parse(Encode(%q)) has %d scenarios, want 1", data, sc.Name, len(again.Scenarios))
			}
			got := &again.Scenarios[0]
			if got.Name != sc.Name || got.Description != sc.Description {
				t.Errorf("Parse(%q): Parse(Encode(%q)) name, description = %q, %q, want %q, %q", data, sc.Name, got.Name, got.Description, sc.Name, sc.Description)
			}
			if !reflect.DeepEqual(got.Config, sc.Config) {
				t.Errorf("Parse(%q): Parse(Encode(%q)).Config differs in %v:\n got %+v\nwant %+v\nencoded:\n%s",
					data, sc.Name, diffFields(got.Config, sc.Config), got.Config, sc.Config, b.Bytes())
			}
		}
	})
}
