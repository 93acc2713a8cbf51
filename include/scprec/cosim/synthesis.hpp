// Synthesis of generated layers with Yosys: the area report that shows what a length costs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "scprec/core/logger.hpp"
#include "scprec/rtl/generator.hpp"

namespace scprec::cosim {

/// One layer's area. Logic cells and flip-flops exclude the layer's ROMs, which an ASIC holds
/// in ROM macros (the flow synthesises them as black boxes) and which are counted in bits.
struct LayerArea {
  std::string name;
  std::size_t length = 0;
  std::size_t inputs_per_cycle = 0;
  std::size_t cells = 0;       ///< Yosys generic cells after `synth`, ROMs excluded
  std::size_t flip_flops = 0;  ///< of which flip-flops
  /// The longest combinational path, in generic cells (Yosys `ltp -noff` on the flattened
  /// netlist; a ROM read counts as one cell): a technology-free measure of the layer's timing.
  std::size_t logic_depth = 0;
  std::uint64_t rom_bits = 0;
  double seconds = 0.0;  ///< Yosys wall time
};

struct SynthesisConfig {
  unsigned jobs = 2;                ///< layers synthesised at once
  double timeout_seconds = 1800.0;  ///< per layer
};

/// Runs `yosys` on every layer of the design written in `directory`, then on the network top
/// with the layers as black boxes (scripts, logs and the statistics go to directory/synth/);
/// returns the layers' areas. Throws Error (kEnvironment) naming the log and quoting its
/// messages if yosys is missing, fails, warns or times out.
std::vector<LayerArea> synthesize_layers(const std::string& directory, const rtl::RtlDesign& design,
                                         const SynthesisConfig& config, Logger& logger);

/// Runs `yosys` on layer `l` of the design written in `directory` (script, log and statistics in
/// directory/synth/), as synthesize_layers does for each layer; throws as it does.
LayerArea synthesize_layer(const std::string& directory, const rtl::RtlDesign& design,
                           std::size_t l, const SynthesisConfig& config, Logger& logger);

/// Parses the text of Yosys's `stat`: the design's total cells (from the design-hierarchy
/// section when there is one), minus the black-box ROM instances, and its flip-flops. Throws
/// Error (kEnvironment) if no cell count is found.
LayerArea parse_yosys_stat(const std::string& text);

/// The report as JSON (schema "scprec.area/1") and as a Markdown table.
std::string area_json(const std::vector<LayerArea>& areas);
std::string area_markdown(const std::vector<LayerArea>& areas);

}  // namespace scprec::cosim
