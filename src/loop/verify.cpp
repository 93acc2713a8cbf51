// The closed loop as a short sequence of named steps: split the rows, make the first map, refine
// it on the tuning rows (refine.cpp), confirm it once on the held-out rows, classify the test
// split, write the verdict, and cross-check every bound. Every state the loop keeps is measured
// on the RTL: the network top is co-simulated and scored bit for bit against the software model.
//
// Acceptance (judgement.cpp): the Clopper-Pearson upper bound on the rate of trials whose output
// error exceeds the target must be at most delta (and the flip rate's within its limit). The
// sign-off is that test on rows that chose nothing, at the attempt's significance.
#include "scprec/loop/verify.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "scprec/assign/layer_bounds.hpp"
#include "scprec/assign/scale_choice.hpp"
#include "scprec/assign/sensitivity.hpp"
#include "scprec/core/error.hpp"
#include "scprec/loop/acceptance.hpp"
#include "scprec/loop/attempts.hpp"
#include "scprec/loop/measurement.hpp"
#include "scprec/loop/splits.hpp"
#include "scprec/model/evaluate.hpp"
#include "scprec/model/sc_network.hpp"
#include "scprec/rtl/generator.hpp"

namespace scprec::loop {
namespace {

constexpr assign::Bound kCrossCheckOrder[] = {assign::Bound::kHoeffding, assign::Bound::kBernstein,
                                              assign::Bound::kBinomial, assign::Bound::kChebyshev};

Eigen::MatrixXd rows_of(const Eigen::MatrixXd& x, const model::RowRange& rows) {
  return x.middleRows(static_cast<Eigen::Index>(rows.begin), static_cast<Eigen::Index>(rows.count));
}

// How a map is measured: on the software model, on the adjustable-length build (every tuning
// measurement), or on the RTL the sign-off names (VerifyConfig::signoff_rtl).
enum class Measure { kSoftware, kTuningRtl, kSignoffRtl };

// Everything the loop's steps share: the rows that set the error scales, and how a map is
// measured and judged on given rows.
struct Context {
  const model::Network& network;
  const Eigen::MatrixXd& all_rows;
  Eigen::MatrixXd scale_rows;  // the rows whose largest values are the errors' full scales
  std::vector<double> full_scales;
  const VerifyConfig& config;
  cosim::Executor& executor;
  Logger& logger;
  std::size_t max_length = 0;  // of the adjustable-length build

  Targets targets(double alpha) const {
    return {config.assign.target_error, config.assign.confidence, alpha, config.max_flip_rate,
            config.range_error};
  }
  // The simulation settings of an RTL measurement: adjustable-length RTL or the map's own.
  cosim::SimulateConfig simulation(Measure how) const {
    cosim::SimulateConfig s = config.simulation;
    const bool adjustable =
        how == Measure::kTuningRtl ||
        (how == Measure::kSignoffRtl && config.signoff_rtl == SignoffRtl::kAdjustable);
    s.rtl.adjustable_max_length = adjustable ? max_length : 0;
    return s;
  }
  Judgement judge(const model::PrecisionMap& map, const model::RowRange& rows, Measure how,
                  double alpha, Measurement* measured = nullptr) const {
    const Eigen::MatrixXd trials = rows_of(all_rows, rows);
    const Measurement m =
        how != Measure::kSoftware
            ? measure_rtl(network, map, trials, scale_rows, simulation(how), executor, logger)
            : measure_software(network, map, trials, full_scales, config.simulation.threads);
    if (measured != nullptr) *measured = m;
    return loop::judge(m, map, targets(alpha));
  }

