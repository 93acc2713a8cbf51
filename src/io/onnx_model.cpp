// ONNX models as torch.onnx.export writes them, read into a chain of dense layers.
//
// The graph is walked from its one data input along the one path to its one output. A Gemm or
// a MatMul starts a layer: weight (out, in) = alpha * B^T, or alpha * B with transB, bias =
// beta * C. What follows it before its activation folds into it: an Add of a constant adds to
// the bias, a BatchNormalization y = s (x - mean) + b with s = scale / sqrt(var + epsilon)
// scales the weight's rows and the bias by s and shifts the bias. A Relu sets the layer's
// activation. Flatten, Reshape to (batch, features), Identity and Dropout in inference mode
// pass the data on unchanged. Every other input of a node on the path must be a constant (an
// initializer or a Constant node's output); a tensor on the path read by two nodes, or a node
// off the path, is a branch that a chain of layers cannot build, and is refused. Operator
// semantics as in the ONNX operator documentation (onnx.ai/onnx/operators), opsets 9 to 17.
#include "scprec/io/onnx_model.hpp"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "scprec/core/error.hpp"
#include "scprec/io/files.hpp"

namespace scprec::io {
namespace {

constexpr std::int64_t kFirstOpset = 9;
constexpr std::int64_t kLastOpset = 17;
// No initializer or input of a network scprec can build comes near this many elements.
constexpr std::int64_t kMaxElements = std::int64_t{1} << 31;

const char* const kSupportedOps =
    "Gemm, MatMul, Add (a bias), BatchNormalization (folded), Relu, Flatten, Reshape (constant "
    "shape), Identity, Dropout (inference)";

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string shape_text(const std::vector<std::int64_t>& dims) {
  std::string text = "(";
  for (std::size_t k = 0; k < dims.size(); ++k) {
    text += (k ? ", " : "") + (dims[k] < 0 ? std::string("?") : std::to_string(dims[k]));
  }
  return text + (dims.size() == 1 ? ",)" : ")");
}

// A decoded constant: its shape and its values as doubles (int64 shapes included; the values a
// Reshape needs are small).
struct Tensor {
  std::vector<std::int64_t> dims;
  std::vector<double> values;
};

// Reads little-endian elements of `size` bytes from raw_data, whatever the host's byte order.
template <typename Convert>
std::vector<double> raw_values(const std::string& raw, std::size_t size, Convert convert) {
  std::vector<double> values(raw.size() / size);
  for (std::size_t k = 0; k < values.size(); ++k) {
    std::uint64_t bits = 0;
    for (std::size_t b = 0; b < size; ++b) {
      bits |= std::uint64_t{static_cast<unsigned char>(raw[k * size + b])} << (8 * b);
    }
    values[k] = convert(bits);
  }
  return values;
}

double float_of(std::uint64_t bits) {
  const auto narrow = static_cast<std::uint32_t>(bits);
  float value = 0.0f;
  std::memcpy(&value, &narrow, sizeof value);
  return value;
}
double double_of(std::uint64_t bits) {
  double value = 0.0;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}
double half_of(std::uint64_t bits) {
  const Eigen::half value(Eigen::half_impl::raw_uint16_to_half(static_cast<std::uint16_t>(bits)));
  return static_cast<float>(value);
}
double int64_of(std::uint64_t bits) {
  return static_cast<double>(static_cast<std::int64_t>(bits));
}

std::string type_name(int type) {
  if (!onnx::TensorProto::DataType_IsValid(type)) return std::to_string(type);
  return onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(type));
}

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
  Tensor constant(const onnx::NodeProto& node, int input) const;
  Tensor decode(const onnx::NodeProto& node, const onnx::TensorProto& tensor) const;
  void check_inputs(const onnx::NodeProto& node, const std::string& data) const;
  const onnx::NodeProto& next_node(const std::string& tensor) const;
  void check_all_visited() const;

