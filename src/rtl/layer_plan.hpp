// Everything the generator decides about one layer: its module name, schedule, widths, the
// constants folded into its bias, and its files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scprec/core/lanes.hpp"
#include "scprec/model/precision_map.hpp"
#include "scprec/rtl/generator.hpp"

namespace scprec::rtl {

struct LayerPlan {
  LayerDesign design;
  const model::QuantLayer* layer = nullptr;  ///< in the network given to plan_layer
  model::QuantConfig quant;
  core::LaneSpec lanes;
  std::string model_hash;
  bool bipolar = false;
  bool relu = true;
  /// The L the widths are for: the layer's length, or adjustable RTL's largest.
  std::size_t built_length = 0;
  int length_bits = 1;  ///< holds built_length - 1
  /// Counts to accumulator units: 2B - log2 built_length (bipolar: one less); adjustable
  /// layers scale their counts by built_length / L first.
  int estimate_shift = 0;
  int acc_bits = 0;        ///< every reachable accumulator, with its sign
  int bias_bits = 0;
  int synapse_bits = 0;  ///< per synapse in a ROM word: threshold, plus sign if sign-magnitude
  std::vector<std::int64_t> bias;  ///< per neuron, with bipolar's constant terms folded in
  std::string weight_file;
  std::string lane_file;
  std::string bias_file;
};

/// The plan of layer l. Throws Error (kBadInput) if the map's settings do not fit the layer.
LayerPlan plan_layer(const model::QuantizedNetwork& network, const model::PrecisionMap& map,
                     std::size_t l, const RtlConfig& config);

/// A conv layer's cycles from start to done (rtl/sc_conv.v): the first window gathered, one
/// element per cycle; then each position runs the datapath (position_latency) while the next
/// window is gathered, the slower of the two setting the pace; the last position's codes
/// pooled.
std::uint64_t conv_latency(std::size_t window, std::size_t positions,
                           std::uint64_t position_latency);

/// "fc1" -> "fc1"; anything but letters, digits and '_' becomes '_'; a leading digit gets "l_".
std::string sanitize(const std::string& name);

/// The weight ROM image: per chunk one word of every neuron's synapses for the chunk's inputs.
std::string weight_image(const LayerPlan& plan);
/// The lane ROM image: per chunk one word of its activation and weight lanes' LFSR starting
/// states or Sobol shifts.
std::string lane_image(const LayerPlan& plan);
/// The bias ROM image: one word per neuron.
std::string bias_image(const LayerPlan& plan);

/// "L = 64", or for adjustable RTL "L <= 1024 (set at run time)": what the files' headers say of
/// the layer's length.
std::string length_text(const LayerPlan& plan);

/// The layer's wrapper module.
std::string layer_module_text(const LayerPlan& plan);
/// The network top over the planned layers.
std::string top_module_text(const std::vector<LayerPlan>& plans, std::uint64_t latency);

}  // namespace scprec::rtl
