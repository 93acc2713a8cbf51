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
  std::string generator = "lfsr";
  int generator_width = 32;
  std::uint64_t seed = 42;
  unsigned threads = 0;
};

/// Adds --model, --manifest and --data (both required).
void add_model_options(CLI::App& app, ModelOptions& options);
/// Adds --bits and --encoding.
void add_quantization_options(CLI::App& app, ModelOptions& options);
/// Adds --generator, --generator-width, --seed and --threads.
void add_generator_options(CLI::App& app, ModelOptions& options);

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

/// The generator those options describe, for a layer seed.
core::GeneratorKind generator_kind(const ModelOptions& options);

/// "784-128-64-10".
std::string shape_text(const model::Network& network);

}  // namespace scprec::cli
