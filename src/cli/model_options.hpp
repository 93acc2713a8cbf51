// The options every model-driven command shares (model, data, quantization, generator), and
// loading what they name.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "scprec/assign/assigner.hpp"
#include "scprec/core/lanes.hpp"
#include "scprec/io/model_io.hpp"
#include "scprec/io/output_dir.hpp"
#include "scprec/model/network.hpp"
#include "scprec/model/quantize.hpp"

namespace scprec::cli {

/// Whether a command takes one generator and one scale rule, or searches several (assign,
/// verify, demo): the defaults differ, and only a search takes lists.
enum class DesignChoice { kOne, kSearched };

struct ModelOptions {
  std::string model;
  std::string manifest;
  std::string data;
  int bits = 8;
  std::string encoding = "sign-magnitude";
  std::string scale_quantile;  ///< "": the command's default (scale_quantiles)
  std::string generator;       ///< "": the command's default (generator_kinds)
  int generator_width = 32;
  std::uint64_t seed = 42;
  unsigned threads = 0;
  DesignChoice choice = DesignChoice::kOne;  ///< set by the add_*_options calls
};

/// Adds --model, --manifest and --data (both required).
void add_model_options(CLI::App& app, ModelOptions& options);
/// Adds --bits, --encoding and --scale-quantile (a list when searched).
void add_quantization_options(CLI::App& app, ModelOptions& options,
                              DesignChoice choice = DesignChoice::kOne);
/// Adds --generator (a list when searched), --generator-width, --seed and --threads.
void add_generator_options(CLI::App& app, ModelOptions& options,
                           DesignChoice choice = DesignChoice::kOne);

/// The input files those options name (--model, --manifest, --data), for
/// io::refuse_overwriting_inputs.
std::vector<io::NamedPath> model_inputs(const ModelOptions& options);

/// The model, its calibration split and the quantized network those options describe.
struct LoadedModel {
  model::Network network;
  io::Dataset calibration;
  model::QuantizedNetwork quantized;
  std::string hash;
};
LoadedModel load_model(const ModelOptions& options);

/// The scale quantiles --scale-quantile lists (each once; checked by the option), or the
/// default: assign::kScaleQuantiles for a search, else 1 (the maximum).
std::vector<double> scale_quantiles(const ModelOptions& options);
/// The quantization those options describe, at the first of scale_quantiles.
model::QuantConfig quant_config(const ModelOptions& options);

/// The generator those options describe, for a layer seed (default lfsr). Throws Error
/// (kBadInput) naming --generator for anything but one kind.
core::GeneratorKind generator_kind(const ModelOptions& options);
/// The generators those options list (comma-separated, each once), for a per-layer choice by
/// `method`. Default: lfsr and sobol for a search; lfsr for one value and for the binomial
/// bound, which models random bits only (assign::LayerBounds::applies).
std::vector<core::GeneratorKind> generator_kinds(const ModelOptions& options,
                                                 assign::Method method);

/// "784-128-64-10"; a conv layer (and a network that starts with one) as its pooled map,
/// "1x28x28-8x12x12-16x4x4-10".
std::string shape_text(const model::Network& network);

}  // namespace scprec::cli
