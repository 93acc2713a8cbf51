// A feed-forward network of dense and convolutional layers and its float (double precision)
// forward pass.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace scprec::model {

enum class Activation { kRelu, kIdentity };

/// "relu" / "identity".
std::string to_string(Activation activation);
/// Parses "relu" or "identity"; throws Error (kBadInput) naming `field` otherwise.
Activation parse_activation(const std::string& text, const std::string& field);

/// A (channels, height, width) feature map; a dense layer's input or output is (n, 1, 1).
struct MapShape {
  std::size_t channels = 1;
  std::size_t height = 1;
  std::size_t width = 1;
  std::size_t size() const { return channels * height * width; }
  bool operator==(const MapShape& other) const {
    return channels == other.channels && height == other.height && width == other.width;
  }
};
/// "(8, 12, 12)".
std::string to_string(const MapShape& shape);

/// Where a convolution reads: a zero-padded input map and a window that slides by the stride,
/// as PyTorch's Conv2d (dilation 1, groups 1). Output position (y, x) reads rows
/// y * stride_h - pad_h + [0, kernel_h) and columns x * stride_w - pad_w + [0, kernel_w).
struct ConvGeometry {
  MapShape input;
  std::size_t kernel_h = 1;
  std::size_t kernel_w = 1;
  std::size_t stride_h = 1;
  std::size_t stride_w = 1;
  std::size_t pad_h = 0;
  std::size_t pad_w = 0;

  std::size_t out_height() const { return (input.height + 2 * pad_h - kernel_h) / stride_h + 1; }
  std::size_t out_width() const { return (input.width + 2 * pad_w - kernel_w) / stride_w + 1; }
  std::size_t positions() const { return out_height() * out_width(); }
  /// Values one output reads: channels x kernel_h x kernel_w.
  std::size_t window() const { return input.channels * kernel_h * kernel_w; }
};

enum class PoolKind { kNone, kMax, kAverage };
/// "none" / "max" / "average".
std::string to_string(PoolKind kind);

/// Pooling of a conv layer's output map after its activation: size x size windows with stride
/// size, the last rows and columns that fill no window dropped (PyTorch's MaxPool2d and
/// AvgPool2d with kernel = stride, no padding).
struct Pooling {
  PoolKind kind = PoolKind::kNone;
  std::size_t size = 1;
};

/// The map a layer of `channels` outputs gives the next layer: (channels, 1, 1) for a dense
/// layer (no `conv`), else its output map after `pool`.
MapShape output_map(std::size_t channels, const std::optional<ConvGeometry>& conv,
                    const Pooling& pool);

/// One layer: output = pool(activation(weight * input + bias)). A dense layer's input is the
/// previous layer's whole output; a conv layer (`conv` set) applies the same weights to the
/// window at every output position, its outputs (channels) at every position.
struct Layer {
  std::string name;
  /// (outputs, inputs), PyTorch's layout; a conv layer's (out, in, kh, kw) weight flattened
  /// row-major to (out, in * kh * kw), so that input k of the window is channel
  /// k / (kh kw), row (k / kw) % kh, column k % kw.
  Eigen::MatrixXd weight;
  Eigen::VectorXd bias;  ///< (outputs)
  Activation activation = Activation::kRelu;
  std::optional<ConvGeometry> conv;  ///< none: a dense layer
  Pooling pool;                      ///< conv layers only

  /// The values each output reads (a dense layer's inputs, a conv layer's window).
  std::size_t inputs() const { return static_cast<std::size_t>(weight.cols()); }
  /// Neurons, or a conv layer's output channels.
  std::size_t outputs() const { return static_cast<std::size_t>(weight.rows()); }
  /// Output positions: 1 for a dense layer.
  std::size_t positions() const { return conv ? conv->positions() : 1; }
  /// The map the layer reads.
  MapShape input_shape() const { return conv ? conv->input : MapShape{inputs(), 1, 1}; }
  /// The map the layer computes, before pooling.
  MapShape output_shape() const;
  /// The map the next layer reads: output_shape() after pooling.
  MapShape pooled_shape() const;
};

/// A chain of layers. The constructor checks that shapes chain (a dense layer after a conv
/// layer reads its pooled map flattened channel by channel, row by row: PyTorch's Flatten),
/// that conv geometry fits its map and values are finite, and that the last layer is dense and
/// unpooled; it throws Error (kBadInput) naming the layer otherwise.
class Network {
 public:
  explicit Network(std::vector<Layer> layers);

  const std::vector<Layer>& layers() const { return layers_; }
  std::size_t input_size() const { return layers_.front().input_shape().size(); }
  std::size_t output_size() const { return layers_.back().outputs(); }

  /// The outputs of every layer (after its activation, before pooling) for a batch whose rows
  /// are samples; element l has shape (samples, layer l's output_shape().size()), a map
  /// flattened channel by channel, row by row.
  std::vector<Eigen::MatrixXd> forward_layers(const Eigen::MatrixXd& inputs) const;
  /// Every layer's pre-activation outputs (weight * input + bias, before the activation and
  /// pooling) for a batch whose rows are samples, laid out as forward_layers'.
  std::vector<Eigen::MatrixXd> forward_preactivations(const Eigen::MatrixXd& inputs) const;
  /// The last layer's outputs (the logits) for a batch whose rows are samples.
  Eigen::MatrixXd forward(const Eigen::MatrixXd& inputs) const;

 private:
  std::vector<Layer> layers_;
};

/// The index of the largest element, the lowest index on ties (numpy's argmax rule).
template <typename Row>
std::size_t argmax(const Row& row) {
  std::size_t best = 0;
  for (std::size_t k = 1; k < static_cast<std::size_t>(row.size()); ++k) {
    if (row[k] > row[best]) best = k;
  }
  return best;
}

/// Each layer's full scale: the largest |float pre-activation| of its outputs over the rows of
/// `inputs`. The last entry is the output's full scale, the unit of relative output error. A
/// layer whose outputs are all 0 gets full scale 1.
std::vector<double> layer_full_scales(const Network& network, const Eigen::MatrixXd& inputs);

/// How many rows of `logits` have their argmax equal to the row's label.
std::size_t count_correct(const Eigen::MatrixXd& logits, const std::vector<int>& labels);
/// Per row, argmax(logits) (the first of equal maxima): the class the network picks.
std::vector<int> top1_classes(const Eigen::MatrixXd& logits);
/// Per row, whether argmax(logits) (the first of equal maxima) is the label.
std::vector<bool> correct_rows(const Eigen::MatrixXd& logits, const std::vector<int>& labels);

}  // namespace scprec::model
