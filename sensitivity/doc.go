// Package sensitivity computes global sensitivity indices from model outputs
// evaluated on a design: Sobol first- and total-order indices from
// Saltelli's scheme, and Morris elementary effects, each with a bootstrap
// 95% interval.
//
// Sobol indices use the estimators of Saltelli et al. (2010, Computer
// Physics Communications 181, table 2): the first order
// S1_i = mean((f(B) - m) (f(AB_i) - f(A))) / V (their (b), with f(B)
// centred on m, the mean of f(A) and f(B): the same expectation, a smaller
// variance), and Jansen's (1999)
// total order ST_i = mean((f(A) - f(AB_i))^2) / (2V) (their (f)), where V is
// the variance of f(A) and f(B) pooled. Outputs come in SALib's layout with
// calc_second_order=False: for each base sample j, the rows A_j, AB_j^1 ...
// AB_j^k, B_j, so designs made by SALib's saltelli.sample (or sobol.sample)
// analyse here unchanged.
//
// Morris elementary effects follow Morris (1991) with Campolongo et al.'s
// (2007) mu*: EE = (y(x + delta e_i) - y(x)) / delta, with x and delta in
// the unit hypercube, so mu* is in output units per whole factor range.
//
// What it promises:
//   - It is pure arithmetic: no files, no clock, no global random state. The
//     bootstrap draws only from the Source it is given, so the same outputs
//     and the same seed give the same intervals, bit for bit.
//   - Intervals are bootstrap percentile intervals (2.5% and 97.5%) over
//     resamples of base samples (Sobol) or of trajectories (Morris).
//   - It imports nothing from this module.
package sensitivity
