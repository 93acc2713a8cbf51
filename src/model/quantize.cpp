// Quantization and the exact integer reference.
//
// Inputs x in [0, 1] become codes round(x * (2^B - 1)). Each layer's weights get one scale,
// max|w| / (2^B - 1) for sign-magnitude (B-bit magnitudes and a sign) or max|w| / (2^(B-1) - 1)
// for bipolar (B-bit two's complement, symmetric). A hidden layer's output scale is its largest
// float activation over the calibration inputs divided by 2^B - 1. Biases are rounded to
// accumulator units. Requantization multiplies by a 15-bit integer and shifts, with rounding, the
// usual integer-only scheme (Jacob et al. 2018, "Quantization and Training of Neural Networks for
// Efficient Integer-Arithmetic-Only Inference"); docs/sc-arithmetic.md has the exact formulas.
#include "scprec/model/quantize.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

#include "scprec/core/error.hpp"
#include "scprec/core/summary.hpp"
#include "scprec/model/conv.hpp"

namespace scprec::model {
namespace {

constexpr int kMultiplierBits = 15;
// Biases are held in 64-bit accumulators; anything this large in accumulator units is an error.
const double kLargestBias = std::ldexp(1.0, 62);

std::int64_t max_code(int bits) {
  return (std::int64_t{1} << bits) - 1;
}

// The requantizer of hidden layer `name` for the real ratio of its accumulator unit to its
// output scale.
Requantizer make_requantizer(double ratio, const std::string& name) {
  Requantizer r;
  // Beyond 2^15 the multiplier cannot fit (shift >= 1); checked first so that llround stays
  // in range, and an extreme scale can make the ratio infinite.
  const bool representable = ratio > 0.0 && ratio < std::ldexp(1.0, kMultiplierBits);
  if (representable) {
    int exponent = 0;
    std::frexp(ratio, &exponent);  // ratio = f * 2^exponent, f in [0.5, 1)
    r.shift = std::clamp(kMultiplierBits - exponent, 1, 62);
    r.multiplier = std::llround(std::ldexp(ratio, r.shift));
    if (r.multiplier >= (std::int64_t{1} << kMultiplierBits) && r.shift > 1) {
      r.multiplier = std::llround(std::ldexp(ratio, --r.shift));
    }
  }
  if (!representable || r.multiplier >= (std::int64_t{1} << kMultiplierBits) || r.multiplier == 0) {
    throw_bad_input("", name + ".output_scale",
                    fmt::format("layer {}: cannot rescale its accumulators by {:.6g} (accumulator "
                                "unit / output scale) with a {}-bit multiplier",
                                name, ratio, kMultiplierBits),
                    "Check the model's weights, the calibration data and the activation scales "
                    "for extreme values");
  }
  return r;
}

// The requantizer's product y * multiplier must fit in 63 bits for every reachable y.
void check_requant_range(const QuantLayer& layer, const QuantConfig& config) {
  const double top_weight = static_cast<double>(max_code(config.bits));
  double largest_bias = 0.0;
  for (std::int64_t b : layer.bias) largest_bias = std::max(largest_bias, std::fabs(double(b)));
  const double largest_y =
      static_cast<double>(layer.inputs) * top_weight * static_cast<double>(max_code(config.bits)) +
      largest_bias;
  if (largest_y * static_cast<double>(layer.requant.multiplier) >= std::ldexp(1.0, 62)) {
    throw_bad_input("", layer.name,
                    "layer " + layer.name + ": accumulators could overflow 64-bit requantization",
                    "Use fewer bits or check the bias magnitudes");
  }
}

QuantLayer quantize_layer(const Layer& dense, const QuantConfig& config, double input_scale) {
  const bool bipolar = config.encoding == core::Encoding::kBipolar;
  const std::int64_t top =
      bipolar ? (std::int64_t{1} << (config.bits - 1)) - 1 : max_code(config.bits);
  QuantLayer layer;
  layer.name = dense.name;
  layer.inputs = dense.inputs();
  layer.outputs = dense.outputs();
  layer.activation = dense.activation;
  layer.conv = dense.conv;
  layer.pool = dense.pool;
  layer.input_scale = input_scale;
  const double max_weight = dense.weight.cwiseAbs().maxCoeff();
  layer.weight_scale = max_weight > 0.0 ? max_weight / static_cast<double>(top) : 1.0;
  layer.weight.resize(layer.inputs * layer.outputs);
  for (std::size_t j = 0; j < layer.outputs; ++j) {
    for (std::size_t i = 0; i < layer.inputs; ++i) {
      const double code =
          std::nearbyint(dense.weight(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(i)) /
                         layer.weight_scale);
      layer.weight[j * layer.inputs + i] = static_cast<std::int32_t>(
          std::clamp(code, -static_cast<double>(top), static_cast<double>(top)));
    }
  }
  const double unit = layer.weight_scale * input_scale;
  layer.bias.resize(layer.outputs);
  for (std::size_t j = 0; j < layer.outputs; ++j) {
    const double bias = dense.bias(static_cast<Eigen::Index>(j)) / unit;
    if (!(std::fabs(bias) < kLargestBias)) {  // also NaN: llrint would be undefined
      throw_bad_input("", fmt::format("{}.bias[{}]", dense.name, j),
                      fmt::format("layer {}: bias {:.6g} is {:.6g} accumulator units (weight "
                                  "scale x input scale = {:.6g}), 2^62 or more",
                                  dense.name, dense.bias(static_cast<Eigen::Index>(j)), bias, unit),
                      "Check the bias against the layer's weights and the activation scales");
    }
    layer.bias[j] = std::llrint(bias);
  }
  return layer;
}

// The value a hidden layer's largest code stands for: the `level` quantile of its positive
// activations (ReLU's zeros are left out: in a sparse layer they would pull a quantile down to
// 0), or 0 when none is positive. The maximum (level 1) needs no copy or sort.
double scale_peak(const Eigen::MatrixXd& activations, double level) {
  if (level == 1.0) return std::max(activations.maxCoeff(), 0.0);
  std::vector<double> positive;
  std::copy_if(activations.data(), activations.data() + activations.size(),
               std::back_inserter(positive), [](double a) { return a > 0.0; });
  return positive.empty() ? 0.0 : core::summarize(std::move(positive), level).quantile;
}

}  // namespace

std::uint16_t Requantizer::apply(std::int64_t y, int bits) const {
  if (y <= 0) return 0;
  const std::int64_t code = (y * multiplier + (std::int64_t{1} << (shift - 1))) >> shift;
  return static_cast<std::uint16_t>(std::min(code, max_code(bits)));
}

std::uint32_t QuantLayer::weight_threshold(std::size_t neuron, std::size_t input,
                                           const QuantConfig& config) const {
  const std::int32_t code = weight_code(neuron, input);
  if (config.encoding == core::Encoding::kBipolar) {
    return static_cast<std::uint32_t>(code + (std::int32_t{1} << (config.bits - 1)));
  }
  return static_cast<std::uint32_t>(code < 0 ? -code : code);
}

Codes QuantizedNetwork::quantize_input(const double* x) const {
  const double top = static_cast<double>(max_code(config.bits));
  Codes codes(input_size());
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const double level = std::nearbyint(x[i] * top);
    codes[i] = static_cast<std::uint16_t>(std::clamp(level, 0.0, top));
  }
  return codes;
}

