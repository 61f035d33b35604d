package scenarios

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/returnsim/returnsim/agents"
	"github.com/returnsim/returnsim/sim"
)

// Reference returns docs/scenarios.md, which returnsim keys prints: every
// scenario key with its unit, default, range and source, read from the
// struct tags that validation reads too, so the document cannot disagree
// with the code.
func Reference() string {
	var b strings.Builder
	b.WriteString(`# Scenario keys

Generated from the code by ` + "`go test ./scenarios -run Reference -update`" + `; do not edit by hand.

A study file has a ` + "`[base]`" + ` table and optional ` + "`[variants.NAME]`" + ` tables; every key
below can appear in either, under its dotted path (` + "`[base.params.avr]`" + ` then ` + "`base = -4`" + `,
or ` + "`params.avr.base = -4`" + ` inside ` + "`[base]`" + `). A variant starts from the resolved base;
an array given replaces the whole array. Top-level keys of a study file: ` + "`name`" + `,
` + "`description`" + `, ` + "`common_random_numbers`" + ` (default true: replicate k of every scenario
shares its random stream). Each scenario table also takes ` + "`name`" + ` and ` + "`description`" + `.

Ranges are inclusive. "seed 00N" names a document listed in ` + "`docs/sources.md`" + `;
"assumption" means the default is ours, set for plausible magnitudes, and is what calibration
(docs/calibration.md) may change.

`)
	cfg := sim.DefaultConfig()
	var section string
	for _, s := range agents.Specs(&cfg) {
		if s.Key == "origins" || s.Key == "changes" || s.Key == "restrictions" || s.Key == "arrangements" || s.Key == "policy.groups" {
			continue
		}
		head := s.Key
		if i := strings.LastIndex(head, "."); i >= 0 {
			head = head[:i]
		} else {
			head = "scenario"
		}
		if head != section {
			section = head
			fmt.Fprintf(&b, "\n## `%s`\n\n| key | unit | default | range | source | meaning |\n|---|---|---|---|---|---|\n", head)
		}
		fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s | %s | %s |\n", s.Key, s.Unit, s.Default, rangeText(s.Range), s.Source, s.Desc)
	}
	b.WriteString("\nProvider: `provider = \"ngo\"` (one provider counsels every case) or `provider = { government = 0.5, ngo = 0.25, iom = 0.25 }` (shares summing to 1).\n")

	b.WriteString("\n## `changes`\n\nAn array of tables `[[base.changes]]`, in increasing order: what changes from a month on. Each holds `from` (the first calendar month it is in force, `\"2025-01\"`) or `from_month` (0 = the first recorded month; it must lie inside the horizon), and any of the keys that can change from a date:\n\n" +
		"- `policy.*`: any policy key above (`policy.counselling.timing`, `policy.capacity.vbl_places`, `policy.enforcement`, ...) or `policy.groups` (below). The policy keys change the policy in force before the change; the rest of it carries over.\n" +
		"- `intake.scale`, and any `population.*` or `state.*` key above: each is in force from the change until a later change sets it again; a key no change sets keeps the scenario's value (a sweep or a posterior draw of it reaches every month).\n\n" +
		"The other keys (`start`, `months`, `warmup_months`, the study's `fork`, `intake.years`, `params`, `origins`, `costs`, `restrictions`, `arrangements`) cannot change from a date: they hold for the whole run. A variant that gives no `changes` inherits the base's, applied on top of its own policy; one that gives them replaces the base's (repeat those it keeps). With a fork, a variant's changes must date from the fork on.\n\n" +
		"```toml\n[[base.changes]]\nfrom = \"2017-07\"\npolicy.reintegration.cash_eur = 300\n\n# no freedom-restricting location from 2025: no single person is placed there\n[[variants.no-vbl.changes]]\nfrom = \"2025-01\"\npopulation.frl_share = 0\n\n# a fifth more new persons a year from 2026\n[[variants.high-intake.changes]]\nfrom = \"2026-01\"\nintake.scale = 1.2\n```\n\n" +
		"`[[base.policy_changes]]`, the older form, is still read: a change of the policy alone, its keys without the `policy.` prefix (`counselling.timing`). A scenario gives `changes` or `policy_changes`, not both.\n")

	b.WriteString("\n## `uncertain`\n\nAn array of top-level tables `[[uncertain]]`: the study's assumptions that no calibration target constrains, each a numeric scenario key (`key`, as in the tables above or `origins.CODE.FIELD`) with a plausible range (`low` below `high`, inside the key's range) and the reason for it (`reason`, not empty). With `run --posterior`, each replicate draws every such key uniformly from its range, the same in every scenario; without a posterior they keep their values. A key the posterior sets cannot be one. docs/running.md, \"What no target constrains\".\n\n```toml\n[[uncertain]]\nkey = \"params.counselling.civil_legal\"\nlow = 0.1\nhigh = 1.5\nreason = \"seed 002: civil-society counselling discusses new procedures, with no size\"\n```\n")

	b.WriteString("\n## `policy.groups`\n\nAn array of tables `[[base.policy.groups]]`, and `policy.groups` in a `[[base.changes]]` table (`[[base.changes.policy.groups]]`): rules that give a group of persons policy keys of their own. The first rule whose selector (`for`) matches a person gives their policy; a person no rule matches has the scenario's general policy. A rule sets at least one of " + keyList(agents.RuleKeys()) + "; each key it does not set carries over from the policy in force, so a later change of the general policy reaches the rule's persons too. The capacities (`counselling.counsellors`, `counselling.sessions_per_counsellor`, `counselling.overload`, `capacity.*`) are shared by every group and are not a rule's to set. Given, the array replaces the rules in force: a variant's replaces the base's, a change's those before it; a change that gives none keeps them, and `groups = []` removes them. How the engine applies them (when a person's rule changes, what a shared capacity does): docs/ODD.md, section 7.12.\n\nThe selector: every key given must hold, and a key left out holds for everyone.\n\n| key | unit | range | meaning |\n|---|---|---|---|\n")
	for _, s := range agents.Specs(&agents.Selector{}) {
		fmt.Fprintf(&b, "| `for.%s` | %s | %s | %s |\n", s.Key, s.Unit, rangeText(s.Range), s.Desc)
	}
	b.WriteString("\n```toml\n[[variants.ngo-families.policy.groups]]\nfor.household = \"family\"\ncounselling.timing = \"first-decision\"\ncounselling.provider = \"ngo\"\n\n[[variants.ngo-families.policy.groups]]\nfor.min_months_without_status = 36\ncounselling.provider = \"ngo\"\ncounselling.partner_contact = true\n```\n")

	b.WriteString("\n## `restrictions`\n\nAn array of tables `[[base.restrictions]]`: periods in which events outside the return system limit it, for every scenario whatever its policy. Each holds `from` and `to` (calendar months, both included), `travel` (the share, 0 to 1, of the usual monthly chance of a departure that needs travel, AVR, independent departure and forced return, that remains; required, 1 for a restriction of removals alone), `removals_lost` (the share, 0 to 1, of the usual monthly chance of a forced return lost besides, as booked removals fail; placements in detention go on; 0 when left out), `keep_shelter` (the departure period does not end: the person keeps its shelter past the deadline) and `origins` (the codes of the origins whose persons it limits, as when a country closes its borders; a code the origin table lacks limits no one; left out, every origin; not with `keep_shelter`). They come in order of `from` and may lie outside the horizon; two restrictions of every origin are not in force in the same month, nor two of some origins that share one; one of some origins may be in force with one of every origin, and the persons it covers then keep the product of the two shares. Given, the array replaces the default, and an empty array removes it. The default is the COVID-19 stop of spring 2020, the borders Algeria and Morocco closed in 2020-2022, and the removals cancelled in 2021 and 2022 when the person refused a COVID-19 test (docs/ODD.md section 7.13; source: " + configSource("Restrictions") + "):\n\n```toml\n")
	for i, r := range sim.DefaultRestrictions() {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "[[base.restrictions]]\nfrom = %q\nto = %q\ntravel = %v\n", r.From, r.To, r.Travel)
		if r.RemovalsLost != 0 {
			fmt.Fprintf(&b, "removals_lost = %v\n", r.RemovalsLost)
		}
		if r.KeepShelter {
			b.WriteString("keep_shelter = true\n")
		}
		if len(r.Origins) > 0 {
			q := make([]string, len(r.Origins))
			for i, c := range r.Origins {
				q[i] = strconv.Quote(c)
			}
			fmt.Fprintf(&b, "origins = [%s]\n", strings.Join(q, ", "))
		}
	}
	b.WriteString("```\n")
	b.WriteString("\n## `arrangements`\n\nAn array of tables `[[base.arrangements]]`: one-off grants of legal status to long-staying families, for every scenario whatever its policy. Each holds `month` (the calendar month of the grants), `min_years` (the least years since the family first entered the return system) and `share` (the chance that an eligible family, in a file, a procedure or out of sight, is granted status). Given, the array replaces the default, and an empty array removes it. The default is the 2019 arrangement for long-staying children (docs/ODD.md section 7.15; source: DT&V, 18 February 2020; IND, kinderpardon, docs/sources.md; share 569 of 1,100 children granted):\n\n```toml\n[[base.arrangements]]\nmonth = \"2019-12\"\nmin_years = 5\nshare = 0.517\n```\n")
	b.WriteString("\n## `origins`\n\nAn array of tables `[[base.origins]]`; given, it replaces the whole default table. Shares must sum to 1; codes are unique; the class must agree with the cooperation index (low below 1/3, high from 2/3).\n\n| key | unit | range | meaning |\n|---|---|---|---|\n")
	for _, s := range agents.Specs(&agents.Origin{}) {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", s.Key, s.Unit, rangeText(s.Range), s.Desc)
	}
	b.WriteString("\nThe default table, from `sim/origins.csv` (each row with its source). Source: assumptions consistent with seed 001 (Nigeria cooperates on forced return, Iraq selectively; low-cooperation nationals dominate the caseload); Morocco and Algeria barely cooperate (Morocco granted 5 of 215 requests for travel documents in 2017, docs/sources.md).\n\n| code | name | share | cooperation | class | conditions | distance | reintegration_eligible |\n|---|---|---|---|---|---|---|---|\n")
	for _, o := range cfg.Origins {
		fmt.Fprintf(&b, "| %s | %s | %g | %g | %s | %g | %g | %t |\n", o.Code, o.Name, o.Share, o.Cooperation, o.Class, o.Conditions, o.Distance, o.Eligible)
	}
	return b.String()
}

// keyList writes keys as a list of code spans.
func keyList(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = "`" + k + "`"
	}
	return strings.Join(q, ", ")
}

func rangeText(r string) string {
	if r == "" {
		return ""
	}
	return strings.Replace(r, ",", " to ", 1)
}

// Keys are every scenario key's Spec, as Reference lists them, then the
// nested settings that name several keys as one (agents.Groups: the
// counselling provider, a mix of shares). A run records them in its
// manifest, so that a reader of its folder can name each setting in words,
// say where its value comes from (Source: "calibrated: ..." or not), and
// through which parameters a policy setting acts (Via).
func Keys() []agents.Spec {
	cfg := sim.DefaultConfig()
	return append(agents.Specs(&cfg), agents.Groups(&cfg)...)
}

// configSource is the source a sim.Config field's tag gives.
func configSource(field string) string {
	f, _ := reflect.TypeOf(sim.Config{}).FieldByName(field)
	return f.Tag.Get("src")
}