  void step(const onnx::NodeProto& node);
  void start_layer(const onnx::NodeProto& node, Eigen::MatrixXd weight, Eigen::VectorXd bias,
                   const std::string& weight_name);
  void on_gemm(const onnx::NodeProto& node);
  void on_matmul(const onnx::NodeProto& node);
  void on_add(const onnx::NodeProto& node);
  void on_batch_norm(const onnx::NodeProto& node);
  void on_relu(const onnx::NodeProto& node);
  void on_flatten(const onnx::NodeProto& node);
  void on_reshape(const onnx::NodeProto& node);
  void on_dropout(const onnx::NodeProto& node);
  void expect_open_layer(const onnx::NodeProto& node, const std::string& what) const;
  void expect_matrix_data(const onnx::NodeProto& node) const;
  Eigen::VectorXd per_output(const onnx::NodeProto& node, int input) const;

  std::int64_t features() const;

  const onnx::GraphProto& graph_;
  std::string where_;
  std::map<std::string, const onnx::TensorProto*> constants_;
  std::map<std::string, std::vector<int>> consumers_;
  std::map<const onnx::NodeProto*, int> index_;  // of each node in the graph
  std::set<int> visited_;
  std::vector<model::Layer> layers_;
  Stage stage_ = Stage::kNoLayer;
  std::vector<std::int64_t> shape_;  // of the data on the path; axis 0 the batch, -1 unknown
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

// Constants (initializers and Constant nodes' outputs) by name, and who reads each tensor.
void ChainReader::index_graph() {
  if (graph_.sparse_initializer_size() > 0) {
    throw_bad_input(where_, graph_.sparse_initializer(0).values().name(), "is a sparse initializer",
                    "Export dense initializers");
  }
  for (const onnx::TensorProto& tensor : graph_.initializer()) constants_[tensor.name()] = &tensor;
  for (int n = 0; n < graph_.node_size(); ++n) {
    const onnx::NodeProto& node = graph_.node(n);
    index_[&node] = n;
    if (!node.domain().empty() && node.domain() != "ai.onnx") {
      refuse(node, "is in the operator domain '" + node.domain() + "'",
             std::string("Use standard ONNX operators: ") + kSupportedOps);
    }
    if (node.op_type() == "Constant") {
      if (node.output_size() != 1 || node.attribute_size() != 1 ||
          node.attribute(0).name() != "value" || !node.attribute(0).has_t()) {
        refuse(node, "is not a Constant holding one tensor in its 'value' attribute",
               "Export with do_constant_folding=True, or store the constant as an initializer");
      }
      constants_[node.output(0)] = &node.attribute(0).t();
      visited_.insert(n);
      continue;
    }
    for (const std::string& input : node.input()) {
      if (!input.empty()) consumers_[input].push_back(n);
    }
  }
}

// The one graph input that is not an initializer, with every axis but the first fixed.
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
  if (!input.type().has_tensor_type() || !input.type().tensor_type().has_shape() ||
      input.type().tensor_type().shape().dim_size() < 2) {
    throw_bad_input(where_, field, "has no shape of the form (batch, features...)",
                    "Export with an example input that has a batch axis");
  }
  const auto& dims = input.type().tensor_type().shape().dim();
  shape_.assign(1, dims[0].has_dim_value() ? dims[0].dim_value() : -1);
  for (int k = 1; k < dims.size(); ++k) {
    if (!dims[k].has_dim_value() || dims[k].dim_value() <= 0) {
      const std::string axis = dims[k].has_dim_param() ? " ('" + dims[k].dim_param() + "')" : "";
      throw_bad_input(where_, field, "axis " + std::to_string(k) + axis + " has no fixed size",
                      "Only the first (batch) axis may be dynamic: export with dynamic_axes "
                      "naming axis 0 alone");
    }
    if (dims[k].dim_value() > kMaxElements / features()) {
      throw_bad_input(where_, field, "has too many features", "Export a smaller network");
    }
    shape_.push_back(dims[k].dim_value());
  }
  return input.name();
}

