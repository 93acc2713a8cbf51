// Dense networks: shape checks and the float forward pass in double precision.
#include "scprec/model/network.hpp"

#include <algorithm>

#include "scprec/core/enum_names.hpp"
#include "scprec/core/error.hpp"

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

Network::Network(std::vector<DenseLayer> layers) : layers_(std::move(layers)) {
  if (layers_.empty()) {
    throw_bad_input("", "layers", "the network has no layers", "Give at least one dense layer");
  }
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const DenseLayer& layer = layers_[l];
    if (layer.weight.size() == 0) {
      throw_bad_input("", layer.name, "the weight matrix is empty", "Check the model file");
    }
    if (static_cast<std::size_t>(layer.bias.size()) != layer.outputs()) {
      throw_bad_input("", layer.name,
                      "bias has " + std::to_string(layer.bias.size()) + " elements for " +
                          std::to_string(layer.outputs()) + " outputs",
                      "The bias must have one element per row of the weight");
    }
    if (l > 0 && layer.inputs() != layers_[l - 1].outputs()) {
      throw_bad_input("", layer.name,
                      "takes " + std::to_string(layer.inputs()) + " inputs but layer " +
                          layers_[l - 1].name + " gives " +
                          std::to_string(layers_[l - 1].outputs()) + " outputs",
                      "Layer shapes must chain: weight (out, in) with in = previous out");
    }
    if (!layer.weight.allFinite() || !layer.bias.allFinite()) {
      throw_bad_input("", layer.name, "has NaN or infinite weights or biases",
                      "Check the training run that wrote the model");
    }
  }
}

std::vector<Eigen::MatrixXd> Network::forward_preactivations(const Eigen::MatrixXd& inputs) const {
  SCPREC_ASSERT(static_cast<std::size_t>(inputs.cols()) == input_size(),
                "forward pass given inputs of the wrong width");
  std::vector<Eigen::MatrixXd> preactivations;
  Eigen::MatrixXd current = inputs;
  for (const DenseLayer& layer : layers_) {
    Eigen::MatrixXd z = current * layer.weight.transpose();
    z.rowwise() += layer.bias.transpose();
    current = layer.activation == Activation::kRelu ? z.cwiseMax(0.0) : z;
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
