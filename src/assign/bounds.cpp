// The four counter bounds. Hoeffding (1963) needs only the number of bounded terms; Chebyshev
// and Bernstein use the variance; the binomial bound computes exact tail quantiles of the
// binomial with the same mean, which dominates the tails of any sum of independent Bernoulli
// trials with that mean beyond one unit from it (Hoeffding 1956, theorem 4); sign-magnitude's
// two counters are bounded separately and their deviations added. Binomial tails
// are summed in log space from far out in the tail towards the mean, so n in the millions
// costs a few thousand steps.
#include "scprec/assign/bounds.hpp"

#include <algorithm>
#include <cmath>

#include "scprec/core/enum_names.hpp"
#include "scprec/core/error.hpp"

namespace scprec::assign {
namespace {

double log_add(double a, double b) {
  if (a < b) std::swap(a, b);
  if (b == -INFINITY) return a;
  return a + std::log1p(std::exp(b - a));
}

double log_pmf(double n, double k, double log_p, double log_q) {
  return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1) + k * log_p +
         (n - k) * log_q;
}

// Smallest integer k >= mean + 1 with P(X >= k) <= tail for X ~ Binomial(n, p), walking down
// from far in the upper tail and accumulating P(X >= k) in log space.
double upper_quantile(double n, double p, double tail) {
  const double mean = n * p;
  const double sd = std::sqrt(n * p * (1 - p));
  const double log_p = std::log(p);
  const double log_q = std::log1p(-p);
  const double log_tail = std::log(tail);
  const double lowest = std::ceil(mean + 1.0);
  if (lowest > n) return lowest;  // X never reaches it
  double k = std::min(n, std::ceil(mean + 40.0 * sd + 10.0));
  double log_pk = log_pmf(n, k, log_p, log_q);
  double log_sum = log_pk;  // log P(X >= k)
  while (k > lowest) {
    // pmf(k - 1) = pmf(k) * k / (n - k + 1) * q / p
    const double log_prev = log_pk + std::log(k) - std::log(n - k + 1) + log_q - log_p;
    const double log_sum_prev = log_add(log_sum, log_prev);
    if (log_sum_prev > log_tail) return k;  // P(X >= k - 1) > tail, P(X >= k) <= tail
    log_pk = log_prev;
    log_sum = log_sum_prev;
    k -= 1;
  }
  return lowest;
}

// Two-sided deviation of one group's count: the delta/2 upper and lower tail quantiles.
double group_deviation(double terms, double group_mean, std::size_t length, double delta) {
  const double k = std::round(terms);
  const double n = k * static_cast<double>(length);
  const double p = k > 0 ? std::clamp(group_mean / k, 0.0, 1.0) : 0.0;
  if (n == 0 || p <= 0.0 || p >= 1.0) return 0.0;
  const double mean = n * p;
  // Upper tail of X, and lower tail of X through n - X ~ Binomial(n, 1 - p).
  const double upper = upper_quantile(n, p, delta / 2) - mean;
  const double lower = upper_quantile(n, 1 - p, delta / 2) - (n - mean);
  return std::max({upper, lower, 1.0});
}

double binomial_deviation(const CounterStats& stats, std::size_t length, double delta) {
  const bool both = stats.group_terms[0] > 0 && stats.group_terms[1] > 0;
  const double group_delta = both ? delta / 2 : delta;
  return group_deviation(stats.group_terms[0], stats.group_mean[0], length, group_delta) +
         group_deviation(stats.group_terms[1], stats.group_mean[1], length, group_delta);
}

}  // namespace

constexpr EnumName<Bound> kBoundNames[] = {{Bound::kHoeffding, "hoeffding"},
                                           {Bound::kChebyshev, "chebyshev"},
                                           {Bound::kBernstein, "bernstein"},
                                           {Bound::kBinomial, "binomial"}};

std::string to_string(Bound bound) {
  return enum_name(kBoundNames, bound);
}

Bound parse_bound(const std::string& text, const std::string& field) {
  return parse_enum_name(kBoundNames, text, "bound", field);
}

double terms_deviation(Bound bound, const DeviationTerms& terms, double delta) {
  SCPREC_ASSERT(delta > 0.0 && delta < 1.0, "bound confidence must leave delta in (0, 1)");
  if (terms.squared_ranges <= 0.0 || terms.variance <= 0.0) return 0.0;
  const double c = std::log(2.0 / delta);
  const double m = terms.largest;
  switch (bound) {
    case Bound::kHoeffding:
      return std::sqrt(terms.squared_ranges * c / 2.0);
    case Bound::kChebyshev:
      return std::sqrt(terms.variance / delta);
    case Bound::kBernstein:
      return c * m / 3.0 + std::sqrt(c * c * m * m / 9.0 + 2.0 * terms.variance * c);
    case Bound::kBinomial:
      break;
  }
  SCPREC_ASSERT(false, "the binomial bound bounds Bernoulli groups, not terms");
  return 0.0;
}

double count_deviation(Bound bound, const CounterStats& stats, std::size_t length, double delta) {
  SCPREC_ASSERT(delta > 0.0 && delta < 1.0, "bound confidence must leave delta in (0, 1)");
  if (stats.terms <= 0.0 || stats.variance <= 0.0) return 0.0;
  if (bound == Bound::kBinomial) return binomial_deviation(stats, length, delta);
  const double l = static_cast<double>(length);
  return terms_deviation(bound, {l * stats.terms, l * stats.variance, 1.0}, delta);
}

double required_length(Bound bound, const CounterStats& stats, double per_cycle, double delta) {
  SCPREC_ASSERT(per_cycle > 0.0, "the allowed error must be positive");
  if (stats.terms <= 0.0 || stats.variance <= 0.0) return 1.0;
  const double c = std::log(2.0 / delta);
  const double u2 = per_cycle * per_cycle;
  switch (bound) {
    case Bound::kHoeffding:
      return std::max(1.0, stats.terms * c / (2.0 * u2));
    case Bound::kChebyshev:
      return std::max(1.0, stats.variance / (delta * u2));
    case Bound::kBernstein:
      return std::max(1.0, 2.0 * c * (stats.variance + per_cycle / 3.0) / u2);
    case Bound::kBinomial:
      break;
  }
  // Exponential then binary search for the smallest integer length that meets the error.
  const auto meets = [&](double length) {
    return count_deviation(bound, stats, static_cast<std::size_t>(length), delta) <=
           per_cycle * length;
  };
  double high = 1.0;
  while (!meets(high)) {
    high *= 2.0;
    if (high > 1e15) return high;
  }
  double low = high / 2.0;
  if (high == 1.0) return 1.0;
  while (high - low > 1.0) {
    const double mid = std::floor((low + high) / 2.0);
    (meets(mid) ? high : low) = mid;
  }
  return high;
}

}  // namespace scprec::assign
