// Tests for the counter bounds: Monte Carlo coverage on ideal Bernoulli streams (each bound's
// layer-level exceedance rate is at most delta), and the length <-> error inverses.
#include "scprec/assign/bounds.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "../model/test_layers.hpp"
#include "scprec/assign/layer_bounds.hpp"

using scprec::assign::Bound;
using scprec::assign::CounterStats;
using scprec::core::Encoding;

namespace {

const Bound kBounds[] = {Bound::kHoeffding, Bound::kChebyshev, Bound::kBernstein, Bound::kBinomial};

// One ideal run: every activation and weight bit an independent Bernoulli draw (activation
// bits shared by the neurons, as in the hardware); returns each neuron's
// (group 0 count - group 1 count).
std::vector<double> ideal_counts(const scprec::model::QuantLayer& layer,
                                 const scprec::model::QuantConfig& quant,
                                 const scprec::model::Codes& input, std::size_t length,
                                 std::mt19937_64& rng) {
  const std::uint32_t mask = (1U << quant.bits) - 1;
  std::vector<double> counts(layer.outputs, 0.0);
  std::vector<bool> activation(layer.inputs);
  for (std::size_t t = 0; t < length; ++t) {
    for (std::size_t i = 0; i < layer.inputs; ++i) activation[i] = (rng() & mask) < input[i];
    for (std::size_t j = 0; j < layer.outputs; ++j) {
      for (std::size_t i = 0; i < layer.inputs; ++i) {
        const bool weight = (rng() & mask) < layer.weight_threshold(j, i, quant);
        if (quant.encoding == Encoding::kBipolar) {
          counts[j] += activation[i] == weight ? 1.0 : 0.0;
        } else if (activation[i] && weight) {
          counts[j] += layer.weight_code(j, i) > 0 ? 1.0 : -1.0;
        }
      }
    }
  }
  return counts;
}

}  // namespace

TEST_CASE("assign: every bound covers ideal Bernoulli streams at 1 - delta per layer",
          "[assign][bounds]") {
  const std::uint64_t seed = std::random_device{}();
  INFO("random seed " << seed << " (rerun with it to reproduce)");
  std::mt19937_64 rng(seed);
  const double delta = 0.1;
  const int trials = 1500;
  for (Encoding encoding : {Encoding::kSignMagnitude, Encoding::kBipolar}) {
    const scprec::model::QuantConfig quant{8, encoding};
    const std::size_t inputs = 8 + rng() % 24;
    const std::size_t outputs = 2 + rng() % 5;
    const std::size_t length = std::size_t{1} << (5 + rng() % 3);
    const auto layer = scprec::test::random_layer(inputs, outputs, quant, rng);
    const auto input = scprec::test::random_codes(inputs, quant.bits, rng);
    std::vector<CounterStats> stats;
    std::vector<double> mean;
    for (std::size_t j = 0; j < outputs; ++j) {
      stats.push_back(scprec::assign::counter_stats(layer, quant, j, input));
      mean.push_back(static_cast<double>(length) *
                     (stats[j].group_mean[0] - stats[j].group_mean[1]));
    }
    // Zero-probability terms are excluded from the stats but still count as 0: adjust bipolar
    // means for the terms that are certainly 1.
    if (encoding == Encoding::kBipolar) {
      for (std::size_t j = 0; j < outputs; ++j) {
        double certain = 0.0;
        for (std::size_t i = 0; i < inputs; ++i) {
          const double p = input[i] / 256.0;
          const double q = layer.weight_threshold(j, i, quant) / 256.0;
          const double pi = p * q + (1 - p) * (1 - q);
          if (pi >= 1.0) certain += 1.0;
        }
        mean[j] += static_cast<double>(length) * certain;
      }
    }
    int exceeded[4] = {0, 0, 0, 0};
    for (int trial = 0; trial < trials; ++trial) {
      const std::vector<double> counts = ideal_counts(layer, quant, input, length, rng);
      for (int b = 0; b < 4; ++b) {
        bool any = false;
        for (std::size_t j = 0; j < outputs; ++j) {
          const double bound = scprec::assign::count_deviation(
              kBounds[b], stats[j], length, delta / static_cast<double>(outputs));
          any = any || std::fabs(counts[j] - mean[j]) > bound;
        }
        exceeded[b] += any ? 1 : 0;
      }
    }
    for (int b = 0; b < 4; ++b) {
      INFO(to_string(encoding) << " " << to_string(kBounds[b]) << ": " << inputs << "x" << outputs
                               << " L " << length << ", " << exceeded[b] << " of " << trials
                               << " trials exceeded");
      CHECK(exceeded[b] <= static_cast<int>(delta * trials));
    }
  }
}

