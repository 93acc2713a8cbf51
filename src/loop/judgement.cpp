// Judgement. End to end: the map passes when the Clopper-Pearson upper bound (confidence
// 1 - alpha) on the rate of trials whose output error exceeds the target is at most delta.
// Per layer: the map predicts the layer's error at quantile level 1 - delta / layers (the
// assigner's confidence split). The prediction is violated when the Clopper-Pearson lower bound
// on the rate of trials exceeding it is above delta / layers; otherwise it holds, and it is
// loose when it is 2x or more above the measured quantile at that level. An analytic bound at
// the layer's length is checked the same way (cross_check_bounds): with the sensitivity method
// the map's prediction is itself a measurement, and the bound is the independent check.
#include "scprec/loop/judgement.hpp"

#include <fmt/format.h>

#include "scprec/core/enum_names.hpp"
#include "scprec/core/error.hpp"
#include "scprec/core/summary.hpp"
#include "scprec/loop/acceptance.hpp"

namespace scprec::loop {

std::string to_string(CrossCheck check) {
  static constexpr EnumName<CrossCheck> kNames[] = {{CrossCheck::kHolds, "holds"},
                                                    {CrossCheck::kLoose, "loose"},
                                                    {CrossCheck::kViolated, "violated"},
                                                    {CrossCheck::kNoPrediction, "no prediction"},
                                                    {CrossCheck::kNotMeasured, "not measured"}};
  return enum_name(kNames, check);
}

std::string PredictionCheck::describe() const {
  switch (check) {
    case CrossCheck::kHolds:
      return "holds";
    case CrossCheck::kLoose:
      return fmt::format("loose by {:.1f}x", looseness);
    case CrossCheck::kViolated:
      return fmt::format("violated ({:.2f}x over)", 1.0 / looseness);
    case CrossCheck::kNoPrediction:
      return "no prediction";
    case CrossCheck::kNotMeasured:
      return "not measured";
  }
  return "";
}

PredictionCheck check_prediction(const std::vector<double>& errors, double predicted,
                                 double measured, double allowed_rate, double alpha) {
  PredictionCheck p;
  p.predicted = predicted;
  for (double e : errors) p.exceedances += e > predicted ? 1 : 0;
  if (!errors.empty()) {
    p.exceedance_rate = static_cast<double>(p.exceedances) / errors.size();
    p.exceedance_lower = exceedance_lower_bound(p.exceedances, errors.size(), alpha);
  }
  if (errors.empty()) {
    p.check = CrossCheck::kNotMeasured;
  } else if (predicted > 0.0) {
    p.looseness = measured > 0.0 ? predicted / measured : INFINITY;
    p.check = p.exceedance_lower > allowed_rate ? CrossCheck::kViolated
              : p.looseness >= 2.0              ? CrossCheck::kLoose
                                                : CrossCheck::kHolds;
  }
  return p;
}

std::string difference_text(const std::string& first_difference, std::size_t off_latency_trials) {
  if (!first_difference.empty()) return first_difference;
  return fmt::format("{} trial(s) took other than the design's latency from start to done",
                     off_latency_trials);
}

Judgement judge(const Measurement& measurement, const model::PrecisionMap& map, double target,
                double confidence, double alpha) {
  SCPREC_ASSERT(measurement.layer_errors.size() == map.layers.size(), "one error list per layer");
  const double delta = 1.0 - confidence;
  const double layer_delta = delta / static_cast<double>(map.layers.size());
  Judgement j;
  j.rtl = measurement.rtl;
  j.bit_exact = measurement.bit_exact();
  if (!j.bit_exact) {
    j.difference = difference_text(measurement.first_difference, measurement.off_latency_trials);
  }
  j.problems = measurement.problems;
  for (std::size_t l = 0; l < map.layers.size(); ++l) {
    LayerVerdict v;
    v.name = map.layers[l].name;
    v.length = map.layers[l].length;
    v.level = 1.0 - layer_delta;
    v.allowed_rate = layer_delta;
    v.errors = measurement.layer_errors[l];
    v.measured = core::summarize(v.errors, v.level).quantile;
    v.prediction = check_prediction(v.errors, map.layers[l].predicted_error, v.measured,
                                    v.allowed_rate, alpha);
    j.layers.push_back(std::move(v));
  }
  EndToEndVerdict& e = j.end_to_end;
  e.target = target;
  e.delta = delta;
  e.alpha = alpha;
  e.trials = measurement.output_errors.size();
  for (double error : measurement.output_errors) e.exceedances += error > target ? 1 : 0;
  e.quantile = core::summarize(measurement.output_errors, confidence).quantile;
  if (e.trials > 0) {
    e.rate = static_cast<double>(e.exceedances) / e.trials;
    e.upper_bound = exceedance_upper_bound(e.exceedances, e.trials, alpha);
  }
  e.pass = e.trials > 0 && e.upper_bound <= delta;
  return j;
}

void cross_check_bounds(Judgement& judgement, const std::vector<double>& bounds, double alpha) {
  SCPREC_ASSERT(bounds.size() == judgement.layers.size(), "one bound per layer");
  for (std::size_t l = 0; l < bounds.size(); ++l) {
    LayerVerdict& v = judgement.layers[l];
    v.bound = check_prediction(v.errors, bounds[l], v.measured, v.allowed_rate, alpha);
  }
}

std::optional<std::size_t> worst_layer(const Judgement& j,
                                       const std::function<bool(std::size_t)>& eligible) {
  std::optional<std::size_t> worst;
  double worst_ratio = -1.0;
  for (std::size_t l = 0; l < j.layers.size(); ++l) {
    const LayerVerdict& v = j.layers[l];
    const double budget = v.prediction.predicted;
    const double ratio = budget > 0.0 ? v.measured / budget : v.measured;
    if ((!eligible || eligible(l)) && ratio > worst_ratio) {
      worst_ratio = ratio;
      worst = l;
    }
  }
  return worst;
}

void record_measurements(const Judgement& j, bool signed_off, model::PrecisionMap& map) {
  SCPREC_ASSERT(j.layers.size() == map.layers.size(), "one verdict per layer");
  const std::optional<std::size_t> worst = worst_layer(j);
  for (std::size_t l = 0; l < map.layers.size(); ++l) {
    model::LayerPrecision& layer = map.layers[l];
    if (!j.measured()) {
      layer.measured_error.reset();
      layer.status = model::LayerStatus::kAssigned;
      continue;
    }
    layer.measured_error = j.layers[l].measured;
    const bool implicated = !signed_off && !j.end_to_end.pass && worst == l;
    layer.status = implicated ? model::LayerStatus::kFailed : model::LayerStatus::kPassed;
  }
}

}  // namespace scprec::loop
