// Sensitivity sweeps. For every trial the all-exact integer run is computed once (its logits
// and the exact dot products of every call forward_codes makes: one per dense layer, one per
// position of a conv layer). Then for each (layer l, length L) the layer's SC model is built
// once and every trial is rerun with layer l's dot products taken from the SC counts; the
// layers before l are exact, so layer l sees the same codes as in the exact run (calls come in
// the same order) and its own error is |SC dot - exact dot|, the largest over its positions.
// Trials run in parallel; summaries use the empirical quantile.
#include "scprec/assign/sensitivity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "scprec/assign/propagation.hpp"
#include "scprec/core/error.hpp"
#include "scprec/core/parallel.hpp"
#include "scprec/model/precision_map.hpp"
#include "scprec/model/sc_layer.hpp"

namespace scprec::assign {
namespace {

struct TrialReference {
  model::Codes input;
  std::vector<std::vector<std::int64_t>> dots;  // per dot call (layer, then position), exact
  std::vector<std::int64_t> logits;             // integer
  Eigen::VectorXd float_logits;
};

std::vector<TrialReference> reference_runs(const model::Network& network,
                                           const model::QuantizedNetwork& quantized,
                                           const Eigen::MatrixXd& trials, unsigned threads) {
  const Eigen::MatrixXd float_logits = network.forward(trials);
  std::vector<TrialReference> references(static_cast<std::size_t>(trials.rows()));
  core::parallel_for(references.size(), threads, [&](std::size_t t) {
    TrialReference& ref = references[t];
    const Eigen::VectorXd x = trials.row(static_cast<Eigen::Index>(t)).transpose();
    ref.input = quantized.quantize_input(x.data());
    ref.logits =
        model::forward_codes(quantized, ref.input, [&](std::size_t l, const model::Codes& codes) {
          ref.dots.push_back(exact_dot(quantized.layers[l], codes));
          return ref.dots.back();
        }).logits;
    ref.float_logits = float_logits.row(static_cast<Eigen::Index>(t)).transpose();
  });
  return references;
}

double max_abs_difference(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
  double worst = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    worst = std::max(worst, std::fabs(static_cast<double>(a[k] - b[k])));
  }
  return worst;
}

SensitivityPoint measure_point(const model::QuantizedNetwork& quantized, std::size_t l,
                               std::size_t length, const SensitivityConfig& config,
                               const std::vector<double>& full_scales,
                               const std::vector<TrialReference>& references) {
  const model::QuantLayer& layer = quantized.layers[l];
  model::ScLayerConfig sc;
  sc.length = length;
  sc.generator = {config.generator, config.generator_width, model::layer_seed(config.seed, l)};
  const model::ScLayerModel sc_model(layer, quantized.config, sc);
  const double layer_unit = layer.weight_scale * layer.input_scale;
  const double output_scale = full_scales.back();
  const std::size_t trials = references.size();
  std::vector<double> vs_integer(trials);
  std::vector<double> vs_float(trials);
  std::vector<double> layer_errors(trials);
  core::parallel_for(trials, config.threads, [&](std::size_t t) {
    const TrialReference& ref = references[t];
    double layer_error = 0.0;
    std::size_t call = 0;  // the index of this dot call in ref.dots
    const model::NetworkRun run =
        model::forward_codes(quantized, ref.input, [&](std::size_t m, const model::Codes& codes) {
          const std::vector<std::int64_t>& exact = ref.dots[call++];
          if (m != l) return exact_dot(quantized.layers[m], codes);
          std::vector<std::int64_t> dot =
              sc_dot(layer, quantized.config, length, sc_model.run(codes));
          layer_error = std::max(layer_error, max_abs_difference(dot, exact));
          return dot;
        });
    double worst_float = 0.0;
    for (std::size_t k = 0; k < run.logits.size(); ++k) {
      const double value = static_cast<double>(run.logits[k]) * quantized.logit_scale();
      worst_float =
          std::max(worst_float, std::fabs(value - ref.float_logits(static_cast<Eigen::Index>(k))));
    }
    vs_integer[t] =
        max_abs_difference(run.logits, ref.logits) * quantized.logit_scale() / output_scale;
    vs_float[t] = worst_float / output_scale;
    layer_errors[t] = layer_error * layer_unit / full_scales[l];
  });
  SensitivityPoint point;
  point.length = length;
  point.output_vs_integer = summarize(vs_integer, config.quantile);
  point.output_vs_float = summarize(vs_float, config.quantile);
  point.layer_error = summarize(layer_errors, config.quantile);
  const double layer_real = point.layer_error.quantile * full_scales[l];
  point.gain =
      layer_real > 0.0 ? point.output_vs_integer.quantile * output_scale / layer_real : 0.0;
  return point;
}

void validate(const SensitivityConfig& config, const Eigen::MatrixXd& calibration) {
  if (config.lengths.empty()) {
    throw_bad_input("", "lengths", "no lengths to analyse", "Give at least one length");
  }
  const auto available = static_cast<std::size_t>(calibration.rows());
  if (config.n_trials == 0 || config.n_trials > available) {
    throw_bad_input("", "trials",
                    std::to_string(config.n_trials) + " trials asked for, " +
                        std::to_string(available) + " calibration inputs available",
                    "Use between 1 and " + std::to_string(available) + " trials");
  }
  if (!(config.quantile > 0.0 && config.quantile <= 1.0)) {
    throw_bad_input("", "quantile",
                    "level " + std::to_string(config.quantile) + " is outside (0, 1]",
                    "Give a level such as 0.95");
  }
}

nlohmann::json summary_json(const ErrorSummary& s) {
  return {{"mean", s.mean}, {"quantile", s.quantile}, {"max", s.max}};
}

}  // namespace

