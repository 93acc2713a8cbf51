// ONNX models as torch.onnx.export writes them, read into a chain of dense and conv layers.
//
// The graph is walked from its one data input along the one path to its one output. A Gemm, a
// MatMul or a Conv starts a layer: Gemm's weight (out, in) = alpha * B^T (alpha * B with
// transB) and bias beta * C; MatMul's weight B^T; Conv's weight (out, in, kh, kw) flattened to
// (out, in kh kw) with its strides and symmetric padding. What follows it before its activation
// folds into it: an Add of a constant adds to the bias; a BatchNormalization
// y = s (x - mean) + b, s = scale / sqrt(var + epsilon), scales the weight's rows and the bias
// by s and shifts the bias. A Relu sets the layer's activation; a MaxPool or AveragePool with
// kernel = stride sets a conv layer's pooling (a max pool before the Relu commutes with it).
// Flatten, Reshape to (batch, features), Identity, inference-mode Dropout and a Pad by zeros
// pass the data on.
// Every other input of a node on the path must be a constant (an initializer or a Constant
// node's output); a tensor on the path read by two nodes, or a node off the path, is a branch
// that a chain of layers cannot build, and is refused. Operator semantics as in the ONNX
// operator documentation (onnx.ai/onnx/operators), opsets 9 to 17.
#include "scprec/io/onnx_model.hpp"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "onnx_tensors.hpp"
#include "scprec/core/error.hpp"
#include "scprec/core/text.hpp"
#include "scprec/io/files.hpp"

namespace scprec::io {
namespace {

using onnx_read::Tensor;
using onnx_read::TensorUse;

constexpr std::int64_t kFirstOpset = 9;
constexpr std::int64_t kLastOpset = 17;
// The most constant values a model may decode, all layers together (512 MiB as doubles); the
// bundled example has 0.11 million.
constexpr std::int64_t kMaxWeights = std::int64_t{1} << 26;

const char* const kSupportedOps =
    "Gemm, MatMul, Conv, Add (a bias), BatchNormalization (folded), Relu, MaxPool and "
    "AveragePool (kernel = stride), Flatten, Reshape (constant shape), Identity, Dropout "
    "(inference), Pad (by zeros)";

// A layer's name: its weight's state_dict name ("fc1.weight" -> "fc1"), else its node's scope
// ("/fc1/Gemm" -> "fc1", "/enc/fc1/MatMul" -> "enc.fc1"), else the weight's own name unless
// the exporter made it up ("onnx::MatMul_12"), else "layer<k>" (k counted from 1).
std::string layer_name(const onnx::NodeProto& node, const std::string& weight, std::size_t k) {
  if (core::ends_with(weight, ".weight") && weight.size() > 7)
    return weight.substr(0, weight.size() - 7);
  const std::string& name = node.name();
  const std::size_t last = name.rfind('/');
  if (!name.empty() && name.front() == '/' && last != std::string::npos && last > 1) {
    std::string scope = name.substr(1, last - 1);
    for (char& c : scope) c = c == '/' ? '.' : c;
    return scope;
  }
  if (!weight.empty() && weight.find("::") == std::string::npos) return weight;
  return "layer" + std::to_string(k + 1);
}

// A constant's tensor and the name the graph gives it (an initializer's own, a Constant node's
// output).
struct Constant {
  const onnx::TensorProto* tensor = nullptr;
  std::string name;
};

// The graph, its constants, and the layers read so far; one member per kind of node.
class ChainReader {
 public:
  ChainReader(const onnx::GraphProto& graph, std::string where)
      : graph_(graph), where_(std::move(where)) {}
  model::Network read();

 private:
  enum class Stage { kNoLayer, kOpen, kActivated };  // of the last layer: may it still fold?

  [[noreturn]] void refuse(const onnx::NodeProto& node, const std::string& problem,
                           const std::string& remedy) const;
  std::string label(const onnx::NodeProto& node) const;
  void index_graph();
  std::string data_input();
  bool is_constant(const std::string& name) const { return constants_.count(name) != 0; }
  Tensor constant(const onnx::NodeProto& node, int input, TensorUse use);
  std::int64_t int_attribute(const onnx::NodeProto& node, const std::string& name,
                             std::int64_t fallback) const;
  double float_attribute(const onnx::NodeProto& node, const std::string& name,
                         double fallback) const;
  std::vector<std::int64_t> ints_attribute(const onnx::NodeProto& node, const std::string& name,
                                           const std::vector<std::int64_t>& fallback) const;
  void check_inputs(const onnx::NodeProto& node, const std::string& data) const;
  const onnx::NodeProto& next_node(const std::string& tensor) const;
  void check_all_visited() const;

