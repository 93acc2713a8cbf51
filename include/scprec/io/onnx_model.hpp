// Networks from ONNX files as torch.onnx.export writes them: a chain of dense layers.
#pragma once

#include <cstddef>
#include <string>

#include "scprec/model/network.hpp"

namespace scprec::io {

/// The largest ONNX file read_onnx_model reads (protobuf's own limit is 2 GiB).
constexpr std::size_t kMaxOnnxBytes = std::size_t{1} << 30;

/// The network an ONNX model's bytes describe (`where` names the source in errors). The graph
/// must be one path from its one data input to its one output through Gemm, MatMul (+ Add of a
/// constant bias), BatchNormalization (folded into the layer before it), Relu, Flatten,
/// Reshape to (batch, features) by a constant shape, Identity and inference-mode Dropout, with
/// float32, float64 or float16 initializers, opsets 9 to 17. Layers are named after their
/// weight initializer ("fc1.weight" -> "fc1", as a state_dict names them), else after their
/// node ("/fc1/Gemm" -> "fc1"). Throws Error (kBadInput) naming the node and its op type, and
/// saying what would make it acceptable, for anything else: bytes that are not an ONNX model,
/// other opsets or ops (Conv and pooling among them), branches and skip connections, shapes
/// computed at run time, external data, a dynamic axis other than the first (batch) one, a
/// training-mode node, two layers of one name.
model::Network parse_onnx_model(const std::string& bytes, const std::string& where);

/// parse_onnx_model of the file at `path` (at most kMaxOnnxBytes). Throws Error (kBadInput)
/// naming the path if it cannot be read, is larger, or parse_onnx_model refuses it.
model::Network read_onnx_model(const std::string& path);

}  // namespace scprec::io
