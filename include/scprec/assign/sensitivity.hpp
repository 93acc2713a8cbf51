// analyze_sensitivity: the output error each layer causes when it alone runs in SC, per length.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "scprec/core/lanes.hpp"
#include "scprec/core/logger.hpp"
#include "scprec/core/summary.hpp"
#include "scprec/model/network.hpp"
#include "scprec/model/quantize.hpp"

namespace scprec::assign {

struct SensitivityConfig {
  /// Lengths to try, each a power of two the layers accept.
  std::vector<std::size_t> lengths = {32, 64, 128, 256, 512, 1024};
  /// Trials: the first n_trials calibration inputs (at most the number available).
  std::size_t n_trials = 100;
  /// Base generator seed; layer l uses model::layer_seed(seed, l), as a precision map would.
  std::uint64_t seed = 42;
  core::GeneratorKind generator = core::GeneratorKind::kLfsr;
  int generator_width = 32;
  /// The quantile level reported in each ErrorSummary.
  double quantile = 0.95;
  unsigned threads = 0;
};

using core::ErrorSummary;
using core::summarize;

/// One (layer, length) measurement. Errors are relative: output errors are max over outputs
/// of |difference| divided by the output's full scale; layer errors are max over the layer's
/// neurons of |SC - exact| pre-activation divided by the layer's full scale.
struct SensitivityPoint {
  std::size_t length = 0;
  ErrorSummary output_vs_integer;  ///< network output with this layer in SC vs all exact
  ErrorSummary output_vs_float;    ///< the same against the float network
  ErrorSummary layer_error;        ///< this layer's own outputs, SC vs exact
  /// Empirical gain: quantile output error over quantile layer error, both in real units.
  double gain = 0.0;
};

struct LayerSensitivity {
  std::size_t index = 0;
  std::string name;
  std::vector<SensitivityPoint> points;  ///< one per length, in the config's order
  /// Output error (vs integer, at the quantile) at L = 1 under 1/sqrt(L) scaling: the
  /// geometric mean over lengths of quantile * sqrt(L).
  double score = 0.0;
};

struct SensitivityReport {
  SensitivityConfig config;
  std::size_t trials = 0;
  /// Each layer's full scale (layer_full_scales); the last is the output's.
  std::vector<double> full_scales;
  /// The quantization floor: the all-exact integer network's output vs the float network.
  ErrorSummary integer_vs_float;
  std::vector<LayerSensitivity> layers;
};

/// For each layer and length, runs the first n_trials calibration inputs through the network
/// with only that layer in SC (the bit-exact model) and the others exact, and summarises the
/// errors. Logs one line per (layer, length). Throws Error (kBadInput) for an empty length
/// list, a length a layer rejects, or more trials than calibration inputs.
SensitivityReport analyze_sensitivity(const model::Network& network,
                                      const model::QuantizedNetwork& quantized,
                                      const Eigen::MatrixXd& calibration,
                                      const SensitivityConfig& config,
                                      Logger& logger = null_logger());

/// The report as JSON text (schema "scprec.sensitivity/1").
std::string sensitivity_json(const SensitivityReport& report);

}  // namespace scprec::assign