Tensor ChainReader::constant(const onnx::NodeProto& node, int input) const {
  if (input >= node.input_size() || !is_constant(node.input(input))) {
    refuse(node, "has no constant as its input " + std::to_string(input),
           "Export the model with do_constant_folding=True");
  }
  return decode(node, *constants_.at(node.input(input)));
}

Tensor ChainReader::decode(const onnx::NodeProto& node, const onnx::TensorProto& tensor) const {
  const std::string what = "its input '" + tensor.name() + "'";
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL || tensor.external_data_size() > 0) {
    refuse(node, what + " is stored in an external data file",
           "Save the model with its tensors inside (onnx.save_model(model, path, "
           "save_as_external_data=False))");
  }
  Tensor result;
  std::int64_t count = 1;
  for (std::int64_t dim : tensor.dims()) {
    if (dim < 0 || (dim > 0 && count > kMaxElements / dim)) {
      refuse(node,
             what + " has the shape " + shape_text({tensor.dims().begin(), tensor.dims().end()}),
             "Export a network of a size scprec can build");
    }
    count *= dim;
    result.dims.push_back(dim);
  }
  const std::string& raw = tensor.raw_data();
  const auto check_raw = [&](std::size_t size) {
    if (raw.size() != static_cast<std::size_t>(count) * size) {
      refuse(node,
             what + " has " + std::to_string(raw.size()) + " bytes for its shape " +
                 shape_text(result.dims),
             "The file is damaged; export it again");
    }
  };
  switch (tensor.data_type()) {
    case onnx::TensorProto::FLOAT:
      if (raw.empty()) {
        result.values.assign(tensor.float_data().begin(), tensor.float_data().end());
      } else {
        check_raw(4);
        result.values = raw_values(raw, 4, float_of);
      }
      break;
    case onnx::TensorProto::DOUBLE:
      if (raw.empty()) {
        result.values.assign(tensor.double_data().begin(), tensor.double_data().end());
      } else {
        check_raw(8);
        result.values = raw_values(raw, 8, double_of);
      }
      break;
    case onnx::TensorProto::FLOAT16:  // without raw_data, each int32 holds one half's bits
      if (raw.empty()) {
        for (std::int32_t bits : tensor.int32_data()) result.values.push_back(half_of(bits));
      } else {
        check_raw(2);
        result.values = raw_values(raw, 2, half_of);
      }
      break;
    case onnx::TensorProto::INT64:
      if (raw.empty()) {
        result.values.assign(tensor.int64_data().begin(), tensor.int64_data().end());
      } else {
        check_raw(8);
        result.values = raw_values(raw, 8, int64_of);
      }
      break;
    default:
      refuse(node, what + " has the data type " + type_name(tensor.data_type()),
             "Export weights as float32, float64 or float16");
  }
  if (static_cast<std::int64_t>(result.values.size()) != count) {
    refuse(node,
           what + " holds " + std::to_string(result.values.size()) + " values for its shape " +
               shape_text(result.dims),
           "The file is damaged; export it again");
  }
  return result;
}

// Every input of a node on the path but the data must be a constant: another tensor is a second
// path joining this one (a skip connection).
void ChainReader::check_inputs(const onnx::NodeProto& node, const std::string& data) const {
  bool data_seen = false;
  for (const std::string& input : node.input()) {
    if (input.empty() || is_constant(input)) continue;
    if (input == data && !data_seen) {
      data_seen = true;
      continue;
    }
    refuse(node,
           "joins a second path into this one: its input '" + input +
               "' is neither the data from the input nor a constant (a skip connection)",
           "scprec builds a chain of layers; remove the skip connection or the branch");
  }
}

