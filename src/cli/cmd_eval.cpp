// `scprec eval`: classification accuracy of the float, exact integer and SC models.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <optional>
#include <ostream>

#include "cli_parse.hpp"
#include "commands.hpp"
#include "scprec/io/model_io.hpp"
#include "scprec/model/evaluate.hpp"
#include "scprec/model/sc_network.hpp"

namespace scprec::cli {
namespace {

struct EvalOptions {
  std::string model;
  std::string manifest;
  std::string data;
  std::string split = "test";
  int bits = 8;
  std::string encoding = "sign-magnitude";
  std::size_t length = 0;
  std::string generator = "lfsr";
  int width = 32;
  std::uint64_t seed = 1;
  unsigned threads = 0;
};

std::string percent(std::size_t correct, std::size_t total) {
  return fmt::format("{:6.2f}%  ({}/{})",
                     100.0 * static_cast<double>(correct) / static_cast<double>(total), correct,
                     total);
}

std::string shape_text(const model::Network& network) {
  std::string text = std::to_string(network.input_size());
  for (const model::DenseLayer& layer : network.layers())
    text += "-" + std::to_string(layer.outputs());
  return text;
}

}  // namespace

int run_eval(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  EvalOptions o;
  CLI::App app(
      "Prints the classification accuracy of the float network, the exact integer "
      "(quantized) network and, with --length, the SC network with every layer at "
      "that length.",
      "eval");
  app.add_option("--model", o.model, "model .npz (PyTorch state_dict naming)")->required();
  app.add_option("--manifest", o.manifest, "JSON manifest giving each layer's activation");
  app.add_option("--data", o.data, "data .npz: x, y (calibration) and x_test, y_test")->required();
  app.add_option("--split", o.split, "split to evaluate: test or calibration")
      ->capture_default_str();
  app.add_option("--bits", o.bits, "activation and weight precision B")->capture_default_str();
  app.add_option("--encoding", o.encoding, "sign-magnitude or bipolar")->capture_default_str();
  app.add_option("--length", o.length, "run the SC model with every layer at this length");
  app.add_option("--generator", o.generator, "lfsr or sobol")->capture_default_str();
  app.add_option("--generator-width", o.width, "LFSR width / Sobol precision in bits")
      ->capture_default_str();
  app.add_option("--seed", o.seed, "generator seed of layer 0 (layer l uses seed + l)")
      ->capture_default_str();
  app.add_option("--threads", o.threads, "worker threads (0: one per core)");
  if (const auto code = parse_args(app, args, out, err)) return *code;

  const model::Network network = io::read_model(o.model, o.manifest);
  const io::Split split = io::parse_split(o.split, "--split");
  const io::Dataset data =
      io::read_dataset(o.data, split, network.input_size(), network.output_size());
  if (data.labels.empty()) {
    err << "scprec eval: error: " << o.data << ": the " << io::to_string(split)
        << " split has no labels, so accuracy cannot be measured\n";
    return kExitBadInput;
  }
  const io::Dataset calibration =
      io::read_dataset(o.data, io::Split::kCalibration, network.input_size());
  const model::QuantConfig quant{o.bits, core::parse_encoding(o.encoding, "--encoding")};
  const model::QuantizedNetwork quantized = model::quantize(network, calibration.x, quant);

  out << fmt::format("model     {}: {} ({} layers)\n", o.model, shape_text(network),
                     network.layers().size());
  out << fmt::format("data      {}, {} split: {} samples\n", o.data, io::to_string(split),
                     data.size());
  out << "float     "
      << percent(model::count_correct(network.forward(data.x), data.labels), data.size()) << "\n";
  const Eigen::MatrixXd integer_logits = model::logits_of(
      quantized, data.x,
      [&](const model::Codes& codes) { return binary_forward(quantized, codes); }, o.threads);
  out << "integer   " << percent(model::count_correct(integer_logits, data.labels), data.size())
      << fmt::format("  {}-bit {}, scales from {} calibration samples\n", o.bits, o.encoding,
                     calibration.size());
  if (o.length == 0) return kExitOk;

  std::vector<std::optional<model::ScLayerConfig>> layers;
  for (std::size_t l = 0; l < quantized.layers.size(); ++l) {
    model::ScLayerConfig config;
    config.length = o.length;
    config.generator = {core::parse_generator_kind(o.generator, "--generator"), o.width,
                        o.seed + l};
    layers.emplace_back(config);
  }
  const model::ScNetworkModel sc(quantized, layers);
  const Eigen::MatrixXd sc_logits = model::logits_of(
      quantized, data.x, [&](const model::Codes& codes) { return sc.run(codes); }, o.threads);
  out << fmt::format("SC        {}  {} generator, every layer at L = {}\n",
                     percent(model::count_correct(sc_logits, data.labels), data.size()),
                     o.generator, o.length);
  return kExitOk;
}

}  // namespace scprec::cli
