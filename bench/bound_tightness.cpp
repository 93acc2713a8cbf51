// Measures how tight each bound is, per layer of the bundled example, for docs/bounds.md.
//
// For a layer, an input and a bound, every neuron j has its bound t_j (count_deviation at
// delta / M). A run's statistic is r = max_j |deviation_j| / t_j: the run exceeds the bound when
// r > 1, and scaling every t_j by the (1 - delta)-quantile of r would give exactly 1 - delta
// coverage, so 1 / quantile(r) says how many times too large the bound is ("looseness").
// Ideal streams: independent Bernoulli bits, simulated exactly per synapse: input i's stream
// has k_i ~ Binomial(L, p_i) ones, and the product count of (j, i) is Binomial(k_i, q_ji)
// (the activation stream is shared by all neurons, as in the hardware). Bit-exact streams:
// the SC layer model with LFSR, Sobol or shared-LFSR lanes over all calibration inputs, one run
// each. Sobol lanes are scored twice: against the random-stream bounds, and against the same
// inequalities on the shifted-net model of Sobol lanes (net_bounds.hpp; no binomial bound).
#include <cmath>
#include <cstdio>
#include <optional>
#include <random>

#include "bench_util.hpp"
#include "scprec/assign/bounds.hpp"
#include "scprec/assign/layer_bounds.hpp"
#include "scprec/assign/net_bounds.hpp"
#include "scprec/assign/sensitivity.hpp"
#include "scprec/model/sc_layer.hpp"

