// The closed loop. Every state the loop keeps is measured on the RTL: the network top is
// co-simulated on the calibration trials and scored bit for bit against the software model.
// Because the software model is bit-exact with the RTL (and every RTL run checks it), the loop
// screens candidate changes on the software model first, which costs milliseconds, and spends
// an RTL build and run only on a candidate the screen passes: the RTL confirms every change
// that is kept, and no change is kept without it.
//
// Acceptance (judgement.cpp): the Clopper-Pearson upper bound on the rate of trials whose output
// error exceeds the target must be at most delta. The number of trials follows from delta and
// alpha (acceptance_trials).
#include "scprec/loop/verify.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "scprec/assign/layer_bounds.hpp"
#include "scprec/assign/sensitivity.hpp"
#include "scprec/core/error.hpp"
#include "scprec/loop/acceptance.hpp"
#include "scprec/loop/measurement.hpp"
#include "scprec/model/evaluate.hpp"
#include "scprec/model/sc_network.hpp"

namespace scprec::loop {
namespace {

// Everything the loop's steps share.
struct Context {
  const model::Network& network;
  const Eigen::MatrixXd& calibration;
  Eigen::MatrixXd trials;
  std::vector<double> full_scales;
  const VerifyConfig& config;
  std::optional<assign::LengthPredictions> predictions;
  cosim::Executor& executor;
  Logger& logger;
};

std::vector<std::size_t> lengths_of(const model::PrecisionMap& map) {
  std::vector<std::size_t> lengths;
  for (const model::LayerPrecision& layer : map.layers) lengths.push_back(layer.length);
  return lengths;
}

std::string lengths_text(const model::PrecisionMap& map) {
  return fmt::format("{}", fmt::join(lengths_of(map), "/"));
}

Judgement judge_map(const Context& c, const model::PrecisionMap& map, bool rtl) {
  const Measurement m =
      rtl ? measure_rtl(c.network, map, c.trials, c.calibration, c.config.simulation, c.executor,
                        c.logger)
          : measure_software(c.network, map, c.trials, c.full_scales, c.config.simulation.threads);
  return judge(m, map, c.config.assign.target_error, c.config.assign.confidence, c.config.alpha);
}

Step record(const model::PrecisionMap& map, const Judgement& j, std::string action) {
  return {lengths_of(map),          j.rtl,
          j.end_to_end.pass,        j.end_to_end.quantile,
          j.end_to_end.upper_bound, std::move(action)};
}

// The map with layer l at `length`, its predictions updated.
std::optional<model::PrecisionMap> with_length(const Context& c, const model::PrecisionMap& map,
                                               std::size_t l, std::size_t length) {
  const auto& p = *c.predictions;
  const auto found = std::find(p.lengths.begin(), p.lengths.end(), length);
  if (found == p.lengths.end()) return std::nullopt;
  const auto k = static_cast<std::size_t>(found - p.lengths.begin());
  model::PrecisionMap changed = map;
  changed.layers[l].length = length;
  changed.layers[l].predicted_error = p.layer_error[l][k];
  changed.layers[l].contribution = p.contribution[l][k];
  return changed;
}

// Layer l's curves for the report, and in `bound_at_length` the cross-check bound at the map's
// length for that layer (a fraction of the layer's full scale, as the measurements are).
LayerCurve layer_curve(const Context& c, const model::QuantizedNetwork& quantized,
                       const model::PrecisionMap& map, const assign::SensitivityReport& sweep,
                       const std::vector<model::Codes>& inputs, std::size_t l, double layer_delta,
                       double& bound_at_length) {
  LayerCurve curve;
  const assign::LayerStatistics stats =
      assign::layer_statistics(quantized.layers[l], quantized.config, inputs);
  const auto bound = [&](std::size_t length) {
    return assign::layer_error_bound(c.config.cross_check_bound, stats, length, layer_delta) /
           c.full_scales[l];
  };
  for (const assign::SensitivityPoint& point : sweep.layers[l].points) {
    curve.lengths.push_back(point.length);
    curve.software.push_back(point.layer_error.quantile);
    curve.bound.push_back(bound(point.length));
  }
  bound_at_length = bound(map.layers[l].length);
  return curve;
}

Accuracy measure_accuracy(const Context& c, const model::PrecisionMap& map,
                          const io::Dataset& test) {
  Accuracy a;
  const model::QuantizedNetwork quantized = model::quantize_for_map(c.network, map);
  const model::ScNetworkModel sc(quantized, map.sc_configs());
  a.software_images = a.float_images = test.size();
  a.software_correct = model::count_correct(
      model::logits_of(quantized, test.x, [&](const auto& codes) { return sc.run(codes); }),
      test.labels);
  a.float_correct = model::count_correct(c.network.forward(test.x), test.labels);
  cosim::SimulateConfig config = c.config.simulation;
  config.trials = std::min(c.config.accuracy_images, test.size());
  config.layers = false;
  c.logger.info(fmt::format("verify: RTL accuracy on {} test images", config.trials));
  const cosim::SimulationReport report = cosim::simulate(
      c.network, map, test.x, test.labels, c.calibration, config, c.executor, c.logger);
  a.rtl_images = config.trials;
  a.rtl_correct = report.rtl_correct.value_or(0);
  const cosim::DutReport& top = report.duts.back();
  a.rtl_bit_exact = top.matches();
  a.rtl_difference = difference_text(top.first_difference, top.off_latency_trials);
  a.rtl_problems = top.problems;
  if (!report.rtl_correct && a.rtl_problems.empty()) {
    a.rtl_problems.push_back(fmt::format("the RTL classified {} of {} test images",
                                         top.completed, top.trials));
  }
  return a;
}

// Refuses settings no run can use, before any work: the acceptance test needs a confidence and
// a significance strictly between 0 and 1, and a positive, finite error target; the
// simulations a positive timeout.
void validate(const VerifyConfig& config) {
  const auto open_unit = [](double x) { return x > 0.0 && x < 1.0; };
  if (!open_unit(config.assign.confidence)) {
    throw_bad_input("", "confidence", fmt::format("{} is outside (0, 1)", config.assign.confidence),
                    "Give a confidence such as 0.95");
  }
  if (!open_unit(config.alpha)) {
    throw_bad_input("", "alpha", fmt::format("{} is outside (0, 1)", config.alpha),
                    "Give a significance such as 0.05");
  }
  if (!(config.assign.target_error > 0.0 && std::isfinite(config.assign.target_error))) {
    throw_bad_input("", "target error",
                    fmt::format("{} is not a positive finite number", config.assign.target_error),
                    "Give a target such as 0.2 (20% of the output's full scale)");
  }
  cosim::validate(config.simulation);
}

}  // namespace

VerifyResult verify(const model::Network& network, const io::Dataset& calibration,
                    const io::Dataset& test, const std::optional<model::PrecisionMap>& start,
                    const std::string& model_hash, const VerifyConfig& config,
                    cosim::Executor& executor, Logger& logger) {
  validate(config);
  const double delta = 1.0 - config.assign.confidence;
  Context c{network, calibration.x, {},       model::layer_full_scales(network, calibration.x),
            config,  std::nullopt,  executor, logger};
  VerifyResult result;
  result.alpha = config.alpha;
  result.bound_name = assign::to_string(config.cross_check_bound);
  const std::size_t needed =
      config.trials != 0 ? config.trials : acceptance_trials(delta, config.alpha);
  const std::size_t minimum = minimum_trials(delta, config.alpha);
  if (config.trials != 0 && config.trials < minimum) {
    throw_bad_input("", "trials",
                    fmt::format("{} trials can never sign off: below {} trials even zero "
                                "exceedances leave an upper bound above {:g} at alpha {:g}",
                                config.trials, minimum, delta, config.alpha),
                    fmt::format("Use at least {} trials, or 0 for the {} the acceptance test "
                                "wants",
                                minimum, acceptance_trials(delta, config.alpha)));
  }
  if (needed > calibration.size()) {
    throw_bad_input("", "trials",
                    fmt::format("the acceptance test needs {} calibration inputs, the data has {}",
                                needed, calibration.size()),
                    "Give more calibration data, fewer --trials, or a larger --confidence gap");
  }
  result.trials = needed;
  c.trials = calibration.x.topRows(static_cast<Eigen::Index>(needed));

  model::PrecisionMap map;
  const bool refine = !start.has_value();
  if (refine) {
    const model::QuantizedNetwork quantized = model::quantize(network, calibration.x, config.quant);
    c.predictions =
        assign::predict_lengths(network, quantized, calibration.x, config.assign, logger);
    map = assign::assign_from_predictions(*c.predictions, quantized, config.assign, logger);
    map.model_hash = model_hash;
  } else {
    map = *start;
  }
  logger.info(fmt::format("verify: {} trials per measurement (delta {:g}, alpha {:g}); start {}",
                          needed, delta, config.alpha, lengths_text(map)));

  Judgement current = judge_map(c, map, true);
  result.steps.push_back(
      record(map, current, refine ? "assigned; measured on the RTL" : "measured on the RTL"));
  std::set<std::pair<std::size_t, std::size_t>> rejected;  // (layer, length) shortenings
  std::size_t steps = 1;
  while (refine && steps < config.max_steps) {
    if (!current.measured()) break;
    if (current.pass()) {
      // Try halving the layers with the most slack first.
      std::vector<std::size_t> order(map.layers.size());
      for (std::size_t l = 0; l < order.size(); ++l) order[l] = l;
      std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return current.layers[a].prediction.looseness > current.layers[b].prediction.looseness;
      });
      bool kept = false;
      for (std::size_t l : order) {
        const std::size_t shorter = map.layers[l].length / 2;
        if (rejected.count({l, shorter}) != 0 || steps >= config.max_steps) continue;
        const auto candidate = with_length(c, map, l, shorter);
        if (!candidate) continue;
        const Judgement screen = judge_map(c, *candidate, false);
        ++steps;
        if (!screen.pass()) {
          rejected.insert({l, shorter});
          result.steps.push_back(
              record(*candidate, screen,
                     fmt::format("{} at {} fails the software screen: kept {}", map.layers[l].name,
                                 shorter, map.layers[l].length)));
          continue;
        }
        const Judgement confirmed = judge_map(c, *candidate, true);
        ++steps;
        if (confirmed.pass()) {
          result.steps.push_back(record(
              *candidate, confirmed,
              fmt::format("{} shortened to {}: the RTL confirms", map.layers[l].name, shorter)));
          map = *candidate;
          current = confirmed;
          kept = true;
          break;
        }
        rejected.insert({l, shorter});
        result.steps.push_back(
            record(*candidate, confirmed,
                   fmt::format("{} at {}: the RTL does not confirm", map.layers[l].name, shorter)));
        if (!confirmed.measured()) {  // a finding about this map's RTL: report it, not its predecessor
          map = *candidate;
          current = confirmed;
          break;
        }
      }
      if (!kept) break;  // no slack left: signed off
      continue;
    }
    // Failing: lengthen the layer most over its budget that can still grow, on the software
    // model until it passes.
    model::PrecisionMap candidate = map;
    Judgement screen = current;
    std::string infeasible;
    while (!screen.pass() && steps < config.max_steps) {
      const auto l = worst_layer(screen, [&](std::size_t k) {
        return candidate.layers[k].length < c.predictions->lengths.back();
      });
      if (!l) {
        infeasible = candidate.layers[*worst_layer(screen)].name;
        break;
      }
      candidate = *with_length(c, candidate, *l, candidate.layers[*l].length * 2);
      screen = judge_map(c, candidate, false);
      ++steps;
      result.steps.push_back(record(
          candidate, screen,
          fmt::format("{} lengthened to {} ({} on the software model)", candidate.layers[*l].name,
                      candidate.layers[*l].length, screen.pass() ? "passes" : "still fails")));
    }
    if (!infeasible.empty()) {
      result.verdict = fmt::format(
          "infeasible: every layer is at the longest length, {}, and the output error still "
          "exceeds the target (exceedance bound {:.3f} > {:g}); layer {} is furthest over its "
          "budget",
          c.predictions->lengths.back(), screen.end_to_end.upper_bound, delta, infeasible);
      break;
    }
    if (!screen.pass()) break;  // out of steps
    map = candidate;
    current = judge_map(c, map, true);
    ++steps;
    result.steps.push_back(record(map, current, "measured on the RTL"));
  }

  // The loop chose this map because it passed on c.trials, so a pass there is biased towards
  // passing. The sign-off's bound is taken on trials the loop never saw.
  result.acceptance_trials = fmt::format("calibration rows 0-{}", needed - 1);
  bool fails_fresh = false;
  if (refine && current.pass()) {
    if (calibration.size() >= 2 * needed) {
      Context fresh = c;
      fresh.trials = calibration.x.middleRows(static_cast<Eigen::Index>(needed),
                                              static_cast<Eigen::Index>(needed));
      logger.info(fmt::format("verify: confirming {} on {} fresh calibration trials",
                              lengths_text(map), needed));
      current = judge_map(fresh, map, true);
      fails_fresh = !current.pass();
      result.steps.push_back(
          record(map, current, fails_fresh ? "fails on fresh trials" : "confirmed on fresh trials"));
      result.acceptance_trials =
          fmt::format("calibration rows {}-{}, which the loop never saw", needed, 2 * needed - 1);
    } else {
      result.acceptance_trials += fmt::format(
          ", the ones the loop tuned on (give {} calibration inputs for a fresh confirmation)",
          2 * needed);
    }
  }

  if (!test.labels.empty() && current.measured()) {
    result.accuracy = measure_accuracy(c, map, test);
    if (!result.accuracy->rtl_bit_exact && current.bit_exact) {
      current.bit_exact = false;
      current.difference = "on the test images, " + result.accuracy->rtl_difference;
    }
    current.problems.insert(current.problems.end(), result.accuracy->rtl_problems.begin(),
                            result.accuracy->rtl_problems.end());
  }
  result.signed_off = current.pass();
  if (!current.problems.empty()) {
    result.verdict = fmt::format("a simulation failed, so the RTL is not measured: {}{}",
                                 current.problems.front(),
                                 current.problems.size() > 1
                                     ? fmt::format(" (and {} more)", current.problems.size() - 1)
                                     : "");
  } else if (!current.bit_exact) {
    result.verdict = "the RTL does not match the software model bit for bit: " + current.difference;
  } else if (result.signed_off) {
    result.verdict = fmt::format(
        "output error within {:g} of full scale, "
        "exceedance bound {:.3f} <= {:g}, {} total cycles",
        config.assign.target_error, current.end_to_end.upper_bound, delta, map.total_cycles());
  } else if (fails_fresh) {
    const LayerVerdict& worst = current.layers[*worst_layer(current)];
    result.verdict = fmt::format(
        "passes on the trials the loop tuned on, but on {} fresh trials the output error exceeds "
        "{:g} too often (exceedance bound {:.3f} > {:g}); layer {} is furthest over its budget "
        "(measured {:.4g}, budget {:.4g}): rerun with a higher --confidence",
        needed, config.assign.target_error, current.end_to_end.upper_bound, delta, worst.name,
        worst.measured, worst.prediction.predicted);
  } else if (result.verdict.empty()) {
    const LayerVerdict& worst = current.layers[*worst_layer(current)];
    result.verdict = fmt::format(
        "output error exceeds {:g} too often (exceedance bound {:.3f} > {:g}); layer {} is "
        "furthest over its budget (measured {:.4g}, budget {:.4g})",
        config.assign.target_error, current.end_to_end.upper_bound, delta, worst.name,
        worst.measured, worst.prediction.predicted);
  }
  record_measurements(current, result.signed_off, map);
  result.judgement = current;

  // Curves for the report: each layer alone on the software model, and the bound.
  const model::QuantizedNetwork quantized = model::quantize_for_map(network, map);
  assign::SensitivityConfig sweep_config = config.assign.analysis;
  sweep_config.lengths =
      assign::candidate_lengths(config.assign.min_length, config.assign.max_length);
  sweep_config.n_trials = needed;
  sweep_config.quantile = 1.0 - delta / static_cast<double>(map.layers.size());
  sweep_config.generator = map.generator;
  sweep_config.generator_width = map.generator_width;
  sweep_config.seed = map.seed;
  const assign::SensitivityReport sweep =
      assign::analyze_sensitivity(network, quantized, calibration.x, sweep_config, null_logger());
  const std::vector<std::vector<model::Codes>> inputs =
      assign::layer_inputs(quantized, calibration.x);
  std::vector<double> bounds(map.layers.size());
  for (std::size_t l = 0; l < map.layers.size(); ++l) {
    result.curves.push_back(layer_curve(c, quantized, map, sweep, inputs[l], l,
                                        1.0 - sweep_config.quantile, bounds[l]));
  }
  cross_check_bounds(result.judgement, bounds, config.alpha);
  result.map = std::move(map);
  logger.info(std::string("verify: ") + (result.signed_off ? "signed off: " : "not signed off: ") +
              result.verdict);
  return result;
}

}  // namespace scprec::loop