SensitivityReport analyze_sensitivity(const model::Network& network,
                                      const model::QuantizedNetwork& quantized,
                                      const Eigen::MatrixXd& calibration,
                                      const SensitivityConfig& config, Logger& logger) {
  validate(config, calibration);
  SensitivityReport report;
  report.config = config;
  report.trials = config.n_trials;
  report.full_scales = model::layer_full_scales(network, calibration);
  const Eigen::MatrixXd trials = calibration.topRows(static_cast<Eigen::Index>(config.n_trials));
  const std::vector<TrialReference> references =
      reference_runs(network, quantized, trials, config.threads);

  std::vector<double> floor(references.size());
  for (std::size_t t = 0; t < references.size(); ++t) {
    const Eigen::VectorXd integer =
        Eigen::Map<const Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>>(
            references[t].logits.data(), static_cast<Eigen::Index>(references[t].logits.size()))
            .cast<double>() *
        quantized.logit_scale();
    floor[t] =
        (integer - references[t].float_logits).cwiseAbs().maxCoeff() / report.full_scales.back();
  }
  report.integer_vs_float = summarize(floor, config.quantile);

  for (std::size_t l = 0; l < quantized.layers.size(); ++l) {
    LayerSensitivity layer;
    layer.index = l;
    layer.name = quantized.layers[l].name;
    double log_score = 0.0;
    for (std::size_t length : config.lengths) {
      layer.points.push_back(
          measure_point(quantized, l, length, config, report.full_scales, references));
      const SensitivityPoint& p = layer.points.back();
      logger.info(fmt::format(
          "analyze: layer {} ({} -> {}) L={} {}: output error q{:g} {:.3g} (vs float {:.3g}), "
          "layer error {:.3g}",
          layer.name, quantized.layers[l].inputs, quantized.layers[l].outputs, length,
          core::to_string(config.generator), 100 * config.quantile, p.output_vs_integer.quantile,
          p.output_vs_float.quantile, p.layer_error.quantile));
      log_score += std::log(std::max(p.output_vs_integer.quantile, 1e-300) *
                            std::sqrt(static_cast<double>(length)));
    }
    layer.score = std::exp(log_score / static_cast<double>(config.lengths.size()));
    report.layers.push_back(std::move(layer));
  }
  return report;
}

std::string sensitivity_json(const SensitivityReport& report) {
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerSensitivity& layer : report.layers) {
    nlohmann::json points = nlohmann::json::array();
    for (const SensitivityPoint& p : layer.points) {
      points.push_back({{"length", p.length},
                        {"output_vs_integer", summary_json(p.output_vs_integer)},
                        {"output_vs_float", summary_json(p.output_vs_float)},
                        {"layer_error", summary_json(p.layer_error)},
                        {"gain", p.gain}});
    }
    layers.push_back(
        {{"index", layer.index}, {"name", layer.name}, {"score", layer.score}, {"points", points}});
  }
  const nlohmann::json json = {{"schema", "scprec.sensitivity/1"},
                               {"trials", report.trials},
                               {"seed", report.config.seed},
                               {"generator",
                                {{"kind", core::to_string(report.config.generator)},
                                 {"width", report.config.generator_width}}},
                               {"quantile", report.config.quantile},
                               {"errors", "relative: max |difference| over outputs / full scale"},
                               {"full_scales", report.full_scales},
                               {"integer_vs_float", summary_json(report.integer_vs_float)},
                               {"layers", layers}};
  return json.dump(2) + "\n";
}

}  // namespace scprec::assign
