// Package scenarios turns TOML study files into sim configurations.
//
// A study file holds a [base] scenario and named variants under
// [variants.NAME] that override parts of it; a file without variants is one
// scenario. Each scenario starts from sim.DefaultConfig, then base, then its
// variant: a key given replaces the value below it, and an array (origins,
// intake.years, restrictions, arrangements, reintegration.eligible,
// policy.groups, changes) given replaces the whole array. A [[changes]]
// table starts from the policy in force before it, its group rules
// included (one that gives policy.groups replaces them), and sets from its
// month the keys outside the policy it gives (intake.scale, population.*,
// state.*; sim.DatedKeys). [[policy_changes]], the older form of changes
// (policy keys without the policy. prefix), is still read, and reported at
// its own keys.
//
// What it promises:
//   - Parsing is strict: unknown keys, wrong types, out-of-range values, NaN
//     and Inf are errors that name file:line:col, the key, and what was
//     expected. Every problem of a file is reported, not only the first.
//   - Every accepted scenario survives Encode and Parse unchanged.
//   - TOML exists only here: sim and agents receive plain structs.
package scenarios
