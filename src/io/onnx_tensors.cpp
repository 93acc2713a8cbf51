// ONNX initializers and attributes. Tensor data is read from raw_data (little-endian, whatever
// the host) or from the typed repeated field the data type stores it in (float_data,
// double_data, int64_data; float16 and bool in int32_data), as onnx.proto defines.
#include "onnx_tensors.hpp"

#include <Eigen/Core>
#include <cstring>

#include "scprec/core/error.hpp"

namespace scprec::io::onnx_read {
namespace {

// Little-endian elements of `size` bytes from raw_data.
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
double bool_of(std::uint64_t bits) {
  return (bits & 0xff) != 0 ? 1.0 : 0.0;
}

std::string type_name(int type) {
  if (!onnx::TensorProto::DataType_IsValid(type)) return std::to_string(type);
  return onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(type));
}

bool takes(TensorUse use, int type) {
  switch (use) {
    case TensorUse::kWeights:
      return type == onnx::TensorProto::FLOAT || type == onnx::TensorProto::DOUBLE ||
             type == onnx::TensorProto::FLOAT16;
    case TensorUse::kShape:
      return type == onnx::TensorProto::INT64;
    case TensorUse::kFlag:
      return type == onnx::TensorProto::BOOL;
  }
  return false;
}

const char* wanted(TensorUse use) {
  switch (use) {
    case TensorUse::kWeights:
      return "Export weights as float32, float64 or float16";
    case TensorUse::kShape:
      return "A shape is an int64 tensor; export the model again";
    case TensorUse::kFlag:
      return "A flag is a bool tensor; export the model again";
  }
  return "";
}

const onnx::AttributeProto* find_attribute(const onnx::NodeProto& node, const std::string& name) {
  for (const onnx::AttributeProto& attribute : node.attribute()) {
    if (attribute.name() == name) return &attribute;
  }
  return nullptr;
}

// The attribute, checked to have `type`, or nullptr when absent.
const onnx::AttributeProto* typed_attribute(const onnx::NodeProto& node, const std::string& name,
                                            onnx::AttributeProto::AttributeType type,
                                            const std::string& where, const std::string& field) {
  const onnx::AttributeProto* attribute = find_attribute(node, name);
  if (attribute != nullptr && attribute->type() != type) {
    throw_bad_input(where, field,
                    "has the attribute '" + name + "' of type " +
                        onnx::AttributeProto::AttributeType_Name(attribute->type()) +
                        ", which the operator defines as " +
                        onnx::AttributeProto::AttributeType_Name(type),
                    "Export the model again; onnx.checker.check_model reports this too");
  }
  return attribute;
}

}  // namespace

std::string shape_text(const std::vector<std::int64_t>& dims) {
  std::string text = "(";
  for (std::size_t k = 0; k < dims.size(); ++k) {
    text += (k ? ", " : "") + (dims[k] < 0 ? std::string("?") : std::to_string(dims[k]));
  }
  return text + (dims.size() == 1 ? ",)" : ")");
}

Tensor decode_tensor(const onnx::TensorProto& tensor, const std::string& name, TensorUse use,
                     const std::string& where, const std::string& field) {
  const std::string what = "its input '" + name + "'";
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL || tensor.external_data_size() > 0) {
    throw_bad_input(where, field, what + " is stored in an external data file",
                    "Save the model with its tensors inside (onnx.save_model(model, path, "
                    "save_as_external_data=False))");
  }
  if (!takes(use, tensor.data_type())) {
    throw_bad_input(where, field, what + " has the data type " + type_name(tensor.data_type()),
                    wanted(use));
  }
  Tensor result;
  std::int64_t count = 1;
  for (std::int64_t dim : tensor.dims()) {
    if (dim < 0 || (dim > 0 && count > kMaxElements / dim)) {
      throw_bad_input(
          where, field,
          what + " has the shape " + shape_text({tensor.dims().begin(), tensor.dims().end()}),
          "Export a network of a size scprec can build");
    }
    count *= dim;
    result.dims.push_back(dim);
  }
  const std::string& raw = tensor.raw_data();
  const auto from_raw = [&](std::size_t size, auto convert) {
    if (raw.size() != static_cast<std::size_t>(count) * size) {
      throw_bad_input(where, field,
                      what + " has " + std::to_string(raw.size()) + " bytes for its shape " +
                          shape_text(result.dims),
                      "The file is damaged; export it again");
    }
    result.values = raw_values(raw, size, convert);
  };
  switch (tensor.data_type()) {
    case onnx::TensorProto::FLOAT:
      if (raw.empty())
        result.values.assign(tensor.float_data().begin(), tensor.float_data().end());
      else
        from_raw(4, float_of);
      break;
    case onnx::TensorProto::DOUBLE:
      if (raw.empty())
        result.values.assign(tensor.double_data().begin(), tensor.double_data().end());
      else
        from_raw(8, double_of);
      break;
    case onnx::TensorProto::FLOAT16:  // without raw_data, each int32 holds one half's bits
      if (!raw.empty()) {
        from_raw(2, half_of);
      } else {
        for (std::int32_t bits : tensor.int32_data()) {
          result.values.push_back(half_of(static_cast<std::uint32_t>(bits)));
        }
      }
      break;
    case onnx::TensorProto::BOOL:  // without raw_data, each int32 holds one bool
      if (!raw.empty()) {
        from_raw(1, bool_of);
      } else {
        for (std::int32_t bits : tensor.int32_data())
          result.values.push_back(bits != 0 ? 1.0 : 0.0);
      }
      break;
    case onnx::TensorProto::INT64:
      if (raw.empty())
        result.values.assign(tensor.int64_data().begin(), tensor.int64_data().end());
      else
        from_raw(8, int64_of);
      break;
    default:
      break;  // takes() let only the types above through
  }
  if (static_cast<std::int64_t>(result.values.size()) != count) {
    throw_bad_input(where, field,
                    what + " holds " + std::to_string(result.values.size()) +
                        " values for its shape " + shape_text(result.dims),
                    "The file is damaged; export it again");
  }
  return result;
}

std::int64_t int_attribute(const onnx::NodeProto& node, const std::string& name,
                           std::int64_t fallback, const std::string& where,
                           const std::string& field) {
  const auto* a = typed_attribute(node, name, onnx::AttributeProto::INT, where, field);
  return a == nullptr ? fallback : a->i();
}

double float_attribute(const onnx::NodeProto& node, const std::string& name, double fallback,
                       const std::string& where, const std::string& field) {
  const auto* a = typed_attribute(node, name, onnx::AttributeProto::FLOAT, where, field);
  return a == nullptr ? fallback : a->f();
}

std::vector<std::int64_t> ints_attribute(const onnx::NodeProto& node, const std::string& name,
                                         const std::vector<std::int64_t>& fallback,
                                         const std::string& where, const std::string& field) {
  const auto* a = typed_attribute(node, name, onnx::AttributeProto::INTS, where, field);
  return a == nullptr ? fallback : std::vector<std::int64_t>(a->ints().begin(), a->ints().end());
}

std::string string_attribute(const onnx::NodeProto& node, const std::string& name,
                             const std::string& fallback, const std::string& where,
                             const std::string& field) {
  const auto* a = typed_attribute(node, name, onnx::AttributeProto::STRING, where, field);
  return a == nullptr ? fallback : a->s();
}

}  // namespace scprec::io::onnx_read
