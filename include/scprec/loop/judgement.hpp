// Judging a measured map: the end-to-end acceptance test, and per layer the cross-check of the
// prediction against the measurement.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
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
  kNotMeasured,   ///< no trial was measured (the simulations failed)
};
std::string to_string(CrossCheck check);

/// A prediction of a layer's error at the verdict's quantile level, checked against the
/// layer errors measured over the trials.
struct PredictionCheck {
  double predicted = 0.0;
  std::size_t exceedances = 0;  ///< trials whose layer error exceeded the prediction
  double exceedance_rate = 0.0;
  double exceedance_lower = 0.0;  ///< Clopper-Pearson lower bound on the exceedance rate
  double looseness = 0.0;         ///< predicted / measured quantile
  CrossCheck check = CrossCheck::kNoPrediction;
  /// "holds", "loose by 3.1x", "violated (1.4x over)", "no prediction", "not measured".
  std::string describe() const;
};

/// `predicted` checked against `errors`, whose quantile at the verdict's level is `measured`;
/// violated when the lower bound on the exceedance rate at confidence 1 - alpha is above
/// `allowed_rate`. A prediction of 0 is no prediction.
PredictionCheck check_prediction(const std::vector<double>& errors, double predicted,
                                 double measured, double allowed_rate, double alpha);

struct LayerVerdict {
  std::string name;
  std::size_t length = 0;
  double level = 0.0;         ///< the quantile level of the predictions: 1 - delta / layers
  double measured = 0.0;      ///< the measured quantile at `level`
  double allowed_rate = 0.0;  ///< delta / layers
  PredictionCheck prediction;  ///< the map's predicted layer error: the layer's budget
  PredictionCheck bound;       ///< an analytic bound at this length (cross_check_bounds)
  std::vector<double> errors;  ///< the layer's measured error per trial
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
  bool bit_exact = true;              ///< every trial that ran matched the software model
  std::string difference;             ///< if not, what differed first (difference_text)
  std::vector<std::string> problems;  ///< simulations that failed: the measurement is incomplete
  /// The end-to-end test passes, and the RTL (if measured) ran every trial and is bit-exact.
  bool pass() const { return end_to_end.pass && bit_exact && problems.empty(); }
  /// Every simulation ran and the RTL matched the software model: the errors are measured.
  bool measured() const { return bit_exact && problems.empty(); }
};

/// The layer most over its budget (largest measured / predicted, or measured where nothing is
/// predicted) among those `eligible` allows (all when it is empty); nullopt when it allows none
/// or there are no layers.
std::optional<std::size_t> worst_layer(const Judgement& judgement,
                                       const std::function<bool(std::size_t)>& eligible = {});

/// Writes a final judgement into the map's rows. A map carries only what was measured: when a
/// simulation failed or the RTL did not match the software model, every row keeps status
/// "assigned" and no measured error. Otherwise every row gets its measured error, and status
/// "failed" for the layer furthest over its budget when the output error missed its target
/// (`signed_off` false), "passed" for the others.
void record_measurements(const Judgement& judgement, bool signed_off, model::PrecisionMap& map);

/// What an RTL run that is not bit-exact got wrong first, for verdicts: the first output that
/// differs, else how many trials were off the design's latency.
std::string difference_text(const std::string& first_difference, std::size_t off_latency_trials);

/// Judges `measurement` of `map` against an output-error target at `confidence`, with an
/// acceptance test at significance `alpha`.
Judgement judge(const Measurement& measurement, const model::PrecisionMap& map, double target,
                double confidence, double alpha);

/// Checks each layer's measured errors against `bounds[l]`, an analytic bound on its error at
/// its length and at the verdict's level, as `prediction` is checked against the map's.
void cross_check_bounds(Judgement& judgement, const std::vector<double>& bounds, double alpha);

}  // namespace scprec::loop