// The one node that reads `tensor`; refuses a tensor read by several nodes (a branch).
const onnx::NodeProto& ChainReader::next_node(const std::string& tensor) const {
  const std::vector<int>& readers = consumers_.at(tensor);
  for (int n : readers) {
    if (graph_.node(n).op_type() == "Shape") {
      refuse(graph_.node(n),
             "reads the shape of '" + tensor +
                 "' at run time, for a shape "
                 "computed from it",
             "Use torch.flatten(x, 1) or nn.Flatten, or x.reshape(-1, features), instead of "
             "x.view(x.size(0), -1); or export with a fixed batch size");
    }
  }
  if (readers.size() > 1) {
    refuse(graph_.node(readers[1]),
           "reads '" + tensor + "' as " + label(graph_.node(readers[0])) +
               " does: the graph branches there",
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
  while (consumers_.count(tensor) != 0) {
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
    throw_bad_input(where_, "", "the graph has no Gemm or MatMul layer",
                    "Export a network of dense layers (nn.Linear)");
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
  if (op == "Add") return on_add(node);
  if (op == "BatchNormalization") return on_batch_norm(node);
  if (op == "Relu") return on_relu(node);
  if (op == "Flatten") return on_flatten(node);
  if (op == "Reshape") return on_reshape(node);
  if (op == "Dropout") return on_dropout(node);
  if (op == "Identity") return;
  if (op == "Conv" || op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool") {
    refuse(node, "is a convolution or pooling layer, which scprec does not build yet",
           "Export a network of dense layers (nn.Linear)");
  }
  if (op == "Softmax" || op == "LogSoftmax") {
    refuse(node, "turns the logits into probabilities, which SC hardware does not compute",
           "Export the network without its final " + op +
               ": scprec measures errors on the "
               "logits, and the top-1 class is the same");
  }
  refuse(node, "is not an operator scprec builds", std::string("Supported: ") + kSupportedOps);
}

// Attributes, by name, with the type the operator defines and its default.
const onnx::AttributeProto* find_attribute(const onnx::NodeProto& node, const std::string& name) {
  for (const onnx::AttributeProto& attribute : node.attribute()) {
    if (attribute.name() == name) return &attribute;
  }
  return nullptr;
}

std::int64_t int_attribute(const onnx::NodeProto& node, const std::string& name,
                           std::int64_t fallback) {
  const onnx::AttributeProto* attribute = find_attribute(node, name);
  return attribute == nullptr ? fallback : attribute->i();
}

double float_attribute(const onnx::NodeProto& node, const std::string& name, double fallback) {
  const onnx::AttributeProto* attribute = find_attribute(node, name);
  return attribute == nullptr ? fallback : attribute->f();
}

// A layer's name: its weight's state_dict name ("fc1.weight" -> "fc1"), else its node's scope
// ("/fc1/Gemm" -> "fc1", "/enc/fc1/MatMul" -> "enc.fc1"), else the weight's own name unless
// the exporter made it up ("onnx::MatMul_12"), else "layer<k>" (k counted from 1).
std::string layer_name(const onnx::NodeProto& node, const std::string& weight, std::size_t k) {
  if (ends_with(weight, ".weight") && weight.size() > 7) return weight.substr(0, weight.size() - 7);
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

void ChainReader::expect_matrix_data(const onnx::NodeProto& node) const {
  if (shape_.size() != 2) {
    refuse(node, "takes data of shape " + shape_text(shape_) + ", not (batch, features)",
           "Flatten the data before the first layer (nn.Flatten or torch.flatten(x, 1))");
  }
}

void ChainReader::start_layer(const onnx::NodeProto& node, Eigen::MatrixXd weight,
                              Eigen::VectorXd bias, const std::string& weight_name) {
  if (weight.cols() != features()) {
    refuse(node,
           "has weights for " + std::to_string(weight.cols()) + " inputs, but its data has " +
               std::to_string(features()) + " features",
           "Export the model again: the graph is inconsistent");
  }
  model::Layer layer;
  layer.name = layer_name(node, weight_name, layers_.size());
  for (const model::Layer& other : layers_) {
    if (other.name == layer.name) {
      refuse(node, "makes a second layer named '" + layer.name + "'",
             "Give the layers distinct names in the model");
    }
  }
  layer.weight = std::move(weight);
  layer.bias = std::move(bias);
  layer.activation = model::Activation::kIdentity;
  shape_ = {shape_.front(), static_cast<std::int64_t>(layer.weight.rows())};
  layers_.push_back(std::move(layer));
  stage_ = Stage::kOpen;
}

// A constant matrix input, (rows, columns) row-major as ONNX stores it.
Eigen::MatrixXd matrix_of(const Tensor& tensor) {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  return Eigen::Map<const RowMajor>(tensor.values.data(), tensor.dims[0], tensor.dims[1]);
}

// Gemm: Y = alpha * A' B' + beta * C, A' = A (transA = 0), B' = B or B^T (transB).
void ChainReader::on_gemm(const onnx::NodeProto& node) {
  expect_matrix_data(node);
  if (node.input_size() < 2 || int_attribute(node, "transA", 0) != 0 ||
      !is_constant(node.input(1))) {
    refuse(node, "is not data times a constant matrix (transA = 1, or B not constant)",
           "Export nn.Linear layers");
  }
  const Tensor b = constant(node, 1);
  if (b.dims.size() != 2) {
    refuse(node, "has a B of shape " + shape_text(b.dims), "B must be a matrix");
  }
  const double alpha = float_attribute(node, "alpha", 1.0);
  const double beta = float_attribute(node, "beta", 1.0);
  Eigen::MatrixXd weight = matrix_of(b);
  if (int_attribute(node, "transB", 0) == 0) weight.transposeInPlace();
  weight *= alpha;
  const std::string weight_name = constants_.at(node.input(1))->name();
  const bool has_c = node.input_size() > 2 && !node.input(2).empty();
  const Eigen::Index outputs = weight.rows();
  start_layer(node, std::move(weight), Eigen::VectorXd::Zero(outputs), weight_name);
  if (has_c) layers_.back().bias = beta * per_output(node, 2);
}

// MatMul: Y = A B with B a constant (in, out) matrix.
void ChainReader::on_matmul(const onnx::NodeProto& node) {
  expect_matrix_data(node);
  if (node.input_size() != 2 || !is_constant(node.input(1))) {
    refuse(node, "does not multiply the data by a constant matrix on its right",
           "Export x @ W (or nn.Linear) with W a parameter");
  }
  const Tensor b = constant(node, 1);
  if (b.dims.size() != 2) {
    refuse(node, "multiplies by a constant of shape " + shape_text(b.dims),
           "The constant must be an (in, out) matrix");
  }
  const Eigen::MatrixXd weight = matrix_of(b).transpose();
  start_layer(node, weight, Eigen::VectorXd::Zero(weight.rows()),
              constants_.at(node.input(1))->name());
}

void ChainReader::expect_open_layer(const onnx::NodeProto& node, const std::string& what) const {
  if (stage_ != Stage::kOpen) {
    refuse(node, "is " + what + " that follows no Gemm or MatMul directly",
           "Only a bias or a batch normalization right after a layer (before its Relu) can "
           "be folded into it");
  }
}

// A constant input that broadcasts over the last layer's outputs: a scalar, (out) or (1, out).
Eigen::VectorXd ChainReader::per_output(const onnx::NodeProto& node, int input) const {
  const Tensor c = constant(node, input);
  const auto outputs = static_cast<std::size_t>(layers_.back().weight.rows());
  const std::size_t count = c.values.size();
  const bool leading_ones = c.dims.size() <= 2 && (c.dims.size() < 2 || c.dims[0] == 1);
  if (!leading_ones || (count != 1 && count != outputs)) {
    refuse(node,
           "has the constant '" + node.input(input) + "' of shape " + shape_text(c.dims) + " for " +
               std::to_string(outputs) + " outputs",
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
  layers_.back().bias += per_output(node, other);
}

// BatchNormalization (inference): y = scale (x - mean) / sqrt(var + epsilon) + b per output.
void ChainReader::on_batch_norm(const onnx::NodeProto& node) {
  expect_open_layer(node, "a BatchNormalization");
  int outputs = 0;
  for (const std::string& output : node.output()) outputs += output.empty() ? 0 : 1;
  if (node.input_size() != 5) {
    refuse(node, "has " + std::to_string(node.input_size()) + " inputs, not 5",
           "Export the model again: the graph is damaged");
  }
  if (outputs != 1 || int_attribute(node, "training_mode", 0) != 0) {
    refuse(node, "is in training mode (it updates running statistics)",
           "Export in eval mode (model.eval(), training=torch.onnx.TrainingMode.EVAL)");
  }
  const Eigen::VectorXd scale = per_output(node, 1);
  const Eigen::VectorXd shift = per_output(node, 2);
  const Eigen::VectorXd mean = per_output(node, 3);
  const Eigen::VectorXd variance = per_output(node, 4);
  const double epsilon = float_attribute(node, "epsilon", 1e-5);
  if ((variance.array() + epsilon).minCoeff() <= 0.0) {
    refuse(node, "has a variance plus epsilon that is not positive", "Check the trained model");
  }
  const Eigen::VectorXd s = scale.array() / (variance.array() + epsilon).sqrt();
  model::Layer& layer = layers_.back();
  layer.weight = s.asDiagonal() * layer.weight;
  layer.bias = (s.array() * (layer.bias - mean).array()).matrix() + shift;
}

void ChainReader::on_relu(const onnx::NodeProto& node) {
  if (stage_ == Stage::kNoLayer) {
    refuse(node, "comes before the first Gemm or MatMul", "Apply Relu after a layer");
  }
  layers_.back().activation = model::Activation::kRelu;
  stage_ = Stage::kActivated;
}

// Flatten(axis 1) of (batch, d1, d2, ...) is (batch, d1 d2 ...); other axes mix samples.
void ChainReader::on_flatten(const onnx::NodeProto& node) {
  const auto rank = static_cast<std::int64_t>(shape_.size());
  std::int64_t axis = int_attribute(node, "axis", 1);
  if (axis < 0) axis += rank;
  if (axis != 1) {
    refuse(node,
           "flattens at axis " + std::to_string(int_attribute(node, "axis", 1)) +
               " of data shaped " + shape_text(shape_),
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
  const Tensor target = constant(node, 1);
  const std::vector<double>& t = target.values;
  const bool batch_kept =
      t.size() == 2 && (t[0] == -1 || t[0] == shape_.front() ||
                        (t[0] == 0 && int_attribute(node, "allowzero", 0) == 0));
  const bool features_kept = t.size() == 2 && (t[1] == -1 ? t[0] != -1 : t[1] == features());
  if (!batch_kept || !features_kept) {
    std::string target_text;
    for (double value : t)
      target_text += (target_text.empty() ? "" : ", ") + fmt::format("{}", value);
    refuse(node, "reshapes data shaped " + shape_text(shape_) + " to (" + target_text + ")",
           "Reshape only to (batch, features), e.g. x.reshape(-1, " + std::to_string(features()) +
               ")");
  }
  shape_ = {shape_.front(), features()};
}

// Dropout is the identity in inference mode: no training_mode input that is true.
void ChainReader::on_dropout(const onnx::NodeProto& node) {
  if (node.input_size() > 2 && !node.input(2).empty()) {
    const Tensor training = constant(node, 2);
    if (training.values.size() != 1 || training.values[0] != 0.0) {
      refuse(node, "is in training mode", "Export in eval mode (model.eval())");
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