  void step(const onnx::NodeProto& node);
  void start_layer(const onnx::NodeProto& node, model::Layer layer, const std::string& weight);
  void on_gemm(const onnx::NodeProto& node);
  void on_matmul(const onnx::NodeProto& node);
  void on_conv(const onnx::NodeProto& node);
  void on_add(const onnx::NodeProto& node);
  void on_batch_norm(const onnx::NodeProto& node);
  void on_relu(const onnx::NodeProto& node);
  void on_pool(const onnx::NodeProto& node);
  void on_flatten(const onnx::NodeProto& node);
  void on_reshape(const onnx::NodeProto& node);
  void on_dropout(const onnx::NodeProto& node);
  void on_pad(const onnx::NodeProto& node);
  void expect_open_layer(const onnx::NodeProto& node, const std::string& what) const;
  void expect_rank(const onnx::NodeProto& node, std::size_t rank, const std::string& form) const;
  // How a constant spreads over the last layer's outputs: by ONNX broadcasting against the data
  // (Gemm's C, Add), or as a vector with one entry per channel (Conv's B, BatchNormalization's).
  enum class Spread { kBroadcast, kPerChannel };
  Eigen::VectorXd per_output(const onnx::NodeProto& node, int input, Spread spread);

  std::int64_t features() const;

