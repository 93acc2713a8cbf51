// Tests for the acceptance statistics: Clopper-Pearson bounds against known values and their
// definition, the trial count's power, and the alpha spent on repeated sign-off attempts.
#include "scprec/loop/acceptance.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "../test_seed.hpp"
#include "scprec/core/error.hpp"
#include "scprec/loop/verify.hpp"

using scprec::loop::attempt_alpha;
using scprec::loop::exceedance_lower_bound;
using scprec::loop::exceedance_upper_bound;
using scprec::loop::family_alpha;

namespace {

double binomial_cdf(std::size_t k, std::size_t n, double p) {
  double sum = 0;
  for (std::size_t i = 0; i <= k; ++i) {
    sum += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) +
                    i * std::log(p) + (n - i) * std::log1p(-p));
  }
  return sum;
}

}  // namespace

TEST_CASE("loop: Clopper-Pearson bounds match known values", "[loop]") {
  // Zero events: the upper bound solves (1 - p)^n = alpha.
  CHECK(exceedance_upper_bound(0, 59, 0.05) == Approx(1 - std::pow(0.05, 1.0 / 59)).epsilon(1e-9));
  CHECK(exceedance_upper_bound(1, 100, 0.05) == Approx(0.0466).margin(1e-4));
  CHECK(exceedance_lower_bound(0, 10, 0.05) == 0.0);
  CHECK(exceedance_upper_bound(10, 10, 0.05) == 1.0);
  CHECK(exceedance_lower_bound(10, 10, 0.05) == Approx(std::pow(0.05, 0.1)).epsilon(1e-9));
  for (std::size_t k : {1, 3, 7}) {
    const double upper = exceedance_upper_bound(k, 50, 0.1);
    CHECK(binomial_cdf(k, 50, upper) == Approx(0.1).epsilon(1e-6));
    CHECK(exceedance_lower_bound(k, 50, 0.1) < static_cast<double>(k) / 50);
    CHECK(upper > static_cast<double>(k) / 50);
  }
}

TEST_CASE("loop: the trial count gives a good map a fair chance to pass", "[loop]") {
  for (double delta : {0.1, 0.05}) {
    const std::size_t n = scprec::loop::acceptance_trials(delta, 0.05);
    std::size_t allowed = 0;
    while (exceedance_upper_bound(allowed + 1, n, 0.05) <= delta) ++allowed;
    INFO("delta " << delta << ": " << n << " trials, " << allowed << " exceedances allowed");
    CHECK(binomial_cdf(allowed, n, delta / 4) >= 0.8);
    CHECK(n >= static_cast<std::size_t>(std::ceil(std::log(0.05) / std::log1p(-delta))));
  }
  CHECK(scprec::loop::acceptance_trials(0.05, 0.05) == 153);
}

TEST_CASE("loop: the held-out pass chance of tuning counts matches known values", "[loop]") {
  // 153 fresh trials pass with at most 3 exceedances at delta = 0.05 and 8 flips at 10%.
  using scprec::loop::held_out_pass_chance;
  CHECK(held_out_pass_chance(0, 153, 0.05, 153, 0.05) == Approx(0.940).margin(5e-4));
  CHECK(held_out_pass_chance(1, 153, 0.05, 153, 0.05) == Approx(0.817).margin(5e-4));
  CHECK(held_out_pass_chance(2, 153, 0.05, 153, 0.05) == Approx(0.661).margin(5e-4));
  CHECK(held_out_pass_chance(4, 153, 0.1, 153, 0.05) == Approx(0.874).margin(5e-4));
  CHECK(held_out_pass_chance(6, 153, 0.1, 153, 0.05) == Approx(0.706).margin(5e-4));
  // Fewer events, a better chance; nothing passes below the minimum held-out trials.
  for (std::size_t k = 0; k < 20; ++k) {
    CHECK(held_out_pass_chance(k + 1, 153, 0.1, 153, 0.05) <
          held_out_pass_chance(k, 153, 0.1, 153, 0.05));
  }
  CHECK(held_out_pass_chance(0, 153, 0.05, 58, 0.05) == 0.0);
}

