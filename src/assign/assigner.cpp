// assign_lengths: predicted per-layer contributions to the output error for every candidate
// length, then the exact optimum over the choices (optimizer.cpp).
//
// Error model. contribution_l(L) is layer l's share of the relative output error at
// confidence 1 - delta / layers, for each of the layer's generators: for a bound,
// gain_l * the layer's error bound at L / output full scale, the bound taken on the stream model
// of the generator's lanes (LayerBounds: LFSR and shared-LFSR lanes as random bits, Sobol lanes
// as shifted nets); for sensitivity, the measured quantile of the output error when only layer l
// runs in SC on that generator. Empirical gains are the median of the measured gains at fixed
// lengths (128, 256, 512), so they do not depend on the candidate range. With probability at least
// 1 - delta every layer is within its contribution (union bound).
// - union: the output error is then at most the sum of the contributions (errors add through
//   the gains): a bound, and on the example 1.5 to 1.9 times the measured all-SC error.
// - rss (default): sqrt(sum of squares), as for independent, roughly symmetric errors; layers
//   run on independent lanes. On the example it is within -8% / +14% of the measured all-SC
//   error for L = 64 .. 1024 (docs/bounds.md, "Composing layers").
// Both are additive (in c or in c^2), so the optimum over the choices stays exact.
#include "scprec/assign/assigner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "scprec/assign/layer_bounds.hpp"
#include "scprec/assign/net_bounds.hpp"
#include "scprec/assign/optimizer.hpp"
#include "scprec/assign/propagation.hpp"
#include "scprec/core/enum_names.hpp"
#include "scprec/core/error.hpp"
#include "scprec/model/sc_layer.hpp"

