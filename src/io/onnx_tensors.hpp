// ONNX initializers and node attributes, decoded with every check a user's file can fail (the
// ONNX model reader's building blocks; private to io).
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace scprec::io::onnx_read {

/// What a constant is for, which decides the data types it may have.
enum class TensorUse {
  kWeights,  ///< float32, float64 or float16
  kShape,    ///< int64 (a Reshape's target)
  kFlag,     ///< bool (Dropout's training_mode)
};

/// A decoded constant: its shape and its values as doubles.
struct Tensor {
  std::vector<std::int64_t> dims;
  std::vector<double> values;
};

/// The largest element count of one tensor, and of all the weights a model may decode.
constexpr std::int64_t kMaxElements = std::int64_t{1} << 31;

/// "(6, 8)", "(4,)"; negative entries (unknown sizes) as "?".
std::string shape_text(const std::vector<std::int64_t>& dims);

/// Decodes `tensor` (called `name`) for `use`. Throws Error (kBadInput) at `where`, `field`
/// if it lives in an external file, has a negative or too large shape, a data type `use` does
/// not take, or fewer or more values (or raw bytes) than its shape needs. Allocates only for
/// values the file holds.
Tensor decode_tensor(const onnx::TensorProto& tensor, const std::string& name, TensorUse use,
                     const std::string& where, const std::string& field);

/// A node's attribute of the type the operator defines, or `fallback` when it is absent. Throws
/// Error (kBadInput) at `where`, `field` if it has another type.
std::int64_t int_attribute(const onnx::NodeProto& node, const std::string& name,
                           std::int64_t fallback, const std::string& where,
                           const std::string& field);
double float_attribute(const onnx::NodeProto& node, const std::string& name, double fallback,
                       const std::string& where, const std::string& field);
std::vector<std::int64_t> ints_attribute(const onnx::NodeProto& node, const std::string& name,
                                         const std::vector<std::int64_t>& fallback,
                                         const std::string& where, const std::string& field);
std::string string_attribute(const onnx::NodeProto& node, const std::string& name,
                             const std::string& fallback, const std::string& where,
                             const std::string& field);

}  // namespace scprec::io::onnx_read
