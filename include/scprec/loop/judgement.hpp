// Judging a measured map: the end-to-end acceptance test, and per layer the cross-check of the
// prediction against the measurement.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "scprec/loop/measurement.hpp"
#include "scprec/model/precision_map.hpp"

namespace scprec::loop {

/// How a layer's prediction compares with its measurement. The prediction says at most a
/// fraction delta / layers of trials exceed it; it is violated only when the data show, at
/// confidence 1 - alpha, that more do.
enum class CrossCheck {
  kHolds,         ///< consistent with the measurement, and tight (less than 2x)
  kLoose,         ///< consistent, and 2x or more above the measured quantile
  kViolated,      ///< the exceedance rate's lower confidence bound is above delta / layers
  kNoPrediction,  ///< the map predicts nothing for the layer
};
std::string to_string(CrossCheck check);

struct LayerVerdict {
  std::string name;
  std::size_t length = 0;
  double level = 0.0;           ///< the quantile level of the prediction: 1 - delta / layers
  double predicted = 0.0;       ///< the map's predicted layer error (its budget)
  double measured = 0.0;        ///< the measured quantile at `level`
  std::size_t exceedances = 0;  ///< trials whose layer error exceeded the prediction
  double exceedance_rate = 0.0;
  double allowed_rate = 0.0;      ///< delta / layers
  double exceedance_lower = 0.0;  ///< Clopper-Pearson lower bound on the exceedance rate
  CrossCheck check = CrossCheck::kNoPrediction;
  double looseness = 0.0;  ///< predicted / measured
  /// "holds", "loose by 3.1x", "violated (1.4x over)", "no prediction".
  std::string describe() const;
};

struct EndToEndVerdict {
  double target = 0.0;  ///< relative output error
  double delta = 0.0;   ///< allowed exceedance rate, 1 - confidence
  double alpha = 0.05;  ///< the acceptance test's significance
  std::size_t trials = 0;
  std::size_t exceedances = 0;  ///< trials with output error above target
  double rate = 0.0;
  double upper_bound = 0.0;  ///< Clopper-Pearson upper bound on the exceedance rate
  double quantile = 0.0;     ///< measured output-error quantile at 1 - delta
  bool pass = false;         ///< upper_bound <= delta
};

struct Judgement {
  std::vector<LayerVerdict> layers;
  EndToEndVerdict end_to_end;
  bool rtl = false;
  bool bit_exact = true;
  /// The end-to-end test passes and the RTL (if measured) is bit-exact.
  bool pass() const { return end_to_end.pass && bit_exact; }
};

/// Judges `measurement` of `map` against an output-error target at `confidence`, with an
/// acceptance test at significance `alpha`.
Judgement judge(const Measurement& measurement, const model::PrecisionMap& map, double target,
                double confidence, double alpha);

}  // namespace scprec::loop
