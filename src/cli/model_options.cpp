// Shared model options and loading.
#include "model_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "cli_parse.hpp"
#include "scprec/assign/scale_choice.hpp"
#include "scprec/core/error.hpp"

namespace scprec::cli {

void add_model_options(CLI::App& app, ModelOptions& o) {
  app.add_option("--model", o.model, "model: a state_dict .npz or an ONNX file (by content)")
      ->required();
  app.add_option("--manifest", o.manifest,
                 "JSON manifest giving each layer's activation (.npz models)");
  app.add_option("--data", o.data, "data .npz: x, y (calibration) and x_test, y_test")->required();
}

void add_quantization_options(CLI::App& app, ModelOptions& o, DesignChoice choice) {
  o.choice = choice;
  app.add_option("--bits", o.bits, "activation and weight precision B")
      ->check(check::range(2, 12))
      ->capture_default_str();
  app.add_option("--encoding", o.encoding, "sign-magnitude or bipolar")->capture_default_str();
  if (choice == DesignChoice::kOne) {
    app.add_option("--scale-quantile", o.scale_quantile,
                   "hidden layers' scales: this quantile of their positive calibration "
                   "activations (default 1: the maximum; below, larger activations saturate)")
        ->check(check::kQuantile);
    return;
  }
  app.add_option("--scale-quantile", o.scale_quantile,
                 fmt::format("hidden layers' scale rules to search: quantiles of their positive "
                             "calibration activations, comma-separated (default {}; 1: the "
                             "maximum)",
                             fmt::join(assign::kScaleQuantiles, ",")))
      ->check(check::kQuantileList);
}

void add_generator_options(CLI::App& app, ModelOptions& o, DesignChoice choice) {
  o.choice = choice;
  app.add_option("--generator", o.generator,
                 choice == DesignChoice::kOne
                     ? "lfsr, sobol or shared-lfsr (default lfsr)"
                     : "lfsr, sobol, shared-lfsr, or a list of them (e.g. lfsr,sobol), searched "
                       "per layer (default lfsr,sobol; "
                       "lfsr with --method binomial, which models random bits only)");
  app.add_option("--generator-width", o.generator_width, "LFSR width / Sobol precision in bits")
      ->check(check::range(4, 32))
      ->capture_default_str();
  app.add_option("--seed", o.seed, "generator seed of layer 0 (layer l uses seed + l)")
      ->check(check::kCount)
      ->capture_default_str();
  app.add_option("--threads", o.threads, "worker threads (0: one per core)")
      ->check(check::range(0, 1024));
}

std::vector<io::NamedPath> model_inputs(const ModelOptions& o) {
  return {{"--model", o.model}, {"--manifest", o.manifest}, {"--data", o.data}};
}

LoadedModel load_model(const ModelOptions& o) {
  model::Network network = io::read_model(o.model, o.manifest);
  io::Dataset calibration = io::read_dataset(o.data, io::Split::kCalibration, network);
  const model::QuantConfig quant = quant_config(o);
  model::QuantizedNetwork quantized = model::quantize(network, calibration.x, quant);
  std::string hash = io::network_hash(network);
  return {std::move(network), std::move(calibration), std::move(quantized), std::move(hash)};
}

std::vector<double> scale_quantiles(const ModelOptions& o) {
  if (o.scale_quantile.empty()) {
    if (o.choice == DesignChoice::kOne) return {1.0};
    return {std::begin(assign::kScaleQuantiles), std::end(assign::kScaleQuantiles)};
  }
  std::vector<double> quantiles;
  for (const std::string& item : split_list(o.scale_quantile)) {
    double value = 1.0;
    check::detail::as_double(item, value);  // the option's check has read it already
    quantiles.push_back(value);
  }
  return quantiles;
}

model::QuantConfig quant_config(const ModelOptions& o) {
  return {o.bits, core::parse_encoding(o.encoding, "--encoding"), scale_quantiles(o).front()};
}

core::GeneratorKind generator_kind(const ModelOptions& o) {
  if (o.generator.empty()) return core::GeneratorKind::kLfsr;
  return core::parse_generator_kind(o.generator, "--generator");
}

std::vector<core::GeneratorKind> generator_kinds(const ModelOptions& o, assign::Method method) {
  if (o.generator.empty()) {
    // The binomial bound models random bits only (assign::LayerBounds::applies).
    if (o.choice == DesignChoice::kSearched && method != assign::Method::kBinomial) {
      return {core::GeneratorKind::kLfsr, core::GeneratorKind::kSobol};
    }
    return {core::GeneratorKind::kLfsr};
  }
  std::vector<core::GeneratorKind> kinds;
  for (const std::string& item : split_list(o.generator)) {
    const core::GeneratorKind kind = core::parse_generator_kind(item, "--generator");
    if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) {
      throw_bad_input("", "--generator", core::to_string(kind) + " is listed twice",
                      "List each generator once, e.g. lfsr,sobol");
    }
    kinds.push_back(kind);
  }
  return kinds;
}

namespace {

// "784", or a map's "1x28x28".
std::string map_text(const model::MapShape& shape, bool as_map) {
  if (!as_map) return std::to_string(shape.size());
  return fmt::format("{}x{}x{}", shape.channels, shape.height, shape.width);
}

}  // namespace

std::string shape_text(const model::Network& network) {
  const model::Layer& first = network.layers().front();
  std::string text = map_text(first.input_shape(), first.conv.has_value());
  for (const model::Layer& layer : network.layers()) {
    text += "-" + map_text(layer.pooled_shape(), layer.conv.has_value());
  }
  return text;
}

}  // namespace scprec::cli
