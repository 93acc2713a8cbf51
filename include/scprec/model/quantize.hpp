// Quantization: the integers the hardware holds, and the exact integer ("binary") reference.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "scprec/core/encoding.hpp"
#include "scprec/model/network.hpp"

namespace scprec::model {

/// B-bit unsigned activation codes, one per neuron.
using Codes = std::vector<std::uint16_t>;

struct QuantConfig {
  /// Activation and weight precision B, in [2, 12].
  int bits = 8;
  core::Encoding encoding = core::Encoding::kSignMagnitude;
  /// How hidden layers' scales are calibrated: the largest code stands for this quantile of the
  /// layer's positive float activations over the calibration inputs (every neuron's; ReLU's
  /// zeros left out, so that a sparse layer's quantile is not 0).
  /// 1 is the maximum; below 1, the few larger activations saturate at the largest code, and
  /// the rest get larger codes, so larger SC probabilities. In (0, 1].
  double scale_quantile = 1.0;
};

/// Fixed-point rescaling of a non-negative accumulator y to the next layer's codes:
/// code = min((y * multiplier + 2^(shift-1)) >> shift, 2^B - 1).
struct Requantizer {
  std::int64_t multiplier = 1;
  int shift = 1;
  std::uint16_t apply(std::int64_t y, int bits) const;
};

/// One layer in integers. Real values: input_j = code_j * input_scale,
/// weight_ji = weight_code_ji * weight_scale, and the accumulator y_j = D_j + bias_j stands for
/// y_j * weight_scale * input_scale, where D_j = sum_i weight_code_ji * code_i.
struct QuantLayer {
  std::string name;
  std::size_t inputs = 0;
  std::size_t outputs = 0;
  std::vector<std::int32_t> weight;  ///< signed weight codes, row-major (outputs x inputs)
  std::vector<std::int64_t> bias;    ///< in accumulator units
  double weight_scale = 1.0;
  double input_scale = 1.0;
  Activation activation = Activation::kRelu;
  bool is_output = false;     ///< last layer: its accumulators are the logits
  double output_scale = 1.0;  ///< hidden layers: the next layer's input_scale
  Requantizer requant;        ///< hidden layers: accumulator -> next layer's codes
  std::optional<ConvGeometry> conv;  ///< a conv layer: `inputs` is its window (Layer's)
  Pooling pool;                      ///< of a conv layer's output codes

  /// Output positions: 1 for a dense layer.
  std::size_t positions() const { return conv ? conv->positions() : 1; }
  /// The codes the layer reads: its inputs, or a conv layer's whole input map.
  std::size_t input_size() const { return conv ? conv->input.size() : inputs; }
  /// The codes it gives the next layer: its outputs at every position, after pooling.
  MapShape pooled_shape() const;

  std::int32_t weight_code(std::size_t neuron, std::size_t input) const {
    return weight[neuron * inputs + input];
  }
  /// The comparator threshold of a weight: |code| (sign-magnitude) or code + 2^(B-1) (bipolar).
  std::uint32_t weight_threshold(std::size_t neuron, std::size_t input,
                                 const QuantConfig& config) const;
};

/// A quantized network: the integer model that the SC model estimates and the RTL implements.
struct QuantizedNetwork {
  QuantConfig config;
  std::vector<QuantLayer> layers;

  std::size_t input_size() const { return layers.front().input_size(); }
  std::size_t output_size() const { return layers.back().outputs; }
  /// Codes of one input sample x in [0, 1]: round(x * (2^B - 1)), clamped.
  Codes quantize_input(const double* x) const;
  /// The real value of one unit of a logit: the last layer's weight_scale * input_scale.
  double logit_scale() const;
};

/// Quantizes a network for B-bit SC hardware: calibrate_activation_scales, then
/// quantize_with_scales. Throws what those throw.
QuantizedNetwork quantize(const Network& network, const Eigen::MatrixXd& calibration,
                          const QuantConfig& config);

/// The output scale of each hidden layer: the config.scale_quantile quantile of its positive
/// float activations over the calibration inputs (rows of `calibration`, values in [0, 1]; the
/// maximum at 1; ReLU's zeros do not count) divided by 2^B - 1, or 1 / (2^B - 1) for a layer
/// that is never positive. Throws Error (kBadInput) if there are no calibration
/// inputs or the quantile is outside (0, 1].
std::vector<double> calibrate_activation_scales(const Network& network,
                                                const Eigen::MatrixXd& calibration,
                                                const QuantConfig& config);

/// Quantizes a network given its hidden layers' output scales. Everything else is a
/// deterministic function of the weights: weight scales are per layer (max |w| maps to the
/// largest code), codes and biases are rounded half to even. So a precision map that records
/// the scales lets any later command rebuild the identical integers. Throws Error (kBadInput)
/// if a hidden layer is not ReLU (SC activations are unsigned), the precision is outside
/// [2, 12], or a scale is missing or not positive.
QuantizedNetwork quantize_with_scales(const Network& network, const QuantConfig& config,
                                      const std::vector<double>& activation_scales);

/// The hidden layers' output scales of a quantized network (quantize_with_scales' input).
std::vector<double> activation_scales(const QuantizedNetwork& network);

/// The outputs of a layer given its dot products D_j (exact or SC-estimated).
struct LayerOutput {
  std::vector<std::int64_t> accumulators;  ///< y_j = D_j + bias_j, after the activation
  Codes codes;                             ///< hidden layers: the next layer's input codes
};

/// Adds the bias, applies the activation and, for hidden layers, requantizes.
LayerOutput finish_layer(const QuantLayer& layer, const QuantConfig& config,
                         const std::vector<std::int64_t>& dot);
/// The exact integer dot products D_j = sum_i weight_code_ji * code_i.
std::vector<std::int64_t> exact_dot(const QuantLayer& layer, const Codes& input);

/// One sample through the network in exact integers: every layer's input codes and the logits.
struct NetworkRun {
  std::vector<Codes> layer_inputs;  ///< element l: the codes layer l receives (a conv layer: its
                                    ///< whole input map, flattened channel, row, column)
  std::vector<std::int64_t> logits;
};

/// Computes a layer's dot products D_j from its index and input codes (a conv layer's window at
/// one position).
using DotFunction = std::function<std::vector<std::int64_t>(std::size_t layer, const Codes& input)>;
/// The codes of a conv layer's window at every position (window_indices' order, 0 on the
/// padding): element p is position p's layer.inputs codes.
std::vector<Codes> gather_windows(const QuantLayer& layer, const Codes& map);
/// Computes one layer's dot products from the codes one output reads (a dense layer's input, a
/// conv layer's window at one position).
using LayerDot = std::function<std::vector<std::int64_t>(const Codes& input)>;
/// One layer on the codes it receives (a conv layer's whole input map): finish_layer of `dot`
/// on the input, or for a conv layer on the window at every position (one call per position,
/// in gather_windows' order: row-major), its codes then laid out channel by channel and pooled
/// (pool_codes) into `codes`. A conv layer is never the output layer.
LayerOutput run_layer(const QuantLayer& layer, const QuantConfig& config, const Codes& input,
                      const LayerDot& dot);
/// Runs one sample through the network, each layer by run_layer with `dot` for its dot
/// products.
NetworkRun forward_codes(const QuantizedNetwork& network, const Codes& input,
                         const DotFunction& dot);
/// forward_codes with exact_dot: the binary reference.
NetworkRun binary_forward(const QuantizedNetwork& network, const Codes& input);

}  // namespace scprec::model