TEST_CASE("loop: the held-out pass chance is what simulation gives under a uniform prior",
          "[loop]") {
  // An independent check: draw a true rate uniformly, a tuning count and a held-out count from
  // it, and among the draws with k tuning events count the held-out passes (Clopper-Pearson).
  const std::uint64_t seed = scprec::test::test_seed(2026);
  std::mt19937_64 random(seed);
  INFO("seed " << seed);
  const std::size_t n = 60;
  const double limit = 0.2;
  std::vector<std::size_t> seen(n + 1, 0);
  std::vector<std::size_t> passed(n + 1, 0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (int run = 0; run < 200000; ++run) {
    const double p = uniform(random);
    std::binomial_distribution<std::size_t> draw(n, p);
    const std::size_t tuning = draw(random);
    const std::size_t held = draw(random);
    ++seen[tuning];
    passed[tuning] += exceedance_upper_bound(held, n, 0.05) <= limit ? 1 : 0;
  }
  for (std::size_t k : {0, 2, 4, 6}) {
    const double simulated = static_cast<double>(passed[k]) / static_cast<double>(seen[k]);
    INFO(k << " tuning events: " << seen[k] << " draws, simulated " << simulated);
    // About 3300 draws a count: the standard error is at most 0.009; 0.04 is over 4 of them.
    CHECK(scprec::loop::held_out_pass_chance(k, n, limit, n, 0.05) ==
          Approx(simulated).margin(0.04));
  }
}

TEST_CASE("loop: fewer than the minimum trials can never pass, the minimum can", "[loop]") {
  for (double delta : {0.1, 0.05, 0.01}) {
    const std::size_t n = scprec::loop::minimum_trials(delta, 0.05);
    INFO("delta " << delta << ": minimum " << n);
    CHECK(exceedance_upper_bound(0, n, 0.05) <= delta);
    CHECK(exceedance_upper_bound(0, n - 1, 0.05) > delta);
  }
  CHECK(scprec::loop::minimum_trials(0.05, 0.05) == 59);
}

TEST_CASE("loop: repeated sign-off attempts halve alpha, the first keeps it whole", "[loop]") {
  // Scaling by a power of two is exact, so these compare equal.
  CHECK(attempt_alpha(0.05, 1) == 0.05);
  CHECK(attempt_alpha(0.05, 2) == 0.025);
  CHECK(attempt_alpha(0.05, 3) == 0.0125);
  CHECK(attempt_alpha(0.1, 11) == 0.1 / 1024);
  CHECK(attempt_alpha(0.05, 5000) == 0.0);
  CHECK_THROWS_AS(attempt_alpha(0.05, 0), scprec::Error);
  CHECK_THROWS_AS(attempt_alpha(0.0, 1), scprec::Error);
  CHECK_THROWS_AS(attempt_alpha(1.0, 1), scprec::Error);
}

TEST_CASE("loop: the family-wise alpha sums the attempts' alphas and stays below twice alpha",
          "[loop]") {
  CHECK(family_alpha(0.05, 0) == 0.0);
  CHECK(family_alpha(0.05, 1) == 0.05);
  CHECK(family_alpha(0.05, 2) == Approx(0.075).epsilon(1e-15));
  CHECK(family_alpha(0.05, 5) == Approx(0.05 * 31 / 16).epsilon(1e-15));
  CHECK(family_alpha(0.05, 20) == Approx(0.05 * (2 - std::ldexp(1.0, -19))).epsilon(1e-15));
  double sum = 0;
  for (std::size_t k = 1; k <= 60; ++k) {
    sum += attempt_alpha(0.05, k);
    CHECK(family_alpha(0.05, k) == Approx(sum).epsilon(1e-15));
    // Below 2 alpha exactly; rounding reaches 2 alpha once the remainder is under an ulp.
    CHECK(family_alpha(0.05, k) <= 2 * 0.05);
    if (k <= 40) CHECK(family_alpha(0.05, k) < 2 * 0.05);
  }
  CHECK(family_alpha(0.05, 5000) <= 2 * 0.05);
  CHECK_THROWS_AS(family_alpha(0.0, 3), scprec::Error);
}

TEST_CASE("loop: the quantile's interval covers the quantile at its confidence, by simulation",
          "[loop]") {
  // Uniform draws: the quantile at level q is q. Over many samples the interval must miss it
  // at most alpha of the time (each side at most alpha / 2), up to sampling error.
  const std::uint64_t seed = scprec::test::test_seed(11);
  INFO("seed " << seed);
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const double level = 0.9;
  const double alpha = 0.1;
  const int samples = 2000;
  int below = 0, above = 0;
  for (int k = 0; k < samples; ++k) {
    std::vector<double> values(100);
    for (double& v : values) v = uniform(random);
    const auto q = scprec::loop::quantile_interval(values, level, alpha);
    REQUIRE(q.low <= q.high);
    below += q.high < level ? 1 : 0;
    above += q.low > level ? 1 : 0;
  }
  // 2000 samples: a miss rate of alpha / 2 = 5% gives at most about 132 misses per side at
  // 4 standard deviations.
  CHECK(below <= 132);
  CHECK(above <= 132);
  // Too few values for a side: that side is unbounded.
  const auto few = scprec::loop::quantile_interval({0.1, 0.2, 0.3}, 0.99, 0.05);
  CHECK(std::isinf(few.high));
}

TEST_CASE("loop: an accuracy drop's interval is built from both kinds of disagreement",
          "[loop]") {
  // 1000 images: the reference alone right on 40, SC alone right on 5: drop 3.5 points.
  std::vector<bool> reference(1000, true), sc(1000, true);
  for (int i = 0; i < 40; ++i) sc[i] = false;
  for (int i = 40; i < 45; ++i) reference[i] = false;
  const auto d = scprec::loop::accuracy_drop(reference, sc, 0.05);
  CHECK(d.only_reference == 40);
  CHECK(d.only_sc == 5);
  CHECK(d.drop == Approx(0.035));
  CHECK(d.low < 0.035);
  CHECK(d.high > 0.035);
  CHECK(d.low > 0.0);  // 40 against 5 in 1000 is evidence of a drop
  // Agreement on every image: no drop, and an interval around 0.
  const auto none = scprec::loop::accuracy_drop(reference, reference, 0.05);
  CHECK(none.drop == 0.0);
  CHECK(none.low < 0.0);
  CHECK(none.high > 0.0);
}
