// Clopper-Pearson bounds (Clopper and Pearson 1934) by bisection on the exact binomial CDF,
// summed in log space so that thousands of trials stay accurate. Repeated sign-offs on the same
// held-out rows spend alpha geometrically (alpha / 2^(k-1) at attempt k), so that by the union
// (Bonferroni) bound their family-wise false sign-off rate stays below 2 alpha.
#include "scprec/loop/acceptance.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "scprec/core/error.hpp"

namespace scprec::loop {
namespace {

// P(Binomial(n, p) <= k).
double binomial_cdf(std::size_t k, std::size_t n, double p) {
  if (p <= 0.0) return 1.0;
  if (p >= 1.0) return k >= n ? 1.0 : 0.0;
  const double log_p = std::log(p);
  const double log_q = std::log1p(-p);
  double sum = 0.0;
  for (std::size_t i = 0; i <= k && i <= n; ++i) {
    const double x = static_cast<double>(i);
    const double nn = static_cast<double>(n);
    sum += std::exp(std::lgamma(nn + 1) - std::lgamma(x + 1) - std::lgamma(nn - x + 1) + x * log_p +
                    (nn - x) * log_q);
  }
  return std::min(sum, 1.0);
}

// The p in [0, 1] where a decreasing function of p crosses `level`.
template <typename F>
double crossing(F decreasing, double level) {
  double low = 0.0;
  double high = 1.0;
  for (int k = 0; k < 100; ++k) {
    const double mid = (low + high) / 2;
    (decreasing(mid) > level ? low : high) = mid;
  }
  return (low + high) / 2;
}

// The power acceptance_trials asks of the test.
constexpr double kPower = 0.8;

// The most exceedances that still pass at `trials` trials, or none when even zero fail.
std::optional<std::size_t> allowed_exceedances(std::size_t trials, double limit, double alpha) {
  if (exceedance_upper_bound(0, trials, alpha) > limit) return std::nullopt;
  std::size_t allowed = 0;
  while (allowed + 1 < trials && exceedance_upper_bound(allowed + 1, trials, alpha) <= limit) {
    ++allowed;
  }
  return allowed;
}

}  // namespace

double exceedance_upper_bound(std::size_t events, std::size_t trials, double alpha) {
  SCPREC_ASSERT(trials >= 1 && events <= trials && alpha > 0.0 && alpha < 1.0,
                "a confidence bound needs trials, events within them, and alpha in (0, 1)");
  if (events == trials) return 1.0;
  return crossing([&](double p) { return binomial_cdf(events, trials, p); }, alpha);
}

double exceedance_lower_bound(std::size_t events, std::size_t trials, double alpha) {
  SCPREC_ASSERT(trials >= 1 && events <= trials && alpha > 0.0 && alpha < 1.0,
                "a confidence bound needs trials, events within them, and alpha in (0, 1)");
  if (events == 0) return 0.0;
  // P(X >= events) = 1 - P(X <= events - 1) increases with p.
  return crossing([&](double p) { return binomial_cdf(events - 1, trials, p); }, 1.0 - alpha);
}

std::size_t minimum_trials(double delta, double alpha) {
  SCPREC_ASSERT(delta > 0.0 && delta < 1.0 && alpha > 0.0 && alpha < 1.0,
                "delta and alpha in (0, 1)");
  // The closed form (1 - delta)^n <= alpha, confirmed against the bisected bound it stands for.
  auto n = static_cast<std::size_t>(std::ceil(std::log(alpha) / std::log1p(-delta)));
  while (n > 1 && exceedance_upper_bound(0, n - 1, alpha) <= delta) --n;
  while (exceedance_upper_bound(0, n, alpha) > delta) ++n;
  return n;
}

std::size_t acceptance_trials(double delta, double alpha) {
  for (std::size_t n = minimum_trials(delta, alpha);; ++n) {
    const auto allowed = allowed_exceedances(n, delta, alpha);
    if (allowed && binomial_cdf(*allowed, n, delta / 4) >= kPower) return n;
  }
}

double held_out_pass_chance(std::size_t events, std::size_t trials, double limit,
                            std::size_t held_out_trials, double alpha) {
  SCPREC_ASSERT(
      trials >= 1 && events <= trials && limit > 0.0 && limit < 1.0 && alpha > 0.0 && alpha < 1.0,
      "tuning trials, events within them, and a limit and alpha in (0, 1)");
  const auto allowed = allowed_exceedances(held_out_trials, limit, alpha);
  if (!allowed) return 0.0;
  // Beta(events + 1, trials - events + 1) posterior; the held-out count is beta-binomial.
  const double a = static_cast<double>(events) + 1;
  const double b = static_cast<double>(trials - events) + 1;
  const double n = static_cast<double>(held_out_trials);
  double chance = 0.0;
  for (std::size_t j = 0; j <= *allowed; ++j) {
    const double k = static_cast<double>(j);
    chance += std::exp(std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1) +
                       std::lgamma(k + a) + std::lgamma(n - k + b) - std::lgamma(n + a + b) -
                       std::lgamma(a) - std::lgamma(b) + std::lgamma(a + b));
  }
  return std::min(chance, 1.0);
}

double attempt_alpha(double alpha, std::size_t attempt) {
  SCPREC_ASSERT(attempt >= 1, "attempts are counted from 1");
  SCPREC_ASSERT(alpha > 0.0 && alpha < 1.0, "alpha in (0, 1)");
  // ldexp scales by a power of two exactly, and underflows to 0 instead of overflowing.
  constexpr std::size_t kBeyondUnderflow = 2000;
  return std::ldexp(alpha, -static_cast<int>(std::min(attempt - 1, kBeyondUnderflow)));
}

double family_alpha(double alpha, std::size_t attempts) {
  SCPREC_ASSERT(alpha > 0.0 && alpha < 1.0, "alpha in (0, 1)");
  double sum = 0.0;
  for (std::size_t k = 1; k <= attempts; ++k) {
    const double spent = attempt_alpha(alpha, k);
    if (spent == 0.0) break;
    sum += spent;
  }
  return sum;
}

QuantileInterval quantile_interval(std::vector<double> values, double level, double alpha) {
  SCPREC_ASSERT(level > 0.0 && level < 1.0 && alpha > 0.0 && alpha < 1.0,
                "level and alpha in (0, 1)");
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  QuantileInterval q{-std::numeric_limits<double>::infinity(),
                     std::numeric_limits<double>::infinity()};
  // x_(r) <= the quantile unless fewer than r draws fall below it: P(Bin(n, level) <= r - 1).
  for (std::size_t r = n; r >= 1; --r) {
    if (binomial_cdf(r - 1, n, level) <= alpha / 2) {
      q.low = values[r - 1];
      break;
    }
  }
  // x_(s) >= the quantile unless s or more draws fall below it: 1 - P(Bin(n, level) <= s - 1).
  for (std::size_t s = 1; s <= n; ++s) {
    if (1.0 - binomial_cdf(s - 1, n, level) <= alpha / 2) {
      q.high = values[s - 1];
      break;
    }
  }
  return q;
}

}  // namespace scprec::loop