namespace {

using scprec::assign::Bound;
using scprec::assign::CounterStats;

constexpr Bound kBounds[] = {Bound::kHoeffding, Bound::kChebyshev, Bound::kBernstein,
                             Bound::kBinomial};

struct Tally {
  std::vector<double> ratios;
  double exceedance() const {
    double over = 0;
    for (double r : ratios) over += r > 1.0 ? 1 : 0;
    return over / static_cast<double>(ratios.size());
  }
  double looseness(double delta) const {
    const double q = scprec::assign::summarize(ratios, 1.0 - delta).quantile;
    return q > 0 ? 1.0 / q : INFINITY;
  }
};

std::vector<double> bounds_for(Bound bound, const std::vector<CounterStats>& stats,
                               std::size_t length, double delta) {
  std::vector<double> t;
  for (const CounterStats& s : stats) {
    t.push_back(scprec::assign::count_deviation(bound, s, length, delta / stats.size()));
  }
  return t;
}

double max_ratio(const std::vector<double>& deviation, const std::vector<double>& bound) {
  double r = 0;
  for (std::size_t j = 0; j < deviation.size(); ++j) {
    if (bound[j] > 0) r = std::max(r, std::fabs(deviation[j]) / bound[j]);
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const auto example = scprec::bench::load_example(scprec::bench::example_dir(argc, argv));
  const auto& q = example.quantized;
  const std::size_t length = 256;
  const double delta = 0.05;
  const int ideal_inputs = 3;
  const int ideal_trials = 400;
  std::mt19937_64 rng(2026);

  // Every layer's input codes for every calibration input, from the exact integer network.
  std::vector<std::vector<scprec::model::Codes>> inputs(q.layers.size());
  for (Eigen::Index r = 0; r < example.calibration.x.rows(); ++r) {
    const Eigen::VectorXd x = example.calibration.x.row(r).transpose();
    const auto run = binary_forward(q, q.quantize_input(x.data()));
    for (std::size_t l = 0; l < q.layers.size(); ++l) inputs[l].push_back(run.layer_inputs[l]);
  }

  std::printf(
      "L = %zu, delta = %g (union over each layer's neurons), sign-magnitude, 8 bits.\n"
      "looseness = bound / deviation needed for 1 - delta coverage; exceed = fraction "
      "of runs over the bound.\n\n",
      length, delta);
  std::printf(
      "| layer | bound | ideal looseness | ideal exceed | LFSR looseness | LFSR exceed | "
      "Sobol looseness | Sobol exceed | Sobol net looseness | Sobol net exceed | shared-LFSR "
      "looseness | shared-LFSR exceed |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (std::size_t l = 0; l < q.layers.size(); ++l) {
    const auto& layer = q.layers[l];
    Tally ideal[4], lfsr[4], sobol[4], net[4], shared[4];
    // Ideal streams on the first few calibration inputs.
    for (int s = 0; s < ideal_inputs; ++s) {
      const scprec::model::Codes& x = inputs[l][static_cast<std::size_t>(s)];
      std::vector<CounterStats> stats;
      std::vector<double> mean;
      for (std::size_t j = 0; j < layer.outputs; ++j) {
        stats.push_back(scprec::assign::counter_stats(layer, q.config, j, x));
        mean.push_back(length * (stats[j].group_mean[0] - stats[j].group_mean[1]));
      }
      std::vector<double> deviation(layer.outputs);
      for (int trial = 0; trial < ideal_trials; ++trial) {
        std::fill(deviation.begin(), deviation.end(), 0.0);
        for (std::size_t i = 0; i < layer.inputs; ++i) {
          if (x[i] == 0) continue;
          const int ones = std::binomial_distribution<int>(int(length), x[i] / 256.0)(rng);
          for (std::size_t j = 0; j < layer.outputs; ++j) {
            const std::int32_t code = layer.weight_code(j, i);
            if (code == 0 || ones == 0) continue;
            const int products = std::binomial_distribution<int>(ones, std::abs(code) / 256.0)(rng);
            deviation[j] += code > 0 ? products : -products;
          }
        }
        for (std::size_t j = 0; j < layer.outputs; ++j) deviation[j] -= mean[j];
        for (int b = 0; b < 4; ++b) {
          ideal[b].ratios.push_back(
              max_ratio(deviation, bounds_for(kBounds[b], stats, length, delta)));
        }
      }
    }
    // Bit-exact LFSR and Sobol streams, one run per calibration input.
    // g: 0 LFSR, 1 Sobol, 2 shared LFSR.
    for (int g = 0; g < 3; ++g) {
      scprec::model::ScLayerConfig config;
      config.length = length;
      config.generator.kind = g == 0   ? scprec::core::GeneratorKind::kLfsr
                              : g == 1 ? scprec::core::GeneratorKind::kSobol
                                       : scprec::core::GeneratorKind::kSharedLfsr;
      config.generator.seed = 42 + l;
      const scprec::model::ScLayerModel model(layer, q.config, config);
      std::optional<scprec::assign::NetTermTable> table;
      if (g == 1) table.emplace(layer, q.config, config.generator.width, length, inputs[l]);
      for (const scprec::model::Codes& x : inputs[l]) {
        const auto counts = model.run(x);
        std::vector<CounterStats> stats;
        std::vector<double> deviation;
        for (std::size_t j = 0; j < layer.outputs; ++j) {
          stats.push_back(scprec::assign::counter_stats(layer, q.config, j, x));
          deviation.push_back(static_cast<double>(counts.positive[j]) -
                              static_cast<double>(counts.negative[j]) -
                              length * (stats[j].group_mean[0] - stats[j].group_mean[1]));
        }
        for (int b = 0; b < 4; ++b) {
          (g == 0   ? lfsr
           : g == 1 ? sobol
                    : shared)[b]
              .ratios.push_back(max_ratio(deviation, bounds_for(kBounds[b], stats, length, delta)));
        }
        if (g != 1) continue;
        for (int b = 0; b < 3; ++b) {
          std::vector<double> t;
          for (std::size_t j = 0; j < layer.outputs; ++j) {
            t.push_back(scprec::assign::terms_deviation(kBounds[b], table->neuron_terms(j, x),
                                                        delta / layer.outputs));
          }
          net[b].ratios.push_back(max_ratio(deviation, t));
        }
      }
    }
    for (int b = 0; b < 4; ++b) {
      std::printf("| %s | %s | %.2f | %.3f | %.2f | %.3f | %.2f | %.3f |", layer.name.c_str(),
                  to_string(kBounds[b]).c_str(), ideal[b].looseness(delta), ideal[b].exceedance(),
                  lfsr[b].looseness(delta), lfsr[b].exceedance(), sobol[b].looseness(delta),
                  sobol[b].exceedance());
      if (net[b].ratios.empty()) {
        std::printf(" - | - |");
      } else {
        std::printf(" %.2f | %.3f |", net[b].looseness(delta), net[b].exceedance());
      }
      std::printf(" %.2f | %.3f |\n", shared[b].looseness(delta), shared[b].exceedance());
      std::fflush(stdout);
    }
  }
  return 0;
}
