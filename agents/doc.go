// Package agents holds the state of one person followed through the return
// system (a file, a procedure, out of sight, gone), the data of origin
// countries, the policy in force and the behavioural parameters, and the
// return-decision function.
//
// What it promises:
//   - Predict, LogOdds.Hazards, DecideOutOfSight, SessionEffect,
//     SpectrumFactor, TrustIn and PathwayOf are pure: no I/O, no globals, no
//     random draws. The same arguments give the same result, so they are
//     tested from tables of states with exact expected values.
//   - The model is written once. Age is the only ageing (by place, n months
//     at once bit for bit as n single months); PredictBound, the bound the
//     engine's shortcut rests on, is derived from Predict and Age rather
//     than restating their coefficients. A new parameter is a field with
//     tags, its default and its term in Predict: nothing in package sim.
//   - Every behavioural parameter is a named struct field with a TOML key, a
//     unit, a valid range and the source of its default (a seed document, or
//     "assumption"), declared in struct tags and read by Specs; Validate
//     checks every field against its range and rejects NaN and Inf.
//   - A policy's group rules (Policy.Groups, group.go) are resolved once,
//     by Prepare: Policy.For, the policy in force for a person, is the
//     policy itself when there are none, and otherwise the policy of the
//     first rule that matches, found in a few comparisons. A person's rule
//     changes only when their months without status reach a rule's
//     threshold (Policy.NextChange), which is what the engine's shortcuts
//     need to know.
//   - The package imports nothing from this module.
//
// Hazards are monthly probabilities. Each outcome an agent chooses has a
// linear predictor on the log-odds scale; its hazard is the logistic of that
// predictor. The draw among competing outcomes happens in package sim.
package agents
