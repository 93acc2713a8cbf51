// Networks of dense and conv layers: shape checks and the float forward pass in double
// precision. A conv layer is a dense layer applied to the window at every output position
// (model/conv.hpp gathers the windows), then its activation, then its pooling.
#include "scprec/model/network.hpp"

#include <algorithm>

#include "scprec/core/enum_names.hpp"
#include "scprec/core/error.hpp"
#include "scprec/model/conv.hpp"

namespace scprec::model {

namespace {
constexpr EnumName<Activation> kActivationNames[] = {{Activation::kRelu, "relu"},
                                                     {Activation::kIdentity, "identity"}};
}  // namespace

std::string to_string(Activation activation) {
  return enum_name(kActivationNames, activation);
}

Activation parse_activation(const std::string& text, const std::string& field) {
  return parse_enum_name(kActivationNames, text, "activation", field);
}

std::string to_string(const MapShape& shape) {
  return "(" + std::to_string(shape.channels) + ", " + std::to_string(shape.height) + ", " +
         std::to_string(shape.width) + ")";
}

namespace {
constexpr EnumName<PoolKind> kPoolNames[] = {
    {PoolKind::kNone, "none"}, {PoolKind::kMax, "max"}, {PoolKind::kAverage, "average"}};
}  // namespace

std::string to_string(PoolKind kind) {
  return enum_name(kPoolNames, kind);
}

MapShape output_map(std::size_t channels, const std::optional<ConvGeometry>& conv,
                    const Pooling& pool) {
  if (!conv) return {channels, 1, 1};
  if (pool.kind == PoolKind::kNone) return {channels, conv->out_height(), conv->out_width()};
  return {channels, conv->out_height() / pool.size, conv->out_width() / pool.size};
}

MapShape Layer::output_shape() const {
  return output_map(outputs(), conv, {});
}

MapShape Layer::pooled_shape() const {
  return output_map(outputs(), conv, pool);
}

namespace {

// The most values a conv layer's input map, or its windows at all positions, may hold: the
// window table (4 bytes an entry) and a sample's gathered windows stay in tens of MiB.
constexpr std::size_t kMaxMapValues = std::size_t{1} << 24;

// A conv layer's geometry must fit its weights and its map, and its pooling its output.
void check_conv(const Layer& layer) {
  const ConvGeometry& g = *layer.conv;
  if (g.input.size() == 0 || g.kernel_h == 0 || g.kernel_w == 0 || g.stride_h == 0 ||
      g.stride_w == 0) {
    throw_bad_input("", layer.name, "has an empty input map, kernel or stride",
                    "Give positive sizes, kernels and strides");
  }
  if (g.pad_h >= g.kernel_h || g.pad_w >= g.kernel_w) {
    throw_bad_input("", layer.name,
                    "pads by " + std::to_string(g.pad_h) + "x" + std::to_string(g.pad_w) +
                        ", as much as its " + std::to_string(g.kernel_h) + "x" +
                        std::to_string(g.kernel_w) +
                        " kernel: windows would lie wholly on the "
                        "padding",
                    "Pad by less than the kernel size");
  }
  if (g.kernel_h > g.input.height + 2 * g.pad_h || g.kernel_w > g.input.width + 2 * g.pad_w) {
    throw_bad_input("", layer.name,
                    "has a " + std::to_string(g.kernel_h) + "x" + std::to_string(g.kernel_w) +
                        " kernel larger than its padded input map " + to_string(g.input),
                    "Check the input shape, kernel and padding");
  }
  if (g.input.size() > kMaxMapValues || g.positions() * g.window() > kMaxMapValues) {
    throw_bad_input("", layer.name,
                    "reads a map " + to_string(g.input) + " at " + std::to_string(g.positions()) +
                        " positions of " + std::to_string(g.window()) +
                        " values each, more than 2^24",
                    "Give a smaller input map or kernel");
  }
  if (layer.inputs() != g.window()) {
    throw_bad_input("", layer.name,
                    "has weights for windows of " + std::to_string(layer.inputs()) +
                        " values, but its kernel over " + std::to_string(g.input.channels) +
                        " channels reads " + std::to_string(g.window()),
                    "Conv weights are (out, in, kh, kw) with in = the input's channels");
  }
  if (layer.pool.kind != PoolKind::kNone) {
    const MapShape out = layer.output_shape();
    if (layer.pool.size == 0 || layer.pool.size > 256 || out.height < layer.pool.size ||
        out.width < layer.pool.size) {
      throw_bad_input("", layer.name,
                      "pools " + std::to_string(layer.pool.size) + "x" +
                          std::to_string(layer.pool.size) + " windows of its output map " +
                          to_string(out),
                      "Pool windows must fit in the layer's output map");
    }
  }
}

}  // namespace

Network::Network(std::vector<Layer> layers) : layers_(std::move(layers)) {
  if (layers_.empty()) {
    throw_bad_input("", "layers", "the network has no layers", "Give at least one dense layer");
  }
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    if (layer.weight.size() == 0) {
      throw_bad_input("", layer.name, "the weight matrix is empty", "Check the model file");
    }
    if (static_cast<std::size_t>(layer.bias.size()) != layer.outputs()) {
      throw_bad_input("", layer.name,
                      "bias has " + std::to_string(layer.bias.size()) + " elements for " +
                          std::to_string(layer.outputs()) + " outputs",
                      "The bias must have one element per row of the weight");
    }
    if (layer.conv) {
      check_conv(layer);
    } else if (layer.pool.kind != PoolKind::kNone) {
      throw_bad_input("", layer.name, "is a dense layer with pooling",
                      "Only conv layers pool their output maps");
    }
    if (l > 0 && layer.input_shape().size() != layers_[l - 1].pooled_shape().size()) {
      throw_bad_input("", layer.name,
                      "takes " + std::to_string(layer.input_shape().size()) + " inputs but layer " +
                          layers_[l - 1].name + " gives " +
                          std::to_string(layers_[l - 1].pooled_shape().size()) + " outputs",
                      "Layer shapes must chain: weight (out, in) with in = previous out");
    }
    if (l > 0 && layer.conv && !(layer.input_shape() == layers_[l - 1].pooled_shape())) {
      throw_bad_input("", layer.name,
                      "reads a map " + to_string(layer.input_shape()) + " but layer " +
                          layers_[l - 1].name + " gives " +
                          to_string(layers_[l - 1].pooled_shape()),
                      "A conv layer must read the map the layer before it gives");
    }
    if (!layer.weight.allFinite() || !layer.bias.allFinite()) {
      throw_bad_input("", layer.name, "has NaN or infinite weights or biases",
                      "Check the training run that wrote the model");
    }
  }
  if (layers_.back().conv) {
    throw_bad_input("", layers_.back().name, "is a conv layer, and the last layer gives the logits",
                    "End the network with a dense (Linear) layer");
  }
}