double QuantizedNetwork::logit_scale() const {
  return layers.back().weight_scale * layers.back().input_scale;
}

std::vector<double> calibrate_activation_scales(const Network& network,
                                                const Eigen::MatrixXd& calibration,
                                                const QuantConfig& config) {
  if (calibration.rows() == 0) {
    throw_bad_input("", "calibration", "no calibration inputs",
                    "Give a data file with at least one sample");
  }
  if (!(config.scale_quantile > 0.0 && config.scale_quantile <= 1.0)) {
    throw_bad_input("", "scale quantile",
                    fmt::format("{} is outside (0, 1]", config.scale_quantile),
                    "Give a quantile such as 1 (the maximum) or 0.999");
  }
  const std::vector<Eigen::MatrixXd> activations = network.forward_layers(calibration);
  const double top = static_cast<double>(max_code(config.bits));
  std::vector<double> scales;
  for (std::size_t l = 0; l + 1 < activations.size(); ++l) {
    const double peak = scale_peak(activations[l], config.scale_quantile);
    scales.push_back(peak > 0.0 ? peak / top : 1.0 / top);
  }
  return scales;
}

QuantizedNetwork quantize_with_scales(const Network& network, const QuantConfig& config,
                                      const std::vector<double>& activation_scales) {
  if (config.bits < 2 || config.bits > 12) {
    throw_bad_input("", "bits", "precision " + std::to_string(config.bits) + " is outside [2, 12]",
                    "Quantize to between 2 and 12 bits");
  }
  const std::vector<Layer>& dense = network.layers();
  for (std::size_t l = 0; l + 1 < dense.size(); ++l) {
    if (dense[l].activation != Activation::kRelu) {
      throw_bad_input("", dense[l].name, "hidden layer is not ReLU",
                      "SC activations are unsigned codes; only ReLU hidden layers are supported");
    }
  }
  if (activation_scales.size() + 1 != dense.size()) {
    throw_bad_input("", "activation scales",
                    std::to_string(activation_scales.size()) + " scales for " +
                        std::to_string(dense.size() - 1) + " hidden layers",
                    "Give one output scale per hidden layer");
  }
  QuantizedNetwork quantized;
  quantized.config = config;
  double input_scale = 1.0 / static_cast<double>(max_code(config.bits));
  for (std::size_t l = 0; l < dense.size(); ++l) {
    QuantLayer layer = quantize_layer(dense[l], config, input_scale);
    layer.is_output = l + 1 == dense.size();
    if (!layer.is_output) {
      layer.output_scale = activation_scales[l];
      if (!(layer.output_scale > 0.0) || !std::isfinite(layer.output_scale)) {
        throw_bad_input("", dense[l].name + ".output_scale",
                        fmt::format("layer {}: scale {:.6g} is not positive and finite",
                                    dense[l].name, layer.output_scale),
                        "Activation scales must be positive and finite");
      }
      layer.requant =
          make_requantizer(layer.weight_scale * input_scale / layer.output_scale, dense[l].name);
      check_requant_range(layer, config);
      input_scale = layer.output_scale;
    }
    quantized.layers.push_back(std::move(layer));
  }
  return quantized;
}

