// Statistically sound acceptance: exact binomial confidence bounds on an exceedance rate, and
// the number of trials a sign-off needs.
#pragma once

#include <cstddef>
#include <vector>

namespace scprec::loop {

/// The one-sided upper Clopper-Pearson bound at confidence 1 - alpha on the rate of an event
/// seen `events` times in `trials` trials: the p with P(Binomial(trials, p) <= events) = alpha
/// (1 when events == trials). alpha in (0, 1), trials >= 1.
double exceedance_upper_bound(std::size_t events, std::size_t trials, double alpha);

/// The lower bound: the p with P(Binomial(trials, p) >= events) = alpha (0 when events == 0).
double exceedance_lower_bound(std::size_t events, std::size_t trials, double alpha);

/// The trials a sign-off runs for an exceedance limit delta at confidence 1 - alpha: the least
/// n for which a map whose true exceedance rate is delta / 4 passes with probability at least
/// 0.8 (the test's power). Zero exceedances alone would need only ln(alpha) / ln(1 - delta)
/// trials, but then one unlucky trial fails a good map. delta and alpha in (0, 1).
std::size_t acceptance_trials(double delta, double alpha);

/// The chance that a map seen with `events` events in `trials` tuning trials passes the
/// held-out test of a rate `limit` on `held_out_trials` fresh trials at significance alpha (at
/// most the count exceedance_upper_bound allows): the posterior predictive probability under a
/// uniform prior on the map's true rate, a beta-binomial sum. It accounts for what the tuning
/// count does not pin down: one exceedance in 153 trials passes 153 fresh trials allowed 3 with
/// probability 0.82, two with 0.66. 0 when no count passes at held_out_trials. trials >= 1,
/// events <= trials, limit and alpha in (0, 1).
double held_out_pass_chance(std::size_t events, std::size_t trials, double limit,
                            std::size_t held_out_trials, double alpha);

/// The fewest trials with which any map can pass: the least n whose upper bound with zero
/// exceedances is at most delta (59 for delta = alpha = 0.05). Fewer can never sign off.
std::size_t minimum_trials(double delta, double alpha);

/// The significance at which the attempt-th sign-off on the same held-out rows is tested:
/// alpha / 2^(attempt - 1), so the first attempt keeps the full alpha. Geometric alpha spending:
/// a user who retries after a held-out failure tests a new map on rows the failure already used,
/// and each attempt is another chance for a bad map to pass; halving alpha at every attempt
/// keeps the chance that any attempt falsely signs off below alpha + alpha/2 + ... < 2 alpha
/// (the union bound, whatever the dependence between the maps; `family_alpha`). This holds when
/// each attempt's map is fixed before its test and depends on earlier held-out results only
/// through their failing. Underflows to 0 (no map can pass) after about a thousand attempts.
/// Throws an internal Error unless attempt >= 1 and alpha is in (0, 1).
double attempt_alpha(double alpha, std::size_t attempt);

/// The bound on the false sign-off rate over `attempts` attempts on the same held-out rows: the
/// sum of attempt_alpha over attempts 1 to `attempts`, alpha * (2 - 2^(1 - attempts)), which is
/// alpha for one attempt, 0 for none and below 2 alpha for any number (in floating point, at
/// most 2 alpha: the remainder rounds away after about 50 attempts). Throws an internal Error
/// unless alpha is in (0, 1).
double family_alpha(double alpha, std::size_t attempts);

/// A distribution-free two-sided confidence interval, at confidence 1 - alpha, for the quantile
/// at `level` of the distribution that `values` (independent draws) came from: the order
/// statistics x_(r) <= x_(s) with P(Binomial(n, level) < r) <= alpha / 2 and
/// P(Binomial(n, level) >= s) <= alpha / 2. `low` is -infinity and `high` +infinity when n is too
/// small for that side. level and alpha in (0, 1).
struct QuantileInterval {
  double low = 0.0;
  double high = 0.0;
};
QuantileInterval quantile_interval(std::vector<double> values, double level, double alpha);

}  // namespace scprec::loop
