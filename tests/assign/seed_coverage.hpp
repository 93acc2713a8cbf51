// Coverage of a bound over random seeds: a layer and input run on the bit-exact SC model at
// many seeds, and each run's worst neuron measured against its bound. Shared by the tests of
// the random-stream bounds on shared-LFSR lanes and of the shifted-net model on Sobol lanes.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "scprec/model/sc_layer.hpp"

namespace scprec::test {

/// E[positive - negative count] of each neuron at `length` with uniformly random lanes:
/// L sum_i sign_ji p_i q_ji (AND) or L sum_i (p q + (1 - p)(1 - q)) (XNOR).
inline std::vector<double> expected_counts(const model::QuantLayer& layer,
                                           const model::QuantConfig& quant,
                                           const model::Codes& input, std::size_t length) {
  const double top = std::ldexp(1.0, quant.bits);
  const bool bipolar = quant.encoding == core::Encoding::kBipolar;
  std::vector<double> mean(layer.outputs, 0.0);
  for (std::size_t j = 0; j < layer.outputs; ++j) {
    for (std::size_t i = 0; i < layer.inputs; ++i) {
      const double p = input[i] / top;
      const double q = layer.weight_threshold(j, i, quant) / top;
      const double m = static_cast<double>(length) * (bipolar ? p * q + (1 - p) * (1 - q) : p * q);
      mean[j] += !bipolar && layer.weight_code(j, i) < 0 ? -m : m;
    }
  }
  return mean;
}

/// For each of `bounds` (bound(b, j): neuron j's count deviation bound), the sorted ratios
/// max_j |deviation_j| / bound over `runs` runs on `kind` lanes at random seeds from `rng`.
inline std::vector<std::vector<double>> seed_coverage_ratios(
    const model::QuantLayer& layer, const model::QuantConfig& quant, const model::Codes& input,
    std::size_t length, core::GeneratorKind kind, int runs, std::size_t bounds,
    const std::function<double(std::size_t, std::size_t)>& bound, std::mt19937_64& rng) {
  const std::vector<double> mean = expected_counts(layer, quant, input, length);
  std::vector<std::vector<double>> ratios(bounds);
  for (int r = 0; r < runs; ++r) {
    model::ScLayerConfig config;
    config.length = length;
    config.generator = {kind, 32, rng()};
    const model::ScCounts counts = model::ScLayerModel(layer, quant, config).run(input);
    for (std::size_t b = 0; b < bounds; ++b) {
      double worst = 0.0;
      for (std::size_t j = 0; j < layer.outputs; ++j) {
        const double deviation = std::fabs(static_cast<double>(counts.positive[j]) -
                                           static_cast<double>(counts.negative[j]) - mean[j]);
        const double t = bound(b, j);
        worst = std::max(worst, t > 0.0 ? deviation / t : (deviation > 1e-9 ? INFINITY : 0.0));
      }
      ratios[b].push_back(worst);
    }
  }
  for (auto& r : ratios) std::sort(r.begin(), r.end());
  return ratios;
}

/// The fraction of sorted `ratios` above `scale`.
inline double fraction_above(const std::vector<double>& ratios, double scale) {
  return static_cast<double>(ratios.end() - std::upper_bound(ratios.begin(), ratios.end(), scale)) /
         static_cast<double>(ratios.size());
}

}  // namespace scprec::test
