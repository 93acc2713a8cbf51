// `scprec eval`: classification accuracy of the float, exact integer and SC models.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <optional>
#include <ostream>

#include "cli_parse.hpp"
#include "commands.hpp"
#include "model_options.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/precision_map_io.hpp"
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
  std::string map_path;
  CLI::App app(
      "Prints the classification accuracy of the float network, the exact integer "
      "(quantized) network and, with --length, the SC network with every layer at "
      "that length, or with --map, the SC network a precision map describes (its lengths, "
      "generators, seeds and scales).",
      "eval");
  add_model_options(app, o);
  app.add_option("--split", split_name, "split to evaluate: test or calibration")
      ->capture_default_str();
  add_quantization_options(app, o);
  auto* length_option =
      app.add_option("--length", length, "run the SC model with every layer at this length")
          ->check(check::kCount);
  app.add_option("--map", map_path, "run the SC model the precision map describes")
      ->excludes(length_option);
  add_generator_options(app, o);
  if (const auto code = parse_args(app, args, out, err)) return *code;

  if (length && (*length == 0 || (*length & (*length - 1)) != 0)) {
    throw_bad_input("--length", "", fmt::format("{} is not a power of two", *length),
                    "Give a bitstream length such as 64 or 256");
  }
  const LoadedModel loaded = load_model(o);
  std::optional<model::PrecisionMap> map;
  if (!map_path.empty()) {
    map = io::read_precision_map(map_path);
    model::check_map_matches(*map, loaded.network, loaded.hash, map_path);
  }
  const io::Split split = io::parse_split(split_name, "--split");
  const io::Dataset data = io::read_dataset(o.data, split, loaded.network);
  if (data.labels.empty()) {
    err << "scprec eval: error: " << o.data << ": the " << io::to_string(split)
        << " split has no labels, so accuracy cannot be measured\n";
    return kExitBadInput;
  }
  // A map's SC network runs at the map's scales; the integer network it is compared with too.
  const model::QuantizedNetwork quantized =
      map ? model::quantize_for_map(loaded.network, *map) : loaded.quantized;
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
      << (map ? fmt::format("  {}-bit {}, the map's scales\n", map->quant.bits,
                            core::to_string(map->quant.encoding))
              : fmt::format("  {}-bit {}, scales from {} calibration samples\n", o.bits, o.encoding,
                            loaded.calibration.size()));
  if (!length && !map) return kExitOk;

  std::vector<std::optional<model::ScLayerConfig>> layers;
  std::string settings;
  if (map) {
    layers = map->sc_configs();
    settings = fmt::format("{} ({} lanes): {} cycles", map_path, map->generators_text(),
                           map->total_cycles());
  } else {
    for (std::size_t l = 0; l < quantized.layers.size(); ++l) {
      model::ScLayerConfig config;
      config.length = *length;
      config.generator = {generator_kind(o), o.generator_width, model::layer_seed(o.seed, l)};
      layers.emplace_back(config);
    }
    settings = fmt::format("{} generator, every layer at L = {}",
                           core::to_string(generator_kind(o)), *length);
  }
  const model::ScNetworkModel sc(quantized, layers);
  const Eigen::MatrixXd sc_logits = model::logits_of(
      quantized, data.x, [&](const model::Codes& codes) { return sc.run(codes); }, o.threads);
  const std::size_t same = model::count_correct(sc_logits, model::top1_classes(integer_logits));
  out << fmt::format("SC        {}  {}\n",
                     percent(model::count_correct(sc_logits, data.labels), data.size()), settings);
  out << fmt::format("flips     {}  top-1 differs from the integer network's\n",
                     percent(data.size() - same, data.size()));
  return kExitOk;
}

}  // namespace scprec::cli
