// Loading networks (ONNX, or .npz with PyTorch state_dict naming) and data sets (.npz).
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "scprec/io/manifest.hpp"
#include "scprec/model/network.hpp"

namespace scprec::io {

/// The largest model file read_model reads, .npz or ONNX.
constexpr std::size_t kMaxModelBytes = std::size_t{1} << 30;

/// Reads a network from an ONNX file (read_onnx_model, refusing a manifest) or, when the file
/// opens like a zip archive, from a .npz holding a PyTorch-style state_dict: `<layer>.weight` of
/// shape (out, in), or (out, in, kh, kw) for a conv layer, and optionally `<layer>.bias` of
/// shape (out,) (missing: zeros), layers in archive order. ReLU follows every layer but the
/// last, and conv layers have stride 1, no padding and no pooling, unless `manifest_path` names
/// a JSON manifest (at most kMaxManifestBytes; see parse_manifest), which a network that starts
/// with a conv layer needs for its input shape. Throws Error (kBadInput) naming the file and
/// array (or the manifest and field) for anything else: other arrays, wrong ranks, shapes that
/// do not chain, a manifest that does not fit the weights, NaN or infinite values, a file
/// larger than kMaxModelBytes. The file is read once, so it may be a pipe.
model::Network read_model(const std::string& path, const std::string& manifest_path = "");

/// A SHA-256 (hex) of the network's content: each layer's name, shape, float64 weights and
/// biases and activation, and a conv layer's geometry and pooling, in order. Unlike a hash of the
/// file it ignores how the archive was written (compression, array order within a layer, dtype of
/// equal values).
std::string network_hash(const model::Network& network);

/// Which part of a data file: `x` / `y` (calibration) or `x_test` / `y_test` (held-out test).
enum class Split { kCalibration, kTest };
/// "calibration" / "test".
std::string to_string(Split split);
/// Parses "calibration" (or "calib") and "test"; throws Error (kBadInput) otherwise.
Split parse_split(const std::string& text, const std::string& field);

/// Inputs and optional labels.
struct Dataset {
  Eigen::MatrixXd x;        ///< (samples, features), values in [0, 1]
  std::vector<int> labels;  ///< one per sample, or empty when the file has none
  std::size_t size() const { return static_cast<std::size_t>(x.rows()); }
};

/// Reads one split of a data .npz: x of shape (N, features), or (N, C, H, W) flattened to (N,
/// C H W) row-major (PyTorch's Flatten order; other ranks are refused), with finite values in
/// [0, 1], and
/// y of shape (N,) with integer labels in [0, classes) if present. `features` of 0 skips that
/// check; `classes` of 0 leaves labels in [0, 2^31), what an int holds. Throws Error
/// (kBadInput) naming the file and array otherwise.
Dataset read_dataset(const std::string& path, Split split, std::size_t features = 0,
                     std::size_t classes = 0);

/// A SHA-256 (hex) of a data set's inputs: shape and float64 values, row by row (labels
/// excluded), like network_hash blind to how the archive was written. A precision map names the
/// data that chose it by this hash.
std::string dataset_hash(const Dataset& data);

/// read_dataset for `network`: its input size as the features, its outputs as the classes, and
/// an x of shape (N, C, H, W) checked to hold the (C, H, W) maps of its first layer's input when
/// that is a conv layer (a transposed (N, H, W, C) array is refused, not misread).
Dataset read_dataset(const std::string& path, Split split, const model::Network& network);

/// The same, but nothing (rather than an error) when the file has no inputs array for the
/// split; a split that is present and wrong still throws.
std::optional<Dataset> read_dataset_if_present(const std::string& path, Split split,
                                               std::size_t features = 0, std::size_t classes = 0);
std::optional<Dataset> read_dataset_if_present(const std::string& path, Split split,
                                               const model::Network& network);

}  // namespace scprec::io
