// Concentration bounds on an SC neuron's counter: how far L cycles of counting can stray from
// the mean, for Hoeffding, Chebyshev, Bernstein and an exact binomial bound (docs/bounds.md).
#pragma once

#include <cstddef>
#include <string>

namespace scprec::assign {

enum class Bound { kHoeffding, kChebyshev, kBernstein, kBinomial };

/// "hoeffding", "chebyshev", "bernstein", "binomial".
std::string to_string(Bound bound);
/// Parses the names above; throws Error (kBadInput) naming `field` otherwise.
Bound parse_bound(const std::string& text, const std::string& field);

/// One neuron's counter under the ideal stream model: each cycle adds `terms` independent
/// Bernoulli product bits (the synapses that can be 1) whose variances p(1 - p) sum to
/// `variance`. The bits split into two groups counted separately, as sign-magnitude's positive
/// and negative counters (bipolar has only the first): `group_terms[g]` bits with
/// probabilities summing to `group_mean[g]`. The quantity bounded is the deviation of
/// (group 0 count - group 1 count) from its mean.
struct CounterStats {
  double terms = 0.0;
  double variance = 0.0;
  double group_terms[2] = {0.0, 0.0};
  double group_mean[2] = {0.0, 0.0};
};

/// A counter's deviation from its mean as a sum of independent, zero-mean terms, each within
/// an interval: the squares of the intervals' widths summed, the variances summed, and the
/// largest magnitude any term can take. Under the ideal stream model the terms are the L K
/// random bits (L K, L V, 1); under the shifted-net model of Sobol lanes they are the synapses
/// (net_bounds.hpp).
struct DeviationTerms {
  double squared_ranges = 0.0;
  double variance = 0.0;
  double largest = 0.0;
};

/// A deviation t with P(|S - E[S]| >= t) <= delta, delta in (0, 1), for the three bounds that
/// need only `terms`: Hoeffding sqrt(squared_ranges c / 2), Chebyshev sqrt(variance / delta),
/// Bernstein c M / 3 + sqrt(c^2 M^2 / 9 + 2 variance c) with M = largest and c = ln(2/delta).
/// 0 when nothing varies. The binomial bound needs the groups of Bernoulli bits: asserts.
double terms_deviation(Bound bound, const DeviationTerms& terms, double delta);

/// A deviation t such that the L-cycle count S satisfies P(|S - E[S]| >= t) <= delta, for
/// delta in (0, 1). Hoeffding: sqrt(L K ln(2/delta) / 2). Chebyshev: sqrt(L V / delta).
/// Bernstein: c/3 + sqrt(c^2/9 + 2 L V c), c = ln(2/delta). Binomial: for each group, the exact
/// two-sided tail quantiles of Binomial(L K_g, mean_g / K_g), which bound the group count's
/// tails by Hoeffding's 1956 theorem on sums of unequal Bernoulli trials (hence >= 1), at
/// delta split between the groups, summed. 0 when nothing is random.
double count_deviation(Bound bound, const CounterStats& stats, std::size_t length, double delta);

/// The smallest length L (real, >= 1) with count_deviation(L) / L <= per_cycle: the length
/// needed for a given error. Closed forms for Hoeffding, Chebyshev and Bernstein; a search for
/// the binomial bound. Returns 1 when nothing is random.
double required_length(Bound bound, const CounterStats& stats, double per_cycle, double delta);

}  // namespace scprec::assign
