// What the software model says each DUT must produce, trial by trial: the co-simulation's
// expected values, and the references its errors are measured against.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "scprec/cosim/trials.hpp"
#include "scprec/model/precision_map.hpp"
#include "scprec/rtl/generator.hpp"

namespace scprec::cosim {

/// The software model's run of the trials through the map's SC network, and the exact integer
/// and float references.
struct SoftwareRun {
  std::vector<TrialSet> layers;  ///< per layer: its inputs as the previous SC layer delivers them
  TrialSet top;                  ///< the network: input codes, every layer's counters, logits
  /// [layer][trial][p * outputs + j]: output j's exact dot at position p (dense: p = 0).
  std::vector<std::vector<std::vector<std::int64_t>>> exact_dots;
  std::vector<std::vector<std::int64_t>> integer_logits;           ///< [trial], all exact
  Eigen::MatrixXd float_logits;                                    ///< one row per trial
};

/// Runs the rows of `inputs` (values in [0, 1]) through the software model, on `threads`
/// threads (0: all). Group orders follow layer_dut and top_dut.
SoftwareRun software_run(const model::Network& network, const model::QuantizedNetwork& quantized,
                         const model::PrecisionMap& map, const Eigen::MatrixXd& inputs,
                         unsigned threads = 0);

}  // namespace scprec::cosim
