// A feed-forward network of dense layers and its float (double precision) forward pass.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <string>
#include <vector>

namespace scprec::model {

enum class Activation { kRelu, kIdentity };

/// "relu" / "identity".
std::string to_string(Activation activation);
/// Parses "relu" or "identity"; throws Error (kBadInput) naming `field` otherwise.
Activation parse_activation(const std::string& text, const std::string& field);

/// One dense layer: output = activation(weight * input + bias).
struct DenseLayer {
  std::string name;
  Eigen::MatrixXd weight;  ///< (outputs, inputs), PyTorch's layout
  Eigen::VectorXd bias;    ///< (outputs)
  Activation activation = Activation::kRelu;

  std::size_t inputs() const { return static_cast<std::size_t>(weight.cols()); }
  std::size_t outputs() const { return static_cast<std::size_t>(weight.rows()); }
};

/// A chain of dense layers. The constructor checks that shapes chain and values are finite,
/// and throws Error (kBadInput) naming the layer otherwise.
class Network {
 public:
  explicit Network(std::vector<DenseLayer> layers);

  const std::vector<DenseLayer>& layers() const { return layers_; }
  std::size_t input_size() const { return layers_.front().inputs(); }
  std::size_t output_size() const { return layers_.back().outputs(); }

  /// The outputs of every layer (after its activation) for a batch whose rows are samples;
  /// element l has shape (samples, layer l's outputs).
  std::vector<Eigen::MatrixXd> forward_layers(const Eigen::MatrixXd& inputs) const;
  /// Every layer's pre-activation outputs (weight * input + bias, before the activation) for a
  /// batch whose rows are samples.
  std::vector<Eigen::MatrixXd> forward_preactivations(const Eigen::MatrixXd& inputs) const;
  /// The last layer's outputs (the logits) for a batch whose rows are samples.
  Eigen::MatrixXd forward(const Eigen::MatrixXd& inputs) const;

 private:
  std::vector<DenseLayer> layers_;
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