namespace scprec::assign {
namespace {

Bound bound_of(Method method) {
  switch (method) {
    case Method::kChebyshev:
      return Bound::kChebyshev;
    case Method::kBernstein:
      return Bound::kBernstein;
    case Method::kBinomial:
      return Bound::kBinomial;
    default:
      return Bound::kHoeffding;
  }
}

// One block of candidates per generator, as predict_from_sensitivity lays them out: gains[g]
// holds every layer's gain on generator g. A candidate whose lanes the bound does not model
// (Sobol lanes beyond net_model_covers) is predicted an infinite error.
LengthPredictions predict_from_bounds(Bound bound, const model::QuantizedNetwork& quantized,
                                      const Eigen::MatrixXd& calibration,
                                      const AssignConfig& config,
                                      const std::vector<std::size_t>& lengths, double layer_delta,
                                      const std::vector<double>& full_scales,
                                      const std::vector<std::vector<double>>& gains,
                                      Logger& logger) {
  LengthPredictions p;
  p.generators = config.generators;
  const std::size_t layers = quantized.layers.size();
  p.contribution.resize(layers);
  p.layer_error.resize(layers);
  p.gains.resize(layers);
  const std::vector<std::vector<model::Codes>> inputs = layer_inputs(quantized, calibration);
  for (std::size_t g = 0; g < config.generators.size(); ++g) {
    const core::GeneratorKind generator = config.generators[g];
    for (std::size_t l = 0; l < layers; ++l) {
      const model::QuantLayer& layer = quantized.layers[l];
      logger.info(fmt::format("assign: {} bound of layer {} ({}) over {} calibration inputs",
                              to_string(bound), layer.name, stream_model_text(generator),
                              inputs[l].size()));
      const LayerBounds bounds(layer, quantized.config, generator, config.analysis.generator_width,
                               inputs[l], lengths, config.analysis.threads);
      for (std::size_t length : lengths) {
        // A candidate no model bounds is never chosen.
        const double error = bounds.applies(bound, length)
                                 ? bounds.error_bound(bound, length, layer_delta)
                                 : std::numeric_limits<double>::infinity();
        p.layer_error[l].push_back(error / full_scales[l]);
        p.contribution[l].push_back(gains[g][l] * error / full_scales.back());
      }
      p.gains[l].push_back(gains[g][l]);
    }
  }
  return p;
}

// The median of a layer's gains over the lengths measured (the mean of the middle two for an
// even count).
double median_gain(const LayerSensitivity& layer) {
  std::vector<double> gains;
  for (const SensitivityPoint& point : layer.points) gains.push_back(point.gain);
  std::sort(gains.begin(), gains.end());
  const std::size_t n = gains.size();
  return n % 2 == 1 ? gains[n / 2] : (gains[n / 2 - 1] + gains[n / 2]) / 2.0;
}

// One report per generator, in the order of `generators`.
LengthPredictions predict_from_sensitivity(const std::vector<SensitivityReport>& reports,
                                           const std::vector<core::GeneratorKind>& generators) {
  LengthPredictions p;
  p.generators = generators;
  const std::size_t layers = reports.front().layers.size();
  p.contribution.resize(layers);
  p.layer_error.resize(layers);
  p.gains.resize(layers);
  p.scores.resize(layers);
  for (const SensitivityReport& report : reports) {
    for (std::size_t l = 0; l < layers; ++l) {
      const LayerSensitivity& layer = report.layers[l];
      for (const SensitivityPoint& point : layer.points) {
        p.contribution[l].push_back(point.output_vs_integer.quantile);
        p.layer_error[l].push_back(point.layer_error.quantile);
      }
      p.gains[l].push_back(layer.points.front().gain);
      p.scores[l].push_back(layer.score);
    }
  }
  return p;
}

void validate(const AssignConfig& config, const model::QuantizedNetwork& quantized,
              const std::vector<std::size_t>& lengths) {
  if (!(config.confidence > 0.0 && config.confidence < 1.0)) {
    throw_bad_input("", "confidence", fmt::format("{} is outside (0, 1)", config.confidence),
                    "Give a confidence such as 0.95");
  }
  if (!config.total_budget && !(config.target_error > 0.0 && std::isfinite(config.target_error))) {
    throw_bad_input("", "target error",
                    fmt::format("{} is not a positive finite number", config.target_error),
                    "Give a target such as 0.01 (1% of the output's full scale)");
  }
  if (!config.layer_names.empty() && config.layer_names.size() != quantized.layers.size()) {
    throw_bad_input(
        "", "layer names",
        fmt::format("{} names for {} layers", config.layer_names.size(), quantized.layers.size()),
        "Give one name per layer");
  }
  for (std::size_t l = 0; l < config.layer_names.size(); ++l) {
    if (config.layer_names[l] != quantized.layers[l].name) {
      throw_bad_input("", fmt::format("layer names[{}]", l),
                      fmt::format("'{}' but the model's layer {} is '{}'", config.layer_names[l], l,
                                  quantized.layers[l].name),
                      "Map rows carry the model's layer names, which every later command checks; "
                      "give the model's names, in order, or none");
    }
  }
  const std::size_t longest = model::longest_length(quantized.config);
  if (config.max_length > longest) {
    throw_bad_input(
        "", "max length", model::length_limit_problem(config.max_length, quantized.config),
        fmt::format("Give --max-length {} or less, or quantize to more --bits", longest));
  }
  if (config.generators.empty()) {
    throw_bad_input("", "generators", "none given",
                    "Give one or more of lfsr, sobol and shared-lfsr");
  }
  for (std::size_t g = 0; g < config.generators.size(); ++g) {
    if (std::count(config.generators.begin(), config.generators.begin() + g,
                   config.generators[g]) != 0) {
      throw_bad_input("", "generators", core::to_string(config.generators[g]) + " is given twice",
                      "Give each generator once");
    }
  }
  const bool sobol = std::count(config.generators.begin(), config.generators.end(),
                                core::GeneratorKind::kSobol) != 0;
  if (config.method == Method::kBinomial && sobol) {
    throw_bad_input("", "generators", "the binomial bound does not model Sobol lanes",
                    "Its exact tails are those of random bits; use --generator lfsr or "
                    "shared-lfsr, or "
                    "--method hoeffding, chebyshev or bernstein, whose inequalities also hold "
                    "for Sobol lanes modelled as shifted nets, or --method sensitivity");
  }
  if (config.method != Method::kSensitivity && config.generators.size() == 1 && sobol &&
      !net_model_covers(quantized.config.bits, lengths.front())) {
    throw_bad_input("", "generators",
                    fmt::format("no bound models Sobol lanes of {}-bit comparators at {} cycles "
                                "(the shifted-net model covers at most {} bits and 4^bits x L "
                                "<= 2^32)",
                                quantized.config.bits, lengths.front(), kMaxNetBits),
                    "Use --generator lfsr, fewer --bits, or --method sensitivity, which measures");
  }
  for (const model::QuantLayer& layer : quantized.layers) {
    for (core::GeneratorKind generator : config.generators) {
      model::ScLayerConfig sc;
      sc.generator = {generator, config.analysis.generator_width, 1};
      for (std::size_t length : lengths) {
        sc.length = length;
        model::validate(sc, layer, quantized.config);
      }
    }
  }
}

std::vector<std::vector<LayerOption>> layer_options(const LengthPredictions& p,
                                                    const model::QuantizedNetwork& quantized,
                                                    const std::vector<std::size_t>& lengths,
                                                    CostModel cost) {
  std::vector<std::vector<LayerOption>> options(quantized.layers.size());
  for (std::size_t l = 0; l < options.size(); ++l) {
    const model::QuantLayer& layer = quantized.layers[l];
    const double synapses = static_cast<double>(layer.inputs * layer.outputs);
    for (std::size_t c = 0; c < p.contribution[l].size(); ++c) {
      const std::size_t length = lengths[c % lengths.size()];
      const double cycles = static_cast<double>(layer.positions() * length);
      options[l].push_back(LayerOption{
          length, cost == CostModel::kCycles ? cycles : cycles * synapses, p.contribution[l][c]});
    }
  }
  return options;
}

// What a composed prediction is: an estimate (rss) or a bound (union).
std::string composition_label(const AssignConfig& config) {
  return config.composition == Composition::kRootSumSquare ? "rss estimate" : "union bound";
}

// What to try when no candidate lengths meet the target, for the method that was used.
std::string infeasible_target_remedy(const AssignConfig& config) {
  std::string remedy = "Raise --max-length, or relax --target-error or --confidence";
  if (config.method != Method::kSensitivity) {
    remedy += ", or use --method sensitivity (bounds are conservative)";
  } else if (config.composition == Composition::kUnion) {
    remedy += ", or use --compose rss (the union's sum overstates the error)";
  }
  return remedy;
}

// The optimum under config's mode and composition. rss works on squared contributions (their
// sum against the squared target), so both compositions are additive; errors are reported
// composed again.
Selection optimise(std::vector<std::vector<LayerOption>> options,
                   const model::QuantizedNetwork& quantized, const AssignConfig& config) {
  const bool rss = config.composition == Composition::kRootSumSquare;
  if (rss) {
    for (auto& layer : options) {
      for (LayerOption& option : layer) option.error *= option.error;
    }
  }
  const auto compose = [&](double error) { return rss ? std::sqrt(error) : error; };
  if (config.total_budget) {
    std::size_t runs = 0;  // L-cycle runs per input: a dense layer's one, a conv layer's positions
    for (std::size_t l = 0; l < options.size(); ++l) {
      const std::size_t positions = quantized.layers[l].positions();
      runs += positions;
      for (LayerOption& option : options[l]) {
        option.cost = static_cast<double>(positions * option.length);
      }
    }
    auto best = least_error_within_cost(options, static_cast<double>(*config.total_budget));
    if (!best) {
      // Every layer's options start at the shortest candidate: the first power of two
      // >= min_length.
      const std::size_t shortest = options.front().front().length;
      throw_bad_input(
          "", "budget",
          fmt::format("{} cycles cannot hold {} layers{} of at least {} cycles (the shortest "
                      "power of two >= --min-length {})",
                      *config.total_budget, options.size(),
                      runs == options.size()
                          ? ""
                          : fmt::format(" ({} runs of L cycles per input, a conv layer's one "
                                        "per position)",
                                        runs),
                      shortest, config.min_length),
          fmt::format("The smallest feasible budget is {} cycles (or lower "
                      "--min-length)",
                      runs * shortest));
    }
    best->error = compose(best->error);
    return *best;
  }
  const double target = rss ? config.target_error * config.target_error : config.target_error;
  auto best = cheapest_within_error(options, target);
  if (!best) {
    // Every layer at the longest length, on whichever of its generators predicts less.
    const std::size_t longest = options.front().back().length;
    std::vector<double> least(options.size(), std::numeric_limits<double>::infinity());
    double total = 0.0;
    std::size_t worst = 0;
    for (std::size_t l = 0; l < options.size(); ++l) {
      for (const LayerOption& option : options[l]) {
        if (option.length == longest) least[l] = std::min(least[l], option.error);
      }
      total += least[l];
      if (least[l] > least[worst]) worst = l;
    }
    throw_bad_input(
        "", "target error",
        fmt::format("the best achievable prediction, every layer at {} cycles{}, is an output "
                    "error of {:.4g} ({}), above the target {:.4g}; layer {} alone contributes "
                    "{:.4g}",
                    longest, config.generators.size() > 1 ? " on its better generator" : "",
                    compose(total), composition_label(config), config.target_error,
                    quantized.layers[worst].name, compose(least[worst])),
        infeasible_target_remedy(config));
  }
  best->error = compose(best->error);
  return *best;
}

}  // namespace

constexpr EnumName<Method> kMethodNames[] = {{Method::kHoeffding, "hoeffding"},
                                             {Method::kChebyshev, "chebyshev"},
                                             {Method::kBernstein, "bernstein"},
                                             {Method::kBinomial, "binomial"},
                                             {Method::kSensitivity, "sensitivity"}};
constexpr EnumName<GainModel> kGainNames[] = {{GainModel::kEmpirical, "empirical"},
                                              {GainModel::kAnalytic, "analytic"}};
constexpr EnumName<CostModel> kCostNames[] = {{CostModel::kCycles, "cycles"},
                                              {CostModel::kSynapseCycles, "synapse-cycles"}};
constexpr EnumName<Composition> kCompositionNames[] = {{Composition::kRootSumSquare, "rss"},
                                                       {Composition::kUnion, "union"}};

std::string to_string(Method method) {
  return enum_name(kMethodNames, method);
}
Method parse_method(const std::string& text, const std::string& field) {
  return parse_enum_name(kMethodNames, text, "method", field);
}
std::string to_string(GainModel gain) {
  return enum_name(kGainNames, gain);
}
GainModel parse_gain_model(const std::string& text, const std::string& field) {
  return parse_enum_name(kGainNames, text, "gain model", field);
}
std::string to_string(CostModel cost) {
  return enum_name(kCostNames, cost);
}
CostModel parse_cost_model(const std::string& text, const std::string& field) {
  return parse_enum_name(kCostNames, text, "cost", field);
}
std::string to_string(Composition composition) {
  return enum_name(kCompositionNames, composition);
}
Composition parse_composition(const std::string& text, const std::string& field) {
  return parse_enum_name(kCompositionNames, text, "composition", field);
}

std::vector<std::size_t> gain_reference_lengths(const model::QuantConfig& quant,
                                                core::GeneratorKind generator, int width) {
  std::size_t longest = model::longest_length(quant);
  if (generator == core::GeneratorKind::kSobol && width < 63) {
    longest = std::min(longest, std::size_t{1} << width);
  }
  std::vector<std::size_t> lengths;
  for (std::size_t length : kGainReferenceLengths) {
    if (length <= longest) lengths.push_back(length);
  }
  if (lengths.empty()) lengths.push_back(longest);
  return lengths;
}

std::optional<std::size_t> LengthPredictions::candidate(core::GeneratorKind generator,
                                                        std::size_t length) const {
  const auto g = std::find(generators.begin(), generators.end(), generator);
  const auto k = std::find(lengths.begin(), lengths.end(), length);
  if (g == generators.end() || k == lengths.end()) return std::nullopt;
  return static_cast<std::size_t>(g - generators.begin()) * lengths.size() +
         static_cast<std::size_t>(k - lengths.begin());
}

std::vector<std::size_t> candidate_lengths(std::size_t min_length, std::size_t max_length) {
  std::vector<std::size_t> lengths;
  for (std::size_t length = 1; length <= max_length && length != 0; length <<= 1) {
    if (length >= min_length) lengths.push_back(length);
  }
  if (min_length > max_length || lengths.empty()) {
    throw_bad_input("", "length range",
                    fmt::format("[{}, {}] holds no power of two", min_length, max_length),
                    "Give --min-length <= --max-length with a power of two between them");
  }
  return lengths;
}

LengthPredictions predict_lengths(const model::Network& network,
                                  const model::QuantizedNetwork& quantized,
                                  const Eigen::MatrixXd& calibration, const AssignConfig& config,
                                  Logger& logger) {
  const std::vector<std::size_t> lengths = candidate_lengths(config.min_length, config.max_length);
  validate(config, quantized, lengths);
  const std::size_t layers = quantized.layers.size();
  const double layer_delta = (1.0 - config.confidence) / static_cast<double>(layers);
  const std::vector<double> full_scales = model::layer_full_scales(network, calibration);

  // One sweep per generator (bound methods: for their empirical gains).
  std::vector<SensitivityReport> reports;
  const bool measure =
      config.method == Method::kSensitivity || config.gain == GainModel::kEmpirical;
  for (core::GeneratorKind generator : config.generators) {
    if (!measure) break;
    SensitivityConfig sc = config.analysis;
    sc.generator = generator;
    sc.quantile = 1.0 - layer_delta;
    sc.lengths = config.method == Method::kSensitivity
                     ? lengths
                     : gain_reference_lengths(quantized.config, sc.generator, sc.generator_width);
    sc.n_trials = std::min<std::size_t>(sc.n_trials, static_cast<std::size_t>(calibration.rows()));
    reports.push_back(analyze_sensitivity(network, quantized, calibration, sc, logger));
  }
  LengthPredictions p;
  if (config.method == Method::kSensitivity) {
    p = predict_from_sensitivity(reports, config.generators);
  } else {
    std::vector<std::vector<double>> gains(config.generators.size(), analytic_gains(network));
    if (measure) {
      for (std::size_t g = 0; g < gains.size(); ++g) {
        for (std::size_t l = 0; l < layers; ++l) gains[g][l] = median_gain(reports[g].layers[l]);
      }
    }
    p = predict_from_bounds(bound_of(config.method), quantized, calibration, config, lengths,
                            layer_delta, full_scales, gains, logger);
    for (std::size_t l = 0; l < layers; ++l) {
      p.scores.emplace_back();
      for (std::size_t g = 0; g < gains.size(); ++g) {
        p.scores[l].push_back(measure ? reports[g].layers[l].score : 0.0);
      }
    }
  }
  p.lengths = lengths;
  p.output_full_scale = full_scales.back();
  return p;
}

model::PrecisionMap assign_lengths(const model::Network& network,
                                   const model::QuantizedNetwork& quantized,
                                   const Eigen::MatrixXd& calibration, const AssignConfig& config,
                                   Logger& logger) {
  return assign_from_predictions(predict_lengths(network, quantized, calibration, config, logger),
                                 quantized, config, logger);
}

model::PrecisionMap assign_from_predictions(const LengthPredictions& p,
                                            const model::QuantizedNetwork& quantized,
                                            const AssignConfig& config, Logger& logger) {
  const std::vector<std::size_t>& lengths = p.lengths;
  const std::size_t layers = quantized.layers.size();
  const Selection best =
      optimise(layer_options(p, quantized, lengths, config.cost), quantized, config);

  model::PrecisionMap map;
  map.quant = quantized.config;
  map.activation_scales = model::activation_scales(quantized);
  map.generator_width = config.analysis.generator_width;
  map.seed = config.analysis.seed;
  map.targets.confidence = config.confidence;
  if (config.total_budget) {
    map.targets.budget = config.total_budget;
  } else {
    map.targets.error = config.target_error;
  }
  map.targets.cost = to_string(config.total_budget ? CostModel::kCycles : config.cost);
  map.targets.composition = to_string(config.composition);
  map.method = to_string(config.method);
  map.gain = config.method == Method::kSensitivity ? "measured" : to_string(config.gain);
  map.output_full_scale = p.output_full_scale;
  map.predicted_output_error = best.error;
  for (std::size_t l = 0; l < layers; ++l) {
    const std::size_t c = best.choice[l];
    const std::size_t g = c / lengths.size();
    model::LayerPrecision row;
    row.index = l;
    row.name = quantized.layers[l].name;
    row.inputs = quantized.layers[l].inputs;
    row.outputs = quantized.layers[l].outputs;
    row.positions = quantized.layers[l].positions();
    row.length = lengths[c % lengths.size()];
    row.generator = p.generators[g];
    row.seed = model::layer_seed(map.seed, l);
    row.method = map.method;
    row.predicted_error = p.layer_error[l][c];
    row.contribution = p.contribution[l][c];
    row.gain = p.gains[l][g];
    row.sensitivity = p.scores[l][g];
    map.layers.push_back(std::move(row));
  }
  logger.info(fmt::format("assign: {} total cycles, {} lanes, predicted output error {:.4g} ({})",
                          map.total_cycles(), map.generators_text(), map.predicted_output_error,
                          composition_label(config)));
  return map;
}

double composed_output_error(const model::PrecisionMap& map) {
  const bool rss = map.targets.composition == to_string(Composition::kRootSumSquare);
  double total = 0.0;
  for (const model::LayerPrecision& layer : map.layers) {
    total += rss ? layer.contribution * layer.contribution : layer.contribution;
  }
  return rss ? std::sqrt(total) : total;
}

}  // namespace scprec::assign
