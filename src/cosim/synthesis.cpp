// Yosys synthesis of generated layers. Each layer is read with its library blocks, the ROM
// module replaced by a port-only black box (a memory macro in an ASIC; as logic, Yosys would
// expand every read port into a mux tree over all rows), and synthesised hierarchically with
// `synth -top` (flattening first made fc1 of the example take 4x longer); the totals come from
// the design-hierarchy section of `stat`. SYNTHESIS is defined so that sc_layer's parallel counter
// sums its bits in a loop, which Yosys 0.23 maps several times faster than $countones. Layers run
// in parallel, one yosys each. The network top is synthesised last with the layers as black boxes
// (its own logic is the handshake glue). A Yosys warning fails the gate, as it does for lint.
#include "scprec/cosim/synthesis.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "scprec/core/error.hpp"
#include "scprec/core/parallel.hpp"
#include "scprec/cosim/process.hpp"
#include "scprec/io/files.hpp"

namespace scprec::cosim {
namespace {

constexpr const char* kRomModule = "sc_rom";
// sc_rom's declaration (parameters and ports) from its own source, as a body-less black box, so
// the two cannot drift apart.
std::string rom_black_box(const rtl::RtlDesign& design) {
  for (const rtl::GeneratedFile& file : design.files) {
    if (file.name != std::string(kRomModule) + ".v") continue;
    const std::size_t start = file.content.find(std::string("module ") + kRomModule);
    const std::size_t ports_end = file.content.find(");", start);
    if (start != std::string::npos && ports_end != std::string::npos) {
      return "(* blackbox *)\n" + file.content.substr(start, ports_end + 2 - start) +
             "\nendmodule\n";
    }
  }
  throw Error(ErrorKind::kInternal, "sc_rom.v", "", "the design has no sc_rom module to black-box",
              "This is a bug in scprec");
}

bool is_library_block(const std::string& source, const rtl::RtlDesign& design) {
  if (source == design.top_module + ".v") return false;
  for (const rtl::LayerDesign& layer : design.layers) {
    if (source == layer.module + ".v") return false;
  }
  return true;
}

std::string yosys_script(const rtl::LayerDesign& layer, const rtl::RtlDesign& design) {
  std::string sources;
  for (const std::string& source : design.sources) {
    if (is_library_block(source, design) && source != std::string(kRomModule) + ".v") {
      sources += " ../" + source;
    }
  }
  return fmt::format(
      "# Synthesis of {module} by scprec: ROMs as black boxes, generic cells.\n"
      "read_verilog -sv sc_rom_blackbox.v\n"
      "read_verilog -sv -defer -DSYNTHESIS{sources} ../{module}.v\n"
      "hierarchy -top {module}\n"
      "synth -top {module}\n"
      "tee -q -o {module}_stat.txt stat\n"
      "flatten\n"
      "tee -q -o {module}_depth.txt ltp -noff\n",
      fmt::arg("module", layer.module), fmt::arg("sources", sources));
}

std::string top_script(const rtl::RtlDesign& design) {
  std::string layers;
  for (const rtl::LayerDesign& layer : design.layers) layers += " ../" + layer.module + ".v";
  return fmt::format(
      "# Synthesis of {top} by scprec: the layers as black boxes (read with -lib).\n"
      "read_verilog -sv -lib{layers}\n"
      "read_verilog -sv ../{top}.v\n"
      "hierarchy -top {top}\n"
      "synth -top {top}\n"
      "tee -q -o {top}_stat.txt stat\n",
      fmt::arg("top", design.top_module), fmt::arg("layers", layers));
}

// Runs `script` (already written in `work`) and returns the cell statistics it wrote to
// work/<module>_stat.txt. Throws naming the log when Yosys fails, times out or warns.
LayerArea run_yosys(const std::string& work, const std::string& module, const std::string& what,
                    const SynthesisConfig& config) {
  const std::string log = work + "/" + module + ".log";
  const ProcessResult result =
      run_process({"yosys", "-q", "-s", module + ".ys"}, {work, config.timeout_seconds, log, {}});
  if (!result.succeeded() || result.output.find("Warning:") != std::string::npos) {
    throw Error(ErrorKind::kEnvironment, log, "",
                fmt::format("Yosys {} on {}:\n{}",
                            result.timed_out       ? "timed out"
                            : result.succeeded() ? "warned"
                                                 : "failed",
                            what, error_excerpt(result.output)),
                "See the log; the generated Verilog may need a fix in scprec");
  }
  LayerArea area = parse_yosys_stat(io::read_file(work + "/" + module + "_stat.txt"));
  area.seconds = result.seconds;
  // A layer's script also measures its logic depth ("Longest topological path in M (length=N)").
  const std::string depth_file = work + "/" + module + "_depth.txt";
  if (std::filesystem::exists(depth_file)) {
    static const std::regex depth(R"(Longest topological path in \S+ \(length=(\d+)\))");
    std::smatch match;
    const std::string text = io::read_file(depth_file);
    if (!std::regex_search(text, match, depth)) {
      throw Error(ErrorKind::kEnvironment, depth_file, "", "no longest path in Yosys's ltp output",
                  "Check the synthesis log");
    }
    area.logic_depth = std::stoul(match[1]);
  }
  return area;
}

void require_yosys() {
  if (!program_available("yosys")) {
    throw Error(ErrorKind::kEnvironment, "yosys", "", "Yosys is not installed",
                "Install it (apt-get install yosys, or run scripts/install-deps)");
  }
}

}  // namespace

LayerArea parse_yosys_stat(const std::string& full_text) {
  // A hierarchical design's totals follow its "design hierarchy" heading.
  const std::size_t hierarchy = full_text.rfind("=== design hierarchy ===");
  const std::string text = hierarchy == std::string::npos ? full_text : full_text.substr(hierarchy);
  LayerArea area;
  static const std::regex total(R"(Number of cells:\s+(\d+))");
  static const std::regex row(R"(^\s+(\S+)\s+(\d+)\s*$)");
  std::smatch match;
  if (!std::regex_search(text, match, total)) {
    throw Error(ErrorKind::kEnvironment, "yosys stat", "", "no cell count in Yosys's statistics",
                "Check the synthesis log");
  }
  area.cells = std::stoul(match[1]);
  std::stringstream lines(text);
  std::string line;
  bool in_cells = false;
  while (std::getline(lines, line)) {
    if (line.find("Number of cells:") != std::string::npos) {
      in_cells = true;
      continue;
    }
    if (!in_cells || !std::regex_match(line, match, row)) continue;
    const std::string type = match[1];
    const std::size_t count = std::stoul(match[2]);
    if (type.find("DFF") != std::string::npos) area.flip_flops += count;
    if (type == kRomModule) area.cells -= count;
  }
  return area;
}

LayerArea synthesize_layer(const std::string& directory, const rtl::RtlDesign& design,
                           std::size_t l, const SynthesisConfig& config, Logger& logger) {
  SCPREC_ASSERT(l < design.layers.size(), "a layer of the design");
  require_yosys();
  const std::string work = directory + "/synth";
  io::write_file_atomically(work + "/sc_rom_blackbox.v", rom_black_box(design));
  const rtl::LayerDesign& layer = design.layers[l];
  io::write_file_atomically(work + "/" + layer.module + ".ys", yosys_script(layer, design));
  logger.info(fmt::format("synth: layer {} (L={}) with Yosys", layer.name, layer.length));
  LayerArea area = run_yosys(work, layer.module, "layer " + layer.name, config);
  area.name = layer.name;
  area.length = layer.length;
  area.inputs_per_cycle = layer.inputs_per_cycle;
  area.rom_bits = layer.rom_bits;
  logger.info(fmt::format("synth: layer {}: {} cells, {} flip-flops, {:.0f} s", layer.name,
                          area.cells, area.flip_flops, area.seconds));
  return area;
}

std::vector<LayerArea> synthesize_layers(const std::string& directory, const rtl::RtlDesign& design,
                                         const SynthesisConfig& config, Logger& logger) {
  require_yosys();
  const std::string work = directory + "/synth";
  std::vector<LayerArea> areas(design.layers.size());
  core::parallel_for(design.layers.size(), config.jobs, [&](std::size_t l) {
    areas[l] = synthesize_layer(directory, design, l, config, logger);
  });
  io::write_file_atomically(work + "/" + design.top_module + ".ys", top_script(design));
  const LayerArea glue = run_yosys(work, design.top_module, "the network top", config);
  logger.info(fmt::format("synth: {}: {} cells of handshake glue around the layers",
                          design.top_module, glue.cells - design.layers.size()));
  return areas;
}

std::string area_json(const std::vector<LayerArea>& areas) {
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const LayerArea& a : areas) {
    layers.push_back({{"name", a.name},
                      {"length", a.length},
                      {"inputs_per_cycle", a.inputs_per_cycle},
                      {"cells", a.cells},
                      {"flip_flops", a.flip_flops},
                      {"logic_depth", a.logic_depth},
                      {"rom_bits", a.rom_bits},
                      {"yosys_seconds", a.seconds}});
  }
  const nlohmann::ordered_json json = {{"schema", "scprec.area/1"},
                                       {"tool", "yosys synth, generic cells, ROMs as black boxes"},
                                       {"layers", layers}};
  return json.dump(2) + "\n";
}

std::string area_markdown(const std::vector<LayerArea>& areas) {
  std::string text =
      "# Area by layer\n\nYosys `synth`, generic cells; ROMs (weights, lane seeds, "
      "biases) are black boxes, counted in bits. Logic depth: the longest combinational path, "
      "in cells (a ROM read is one).\n\n"
      "| layer | L | inputs per cycle | cells | flip-flops | logic depth | ROM bits |\n"
      "|---|---|---|---|---|---|---|\n";
  for (const LayerArea& a : areas) {
    text += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", a.name, a.length,
                        a.inputs_per_cycle, a.cells, a.flip_flops, a.logic_depth, a.rom_bits);
  }
  return text;
}

}  // namespace scprec::cosim
