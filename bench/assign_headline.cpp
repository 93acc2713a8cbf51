// The assigner's headline figure: each method's precision map against the shortest uniform
// length that meets the same output-error target, both measured with the bit-exact software
// model (every layer in SC) on the example's held-out test split: total cycles, synapse-cycles,
// measured error and accuracy. Also times the full sensitivity analysis.
//
// Lanes: LFSR, or Sobol with a second argument `sobol` (maps and uniform baselines alike; the
// binomial bound, which does not model Sobol lanes, is left out).
//
// Measured error of a map: the (confidence)-quantile over test inputs of the relative output
// error, max over outputs of |SC logit - integer logit| / output full scale, the quantity the
// target bounds.
#include <cstdio>
#include <optional>

#include "bench_util.hpp"
#include "scprec/assign/assigner.hpp"
#include "scprec/assign/propagation.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/model_io.hpp"
#include "scprec/model/evaluate.hpp"
#include "scprec/model/sc_network.hpp"

namespace {

using scprec::assign::Method;

struct Measured {
  double error = 0.0;
  double accuracy = 0.0;
};

Measured measure(const scprec::bench::Example& example, const scprec::model::PrecisionMap& map,
                 double confidence, double output_full_scale) {
  const auto& q = example.quantized;
  const scprec::model::ScNetworkModel sc(q, map.sc_configs());
  const Eigen::MatrixXd sc_logits =
      scprec::model::logits_of(q, example.test.x, [&](const auto& codes) { return sc.run(codes); });
  const Eigen::MatrixXd integer_logits = scprec::model::logits_of(
      q, example.test.x, [&](const auto& codes) { return binary_forward(q, codes); });
  std::vector<double> errors;
  for (Eigen::Index r = 0; r < sc_logits.rows(); ++r) {
    errors.push_back((sc_logits.row(r) - integer_logits.row(r)).cwiseAbs().maxCoeff() /
                     output_full_scale);
  }
  return {scprec::assign::summarize(errors, confidence).quantile,
          static_cast<double>(scprec::model::count_correct(sc_logits, example.test.labels)) /
              static_cast<double>(example.test.size())};
}

scprec::model::PrecisionMap uniform_map(const scprec::bench::Example& example, std::size_t length,
                                        scprec::core::GeneratorKind generator) {
  auto map =
      scprec::model::manual_map(example.quantized, scprec::io::network_hash(example.network),
                                std::vector<std::size_t>(example.quantized.layers.size(), length));
  for (auto& layer : map.layers) layer.generator = generator;
  return map;
}

double synapse_cycles(const scprec::bench::Example& example,
                      const scprec::model::PrecisionMap& map) {
  double total = 0;
  for (std::size_t l = 0; l < map.layers.size(); ++l) {
    total += static_cast<double>(map.layers[l].length * example.quantized.layers[l].inputs *
                                 example.quantized.layers[l].outputs);
  }
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  const auto example = scprec::bench::load_example(scprec::bench::example_dir(argc, argv));
  const auto generator = argc > 2 ? scprec::core::parse_generator_kind(argv[2], "lanes")
                                  : scprec::core::GeneratorKind::kLfsr;
  const double confidence = 0.95;
  const std::size_t max_length = 8192;
  const double full_scale =
      scprec::model::layer_full_scales(example.network, example.calibration.x).back();

  // Uniform baselines, measured once per length.
  std::vector<std::pair<std::size_t, Measured>> uniform;
  for (std::size_t length = 32; length <= max_length; length *= 2) {
    uniform.emplace_back(
        length, measure(example, uniform_map(example, length, generator), confidence, full_scale));
    std::fprintf(stderr, "uniform L=%zu: error %.4f accuracy %.4f\n", length,
                 uniform.back().second.error, uniform.back().second.accuracy);
  }

  std::printf(
      "Test split: %zu images; errors are the %g%% quantile of max |SC - integer logit| "
      "/ output full scale (%.3f); candidate lengths 32..%zu; %s lanes.\n\n",
      example.test.size(), 100 * confidence, full_scale, max_length, to_string(generator).c_str());
  std::printf(
      "| target | method | lengths | cycles | measured error | accuracy | uniform L | "
      "uniform cycles | uniform error | uniform accuracy | cycles saved | "
      "synapse-cycles saved |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (double target : {0.1, 0.2}) {
    const auto baseline = std::find_if(uniform.begin(), uniform.end(),
                                       [&](const auto& u) { return u.second.error <= target; });
    for (Method method : {Method::kHoeffding, Method::kChebyshev, Method::kBernstein,
                          Method::kBinomial, Method::kSensitivity}) {
      for (auto cost :
           {scprec::assign::CostModel::kCycles, scprec::assign::CostModel::kSynapseCycles}) {
        if (cost == scprec::assign::CostModel::kSynapseCycles && method != Method::kSensitivity)
          continue;
        if (method == Method::kBinomial && generator == scprec::core::GeneratorKind::kSobol)
          continue;
        scprec::assign::AssignConfig config;
        config.method = method;
        config.target_error = target;
        config.confidence = confidence;
        config.max_length = max_length;
        config.cost = cost;
        config.analysis.n_trials = 200;
        config.generators = {generator};
        std::string label = to_string(method);
        if (cost == scprec::assign::CostModel::kSynapseCycles) label += " (synapse-cycles)";
        std::optional<scprec::model::PrecisionMap> map;
        try {
          map = scprec::assign::assign_lengths(example.network, example.quantized,
                                               example.calibration.x, config);
        } catch (const scprec::Error& e) {
          // Only an unreachable target is a result; any other error is a broken benchmark.
          if (e.kind() != scprec::ErrorKind::kBadInput || e.field() != "target error") throw;
          std::printf("| %g | %s | infeasible within %zu | | | | | | | | | |\n", target,
                      label.c_str(), max_length);
          continue;
        }
        const Measured m = measure(example, *map, confidence, full_scale);
        if (baseline == uniform.end()) {
          std::printf("| %g | %s | %s | %llu | %.4f | %.4f | none | | | | | |\n", target,
                      label.c_str(), map->lengths_text().c_str(),
                      static_cast<unsigned long long>(map->total_cycles()), m.error, m.accuracy);
          continue;
        }
        const auto uniform_map_ = uniform_map(example, baseline->first, generator);
        const double uniform_cycles = static_cast<double>(uniform_map_.total_cycles());
        std::printf(
            "| %g | %s | %s | %llu | %.4f | %.4f | %zu | %.0f | %.4f | %.4f | %.0f%% | %.0f%% |\n",
            target, label.c_str(), map->lengths_text().c_str(),
            static_cast<unsigned long long>(map->total_cycles()), m.error, m.accuracy,
            baseline->first, uniform_cycles, baseline->second.error, baseline->second.accuracy,
            100.0 * (1.0 - static_cast<double>(map->total_cycles()) / uniform_cycles),
            100.0 * (1.0 - synapse_cycles(example, *map) / synapse_cycles(example, uniform_map_)));
        std::fflush(stdout);
      }
    }
  }

  // The full analysis: 3 layers x 6 lengths x 200 trials, median of 3 runs, all cores.
  std::vector<double> times;
  for (int run = 0; run < 3; ++run) {
    scprec::assign::SensitivityConfig config;
    config.n_trials = 200;
    const auto start = scprec::bench::Clock::now();
    scprec::assign::analyze_sensitivity(example.network, example.quantized, example.calibration.x,
                                        config);
    times.push_back(scprec::bench::seconds_since(start));
  }
  std::printf(
      "\nanalyze_sensitivity, 3 layers x 6 lengths x 200 trials: median %.2f s over 3 runs\n",
      scprec::bench::median(times));
  return 0;
}