QuantizedNetwork quantize(const Network& network, const Eigen::MatrixXd& calibration,
                          const QuantConfig& config) {
  return quantize_with_scales(network, config,
                              calibrate_activation_scales(network, calibration, config));
}

std::vector<double> activation_scales(const QuantizedNetwork& network) {
  std::vector<double> scales;
  for (const QuantLayer& layer : network.layers) {
    if (!layer.is_output) scales.push_back(layer.output_scale);
  }
  return scales;
}

LayerOutput finish_layer(const QuantLayer& layer, const QuantConfig& config,
                         const std::vector<std::int64_t>& dot) {
  SCPREC_ASSERT(dot.size() == layer.outputs, "one dot product per neuron");
  LayerOutput out;
  out.accumulators.resize(layer.outputs);
  for (std::size_t j = 0; j < layer.outputs; ++j) {
    std::int64_t y = dot[j] + layer.bias[j];
    if (layer.activation == Activation::kRelu && y < 0) y = 0;
    out.accumulators[j] = y;
  }
  if (!layer.is_output) {
    out.codes.resize(layer.outputs);
    for (std::size_t j = 0; j < layer.outputs; ++j) {
      out.codes[j] = layer.requant.apply(out.accumulators[j], config.bits);
    }
  }
  return out;
}

std::vector<std::int64_t> exact_dot(const QuantLayer& layer, const Codes& input) {
  SCPREC_ASSERT(input.size() == layer.inputs, "one code per layer input");
  std::vector<std::int64_t> dot(layer.outputs, 0);
  for (std::size_t j = 0; j < layer.outputs; ++j) {
    const std::int32_t* row = &layer.weight[j * layer.inputs];
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < layer.inputs; ++i) sum += std::int64_t{row[i]} * input[i];
    dot[j] = sum;
  }
  return dot;
}

MapShape QuantLayer::pooled_shape() const {
  return output_map(outputs, conv, pool);
}

std::vector<Codes> gather_windows(const QuantLayer& layer, const Codes& map) {
  SCPREC_ASSERT(layer.conv && map.size() == layer.conv->input.size(),
                "gathering windows of a map of the wrong size");
  const std::vector<std::int32_t> indices = window_indices(*layer.conv);
  std::vector<Codes> windows(layer.positions(), Codes(layer.inputs, 0));
  for (std::size_t k = 0; k < indices.size(); ++k) {
    if (indices[k] >= 0) {
      windows[k / layer.inputs][k % layer.inputs] = map[static_cast<std::size_t>(indices[k])];
    }
  }
  return windows;
}

namespace {

// A conv layer's codes: the dense layer on the window at every position, laid out channel by
// channel, then pooled.
Codes conv_codes(const QuantLayer& layer, const QuantConfig& config, const Codes& map,
                 const LayerDot& dot) {
  const std::size_t positions = layer.positions();
  Codes per_position;
  per_position.reserve(positions * layer.outputs);
  for (const Codes& window : gather_windows(layer, map)) {
    const LayerOutput out = finish_layer(layer, config, dot(window));
    per_position.insert(per_position.end(), out.codes.begin(), out.codes.end());
  }
  return pool_codes(to_channel_major(per_position, positions, layer.outputs),
                    output_map(layer.outputs, layer.conv, {}), layer.pool);
}

}  // namespace

LayerOutput run_layer(const QuantLayer& layer, const QuantConfig& config, const Codes& input,
                      const LayerDot& dot) {
  if (!layer.conv) return finish_layer(layer, config, dot(input));
  SCPREC_ASSERT(!layer.is_output, "the output layer is dense (Network's rule)");
  LayerOutput out;
  out.codes = conv_codes(layer, config, input, dot);
  return out;
}

NetworkRun forward_codes(const QuantizedNetwork& network, const Codes& input,
                         const DotFunction& dot) {
  NetworkRun run;
  run.layer_inputs.push_back(input);
  for (std::size_t l = 0; l < network.layers.size(); ++l) {
    const QuantLayer& layer = network.layers[l];
    LayerOutput out = run_layer(layer, network.config, run.layer_inputs.back(),
                                [&](const Codes& codes) { return dot(l, codes); });
    if (layer.is_output) {
      run.logits = std::move(out.accumulators);
    } else {
      run.layer_inputs.push_back(std::move(out.codes));
    }
  }
  return run;
}

NetworkRun binary_forward(const QuantizedNetwork& network, const Codes& input) {
  return forward_codes(network, input, [&](std::size_t l, const Codes& codes) {
    return exact_dot(network.layers[l], codes);
  });
}

}  // namespace scprec::model
