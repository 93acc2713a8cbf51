// Choosing the hidden layers' activation scale rule (model::QuantConfig::scale_quantile) on the
// calibration rows, together with the lengths.
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "scprec/assign/assigner.hpp"
#include "scprec/core/logger.hpp"
#include "scprec/model/precision_map.hpp"
#include "scprec/model/quantize.hpp"

namespace scprec::assign {

/// The scale quantiles the choosing commands try when not told: the maximum, then rules that
/// clip ever more of the largest activations (docs/sc-arithmetic.md, "Scales").
inline constexpr double kScaleQuantiles[] = {1.0, 0.999, 0.99, 0.98, 0.95};

/// What one candidate rule gave.
struct ScaleCandidate {
  double quantile = 1.0;
  bool assigned = false;     ///< false when its target or budget could not be met
  std::string problem;       ///< why not, when not assigned
  std::uint64_t cycles = 0;  ///< its map's total length
  std::size_t rows = 0;      ///< calibration rows judged
  /// Rows on which its map's SC network (bit-exact model) gives another top-1 class than the
  /// float network: the error clipping adds and the error SC adds, against one reference.
  std::size_t disagreements = 0;
};

/// The chosen rule, with its quantization, predictions and map, and every candidate's result.
struct ScaleChoice {
  model::QuantizedNetwork quantized;
  LengthPredictions predictions;
  model::PrecisionMap map;
  std::vector<ScaleCandidate> candidates;
};

/// For each quantile of `quantiles` (each in (0, 1], none twice), quantizes `network` on the
/// `calibration` rows at `quant` with that scale quantile, assigns lengths (predict_lengths and
/// assign_from_predictions with `config`), and counts the calibration rows on which the
/// assigned map's SC network and the float network differ in their top-1 class. The rule with
/// the fewest such rows wins; of equal ones, the earlier in `quantiles`. Every decision uses
/// the calibration rows alone, so rows held out for a sign-off stay unseen.
///
/// A candidate whose target or budget cannot be met is passed over (ScaleCandidate::problem);
/// when none can be met, the first candidate's error is thrown. Other errors (bad settings,
/// bad quantiles) are thrown at once, as Error (kBadInput).
ScaleChoice choose_scale_rule(const model::Network& network, const Eigen::MatrixXd& calibration,
                              const model::QuantConfig& quant, const std::vector<double>& quantiles,
                              const AssignConfig& config, Logger& logger = null_logger());

}  // namespace scprec::assign
