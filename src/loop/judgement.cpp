// Judgement. End to end: the map passes when the Clopper-Pearson upper bound (confidence
// 1 - alpha) on the rate of trials whose output error exceeds the target is at most delta, and
// (with a --max-flip-rate) the same bound on the rate of top-1 flips is within its limit.
// Every prediction (the map's per layer budget at level 1 - delta / layers, each analytic
// bound, the composed output error at 1 - delta) is checked by one-sided tests on its
// exceedance rate: violated when the lower bound is above the allowed rate, holds only when the
// upper bound is at most it, inconclusive otherwise. With the sensitivity method the map's
// prediction is itself a measurement, and the bounds are the independent check.
#include "scprec/loop/judgement.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "scprec/core/enum_names.hpp"
#include "scprec/core/error.hpp"
#include "scprec/core/summary.hpp"
#include "scprec/loop/acceptance.hpp"

namespace scprec::loop {

std::string to_string(CrossCheck check) {
  static constexpr EnumName<CrossCheck> kNames[] = {{CrossCheck::kHolds, "holds"},
                                                    {CrossCheck::kLoose, "loose"},
                                                    {CrossCheck::kViolated, "violated"},
                                                    {CrossCheck::kInconclusive, "inconclusive"},
                                                    {CrossCheck::kNoPrediction, "no prediction"},
                                                    {CrossCheck::kNotMeasured, "not measured"}};
  return enum_name(kNames, check);
}

std::string PredictionCheck::describe() const {
  const auto percent = [](double rate) { return fmt::format("{:.3g}%", 100 * rate); };
  switch (check) {
    case CrossCheck::kHolds:
      return "holds";
    case CrossCheck::kLoose:
      return std::isfinite(looseness_high)
                 ? fmt::format("loose by {:.1f}x ({:.1f}-{:.1f}x)", looseness, looseness_low,
                               looseness_high)
                 : fmt::format("loose by {:.1f}x (>= {:.1f}x)", looseness, looseness_low);
    case CrossCheck::kViolated:
      return fmt::format("violated: {}/{} above, rate >= {} > {}", exceedances, trials,
                         percent(exceedance_lower), percent(allowed_rate));
    case CrossCheck::kInconclusive:
      return fmt::format("inconclusive: {}/{} above, cannot show <= {}", exceedances, trials,
                         percent(allowed_rate));
    case CrossCheck::kNoPrediction:
      return "no prediction";
    case CrossCheck::kNotMeasured:
      return "not measured";
  }
  return "";
}

PredictionCheck check_prediction(const std::vector<double>& errors, double predicted,
                                 double allowed_rate, double alpha) {
  PredictionCheck p;
  p.predicted = predicted;
  p.allowed_rate = allowed_rate;
  p.trials = errors.size();
  if (errors.empty()) {
    p.check = CrossCheck::kNotMeasured;
    return p;
  }
  if (!(predicted > 0.0)) return p;
  for (double e : errors) p.exceedances += e > predicted ? 1 : 0;
  p.exceedance_rate = static_cast<double>(p.exceedances) / static_cast<double>(p.trials);
  p.exceedance_lower = exceedance_lower_bound(p.exceedances, p.trials, alpha);
  p.exceedance_upper = exceedance_upper_bound(p.exceedances, p.trials, alpha);
  const double level = 1.0 - allowed_rate;
  const double measured = core::summarize(errors, level).quantile;
  // Two-sided at alpha: each side of the quantile's interval at alpha / 2.
  const QuantileInterval quantile = quantile_interval(errors, level, alpha);
  const auto ratio = [&](double q) { return q > 0.0 ? predicted / q : INFINITY; };
  p.looseness = ratio(measured);
  p.looseness_low = ratio(quantile.high);
  p.looseness_high = ratio(quantile.low);
  if (p.exceedance_lower > allowed_rate) {
    p.check = CrossCheck::kViolated;
  } else if (p.exceedance_upper > allowed_rate) {
    p.check = CrossCheck::kInconclusive;
  } else {
    p.check = p.looseness_low >= 2.0 ? CrossCheck::kLoose : CrossCheck::kHolds;
  }
  return p;
}

RateTest test_rate(std::size_t events, std::size_t trials, std::optional<double> limit,
                   double alpha) {
  RateTest t;
  t.events = events;
  t.trials = trials;
  t.limit = limit;
  if (trials > 0) {
    t.rate = static_cast<double>(events) / static_cast<double>(trials);
    t.lower = exceedance_lower_bound(events, trials, alpha);
    t.upper = exceedance_upper_bound(events, trials, alpha);
  }
  return t;
}

std::string difference_text(const std::string& first_difference, std::size_t off_latency_trials) {
  if (!first_difference.empty()) return first_difference;
  return fmt::format("{} trial(s) took other than the design's latency from start to done",
                     off_latency_trials);
}

std::vector<std::size_t> failing_trials(const Measurement& measurement, const Targets& targets) {
  std::vector<bool> failing(measurement.output_errors.size(), false);
  for (std::size_t t = 0; t < failing.size(); ++t) {
    failing[t] = measurement.output_errors[t] > targets.error ||
                 (targets.max_flip_rate && t < measurement.flips.size() && measurement.flips[t]) ||
                 (targets.range_error && t < measurement.range_errors.size() &&
                  measurement.range_errors[t] > *targets.range_error);
  }
  for (std::size_t t : measurement.inexact_trials) {
    if (t < failing.size()) failing[t] = true;
  }
  std::vector<std::size_t> trials;
  for (std::size_t t = 0; t < failing.size(); ++t) {
    if (failing[t]) trials.push_back(t);
  }
  return trials;
}

Judgement judge(const Measurement& measurement, const model::PrecisionMap& map,
                const Targets& targets) {
  SCPREC_ASSERT(measurement.layer_errors.size() == map.layers.size(), "one error list per layer");
  const double delta = 1.0 - targets.confidence;
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
    v.prediction =
        check_prediction(v.errors, map.layers[l].predicted_error, v.allowed_rate, targets.alpha);
    j.layers.push_back(std::move(v));
  }
  EndToEndVerdict& e = j.end_to_end;
  e.target = targets.error;
  e.delta = delta;
  e.alpha = targets.alpha;
  e.trials = measurement.output_errors.size();
  for (double error : measurement.output_errors) e.exceedances += error > targets.error ? 1 : 0;
  e.quantile = core::summarize(measurement.output_errors, targets.confidence).quantile;
  if (e.trials > 0) {
    e.rate = static_cast<double>(e.exceedances) / e.trials;
    e.upper_bound = exceedance_upper_bound(e.exceedances, e.trials, targets.alpha);
  }
  e.prediction =
      check_prediction(measurement.output_errors, map.predicted_output_error, delta, targets.alpha);
  std::size_t flips = 0;
  for (bool flipped : measurement.flips) flips += flipped ? 1 : 0;
  e.flips = test_rate(flips, measurement.flips.size(), targets.max_flip_rate, targets.alpha);
  std::size_t above_range = 0;
  for (double error : measurement.range_errors) {
    above_range += targets.range_error && error > *targets.range_error ? 1 : 0;
  }
  e.range_quantile = core::summarize(measurement.range_errors, targets.confidence).quantile;
  e.range = test_rate(above_range, measurement.range_errors.size(),
                      targets.range_error ? std::optional<double>(delta) : std::nullopt,
                      targets.alpha);
  e.pass = e.trials > 0 && e.upper_bound <= delta && e.flips.pass() && e.range.pass();
  // Each tested rate's held-out test on as many fresh trials; the rates are taken as
  // independent, so the chances multiply.
  const auto chance = [&](std::size_t events, std::size_t trials, double limit) {
    return trials == 0 ? 0.0 : held_out_pass_chance(events, trials, limit, trials, targets.alpha);
  };
  e.pass_chance = chance(e.exceedances, e.trials, delta) *
                  (e.flips.limit ? chance(e.flips.events, e.flips.trials, *e.flips.limit) : 1.0) *
                  (e.range.limit ? chance(e.range.events, e.range.trials, delta) : 1.0);
  e.aim = e.pass && e.pass_chance >= kAimChance;
  return j;
}

void cross_check_bounds(Judgement& judgement,
                        const std::vector<std::vector<BoundPrediction>>& bounds, double alpha) {
  SCPREC_ASSERT(bounds.size() == judgement.layers.size(), "bounds for every layer");
  for (std::size_t l = 0; l < bounds.size(); ++l) {
    LayerVerdict& v = judgement.layers[l];
    v.bounds.clear();
    for (const BoundPrediction& b : bounds[l]) {
      v.bounds.push_back({b.bound, check_prediction(v.errors, b.predicted, v.allowed_rate, alpha)});
    }
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
