// Measuring a precision map: per trial, the network's output error and every layer's error,
// from the RTL (co-simulation of the network top) or from the bit-exact software model.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "scprec/core/logger.hpp"
#include "scprec/cosim/simulate.hpp"
#include "scprec/model/precision_map.hpp"

namespace scprec::loop {

struct Measurement {
  bool rtl = false;  ///< measured on the RTL (else the software model)
  std::size_t trials = 0;
  std::vector<double> output_errors;  ///< per trial, fraction of the output's full scale
  std::vector<std::vector<double>>
      layer_errors;                   ///< [layer][trial], fractions of layer full scales
  /// Per trial, whether the top-1 class of the measured logits differs from the exact integer
  /// network's (cosim::top1_flipped).
  std::vector<bool> flips;
  /// Per trial, the output error relative to the input's own logit range (cosim::range_error).
  std::vector<double> range_errors;
  std::size_t mismatches = 0;         ///< RTL outputs differing from the software model
  std::string first_difference;       ///< the first of them (cosim::compare_outputs), or ""
  std::size_t off_latency_trials = 0; ///< RTL trials not done in the design's latency
  std::vector<std::string> problems;  ///< simulations that failed or did not finish
  std::vector<std::size_t> inexact_trials;  ///< RTL trials that were not bit-exact
  /// RTL: (trial, FST file) for each trial rerun with waves (SimulateConfig::trace_trials).
  std::vector<std::pair<std::size_t, std::string>> waves;
  /// Every trial that ran matched the software model, counter for counter and cycle for cycle.
  bool bit_exact() const { return mismatches == 0 && off_latency_trials == 0; }
};

/// The map measured by the bit-exact software model on the rows of `trials`. Errors are
/// relative to `full_scales` (model::layer_full_scales of the calibration data).
Measurement measure_software(const model::Network& network, const model::PrecisionMap& map,
                             const Eigen::MatrixXd& trials, const std::vector<double>& full_scales,
                             unsigned threads = 0);

/// The map measured on its RTL: the network top co-simulated on every row of `trials` (the
/// config's trial count is replaced by that), its outputs scored against the software model.
Measurement measure_rtl(const model::Network& network, const model::PrecisionMap& map,
                        const Eigen::MatrixXd& trials, const Eigen::MatrixXd& calibration,
                        cosim::SimulateConfig config, cosim::Executor& executor, Logger& logger);

}  // namespace scprec::loop