namespace {

// The pre-activation outputs of a conv layer for one sample (a row): the dense layer applied
// to the window at every position, laid out channel by channel.
Eigen::RowVectorXd conv_preactivation(const Layer& layer, const std::vector<std::int32_t>& windows,
                                      const Eigen::RowVectorXd& input) {
  const std::size_t positions = layer.positions();
  const std::size_t window = layer.inputs();
  Eigen::MatrixXd columns(static_cast<Eigen::Index>(positions), static_cast<Eigen::Index>(window));
  for (std::size_t p = 0; p < positions; ++p) {
    for (std::size_t k = 0; k < window; ++k) {
      const std::int32_t at = windows[p * window + k];
      columns(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(k)) =
          at < 0 ? 0.0 : input(at);
    }
  }
  Eigen::MatrixXd z = columns * layer.weight.transpose();  // (positions, channels)
  z.rowwise() += layer.bias.transpose();
  Eigen::RowVectorXd map(z.size());
  for (Eigen::Index c = 0; c < z.cols(); ++c) {
    map.segment(c * z.rows(), z.rows()) = z.col(c).transpose();
  }
  return map;
}

// A conv layer's pooled output for one sample, from its activated map.
Eigen::RowVectorXd pooled(const Layer& layer, const Eigen::RowVectorXd& activated) {
  if (layer.pool.kind == PoolKind::kNone) return activated;
  const std::vector<double> map(activated.data(), activated.data() + activated.size());
  const std::vector<double> out = pool_values(map, layer.output_shape(), layer.pool);
  return Eigen::Map<const Eigen::RowVectorXd>(out.data(), static_cast<Eigen::Index>(out.size()));
}

}  // namespace