  const onnx::GraphProto& graph_;
  std::string where_;
  std::map<std::string, Constant> constants_;
  std::map<std::string, std::vector<int>> consumers_;
  std::map<std::string, int> producers_;         // the node that writes each tensor
  std::map<const onnx::NodeProto*, int> index_;  // of each node in the graph
  std::set<int> visited_;
  std::vector<model::Layer> layers_;
  Stage stage_ = Stage::kNoLayer;
  std::vector<std::int64_t> shape_;  // of the data on the path; axis 0 the batch, -1 unknown
  std::int64_t decoded_ = 0;         // weight values decoded so far
};

void ChainReader::refuse(const onnx::NodeProto& node, const std::string& problem,
                         const std::string& remedy) const {
  throw_bad_input(where_, label(node), problem, remedy);
}

std::string ChainReader::label(const onnx::NodeProto& node) const {
  const std::string name =
      node.name().empty() ? "#" + std::to_string(index_.at(&node)) : node.name();
  return "node '" + name + "' (" + node.op_type() + ")";
}

std::int64_t ChainReader::features() const {
  std::int64_t product = 1;
  for (std::size_t k = 1; k < shape_.size(); ++k) product *= shape_[k];
  return product;
}

std::int64_t ChainReader::int_attribute(const onnx::NodeProto& node, const std::string& name,
                                        std::int64_t fallback) const {
  return onnx_read::int_attribute(node, name, fallback, where_, label(node));
}

double ChainReader::float_attribute(const onnx::NodeProto& node, const std::string& name,
                                    double fallback) const {
  return onnx_read::float_attribute(node, name, fallback, where_, label(node));
}

std::vector<std::int64_t> ChainReader::ints_attribute(
    const onnx::NodeProto& node, const std::string& name,
    const std::vector<std::int64_t>& fallback) const {
  return onnx_read::ints_attribute(node, name, fallback, where_, label(node));
}

// Constants (initializers and Constant nodes' outputs) by name, and who writes and reads each
// tensor.
void ChainReader::index_graph() {
  if (graph_.sparse_initializer_size() > 0) {
    throw_bad_input(where_, graph_.sparse_initializer(0).values().name(), "is a sparse initializer",
                    "Export dense initializers");
  }
  for (const onnx::TensorProto& tensor : graph_.initializer()) {
    constants_[tensor.name()] = {&tensor, tensor.name()};
  }
  for (int n = 0; n < graph_.node_size(); ++n) {
    const onnx::NodeProto& node = graph_.node(n);
    index_[&node] = n;
    if (!node.domain().empty() && node.domain() != "ai.onnx") {
      refuse(node, "is in the operator domain '" + node.domain() + "'",
             std::string("Use standard ONNX operators: ") + kSupportedOps);
    }
    for (const std::string& output : node.output()) producers_[output] = n;
    if (node.op_type() == "Constant") {
      if (node.output_size() != 1 || node.attribute_size() != 1 ||
          node.attribute(0).name() != "value" || !node.attribute(0).has_t()) {
        refuse(node, "is not a Constant holding one tensor in its 'value' attribute",
               "Export with do_constant_folding=True, or store the constant as an initializer");
      }
      constants_[node.output(0)] = {&node.attribute(0).t(), node.output(0)};
      visited_.insert(n);
      continue;
    }
    for (const std::string& input : node.input()) {
      std::vector<int>& readers = consumers_[input];
      if (!input.empty() && (readers.empty() || readers.back() != n)) readers.push_back(n);
    }
  }
}

// The one graph input that is not an initializer: a float tensor with every axis but the first
// fixed.
std::string ChainReader::data_input() {
  std::vector<const onnx::ValueInfoProto*> inputs;
  for (const onnx::ValueInfoProto& input : graph_.input()) {
    if (!is_constant(input.name())) inputs.push_back(&input);
  }
  if (inputs.size() != 1) {
    throw_bad_input(where_, "graph inputs",
                    "the graph has " + std::to_string(inputs.size()) + " data inputs",
                    "Export a network of one input tensor");
  }
  const onnx::ValueInfoProto& input = *inputs.front();
  const std::string field = "input '" + input.name() + "'";
  const auto& type = input.type().tensor_type();
  if (!input.type().has_tensor_type() || !type.has_shape() || type.shape().dim_size() < 2) {
    throw_bad_input(where_, field, "has no shape of the form (batch, features...)",
                    "Export with an example input that has a batch axis");
  }
  if (type.elem_type() != onnx::TensorProto::FLOAT &&
      type.elem_type() != onnx::TensorProto::DOUBLE &&
      type.elem_type() != onnx::TensorProto::FLOAT16) {
    throw_bad_input(where_, field, "is not a float tensor",
                    "Export a network that takes float inputs (scprec feeds values in [0, 1])");
  }
  const auto& dims = type.shape().dim();
  shape_.assign(1, dims[0].has_dim_value() ? dims[0].dim_value() : -1);
  for (int k = 1; k < dims.size(); ++k) {
    if (!dims[k].has_dim_value() || dims[k].dim_value() <= 0) {
      const std::string axis = dims[k].has_dim_param() ? " ('" + dims[k].dim_param() + "')" : "";
      throw_bad_input(where_, field, "axis " + std::to_string(k) + axis + " has no fixed size",
                      "Only the first (batch) axis may be dynamic: export with dynamic_axes "
                      "naming axis 0 alone");
    }
    if (dims[k].dim_value() > onnx_read::kMaxElements / features()) {
      throw_bad_input(where_, field, "has too many features", "Export a smaller network");
    }
    shape_.push_back(dims[k].dim_value());
  }
  return input.name();
}

// Input `input` of `node`, a constant decoded for `use`. The constants of the whole model count
// against one budget, kMaxWeights: a shared initializer is decoded, and held, once per layer
// that uses it, so memory is bounded by the budget, not by the file's size.
Tensor ChainReader::constant(const onnx::NodeProto& node, int input, TensorUse use) {
  if (input >= node.input_size() || !is_constant(node.input(input))) {
    refuse(node, "has no constant as its input " + std::to_string(input),
           "Export the model with do_constant_folding=True");
  }
  const Constant& c = constants_.at(node.input(input));
  std::int64_t count = 1;  // checked before decoding: nothing is allocated past the budget
  for (std::int64_t dim : c.tensor->dims()) {
    if (dim <= 0 || count > kMaxWeights / dim) {
      count = dim <= 0 ? 0 : kMaxWeights + 1;
      break;
    }
    count *= dim;
  }
  if (decoded_ + count > kMaxWeights) {
    refuse(node,
           "brings the model's weights past 2^26 values (counting a shared initializer once "
           "per layer that uses it)",
           "Export a network of a size SC hardware can hold");
  }
  Tensor tensor = onnx_read::decode_tensor(*c.tensor, c.name, use, where_, label(node));
  decoded_ += static_cast<std::int64_t>(tensor.values.size());
  return tensor;
}

// Every input of a node on the path but the data must be a constant: another tensor is either
// computed from weights at run time (an export without constant folding) or a second path of
// data joining this one (a skip connection).
void ChainReader::check_inputs(const onnx::NodeProto& node, const std::string& data) const {
  bool data_seen = false;
  for (const std::string& input : node.input()) {
    if (input.empty() || is_constant(input)) continue;
    if (input == data && !data_seen) {
      data_seen = true;
      continue;
    }
    if (input == data) {
      refuse(node, "reads the data '" + data + "' twice",
             "scprec builds a chain of layers, each reading its input once");
    }
    const auto producer = producers_.find(input);
    if (producer != producers_.end() && producer->second != index_.at(&node)) {
      refuse(node,
             "reads '" + input + "', which " + label(graph_.node(producer->second)) +
                 " computes: neither the data on the path nor a constant",
             "Export with do_constant_folding=True, so that weights are constants; if '" + input +
                 "' is a second path of data (a skip connection), scprec cannot build it");
    }
    refuse(node,
           "reads '" + input +
               "', which is neither the data on the path nor a constant (a "
               "second input)",
           "scprec builds a chain of layers from one input");
  }
}

// The one node that reads `tensor`; refuses a tensor read by several nodes (a branch).
const onnx::NodeProto& ChainReader::next_node(const std::string& tensor) const {
  const std::vector<int>& readers = consumers_.at(tensor);
  for (int n : readers) {
    if (graph_.node(n).op_type() == "Shape") {
      refuse(graph_.node(n),
             "reads the shape of '" + tensor + "' at run time, for a shape computed from it",
             "Use torch.flatten(x, 1) or nn.Flatten, or x.reshape(-1, features), instead of "
             "x.view(x.size(0), -1); or export with a fixed batch size");
    }
  }
  if (readers.size() > 1) {
    refuse(graph_.node(readers[1]),
           "reads '" + tensor + "', which " + label(graph_.node(readers[0])) +
               " reads too: the graph branches there",
           "scprec builds a chain of layers; remove the branch or skip connection");
  }
  return graph_.node(readers.front());
}

void ChainReader::check_all_visited() const {
  for (int n = 0; n < graph_.node_size(); ++n) {
    if (visited_.count(n) == 0) {
      refuse(graph_.node(n), "is not on the path from the graph's input to its output",
             "scprec builds a chain of layers; remove the branch (or the unused node)");
    }
  }
}

model::Network ChainReader::read() {
  index_graph();
  std::string tensor = data_input();
  if (graph_.output_size() != 1) {
    throw_bad_input(where_, "graph outputs",
                    "the graph has " + std::to_string(graph_.output_size()) + " outputs",
                    "Export a network with one output, the logits");
  }
  const std::string& output = graph_.output(0).name();
  while (consumers_.count(tensor) != 0 && !consumers_.at(tensor).empty()) {
    if (is_constant(tensor)) {
      throw_bad_input(where_, "tensor '" + tensor + "'", "is named like a constant",
                      "Export the model again: the graph is damaged");
    }
    const onnx::NodeProto& node = next_node(tensor);
    if (tensor == output) {
      refuse(node, "reads the graph's output '" + output + "'",
             "Export the logits as the graph's only output, read by no node");
    }
    if (!visited_.insert(index_.at(&node)).second) {
      refuse(node, "is reached twice: the graph has a cycle", "Export the model again");
    }
    // The data comes first (Add takes it either side; a constant first is swapped there).
    if (node.input(0) != tensor && !(node.op_type() == "Add" && node.input_size() == 2)) {
      refuse(node, "takes the data '" + tensor + "' as a later input, not its first",
             "Export the model again from PyTorch");
    }
    check_inputs(node, tensor);
    step(node);
    tensor = node.output(0);
  }
  if (tensor != output) {
    throw_bad_input(
        where_, "graph output",
        "the path from the input ends at '" + tensor + "', not at the output '" + output + "'",
        "Export a chain of layers from the input to the logits");
  }
  check_all_visited();
  if (layers_.empty()) {
    throw_bad_input(where_, "", "the graph has no Gemm, MatMul or Conv layer",
                    "Export a network of dense or conv layers (nn.Linear, nn.Conv2d)");
  }
  return model::Network(std::move(layers_));
}

void ChainReader::step(const onnx::NodeProto& node) {
  const std::string& op = node.op_type();
  if (node.output_size() < 1 || node.output(0).empty()) {
    refuse(node, "has no output", "Export the model again: the graph is damaged");
  }
  if (op == "Gemm") return on_gemm(node);
  if (op == "MatMul") return on_matmul(node);
  if (op == "Conv") return on_conv(node);
  if (op == "Add") return on_add(node);
  if (op == "BatchNormalization") return on_batch_norm(node);
  if (op == "Relu") return on_relu(node);
  if (op == "MaxPool" || op == "AveragePool") return on_pool(node);
  if (op == "Flatten") return on_flatten(node);
  if (op == "Reshape") return on_reshape(node);
  if (op == "Dropout") return on_dropout(node);
  if (op == "Pad") return on_pad(node);
  if (op == "Identity") return;
  if (op == "Softmax" || op == "LogSoftmax") {
    refuse(node, "turns the logits into probabilities, which SC hardware does not compute",
           "Export the network without its final " + op +
               ": scprec measures errors on the logits, and the top-1 class is the same");
  }
  refuse(node, "is not an operator scprec builds", std::string("Supported: ") + kSupportedOps);
}

void ChainReader::expect_rank(const onnx::NodeProto& node, std::size_t rank,
                              const std::string& form) const {
  if (shape_.size() != rank) {
    refuse(node, "takes data of shape " + onnx_read::shape_text(shape_) + ", not " + form,
           rank == 2 ? "Flatten the data first (nn.Flatten or torch.flatten(x, 1))"
                     : "A Conv reads (batch, channels, height, width) maps");
  }
}

void ChainReader::start_layer(const onnx::NodeProto& node, model::Layer layer,
                              const std::string& weight) {
  const std::int64_t reads = static_cast<std::int64_t>(layer.input_shape().size());
  if (reads != features()) {
    refuse(node,
           "has weights for " + std::to_string(reads) + " inputs, but its data has " +
               std::to_string(features()) + " features",
           "Export the model again: the graph is inconsistent");
  }
  layer.name = layer_name(node, weight, layers_.size());
  for (const model::Layer& other : layers_) {
    if (other.name == layer.name) {
      refuse(node, "makes a second layer named '" + layer.name + "'",
             "Give the layers distinct names in the model");
    }
  }
  layer.activation = model::Activation::kIdentity;
  const model::MapShape out = layer.output_shape();
  shape_ = layer.conv
               ? std::vector<std::int64_t>{shape_.front(), static_cast<std::int64_t>(out.channels),
                                           static_cast<std::int64_t>(out.height),
                                           static_cast<std::int64_t>(out.width)}
               : std::vector<std::int64_t>{shape_.front(), static_cast<std::int64_t>(out.channels)};
  layers_.push_back(std::move(layer));
  stage_ = Stage::kOpen;
}

// A constant matrix, (rows, columns) row-major as ONNX stores it; a 4-D conv weight as
// (out, in kh kw).
Eigen::MatrixXd matrix_of(const Tensor& tensor) {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const auto rows = static_cast<Eigen::Index>(tensor.dims[0]);
  const auto cols = rows == 0 ? 0 : static_cast<Eigen::Index>(tensor.values.size()) / rows;
  return Eigen::Map<const RowMajor>(tensor.values.data(), rows, cols);
}

// Gemm: Y = alpha * A' B' + beta * C, A' = A (transA = 0), B' = B or B^T (transB).
void ChainReader::on_gemm(const onnx::NodeProto& node) {
  expect_rank(node, 2, "(batch, features)");
  if (node.input_size() < 2 || int_attribute(node, "transA", 0) != 0 ||
      !is_constant(node.input(1))) {
    refuse(node, "is not data times a constant matrix (transA = 1, or B not constant)",
           "Export nn.Linear layers");
  }
  const Tensor b = constant(node, 1, TensorUse::kWeights);
  if (b.dims.size() != 2) {
    refuse(node, "has a B of shape " + onnx_read::shape_text(b.dims), "B must be a matrix");
  }
  const double alpha = float_attribute(node, "alpha", 1.0);
  const double beta = float_attribute(node, "beta", 1.0);
  model::Layer layer;
  layer.weight = matrix_of(b);
  if (int_attribute(node, "transB", 0) == 0) layer.weight.transposeInPlace();
  layer.weight *= alpha;
  layer.bias = Eigen::VectorXd::Zero(layer.weight.rows());
  start_layer(node, std::move(layer), constants_.at(node.input(1)).name);
  if (node.input_size() > 2 && !node.input(2).empty()) {
    layers_.back().bias = beta * per_output(node, 2, Spread::kBroadcast);
  }
}

// MatMul: Y = A B with B a constant (in, out) matrix.
void ChainReader::on_matmul(const onnx::NodeProto& node) {
  expect_rank(node, 2, "(batch, features)");
  if (node.input_size() != 2 || !is_constant(node.input(1))) {
    refuse(node, "does not multiply the data by a constant matrix on its right",
           "Export x @ W (or nn.Linear) with W a parameter, and do_constant_folding=True");
  }
  const Tensor b = constant(node, 1, TensorUse::kWeights);
  if (b.dims.size() != 2) {
    refuse(node, "multiplies by a constant of shape " + onnx_read::shape_text(b.dims),
           "The constant must be an (in, out) matrix");
  }
  model::Layer layer;
  layer.weight = matrix_of(b).transpose();
  layer.bias = Eigen::VectorXd::Zero(layer.weight.rows());
  start_layer(node, std::move(layer), constants_.at(node.input(1)).name);
}

// Conv: weights (out, in, kh, kw), strides, pads [top, left, bottom, right] with top = bottom
// and left = right, no dilation, one group.
void ChainReader::on_conv(const onnx::NodeProto& node) {
  expect_rank(node, 4, "(batch, channels, height, width)");
  const Tensor w = constant(node, 1, TensorUse::kWeights);
  if (w.dims.size() != 4) {
    refuse(node, "has a weight of shape " + onnx_read::shape_text(w.dims),
           "Conv2d weights are (out, in, kh, kw)");
  }
  const std::vector<std::int64_t> kernel = {w.dims[2], w.dims[3]};
  const auto strides = ints_attribute(node, "strides", {1, 1});
  const auto pads = ints_attribute(node, "pads", {0, 0, 0, 0});
  const auto dilations = ints_attribute(node, "dilations", {1, 1});
  const std::string auto_pad =
      onnx_read::string_attribute(node, "auto_pad", "NOTSET", where_, label(node));
  const bool plain =
      strides.size() == 2 && strides[0] > 0 && strides[1] > 0 && pads.size() == 4 &&
      pads[0] == pads[2] && pads[1] == pads[3] && pads[0] >= 0 && pads[1] >= 0 &&
      dilations == std::vector<std::int64_t>{1, 1} && int_attribute(node, "group", 1) == 1 &&
      ints_attribute(node, "kernel_shape", kernel) == kernel &&
      (auto_pad == "NOTSET" || (auto_pad == "VALID" && pads[0] == 0 && pads[1] == 0));
  if (!plain) {
    refuse(node,
           "is not a 2-D convolution with one group, no dilation and the same padding on "
           "both sides",
           "Export nn.Conv2d with groups=1, dilation=1 and numeric padding");
  }
  model::Layer layer;
  model::ConvGeometry g;
  g.input = {static_cast<std::size_t>(shape_[1]), static_cast<std::size_t>(shape_[2]),
             static_cast<std::size_t>(shape_[3])};
  g.kernel_h = static_cast<std::size_t>(w.dims[2]);
  g.kernel_w = static_cast<std::size_t>(w.dims[3]);
  g.stride_h = static_cast<std::size_t>(strides[0]);
  g.stride_w = static_cast<std::size_t>(strides[1]);
  g.pad_h = static_cast<std::size_t>(pads[0]);
  g.pad_w = static_cast<std::size_t>(pads[1]);
  if (w.dims[1] != shape_[1] || g.kernel_h > g.input.height + 2 * g.pad_h ||
      g.kernel_w > g.input.width + 2 * g.pad_w || g.stride_h > (1 << 16) || g.pad_h > (1 << 16) ||
      g.stride_w > (1 << 16) || g.pad_w > (1 << 16)) {
    refuse(node,
           "has a weight of shape " + onnx_read::shape_text(w.dims) + " for data of shape " +
               onnx_read::shape_text(shape_),
           "Export the model again: the graph is inconsistent");
  }
  layer.conv = g;
  layer.weight = matrix_of(w);
  layer.bias = Eigen::VectorXd::Zero(layer.weight.rows());
  start_layer(node, std::move(layer), constants_.at(node.input(1)).name);
  if (node.input_size() > 2 && !node.input(2).empty()) {
    layers_.back().bias = per_output(node, 2, Spread::kPerChannel);
  }
}

void ChainReader::expect_open_layer(const onnx::NodeProto& node, const std::string& what) const {
  if (stage_ != Stage::kOpen || layers_.back().pool.kind != model::PoolKind::kNone) {
    refuse(node, "is " + what + " that follows no Gemm, MatMul or Conv directly",
           "Only a bias or a batch normalization right after a layer (before its Relu and "
           "pooling) can be folded into it");
  }
}

// A constant input with one value per output of the last layer (per channel of a conv layer).
// Broadcast: or one for all, every axis of its shape, aligned to the data's from the right, 1
// but the channel axis (1). Per channel: a vector of one value per channel.
Eigen::VectorXd ChainReader::per_output(const onnx::NodeProto& node, int input, Spread spread) {
  const Tensor c = constant(node, input, TensorUse::kWeights);
  const auto outputs = static_cast<std::size_t>(layers_.back().weight.rows());
  const std::size_t count = c.values.size();
  bool fits = c.dims.size() <= shape_.size() && (count == 1 || count == outputs);
  for (std::size_t k = 0; fits && k < c.dims.size(); ++k) {
    const std::size_t axis = shape_.size() - c.dims.size() + k;  // of the data
    fits = c.dims[k] == 1 || (axis == 1 && static_cast<std::size_t>(c.dims[k]) == outputs);
  }
  if (spread == Spread::kPerChannel) fits = c.dims.size() == 1 && count == outputs;
  if (!fits) {
    refuse(node,
           "has the constant '" + node.input(input) + "' of shape " +
               onnx_read::shape_text(c.dims) + " for " + std::to_string(outputs) + " outputs",
           "Give one value per output, (" + std::to_string(outputs) + ",), or one for all");
  }
  if (count == 1) return Eigen::VectorXd::Constant(static_cast<Eigen::Index>(outputs), c.values[0]);
  return Eigen::Map<const Eigen::VectorXd>(c.values.data(), static_cast<Eigen::Index>(count));
}

// Add of a constant after a layer: its bias.
void ChainReader::on_add(const onnx::NodeProto& node) {
  expect_open_layer(node, "an Add");
  const int other = node.input_size() == 2 && is_constant(node.input(1)) ? 1 : 0;
  if (node.input_size() != 2 || !is_constant(node.input(other))) {
    refuse(node, "adds no constant", "Only a bias after a layer can be added");
  }
  layers_.back().bias += per_output(node, other, Spread::kBroadcast);
}

// BatchNormalization (inference): y = scale (x - mean) / sqrt(var + epsilon) + b per output.
void ChainReader::on_batch_norm(const onnx::NodeProto& node) {
  expect_open_layer(node, "a BatchNormalization");
  if (node.input_size() != 5) {
    refuse(node, "has " + std::to_string(node.input_size()) + " inputs, not 5",
           "Export the model again: the graph is damaged");
  }
  int outputs = 0;
  for (const std::string& output : node.output()) outputs += output.empty() ? 0 : 1;
  if (outputs != 1 || int_attribute(node, "training_mode", 0) != 0) {
    refuse(node, "is in training mode (it updates running statistics)",
           "Export in eval mode (model.eval(), training=torch.onnx.TrainingMode.EVAL)");
  }
  const Eigen::VectorXd scale = per_output(node, 1, Spread::kPerChannel);
  const Eigen::VectorXd shift = per_output(node, 2, Spread::kPerChannel);
  const Eigen::VectorXd mean = per_output(node, 3, Spread::kPerChannel);
  const Eigen::VectorXd variance = per_output(node, 4, Spread::kPerChannel);
  const double epsilon = float_attribute(node, "epsilon", 1e-5);
  if (!((variance.array() + epsilon).minCoeff() > 0.0)) {  // also NaN
    refuse(node, "has a variance plus epsilon that is not positive", "Check the trained model");
  }
  const Eigen::VectorXd s = scale.array() / (variance.array() + epsilon).sqrt();
  model::Layer& layer = layers_.back();
  layer.weight = s.asDiagonal() * layer.weight;
  layer.bias = (s.array() * (layer.bias - mean).array()).matrix() + shift;
}

void ChainReader::on_relu(const onnx::NodeProto& node) {
  if (stage_ == Stage::kNoLayer) {
    refuse(node, "comes before the first Gemm, MatMul or Conv", "Apply Relu after a layer");
  }
  if (layers_.back().pool.kind == model::PoolKind::kAverage &&
      layers_.back().activation != model::Activation::kRelu) {
    refuse(node, "follows an AveragePool, and averaging then Relu is not Relu then averaging",
           "Apply Relu before the pooling (conv, relu, pool)");
  }
  layers_.back().activation = model::Activation::kRelu;
  stage_ = Stage::kActivated;
}

// MaxPool / AveragePool with a square kernel equal to its strides, no padding, floor mode: the
// last conv layer's pooling. Max pooling before the Relu equals it after (Relu is monotone).
void ChainReader::on_pool(const onnx::NodeProto& node) {
  if (stage_ == Stage::kNoLayer || !layers_.back().conv ||
      layers_.back().pool.kind != model::PoolKind::kNone || shape_.size() != 4) {
    refuse(node, "pools data that is not a conv layer's unpooled output map",
           "Pool once, right after a Conv (and its Relu)");
  }
  const auto kernel = ints_attribute(node, "kernel_shape", {});
  const auto strides = ints_attribute(node, "strides", {1, 1});
  const auto pads = ints_attribute(node, "pads", {0, 0, 0, 0});
  const bool plain =
      kernel.size() == 2 && kernel[0] == kernel[1] && kernel[0] > 0 && strides == kernel &&
      pads == std::vector<std::int64_t>{0, 0, 0, 0} && int_attribute(node, "ceil_mode", 0) == 0 &&
      ints_attribute(node, "dilations", {1, 1}) == std::vector<std::int64_t>{1, 1} &&
      int_attribute(node, "storage_order", 0) == 0 &&
      onnx_read::string_attribute(node, "auto_pad", "NOTSET", where_, label(node)) == "NOTSET";
  if (!plain || kernel[0] > shape_[2] || kernel[0] > shape_[3]) {
    refuse(node, "is not a square pooling with stride = kernel, no padding and floor mode",
           "Export nn.MaxPool2d(k) or nn.AvgPool2d(k) (kernel = stride, padding 0, "
           "ceil_mode=False)");
  }
  model::Layer& layer = layers_.back();
  layer.pool.kind = node.op_type() == "MaxPool" ? model::PoolKind::kMax : model::PoolKind::kAverage;
  layer.pool.size = static_cast<std::size_t>(kernel[0]);
  const model::MapShape pooled = layer.pooled_shape();
  shape_ = {shape_.front(), static_cast<std::int64_t>(pooled.channels),
            static_cast<std::int64_t>(pooled.height), static_cast<std::int64_t>(pooled.width)};
}

// Flatten(axis 1) of (batch, d1, d2, ...) is (batch, d1 d2 ...); other axes mix samples.
void ChainReader::on_flatten(const onnx::NodeProto& node) {
  const auto rank = static_cast<std::int64_t>(shape_.size());
  const std::int64_t given = int_attribute(node, "axis", 1);
  if ((given < 0 ? given + rank : given) != 1) {
    refuse(node,
           "flattens at axis " + std::to_string(given) + " of data shaped " +
               onnx_read::shape_text(shape_),
           "Flatten at axis 1, keeping the batch axis (nn.Flatten, torch.flatten(x, 1))");
  }
  shape_ = {shape_.front(), features()};
}

// Reshape to (batch, features) by a constant shape: (-1, F), (0, -1), (N, -1) or (N, F).
void ChainReader::on_reshape(const onnx::NodeProto& node) {
  if (node.input_size() != 2 || !is_constant(node.input(1))) {
    refuse(node, "reshapes by a shape computed at run time",
           "Use torch.flatten(x, 1) or nn.Flatten instead of x.view(x.size(0), -1)");
  }
  const std::vector<double> t = constant(node, 1, TensorUse::kShape).values;
  const bool batch_kept =
      t.size() == 2 && (t[0] == -1 || t[0] == static_cast<double>(shape_.front()) ||
                        (t[0] == 0 && int_attribute(node, "allowzero", 0) == 0));
  const bool features_kept =
      t.size() == 2 && (t[1] == -1 ? t[0] != -1 : t[1] == static_cast<double>(features()));
  if (!batch_kept || !features_kept) {
    std::string target;
    for (double value : t) target += (target.empty() ? "" : ", ") + fmt::format("{}", value);
    refuse(node, "reshapes data shaped " + onnx_read::shape_text(shape_) + " to (" + target + ")",
           "Reshape only to (batch, features), e.g. x.reshape(-1, " + std::to_string(features()) +
               ")");
  }
  shape_ = {shape_.front(), features()};
}

// Dropout is the identity in inference mode: no training_mode input that is true.
void ChainReader::on_dropout(const onnx::NodeProto& node) {
  if (node.input_size() > 2 && !node.input(2).empty()) {
    const Tensor training = constant(node, 2, TensorUse::kFlag);
    if (training.values.size() != 1 || training.values[0] != 0.0) {
      refuse(node, "is in training mode", "Export in eval mode (model.eval())");
    }
  }
}

// Pad by zeros everywhere is the identity; PyTorch 1.13 puts one before every AveragePool.
// Pads from the 'pads' input (opset 11 on) or attribute (before).
void ChainReader::on_pad(const onnx::NodeProto& node) {
  const std::vector<double> pads = node.input_size() > 1 && !node.input(1).empty()
                                       ? constant(node, 1, TensorUse::kShape).values
                                       : [&] {
                                           const auto given = ints_attribute(node, "pads", {});
                                           return std::vector<double>(given.begin(), given.end());
                                         }();
  for (double pad : pads) {
    if (pad != 0.0) {
      refuse(node, "pads the data by more than nothing",
             "Give the padding to the Conv (nn.Conv2d(..., padding=p)) instead");
    }
  }
}

}  // namespace

model::Network parse_onnx_model(const std::string& bytes, const std::string& where) {
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes) || !model.has_graph()) {
    throw_bad_input(where, "", "is neither an ONNX model nor an .npz archive (a zip file)",
                    "Give a model written by torch.onnx.export, or a state_dict saved with "
                    "np.savez");
  }
  std::int64_t opset = 0;
  for (const onnx::OperatorSetIdProto& set : model.opset_import()) {
    if (set.domain().empty() || set.domain() == "ai.onnx") opset = set.version();
  }
  if (opset == 0) {
    throw_bad_input(where, "opset_import", "the model declares no ONNX opset",
                    "The file is damaged or truncated; export it again");
  }
  if (opset < kFirstOpset || opset > kLastOpset) {
    throw_bad_input(where, "opset_import",
                    "the model uses ONNX opset " + std::to_string(opset) +
                        "; scprec reads opsets " + std::to_string(kFirstOpset) + " to " +
                        std::to_string(kLastOpset),
                    "Export with torch.onnx.export(..., opset_version=17)");
  }
  try {
    return ChainReader(model.graph(), where).read();
  } catch (const Error& e) {
    if (e.where() == where) throw;
    throw_bad_input(where, e.field(), e.problem(), e.remedy());  // from model::Network
  }
}

model::Network read_onnx_model(const std::string& path) {
  return parse_onnx_model(read_file_capped(path, kMaxOnnxBytes, "ONNX model"), path);
}

}  // namespace scprec::io
