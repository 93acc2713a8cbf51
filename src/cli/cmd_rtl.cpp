// `scprec rtl`: Verilog for every layer of a model at its map's lengths, and the network top.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <ostream>

#include "cli_parse.hpp"
#include "commands.hpp"
#include "rtl_options.hpp"
#include "scprec/cosim/synthesis.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/model_io.hpp"
#include "scprec/io/output_dir.hpp"
#include "scprec/io/precision_map_io.hpp"
#include "scprec/rtl/generator.hpp"
#include "stream_logger.hpp"

namespace scprec::cli {

int run_rtl(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string model_path;
  std::string manifest;
  std::string map_path;
  std::string directory;
  rtl::RtlConfig config;
  AdjustableOptions adjustable;
  bool synthesize = false;
  cosim::SynthesisConfig synthesis;
  bool quiet = false;
  CLI::App app(
      "Writes one Verilog module per layer at its map's length, the network top, the ROM "
      "images and design.json into a directory (the hand-written blocks of rtl/ included).",
      "rtl");
  app.add_option("--model", model_path, "model .npz")->required();
  app.add_option("--manifest", manifest, "JSON manifest giving each layer's activation");
  app.add_option("--map", map_path, "precision map from `scprec assign`")->required();
  app.add_option("--inputs-per-cycle", config.inputs_per_cycle,
                 "inputs every layer takes per cycle (0: chosen per layer)")
      ->check(check::kCount)
      ->capture_default_str();
  add_adjustable_options(app, adjustable);
  app.add_option("-o,--output", directory, "output directory")->required();
  app.add_flag("--synth", synthesize,
               "also synthesise every layer with Yosys and write area.json and area.md");
  app.add_option("--jobs", synthesis.jobs, "layers synthesised at once")
      ->check(check::kCount)
      ->capture_default_str();
  app.add_flag("-q,--quiet", quiet, "no progress output");
  if (const auto code = parse_args(app, args, out, err)) return *code;

  io::refuse_overwriting_inputs(
      {{"--model", model_path}, {"--manifest", manifest}, {"--map", map_path}},
      {{"-o", directory}});  // the folder is replaced whole
  const model::Network network = io::read_model(model_path, manifest);
  const model::PrecisionMap map = io::read_precision_map(map_path);
  model::check_map_matches(map, network, io::network_hash(network), map_path);
  config.adjustable_max_length = adjustable_max_length(adjustable, map);
  const model::QuantizedNetwork quantized = model::quantize_for_map(network, map);
  const rtl::RtlDesign design = rtl::generate_rtl(quantized, map, config);
  // The folder is published as one set: the design, and its area report with --synth.
  io::OutputSetSpec spec{directory, {"area.json", "area.md", "synth"}, {}, {}};
  for (const rtl::GeneratedFile& file : design.files) spec.written.push_back(file.name);
  io::OutputDir output(spec);
  for (const rtl::GeneratedFile& file : design.files) {
    io::write_file_atomically(output.staging() + "/" + file.name, file.content);
  }
  // A conv layer's shape is its datapath's (window x channels) at its positions.
  out << fmt::format("{:<10} {:>14} {:>6} {:>9} {:>7} {:>9}\n", "layer", "shape", "L", "per cycle",
                     "chunks", "latency");
  for (const rtl::LayerDesign& layer : design.layers) {
    const std::string shape =
        fmt::format("{}x{}", layer.inputs, layer.outputs) +
        (layer.is_conv ? fmt::format(" @{}", layer.positions) : std::string());
    out << fmt::format("{:<10} {:>14} {:>6} {:>9} {:>7} {:>9}\n", layer.name, shape, layer.length,
                       layer.inputs_per_cycle, layer.chunks, layer.latency);
  }
  std::string area;
  if (synthesize) {
    StreamLogger logger(err, quiet ? LogLevel::kWarning : LogLevel::kInfo);
    const std::vector<cosim::LayerArea> areas =
        cosim::synthesize_layers(output.staging(), design, synthesis, logger);
    area = cosim::area_markdown(areas);
    io::write_file_atomically(output.staging() + "/area.json", cosim::area_json(areas));
    io::write_file_atomically(output.staging() + "/area.md", area);
  }
  output.publish();
  out << fmt::format("top {}: {} cycles per input{}; {} files written to {}\n", design.top_module,
                     design.top_latency,
                     config.adjustable_max_length != 0
                         ? fmt::format(" at the map's lengths (L set at run time, at most "
                                       "{}: at most {} cycles)",
                                       config.adjustable_max_length, design.top_max_latency)
                         : "",
                     design.files.size(), directory);
  if (synthesize) out << area.substr(area.find("| layer"));
  return kExitOk;
}

}  // namespace scprec::cli