  // The rows of a completed RTL measurement on `rows` whose trials failed; with trace_failing,
  // those trials rerun with FST waves (the jobs already run are reused).
  void failing(const model::PrecisionMap& map, const model::RowRange& rows, const Measurement& m,
               double alpha, VerifyResult& result) const {
    if (!m.problems.empty() || m.trials != rows.count) return;
    const std::vector<std::size_t> trials = failing_trials(m, targets(alpha));
    for (std::size_t t : trials) result.failing_rows.push_back(rows.begin + t);
    if (!config.trace_failing || trials.empty()) return;
    logger.info(fmt::format("verify: rerunning {} failing trials with waves", trials.size()));
    cosim::SimulateConfig traced_simulation = simulation(Measure::kSignoffRtl);
    traced_simulation.trace_trials = trials;
    const Measurement traced = measure_rtl(network, map, rows_of(all_rows, rows), scale_rows,
                                           traced_simulation, executor, logger);
    for (const auto& [trial, path] : traced.waves)
      result.waves.push_back({rows.begin + trial, path});
  }
};

// Refuses settings no run can use, before any work.
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
  if (config.range_error && !(*config.range_error > 0.0 && std::isfinite(*config.range_error))) {
    throw_bad_input("", "range error",
                    fmt::format("{} is not a positive finite number", *config.range_error),
                    "Give a target such as 0.25 (a quarter of each input's logit range)");
  }
  if (config.max_flip_rate && !open_unit(*config.max_flip_rate)) {
    throw_bad_input("", "max flip rate", fmt::format("{} is outside (0, 1)", *config.max_flip_rate),
                    "Give a rate such as 0.05");
  }
  if (!(config.assign.target_error > 0.0 && std::isfinite(config.assign.target_error))) {
    throw_bad_input("", "target error",
                    fmt::format("{} is not a positive finite number", config.assign.target_error),
                    "Give a target such as 0.2 (20% of the output's full scale)");
  }
  cosim::validate(config.simulation);
}

// Rows per tuning or sign-off measurement: enough for the error's test and the flip rate's.
std::size_t trials_needed(const VerifyConfig& config) {
  const double delta = 1.0 - config.assign.confidence;
  const double tightest = std::min(delta, config.max_flip_rate.value_or(delta));
  const std::size_t minimum = minimum_trials(tightest, config.alpha);
  if (config.trials != 0 && config.trials < minimum) {
    throw_bad_input("", "trials",
                    fmt::format("{} trials can never sign off: below {} trials even zero "
                                "exceedances leave an upper bound above {:g} at alpha {:g}",
                                config.trials, minimum, tightest, config.alpha),
                    fmt::format("Use at least {} trials, or 0 for the {} the acceptance test "
                                "wants",
                                minimum, acceptance_trials(tightest, config.alpha)));
  }
  return config.trials != 0 ? config.trials : acceptance_trials(tightest, config.alpha);
}

// Which rows do what: a verify splits them (plan_splits); a sign-off uses the rows the map's
// provenance leaves held out.
RowUse plan_rows(const io::Dataset& calibration, const std::optional<model::PrecisionMap>& start,
                 std::size_t trials) {
  RowUse rows;
  rows.data_hash = io::dataset_hash(calibration);
  rows.rows = calibration.size();
  if (!start) {
    const Splits splits = plan_splits(rows.rows, trials);
    rows.calibration = splits.calibration;
    rows.tuning = splits.tuning;
    rows.signoff = splits.signoff;
    if (rows.signoff.count < trials) {
      rows.problem = fmt::format(
          "too few held-out rows (need {}, have {}): nothing signs off on rows that chose the "
          "map; give {} calibration rows, or fewer --trials",
          trials, rows.signoff.count, rows.calibration.count + 2 * trials);
    }
    return rows;
  }
  const HeldOut held = held_out_rows(start->provenance, rows.data_hash, rows.rows, trials);
  rows.signoff = held.rows;
  rows.problem = held.problem;
  rows.note = held.note;
  if (start->provenance && start->provenance->data_hash == rows.data_hash) {
    rows.calibration = start->provenance->calibration;
    rows.tuning = start->provenance->tuning;
  }
  return rows;
}

// The rows whose values set the errors' full scales: the calibration rows, else every row
// before the held-out ones, else all.
model::RowRange scale_rows(const RowUse& rows) {
  if (!rows.calibration.empty()) return rows.calibration;
  if (rows.signoff.begin > 0) return {0, rows.signoff.begin};
  return {0, rows.rows};
}

// The first map, assigned on the calibration rows, and the predictions at every length.
std::pair<model::PrecisionMap, assign::LengthPredictions> initial_map(const Context& c,
                                                                      const std::string& model_hash,
                                                                      Logger& logger) {
  const std::vector<double> quantiles = c.config.scale_quantiles.empty()
                                            ? std::vector<double>{c.config.quant.scale_quantile}
                                            : c.config.scale_quantiles;
  assign::ScaleChoice choice = assign::choose_scale_rule(c.network, c.scale_rows, c.config.quant,
                                                         quantiles, c.config.assign, logger);
  model::PrecisionMap& map = choice.map;
  map.model_hash = model_hash;
  map.targets.max_flip_rate = c.config.max_flip_rate;
  map.targets.range_error = c.config.range_error;
  return {std::move(map), std::move(choice.predictions)};
}

Accuracy measure_accuracy(const Context& c, const model::PrecisionMap& map, const io::Dataset& test,
                          Measure how) {
  Accuracy a;
  const model::QuantizedNetwork quantized = model::quantize_for_map(c.network, map);
  const model::ScNetworkModel sc(quantized, map.sc_configs());
  const std::vector<bool> sc_right = model::correct_rows(
      model::logits_of(quantized, test.x, [&](const auto& codes) { return sc.run(codes); }),
      test.labels);
  const std::vector<bool> integer_right = model::correct_rows(
      model::logits_of(quantized, test.x,
                       [&](const auto& codes) { return model::binary_forward(quantized, codes); }),
      test.labels);
  const std::vector<bool> float_right = model::correct_rows(c.network.forward(test.x), test.labels);
  const auto count = [](const std::vector<bool>& v) {
    return static_cast<std::size_t>(std::count(v.begin(), v.end(), true));
  };
  a.software_images = a.float_images = test.size();
  a.software_correct = count(sc_right);
  a.integer_correct = count(integer_right);
  a.float_correct = count(float_right);
  a.vs_float = accuracy_drop(float_right, sc_right, c.config.alpha);
  a.vs_integer = accuracy_drop(integer_right, sc_right, c.config.alpha);

  cosim::SimulateConfig config = c.simulation(how);
  config.trials = std::min(c.config.accuracy_images, test.size());
  config.layers = false;
  c.logger.info(fmt::format("verify: RTL accuracy on {} test images", config.trials));
  const cosim::SimulationReport report = cosim::simulate(
      c.network, map, test.x, test.labels, c.scale_rows, config, c.executor, c.logger);
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

std::string flip_text(const RateTest& flips) {
  return fmt::format("top-1 flips {}/{}, bound {:.3f}{}", flips.events, flips.trials, flips.upper,
                     flips.limit ? fmt::format(" (allowed {:g})", *flips.limit) : "");
}

// The verdict's one line: what failed first, or what was shown.
std::string verdict_text(const VerifyResult& r, const Judgement& j, bool fails_held_out,
                         const std::string& infeasible) {
  const EndToEndVerdict& e = j.end_to_end;
  const auto worst_text = [&] {
    const LayerVerdict& worst = j.layers[*worst_layer(j)];
    return fmt::format("layer {} is furthest over its budget (measured {:.4g}, budget {:.4g})",
                       worst.name, worst.measured, worst.prediction.predicted);
  };
  const auto missed = [&] {
    std::string text;
    if (e.upper_bound > e.delta) {
      text = fmt::format(
          "the output error exceeds {:g} too often (exceedance bound {:.3f} > "
          "{:g})",
          e.target, e.upper_bound, e.delta);
    }
    if (!e.range.pass()) {
      text += (text.empty() ? "" : ", and ") +
              fmt::format("the output error exceeds {:g} of the input's logit range too often "
                          "({}/{} trials, bound {:.3f} > {:g})",
                          *e.range.limit, e.range.events, e.range.trials, e.range.upper, e.delta);
    }
    if (!e.flips.pass()) {
      text += (text.empty() ? "" : ", and ") +
              fmt::format("the top-1 class flips too often ({})", flip_text(e.flips));
    }
    return text;
  };
  if (!j.problems.empty()) {
    return fmt::format(
        "a simulation failed, so the RTL is not measured: {}{}", j.problems.front(),
        j.problems.size() > 1 ? fmt::format(" (and {} more)", j.problems.size() - 1) : "");
  }
  if (!j.bit_exact) return "the RTL does not match the software model bit for bit: " + j.difference;
  if (!infeasible.empty()) return infeasible;
  if (!r.rows.problem.empty()) return r.rows.problem;
  if (r.signed_off) {
    return fmt::format(
        "output error within {:g} of full scale, exceedance bound {:.3f} <= {:g}, {}, on "
        "held-out {} (attempt {}, alpha {:g}), {} total cycles",
        e.target, e.upper_bound, e.delta, flip_text(e.flips), r.rows.signoff.text(), r.rows.attempt,
        r.rows.alpha, r.map.total_cycles());
  }
  if (fails_held_out) {
    return fmt::format(
        "passes on the tuning rows, but on held-out {} {}; {}: a new map judged on these rows "
        "is a further attempt, at a stricter significance",
        r.rows.signoff.text(), missed(), worst_text());
  }
  return fmt::format("{}; {}", missed(), worst_text());
}

// Per layer: the curves the report plots (the software model's measurements of the layer alone
// at every length, and the plotted bounds), and every bound at the map's length, Hoeffding
// first, for the cross-check.
std::vector<std::vector<BoundPrediction>> curves_and_bounds(const Context& c,
                                                            const model::PrecisionMap& map,
                                                            std::size_t trials,
                                                            std::vector<LayerCurve>& curves) {
  const double delta = 1.0 - c.config.assign.confidence;
  const model::QuantizedNetwork quantized = model::quantize_for_map(c.network, map);
  assign::SensitivityConfig sweep_config = c.config.assign.analysis;
  sweep_config.lengths =
      assign::candidate_lengths(c.config.assign.min_length, c.config.assign.max_length);
  sweep_config.n_trials = trials;
  sweep_config.quantile = 1.0 - delta / static_cast<double>(map.layers.size());
  sweep_config.generator_width = map.generator_width;
  sweep_config.seed = map.seed;
  // One sweep per generator the map uses; layer l's curve comes from its generator's.
  std::map<core::GeneratorKind, assign::SensitivityReport> sweeps;
  for (const model::LayerPrecision& layer : map.layers) {
    if (sweeps.count(layer.generator) != 0) continue;
    sweep_config.generator = layer.generator;
    sweeps[layer.generator] = assign::analyze_sensitivity(c.network, quantized, c.scale_rows,
                                                          sweep_config, null_logger());
  }
  const std::vector<std::vector<model::Codes>> inputs =
      assign::layer_inputs(quantized, c.scale_rows);
  const double layer_delta = 1.0 - sweep_config.quantile;
  std::vector<std::vector<BoundPrediction>> bounds(map.layers.size());
  for (std::size_t l = 0; l < map.layers.size(); ++l) {
    LayerCurve curve;
    for (const assign::SensitivityPoint& point : sweeps[map.layers[l].generator].layers[l].points) {
      curve.lengths.push_back(point.length);
      curve.software.push_back(point.layer_error.quantile);
    }
    std::vector<std::size_t> lengths = curve.lengths;
    if (std::find(lengths.begin(), lengths.end(), map.layers[l].length) == lengths.end()) {
      lengths.push_back(map.layers[l].length);
    }
    // Each layer is bounded on the stream model of its own lanes; a bound that does not model
    // them (binomial on Sobol lanes, any bound beyond net_model_covers) is left out: of the
    // plot if at any of its lengths, of the cross-check if at the map's.
    const assign::LayerBounds layer_bounds(quantized.layers[l], quantized.config,
                                           map.layers[l].generator, map.generator_width, inputs[l],
                                           lengths);
    const auto bound = [&](assign::Bound b, std::size_t length) {
      return layer_bounds.error_bound(b, length, layer_delta) / c.full_scales[l];
    };
    for (assign::Bound b : c.config.plotted_bounds) {
      if (!std::all_of(curve.lengths.begin(), curve.lengths.end(),
                       [&](std::size_t length) { return layer_bounds.applies(b, length); })) {
        continue;
      }
      std::vector<double> values;
      for (std::size_t length : curve.lengths) values.push_back(bound(b, length));
      curve.bounds.emplace_back(assign::to_string(b), std::move(values));
    }
    curves.push_back(std::move(curve));
    for (assign::Bound b : kCrossCheckOrder) {
      if (layer_bounds.applies(b, map.layers[l].length)) {
        bounds[l].push_back({assign::to_string(b), bound(b, map.layers[l].length)});
      }
    }
  }
  return bounds;
}

// What an RTL measurement runs on, for the log and the reports.
std::string rtl_text(const Context& c, Measure how) {
  return c.simulation(how).rtl.adjustable_max_length == 0
             ? "the fixed-length RTL of the map"
             : fmt::format("the adjustable-length RTL (L at most {}) set to the map's lengths",
                           c.max_length);
}

// What the held-out step did.
struct HeldOutStep {
  std::optional<Judgement> judgement;  // none when nothing was measured
  bool judged = false;                 // on held-out rows (else for information, or not at all)
  bool failed = false;                 // a tuned map that passed on the tuning rows failed here
};

// The held-out judgement of `map`: once, on rows that chose nothing, at the significance of its
// attempt on them (the ledger's count). A sign-off without held-out rows still measures its
// map, for bit-exactness and the errors, on the last rows, which cannot sign it off; a verify
// whose map fails on the tuning rows is not judged here.
HeldOutStep judge_held_out(const Context& c, const model::PrecisionMap& map, bool sign_off,
                           bool tuned_pass, const AttemptLedger& ledger, VerifyResult& result) {
  HeldOutStep h;
  RowUse& rows = result.rows;
  if (rows.problem.empty() && (sign_off || tuned_pass)) {
    rows.attempt = ledger.attempt_number(rows.data_hash, rows.signoff, map_identity(map));
    rows.alpha = attempt_alpha(c.config.alpha, rows.attempt);
    c.logger.info(fmt::format("verify: judging {} on held-out {} (attempt {}, alpha {:g}), on {}",
                              map.lengths_text(), rows.signoff.text(), rows.attempt, rows.alpha,
                              rtl_text(c, Measure::kSignoffRtl)));
    Measurement measured;
    h.judgement = c.judge(map, rows.signoff, Measure::kSignoffRtl, rows.alpha, &measured);
    c.failing(map, rows.signoff, measured, rows.alpha, result);
    h.judged = true;
    h.failed = !sign_off && h.judgement->measured() && !h.judgement->pass();
    result.steps.push_back(record_step(map, *h.judgement, "held-out",
                                       h.failed   ? "fails on the held-out rows"
                                       : sign_off ? "judged on the held-out rows"
                                                  : "confirmed on the held-out rows"));
  } else if (sign_off) {
    const std::size_t count = std::min(result.trials, rows.rows);
    const model::RowRange last{rows.rows - count, count};
    c.logger.info(
        fmt::format("verify: {}; measuring {} for information", rows.problem, last.text()));
    Measurement measured;
    h.judgement = c.judge(map, last, Measure::kSignoffRtl, c.config.alpha, &measured);
    c.failing(map, last, measured, c.config.alpha, result);
    result.steps.push_back(
        record_step(map, *h.judgement, "not held out", "measured, cannot sign off"));
  }
  return h;
}

}  // namespace

std::string to_string(SignoffRtl rtl) {
  return rtl == SignoffRtl::kFixed ? "fixed" : "adjustable";
}

SignoffRtl parse_signoff_rtl(const std::string& text, const std::string& field) {
  if (text == "fixed") return SignoffRtl::kFixed;
  if (text == "adjustable") return SignoffRtl::kAdjustable;
  throw_bad_input("", field, "'" + text + "' is not an RTL to sign off on",
                  "Give fixed (the map's fixed-length RTL) or adjustable (the loop's "
                  "adjustable-length build)");
}

std::size_t adjustable_max_length(const VerifyConfig& config, const model::PrecisionMap& map) {
  return rtl::max_length_for(map, config.assign.max_length);
}

AccuracyDrop accuracy_drop(const std::vector<bool>& reference_correct,
                           const std::vector<bool>& sc_correct, double alpha) {
  SCPREC_ASSERT(reference_correct.size() == sc_correct.size(), "the same images");
  AccuracyDrop d;
  d.images = sc_correct.size();
  for (std::size_t i = 0; i < d.images; ++i) {
    d.only_reference += reference_correct[i] && !sc_correct[i] ? 1 : 0;
    d.only_sc += !reference_correct[i] && sc_correct[i] ? 1 : 0;
  }
  if (d.images == 0) return d;
  const double n = static_cast<double>(d.images);
  d.drop = (static_cast<double>(d.only_reference) - static_cast<double>(d.only_sc)) / n;
  // drop = p_b - p_c. Two-sided intervals for p_b and p_c, each at 1 - alpha / 2 (one-sided
  // bounds at alpha / 4), hold together with probability at least 1 - alpha (the union bound).
  const double side = alpha / 4;
  d.low = exceedance_lower_bound(d.only_reference, d.images, side) -
          exceedance_upper_bound(d.only_sc, d.images, side);
  d.high = exceedance_upper_bound(d.only_reference, d.images, side) -
           exceedance_lower_bound(d.only_sc, d.images, side);
  return d;
}

VerifyResult verify(const model::Network& network, const io::Dataset& calibration,
                    const io::Dataset& test, const std::optional<model::PrecisionMap>& start,
                    const std::string& model_hash, const VerifyConfig& config,
                    cosim::Executor& executor, Logger& logger) {
  validate(config);
  VerifyResult result;
  result.alpha = config.alpha;
  result.trials = trials_needed(config);
  result.rows = plan_rows(calibration, start, result.trials);
  result.rows.alpha = config.alpha;
  Context c{network,  calibration.x, rows_of(calibration.x, scale_rows(result.rows)), {}, config,
            executor, logger};
  c.full_scales = model::layer_full_scales(network, c.scale_rows);

  // 1. The map to judge, refined on the tuning rows when verify chooses it.
  model::PrecisionMap map;
  Judgement current;
  std::string infeasible;
  if (!start) {
    auto [first, predictions] = initial_map(c, model_hash, logger);
    c.max_length = adjustable_max_length(config, first);
    logger.info(fmt::format(
        "verify: {} trials per measurement (delta {:g}, alpha {:g}); calibration {}, tuning {}, "
        "held-out {}; start {}",
        result.trials, 1.0 - config.assign.confidence, config.alpha, result.rows.calibration.text(),
        result.rows.tuning.text(), result.rows.signoff.text(), first.lengths_text()));
    Refinement refined = refine(
        first, predictions,
        [&](const model::PrecisionMap& m, bool rtl) {
          // Screens on the software model take milliseconds; an RTL measurement can take
          // minutes, so the user is told which map it is.
          if (rtl) {
            logger.info(fmt::format(
                "verify: tuning: measuring {} on the adjustable-length RTL (L at most {})",
                m.lengths_text(), c.max_length));
          }
          return c.judge(m, result.rows.tuning, rtl ? Measure::kTuningRtl : Measure::kSoftware,
                         config.alpha);
        },
        config.max_steps);
    map = std::move(refined.map);
    current = std::move(refined.judgement);
    result.steps = std::move(refined.steps);
    infeasible = std::move(refined.infeasible);
  } else {
    map = *start;
    c.max_length = adjustable_max_length(config, map);
  }

  // 2. The held-out judgement: once, on rows that chose nothing, at the attempt's significance.
  const AttemptLedger ledger(config.attempts_ledger);
  const bool tuned_pass = !start && current.pass() && infeasible.empty();
  const HeldOutStep held_out =
      judge_held_out(c, map, start.has_value(), tuned_pass, ledger, result);
  if (held_out.judgement) current = *held_out.judgement;
  // The judgement reported is the held-out one, or else the last tuning measurement's, made on
  // the adjustable build; the accuracy run measures the same RTL.
  const Measure verdict_rtl = held_out.judgement ? Measure::kSignoffRtl : Measure::kTuningRtl;
  result.rtl = rtl_text(c, verdict_rtl);

  // 3. Accuracy on the test split.
  if (!test.labels.empty() && current.measured()) {
    result.accuracy = measure_accuracy(c, map, test, verdict_rtl);
    if (!result.accuracy->rtl_bit_exact && current.bit_exact) {
      current.bit_exact = false;
      current.difference = "on the test images, " + result.accuracy->rtl_difference;
    }
    current.problems.insert(current.problems.end(), result.accuracy->rtl_problems.begin(),
                            result.accuracy->rtl_problems.end());
  }

  // 4. The verdict.
  result.signed_off =
      current.pass() && result.rows.problem.empty() && infeasible.empty() && (start || tuned_pass);
  result.map = map;
  result.verdict = verdict_text(result, current, held_out.failed, infeasible);
  record_measurements(current, result.signed_off, map);
  if (held_out.judged && current.measured()) {  // a failed simulation judged nothing
    ledger.record({result.rows.data_hash, result.rows.signoff, map_identity(map),
                   result.rows.attempt, result.signed_off});
  }
  if (!start) {
    map.provenance =
        model::MapProvenance{result.rows.data_hash, result.rows.rows, result.rows.calibration,
                             result.rows.tuning,    std::nullopt,     0};
    if (held_out.judged) {
      map.provenance->signoff = result.rows.signoff;
      map.provenance->signoff_attempt = result.rows.attempt;
    }
  }
  result.judgement = std::move(current);

  // 5. The cross-check of every bound, and the curves for the report.
  cross_check_bounds(result.judgement, curves_and_bounds(c, map, result.trials, result.curves),
                     config.alpha);
  result.map = std::move(map);
  logger.info(std::string("verify: ") + (result.signed_off ? "signed off: " : "not signed off: ") +
              result.verdict);
  return result;
}

}  // namespace scprec::loop
