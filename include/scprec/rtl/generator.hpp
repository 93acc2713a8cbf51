// The Verilog generator: from a quantized network and its precision map, one module per layer
// at its own length, a network top, the ROM images, and a description of the design.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scprec/model/precision_map.hpp"
#include "scprec/model/quantize.hpp"

namespace scprec::rtl {

struct RtlConfig {
  /// Inputs each layer takes per cycle (all its neurons work on them in parallel); 0 chooses
  /// per layer (auto_inputs_per_cycle).
  std::size_t inputs_per_cycle = 0;
  /// 0: fixed-length RTL, each layer at its map length. Otherwise adjustable-length RTL: each
  /// layer takes its L (a power of two, at most this) from a run-time register, so that the
  /// design, and a simulator built from it, is the same for every map of these lengths or
  /// shorter (docs/rtl-architecture.md, "Adjustable length").
  std::size_t adjustable_max_length = 0;
};

/// One file of the generated design, relative to the output directory.
struct GeneratedFile {
  std::string name;
  std::string content;
};

/// What a testbench or report needs to know about one generated layer. `inputs`, `outputs`
/// and the schedule are the dense datapath's: a conv layer runs it once per output position,
/// on the window (inputs) to its output channels (outputs).
struct LayerDesign {
  std::size_t index = 0;
  std::string name;    ///< the model's layer name
  std::string module;  ///< the Verilog module, "scprec_" + sanitised name
  std::size_t inputs = 0;
  std::size_t outputs = 0;
  bool is_conv = false;          ///< a conv layer: module sc_conv around the datapath
  std::size_t input_codes = 0;   ///< the x_in port's codes: inputs, a conv layer's input map
  std::size_t result_codes = 0;  ///< the result port's: outputs, a conv layer's pooled map
  std::size_t positions = 1;     ///< a conv layer's output positions; each has its pos and neg
  std::uint64_t position_latency = 0;  ///< the datapath's cycles from start to done, per position
  std::size_t length = 0;              ///< bitstream length L (adjustable: the map's, configured)
  /// Adjustable-length RTL: the largest L the layer runs at, which its widths hold; 0 when the
  /// layer is fixed at `length`.
  std::size_t max_length = 0;
  int log2_bits = 0;  ///< adjustable: the bits of its log2_length port (log2 L); else 0
  std::size_t inputs_per_cycle = 0;  ///< C: the chunk of inputs processed together
  std::size_t chunks = 0;            ///< ceil(inputs / C); each runs L cycles
  int bits = 8;                      ///< code width B
  int counter_bits = 0;              ///< width of each pos / neg counter port element
  int result_bits = 0;  ///< width of each result element: B (hidden) or accumulator (output)
  bool is_output = false;
  std::uint64_t latency = 0;   ///< cycles from start to done (a conv layer: all positions)
  std::uint64_t max_latency = 0;  ///< the latency at max_length (fixed: latency)
  std::uint64_t rom_bits = 0;  ///< weights, lane seeds or shifts, and biases
  double input_scale = 1.0;    ///< a_in: the real value of one input code
  double weight_scale = 1.0;   ///< s_w: the real value of one weight code
  /// Hidden layers: the (m, s) that turn accumulators into the next layer's codes; the output
  /// layer has none.
  std::optional<model::Requantizer> requantizer;
};

struct RtlDesign {
  std::vector<GeneratedFile> files;  ///< everything to write, including the rtl/ library
  std::vector<std::string> sources;  ///< the Verilog files in compile order
  std::vector<LayerDesign> layers;
  std::string top_module = "scprec_top";
  std::uint64_t top_latency = 0;  ///< cycles from start to done through every layer
  std::uint64_t top_max_latency = 0;      ///< the same with every layer at its max_length
  std::size_t adjustable_max_length = 0;  ///< RtlConfig's: 0 for fixed-length RTL
};

/// The inputs per cycle chosen when RtlConfig::inputs_per_cycle is 0: the most inputs C <= the
/// layer's inputs with C x outputs <= 2048 weight comparators (at least 1). The Verilated
/// model's work per input is about the same for any C; area and synthesis time grow with it
/// (docs/rtl-architecture.md).
std::size_t auto_inputs_per_cycle(std::size_t inputs, std::size_t outputs);

/// The largest length of adjustable RTL for `map`: the longest power of two up to `wanted` (such
/// as a refinement's --max-length) that the map's arithmetic and generators can run (at most
/// model::longest_length, and 2^width for Sobol lanes), or the map's longest length if longer.
std::size_t max_length_for(const model::PrecisionMap& map, std::size_t wanted);

/// Generates the design. The map must belong to the network (check_map_matches) and its
/// lengths and generator must be valid for each layer; throws Error (kBadInput) otherwise, and
/// for adjustable RTL if the largest length is not a power of two the arithmetic and every
/// layer's generator can run, or is shorter than a map length. Identical inputs give
/// byte-identical files; adjustable RTL's Verilog sources (not its design.json) are the same
/// for every map that differs only in lengths.
RtlDesign generate_rtl(const model::QuantizedNetwork& network, const model::PrecisionMap& map,
                       const RtlConfig& config);

/// The design description written as design.json (schema "scprec.rtl-design/1"), with each
/// layer's scales and requantizer exactly as the software model holds them.
std::string design_json(const RtlDesign& design, const model::PrecisionMap& map);

}  // namespace scprec::rtl
