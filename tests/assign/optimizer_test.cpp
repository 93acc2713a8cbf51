// Tests for the exact optimizer: it matches exhaustive search on random small problems in both
// modes, and reports infeasibility.
#include "scprec/assign/optimizer.hpp"

#include <catch2/catch.hpp>
#include <random>

#include "../test_seed.hpp"

using scprec::assign::LayerOption;
using scprec::assign::Selection;

namespace {

using Options = std::vector<std::vector<LayerOption>>;

// Every combination, by counting in mixed radix; sums in layer order as the optimizer does.
template <typename Visit>
void for_each_selection(const Options& options, Visit visit) {
  std::vector<std::size_t> choice(options.size(), 0);
  while (true) {
    double cost = 0.0;
    double error = 0.0;
    for (std::size_t l = 0; l < options.size(); ++l) {
      cost += options[l][choice[l]].cost;
      error += options[l][choice[l]].error;
    }
    visit(cost, error);
    std::size_t l = 0;
    while (l < options.size() && ++choice[l] == options[l].size()) choice[l++] = 0;
    if (l == options.size()) return;
  }
}

Options random_options(std::mt19937_64& rng) {
  const std::size_t layers = 1 + rng() % 5;
  Options options(layers);
  for (auto& layer : options) {
    const std::size_t count = 1 + rng() % 6;
    const double scale = 0.1 + (rng() % 1000) / 100.0;
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t length = std::size_t{32} << k;
      // Error falls with length, roughly as 1/sqrt(L) with noise; cost is L or weighted.
      const double noise = 0.5 + (rng() % 1000) / 1000.0;
      layer.push_back({length, static_cast<double>(length) * (rng() % 2 ? 1.0 : 3.0),
                       scale * noise / std::sqrt(static_cast<double>(length))});
    }
  }
  return options;
}

double total(const Options& options, const Selection& s, bool cost) {
  double sum = 0.0;
  for (std::size_t l = 0; l < options.size(); ++l) {
    sum += cost ? options[l][s.choice[l]].cost : options[l][s.choice[l]].error;
  }
  return sum;
}

}  // namespace

TEST_CASE("assign: the optimizer finds the exhaustive optimum in both modes",
          "[assign][optimizer]") {
  const std::uint64_t seed = scprec::test::test_seed(20261203);
  INFO("seed " << seed << " (rerun with SCPREC_TEST_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 300; ++trial) {
    const Options options = random_options(rng);
    double max_error = 0.0;
    for_each_selection(options,
                       [&](double, double error) { max_error = std::max(max_error, error); });
    const double target = max_error * (rng() % 1000) / 1000.0;
    const double budget = 32.0 * static_cast<double>(options.size()) * (1 + rng() % 40);
    double best_cost = std::numeric_limits<double>::infinity();
    double best_error = std::numeric_limits<double>::infinity();
    for_each_selection(options, [&](double cost, double error) {
      if (error <= target) best_cost = std::min(best_cost, cost);
      if (cost <= budget) best_error = std::min(best_error, error);
    });
    INFO("trial " << trial << ", " << options.size() << " layers, target " << target << ", budget "
                  << budget);

    const auto cheapest = scprec::assign::cheapest_within_error(options, target);
    REQUIRE(cheapest.has_value() == std::isfinite(best_cost));
    if (cheapest) {
      CHECK(cheapest->cost == best_cost);
      CHECK(cheapest->error <= target);
      CHECK(total(options, *cheapest, true) == cheapest->cost);
    }
    const auto least = scprec::assign::least_error_within_cost(options, budget);
    REQUIRE(least.has_value() == std::isfinite(best_error));
    if (least) {
      CHECK(least->error == best_error);
      CHECK(least->cost <= budget);
      CHECK(total(options, *least, false) == least->error);
    }
  }
}

TEST_CASE("assign: infeasible problems give no selection", "[assign][optimizer]") {
  const Options options = {{{32, 32, 0.5}, {64, 64, 0.3}}, {{32, 32, 0.4}}};
  CHECK_FALSE(scprec::assign::cheapest_within_error(options, 0.6).has_value());
  CHECK(scprec::assign::cheapest_within_error(options, 0.7)->cost == 96);
  CHECK_FALSE(scprec::assign::least_error_within_cost(options, 63).has_value());
  CHECK(scprec::assign::least_error_within_cost(options, 64)->error == Approx(0.9));
}
