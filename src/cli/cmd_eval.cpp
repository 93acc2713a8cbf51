// `scprec eval`: classification accuracy of the float, exact integer and SC models.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <optional>
#include <ostream>

#include "cli_parse.hpp"
#include "commands.hpp"
#include "model_options.hpp"
#include "scprec/core/error.hpp"
#include "scprec/model/evaluate.hpp"
#include "scprec/model/precision_map.hpp"
#include "scprec/model/sc_network.hpp"

namespace scprec::cli {
namespace {

std::string percent(std::size_t correct, std::size_t total) {
  return fmt::format("{:6.2f}%  ({}/{})",
                     100.0 * static_cast<double>(correct) / static_cast<double>(total), correct,
                     total);
}

}  // namespace

int run_eval(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  ModelOptions o;
  std::string split_name = "test";
  std::optional<std::size_t> length;
  CLI::App app(
      "Prints the classification accuracy of the float network, the exact integer "
      "(quantized) network and, with --length, the SC network with every layer at "
      "that length.",
      "eval");
  add_model_options(app, o);
  app.add_option("--split", split_name, "split to evaluate: test or calibration")
      ->capture_default_str();
  add_quantization_options(app, o);
  app.add_option("--length", length, "run the SC model with every layer at this length")
      ->check(check::kCount);
  add_generator_options(app, o);
  if (const auto code = parse_args(app, args, out, err)) return *code;

  if (length && (*length == 0 || (*length & (*length - 1)) != 0)) {
    throw_bad_input("--length", "", fmt::format("{} is not a power of two", *length),
                    "Give a bitstream length such as 64 or 256");
  }
  const LoadedModel loaded = load_model(o);
  const io::Split split = io::parse_split(split_name, "--split");
  const io::Dataset data =
      io::read_dataset(o.data, split, loaded.network.input_size(), loaded.network.output_size());
  if (data.labels.empty()) {
    err << "scprec eval: error: " << o.data << ": the " << io::to_string(split)
        << " split has no labels, so accuracy cannot be measured\n";
    return kExitBadInput;
  }
  const model::QuantizedNetwork& quantized = loaded.quantized;
  out << fmt::format("model     {}: {} ({} layers)\n", o.model, shape_text(loaded.network),
                     loaded.network.layers().size());
  out << fmt::format("data      {}, {} split: {} samples\n", o.data, io::to_string(split),
                     data.size());
  out << "float     "
      << percent(model::count_correct(loaded.network.forward(data.x), data.labels), data.size())
      << "\n";
  const Eigen::MatrixXd integer_logits = model::logits_of(
      quantized, data.x,
      [&](const model::Codes& codes) { return binary_forward(quantized, codes); }, o.threads);
  out << "integer   " << percent(model::count_correct(integer_logits, data.labels), data.size())
      << fmt::format("  {}-bit {}, scales from {} calibration samples\n", o.bits, o.encoding,
                     loaded.calibration.size());
  if (!length) return kExitOk;

  std::vector<std::optional<model::ScLayerConfig>> layers;
  for (std::size_t l = 0; l < quantized.layers.size(); ++l) {
    model::ScLayerConfig config;
    config.length = *length;
    config.generator = {generator_kind(o), o.generator_width, model::layer_seed(o.seed, l)};
    layers.emplace_back(config);
  }
  const model::ScNetworkModel sc(quantized, layers);
  const Eigen::MatrixXd sc_logits = model::logits_of(
      quantized, data.x, [&](const model::Codes& codes) { return sc.run(codes); }, o.threads);
  out << fmt::format("SC        {}  {} generator, every layer at L = {}\n",
                     percent(model::count_correct(sc_logits, data.labels), data.size()),
                     o.generator, *length);
  return kExitOk;
}

}  // namespace scprec::cli
