// The options every model-driven command shares (model, data, quantization, generator), and
// loading what they name.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "scprec/core/lanes.hpp"
#include "scprec/io/model_io.hpp"
#include "scprec/io/output_dir.hpp"
#include "scprec/model/network.hpp"
#include "scprec/model/quantize.hpp"

namespace scprec::cli {

struct ModelOptions {
  std::string model;
  std::string manifest;
  std::string data;
  int bits = 8;
  std::string encoding = "sign-magnitude";
  double scale_quantile = 1.0;
  std::string generator = "lfsr";
  int generator_width = 32;
  std::uint64_t seed = 42;
  unsigned threads = 0;
};

/// Adds --model, --manifest and --data (both required).
void add_model_options(CLI::App& app, ModelOptions& options);
/// Adds --bits, --encoding and --scale-quantile.
void add_quantization_options(CLI::App& app, ModelOptions& options);
/// Whether a command runs one generator or chooses one per layer among several.
enum class GeneratorChoice { kOne, kPerLayer };
/// Adds --generator, --generator-width, --seed and --threads.
void add_generator_options(CLI::App& app, ModelOptions& options,
                           GeneratorChoice choice = GeneratorChoice::kOne);

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

/// The quantization those options describe.
model::QuantConfig quant_config(const ModelOptions& options);

/// The generator those options describe, for a layer seed. Throws Error (kBadInput) naming
/// --generator for anything but one kind.
core::GeneratorKind generator_kind(const ModelOptions& options);
/// The generators those options list (comma-separated, each once), for a per-layer choice.
std::vector<core::GeneratorKind> generator_kinds(const ModelOptions& options);

/// "784-128-64-10".
std::string shape_text(const model::Network& network);

}  // namespace scprec::cli
