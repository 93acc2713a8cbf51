// Per-layer planning and ROM images (formats in rtl/sc_layer.v). Widths are the least that
// hold every reachable value:
// counters hold L x inputs; |estimate| <= L x inputs x 2^shift = inputs x 2^(2B) (bipolar
// 2^(2B-1)); accumulators add the largest folded bias. Lane images come from
// core::LaneSequencer, so the RTL reads exactly the software model's random numbers.
#include "layer_plan.hpp"

#include <algorithm>
#include <cctype>

#include "hex.hpp"
#include "scprec/model/sc_layer.hpp"

namespace scprec::rtl {
namespace {

int log2_exact(std::size_t n) {
  return __builtin_ctzll(static_cast<unsigned long long>(n));
}

// Bias plus, for bipolar layers, the constant terms of the estimate (docs/sc-arithmetic.md 5).
std::vector<std::int64_t> folded_bias(const model::QuantLayer& layer, const model::QuantConfig& q) {
  std::vector<std::int64_t> bias = layer.bias;
  if (q.encoding != core::Encoding::kBipolar) return bias;
  for (std::size_t j = 0; j < layer.outputs; ++j) {
    std::int64_t weight_sum = 0;
    for (std::size_t i = 0; i < layer.inputs; ++i) weight_sum += layer.weight_code(j, i);
    bias[j] += weight_sum * (std::int64_t{1} << (q.bits - 1)) -
               static_cast<std::int64_t>(layer.inputs) * (std::int64_t{1} << (2 * q.bits - 2));
  }
  return bias;
}

}  // namespace

std::string sanitize(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "l_" + out;
  return out;
}

LayerPlan plan_layer(const model::QuantizedNetwork& network, const model::PrecisionMap& map,
                     std::size_t l, const RtlConfig& config) {
  const model::QuantLayer& layer = network.layers[l];
  const model::QuantConfig& q = network.config;
  const model::ScLayerConfig sc = map.layer_config(l);
  model::validate(sc, layer, q);
  LayerPlan plan;
  plan.layer = &layer;
  plan.quant = q;
  plan.lanes = model::lane_spec(sc, layer, q);
  plan.model_hash = map.model_hash;
  plan.bipolar = q.encoding == core::Encoding::kBipolar;
  plan.relu = layer.activation == model::Activation::kRelu;
  LayerDesign& d = plan.design;
  d.index = l;
  d.name = layer.name;
  d.module = "scprec_" + sanitize(layer.name);
  d.inputs = layer.inputs;
  d.outputs = layer.outputs;
  d.length = sc.length;
  d.inputs_per_cycle = config.inputs_per_cycle != 0
                           ? std::min(config.inputs_per_cycle, layer.inputs)
                           : auto_inputs_per_cycle(layer.inputs, layer.outputs);
  d.chunks = (layer.inputs + d.inputs_per_cycle - 1) / d.inputs_per_cycle;
  d.bits = q.bits;
  d.is_output = layer.is_output;
  d.latency = d.chunks * (d.length + 1) + d.outputs + 1;
  d.counter_bits = bit_width(static_cast<std::uint64_t>(d.length) * layer.inputs);
  plan.length_bits = std::max(1, log2_exact(d.length));
  plan.estimate_shift = 2 * q.bits - (plan.bipolar ? 1 : 0) - log2_exact(d.length);
  plan.synapse_bits = plan.bipolar ? q.bits : q.bits + 1;
  plan.bias = folded_bias(layer, q);
  std::uint64_t largest_bias = 0;
  for (std::int64_t b : plan.bias) {
    largest_bias =
        std::max<std::uint64_t>(largest_bias, static_cast<std::uint64_t>(b < 0 ? -b : b));
  }
  const std::uint64_t largest_estimate = (static_cast<std::uint64_t>(d.length) * layer.inputs)
                                         << plan.estimate_shift;
  plan.bias_bits = bit_width(largest_bias) + 1;
  plan.acc_bits = bit_width(largest_estimate + largest_bias) + 1;
  d.result_bits = d.is_output ? plan.acc_bits : q.bits;
  const int lane_bits =
      sc.generator.kind == core::GeneratorKind::kSobol ? q.bits : sc.generator.width;
  d.rom_bits = d.chunks * d.outputs * d.inputs_per_cycle * plan.synapse_bits +
               d.chunks * 2 * d.inputs_per_cycle * lane_bits + d.outputs * plan.bias_bits;
  plan.weight_file = sanitize(layer.name) + "_weights.hex";
  plan.lane_file = sanitize(layer.name) + "_lanes.hex";
  plan.bias_file = sanitize(layer.name) + "_biases.hex";
  return plan;
}

std::string weight_image(const LayerPlan& plan) {
  const model::QuantLayer& layer = *plan.layer;
  const LayerDesign& d = plan.design;
  const int bits = plan.quant.bits;
  std::string image;
  for (std::size_t c = 0; c < d.chunks; ++c) {
    BitRow word(layer.outputs * d.inputs_per_cycle * plan.synapse_bits);
    for (std::size_t j = 0; j < layer.outputs; ++j) {
      for (std::size_t k = 0; k < d.inputs_per_cycle; ++k) {
        const std::size_t i = c * d.inputs_per_cycle + k;
        if (i >= layer.inputs) continue;  // padding: threshold 0, never counts
        const std::size_t offset = (j * d.inputs_per_cycle + k) * plan.synapse_bits;
        word.put(offset, layer.weight_threshold(j, i, plan.quant), bits);
        if (!plan.bipolar) word.put(offset + bits, layer.weight_code(j, i) < 0 ? 1 : 0, 1);
      }
    }
    image += word.hex() + "\n";
  }
  return image;
}

std::string lane_image(const LayerPlan& plan) {
  const core::LaneSequencer sequencer(plan.lanes);
  const LayerDesign& d = plan.design;
  const bool sobol = plan.lanes.generator.kind == core::GeneratorKind::kSobol;
  const int width = plan.lanes.generator.width;
  const int lane_bits = sobol ? plan.lanes.bits : width;
  std::string image;
  for (std::size_t c = 0; c < d.chunks; ++c) {
    BitRow word(2 * d.inputs_per_cycle * lane_bits);
    for (std::size_t k = 0; k < d.inputs_per_cycle; ++k) {
      const std::size_t i = c * d.inputs_per_cycle + k;
      for (core::StreamRole role : {core::StreamRole::kActivation, core::StreamRole::kWeight}) {
        const std::size_t slot = static_cast<std::size_t>(role) * d.inputs_per_cycle + k;
        // Padding lanes feed nothing; an LFSR lane still gets a state it can leave.
        std::uint64_t value = sobol ? 0 : 1;
        if (i < d.inputs) {
          const std::uint32_t start = sequencer.starts()[core::lane_index(plan.lanes, role, i)];
          value = sobol ? start >> (width - plan.lanes.bits) : start;  // Sobol: top B bits
        }
        word.put(slot * lane_bits, value, lane_bits);
      }
    }
    image += word.hex() + "\n";
  }
  return image;
}

std::string bias_image(const LayerPlan& plan) {
  std::string image;
  for (std::int64_t bias : plan.bias) {
    image += hex_digits(static_cast<std::uint64_t>(bias), plan.bias_bits) + "\n";
  }
  return image;
}

}  // namespace scprec::rtl
