// Measurements of a map, on the RTL or the software model, scored by the same functions
// (cosim/scoring.hpp): the software model's outputs are what the RTL must produce bit for bit.
#include "scprec/loop/measurement.hpp"

#include "scprec/cosim/reference.hpp"
#include "scprec/cosim/scoring.hpp"

namespace scprec::loop {

Measurement measure_software(const model::Network& network, const model::PrecisionMap& map,
                             const Eigen::MatrixXd& trials, const std::vector<double>& full_scales,
                             unsigned threads) {
  const model::QuantizedNetwork quantized = model::quantize_for_map(network, map);
  const cosim::SoftwareRun run = cosim::software_run(network, quantized, map, trials, threads);
  Measurement m;
  m.trials = static_cast<std::size_t>(trials.rows());
  m.layer_errors.assign(quantized.layers.size(), {});
  for (std::size_t t = 0; t < m.trials; ++t) {
    const cosim::GroupValues& groups = run.top.expected[t];  // per layer pos, neg; then logits
    m.output_errors.push_back(cosim::output_error(groups.back(), t, quantized, run, full_scales));
    m.flips.push_back(cosim::top1_flipped(groups.back(), t, run));
    m.range_errors.push_back(cosim::range_error(groups.back(), t, run));
    for (std::size_t l = 0; l < quantized.layers.size(); ++l) {
      m.layer_errors[l].push_back(cosim::layer_error(l, groups[2 * l], groups[2 * l + 1], t,
                                                     quantized, map, run, full_scales));
    }
  }
  return m;
}

Measurement measure_rtl(const model::Network& network, const model::PrecisionMap& map,
                        const Eigen::MatrixXd& trials, const Eigen::MatrixXd& calibration,
                        cosim::SimulateConfig config, cosim::Executor& executor, Logger& logger) {
  config.layers = false;  // the top reports every layer's counters
  config.top = true;
  config.trials = static_cast<std::size_t>(trials.rows());
  const cosim::SimulationReport report =
      cosim::simulate(network, map, trials, {}, calibration, config, executor, logger);
  const cosim::DutReport& top = report.duts.back();
  Measurement m;
  m.rtl = true;
  m.trials = top.completed;
  m.output_errors = top.errors;
  m.flips = top.flips;
  m.range_errors = top.range_errors;
  m.layer_errors = top.layer_errors;
  // Filled per completed trial: when every job failed there are none, but still one list per layer.
  m.layer_errors.resize(map.layers.size());
  m.mismatches = top.mismatches;
  m.first_difference = top.first_difference;
  m.off_latency_trials = top.off_latency_trials;
  m.problems = top.problems;
  m.inexact_trials = top.inexact_trials;
  m.waves = top.waves;
  if (top.completed != top.trials && m.problems.empty()) {
    m.problems.push_back("the RTL completed " + std::to_string(top.completed) + " of " +
                         std::to_string(top.trials) + " trials");
  }
  return m;
}

}  // namespace scprec::loop