TEST_CASE("assign: bounds shrink like 1/sqrt(L) and are ordered as expected", "[assign][bounds]") {
  CounterStats stats;
  stats.terms = 100;
  stats.variance = 100 * 0.05 * 0.95;
  stats.group_terms[0] = 100;
  stats.group_mean[0] = 5;
  const double delta = 0.01;
  for (Bound bound : kBounds) {
    const double at_1k = scprec::assign::count_deviation(bound, stats, 1024, delta) / 1024;
    const double at_4k = scprec::assign::count_deviation(bound, stats, 4096, delta) / 4096;
    INFO(to_string(bound));
    CHECK(at_4k / at_1k == Approx(0.5).margin(0.05));
  }
  // Small probabilities: variance-aware bounds beat Hoeffding, which sees only the range.
  const auto at = [&](Bound b) { return scprec::assign::count_deviation(b, stats, 1024, delta); };
  CHECK(at(Bound::kBernstein) < at(Bound::kHoeffding));
  CHECK(at(Bound::kBinomial) < at(Bound::kHoeffding));
  CHECK(at(Bound::kBernstein) < at(Bound::kChebyshev));
  CHECK(scprec::assign::count_deviation(Bound::kBinomial, CounterStats{}, 1024, delta) == 0.0);
}

TEST_CASE("assign: required_length inverts the error at length", "[assign][bounds]") {
  CounterStats stats;
  stats.terms = 40;
  stats.variance = 3.1;
  stats.group_terms[0] = 25;
  stats.group_mean[0] = 2.0;
  stats.group_terms[1] = 15;
  stats.group_mean[1] = 1.5;
  const double delta = 0.001;
  for (Bound bound : kBounds) {
    for (double per_cycle : {0.5, 0.1, 0.02}) {
      const double length = scprec::assign::required_length(bound, stats, per_cycle, delta);
      const auto error_at = [&](double l) {
        return scprec::assign::count_deviation(bound, stats, static_cast<std::size_t>(l), delta) /
               l;
      };
      INFO(to_string(bound) << " per-cycle error " << per_cycle << " length " << length);
      CHECK(error_at(std::ceil(length)) <= per_cycle * 1.0001);
      if (length > 2) CHECK(error_at(std::floor(length * 0.9)) > per_cycle);
    }
  }
}

TEST_CASE("assign: layer bounds take the worst neuron and scale counts to real units",
          "[assign][bounds]") {
  std::mt19937_64 rng(5);
  const scprec::model::QuantConfig quant{8, Encoding::kSignMagnitude};
  auto layer = scprec::test::random_layer(20, 4, quant, rng);
  layer.weight_scale = 0.01;
  layer.input_scale = 1.0 / 255;
  const auto input = scprec::test::random_codes(20, 8, rng);
  const auto stats = scprec::assign::layer_statistics(layer, quant, {input, input});
  CHECK(stats.count_value == Approx(0.01 / 255 * 65536));
  double worst = 0.0;
  for (std::size_t j = 0; j < 4; ++j) {
    worst =
        std::max(worst, scprec::assign::count_deviation(
                            Bound::kBernstein,
                            scprec::assign::counter_stats(layer, quant, j, input), 256, 0.05 / 4));
  }
  CHECK(scprec::assign::layer_error_bound(Bound::kBernstein, stats, 256, 0.05) ==
        Approx(worst * stats.count_value / 256));
  const double needed = scprec::assign::layer_required_length(
      Bound::kBernstein, stats,
      scprec::assign::layer_error_bound(Bound::kBernstein, stats, 256, 0.05), 0.05);
  CHECK(needed == Approx(256).epsilon(0.01));
}