std::vector<Eigen::MatrixXd> Network::forward_preactivations(const Eigen::MatrixXd& inputs) const {
  SCPREC_ASSERT(static_cast<std::size_t>(inputs.cols()) == input_size(),
                "forward pass given inputs of the wrong width");
  std::vector<Eigen::MatrixXd> preactivations;
  Eigen::MatrixXd current = inputs;
  for (const Layer& layer : layers_) {
    if (!layer.conv) {
      Eigen::MatrixXd z = current * layer.weight.transpose();
      z.rowwise() += layer.bias.transpose();
      current = layer.activation == Activation::kRelu ? z.cwiseMax(0.0) : z;
      preactivations.push_back(std::move(z));
      continue;
    }
    const std::vector<std::int32_t> windows = window_indices(*layer.conv);
    Eigen::MatrixXd z(current.rows(), static_cast<Eigen::Index>(layer.output_shape().size()));
    Eigen::MatrixXd next(current.rows(), static_cast<Eigen::Index>(layer.pooled_shape().size()));
    for (Eigen::Index r = 0; r < current.rows(); ++r) {
      z.row(r) = conv_preactivation(layer, windows, current.row(r));
      const Eigen::RowVectorXd activated = layer.activation == Activation::kRelu
                                               ? Eigen::RowVectorXd(z.row(r).cwiseMax(0.0))
                                               : Eigen::RowVectorXd(z.row(r));
      next.row(r) = pooled(layer, activated);
    }
    current = std::move(next);
    preactivations.push_back(std::move(z));
  }
  return preactivations;
}

std::vector<Eigen::MatrixXd> Network::forward_layers(const Eigen::MatrixXd& inputs) const {
  std::vector<Eigen::MatrixXd> outputs = forward_preactivations(inputs);
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    if (layers_[l].activation == Activation::kRelu) outputs[l] = outputs[l].cwiseMax(0.0);
  }
  return outputs;
}

Eigen::MatrixXd Network::forward(const Eigen::MatrixXd& inputs) const {
  return forward_layers(inputs).back();
}

std::vector<double> layer_full_scales(const Network& network, const Eigen::MatrixXd& inputs) {
  std::vector<double> scales;
  for (const Eigen::MatrixXd& z : network.forward_preactivations(inputs)) {
    const double peak = z.size() == 0 ? 0.0 : z.cwiseAbs().maxCoeff();
    scales.push_back(peak > 0.0 ? peak : 1.0);
  }
  return scales;
}

std::vector<bool> correct_rows(const Eigen::MatrixXd& logits, const std::vector<int>& labels) {
  SCPREC_ASSERT(static_cast<std::size_t>(logits.rows()) == labels.size(),
                "one label per row of logits");
  std::vector<bool> correct;
  for (Eigen::Index r = 0; r < logits.rows(); ++r) {
    correct.push_back(static_cast<int>(argmax(logits.row(r))) ==
                      labels[static_cast<std::size_t>(r)]);
  }
  return correct;
}

std::vector<int> top1_classes(const Eigen::MatrixXd& logits) {
  std::vector<int> classes;
  for (Eigen::Index r = 0; r < logits.rows(); ++r) {
    classes.push_back(static_cast<int>(argmax(logits.row(r))));
  }
  return classes;
}

std::size_t count_correct(const Eigen::MatrixXd& logits, const std::vector<int>& labels) {
  const std::vector<bool> correct = correct_rows(logits, labels);
  return static_cast<std::size_t>(std::count(correct.begin(), correct.end(), true));
}

}  // namespace scprec::model
