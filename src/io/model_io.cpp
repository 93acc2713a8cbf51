// Networks (from .npz archives or ONNX files) and data sets (from .npz archives), with every
// check a user's file can fail.
#include "scprec/io/model_io.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>

#include "scprec/core/enum_names.hpp"
#include "scprec/core/error.hpp"
#include "scprec/core/text.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/manifest.hpp"
#include "scprec/io/npz.hpp"
#include "scprec/io/onnx_model.hpp"
#include "scprec/io/sha256.hpp"

namespace scprec::io {
namespace {

// A double with enough digits to tell it from its neighbours (1.0000000000000002, not 1.000000).
std::string exact_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

// "(row, column)" of element k of a row-major matrix with `columns` columns.
std::string at(std::size_t k, std::size_t columns) {
  return "(row " + std::to_string(k / columns) + ", column " + std::to_string(k % columns) + ")";
}

void check_finite(const NpyArray& array, const std::string& path) {
  for (double value : array.values) {
    if (!std::isfinite(value)) {
      throw_bad_input(path, array.name, "contains NaN or infinite values",
                      "Check the run that wrote the file");
    }
  }
}

// A 2-D array as it is; a 4-D conv weight (out, in, kh, kw) as (out, in * kh * kw), row-major.
Eigen::MatrixXd to_matrix(const NpyArray& array) {
  const auto rows = static_cast<Eigen::Index>(array.shape[0]);
  const auto cols =
      static_cast<Eigen::Index>(array.values.size() / std::max<std::size_t>(array.shape[0], 1));
  return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      array.values.data(), rows, cols);
}

// A conv layer's geometry: its kernel from the weight (out, in, kh, kw), stride and padding from
// the manifest, its input map the network's input shape (first layer) or the previous layer's
// pooled output.
model::ConvGeometry conv_geometry(const NpyArray& weight, const LayerManifest& spec,
                                  const std::optional<model::MapShape>& input,
                                  const std::string& manifest_path, const std::string& field) {
  if (!input) {
    throw_bad_input(manifest_path.empty() ? weight.name : manifest_path, "input_shape",
                    weight.name + " is a conv weight, and the network's input shape is not given",
                    "Give a manifest with \"input_shape\": [channels, height, width]");
  }
  model::ConvGeometry g;
  g.input = *input;
  g.kernel_h = weight.shape[2];
  g.kernel_w = weight.shape[3];
  g.stride_h = spec.stride_h;
  g.stride_w = spec.stride_w;
  g.pad_h = spec.pad_h;
  g.pad_w = spec.pad_w;
  if (weight.shape[1] != g.input.channels) {
    throw_bad_input(manifest_path, field,
                    weight.name + " reads " + std::to_string(weight.shape[1]) +
                        " channels, but its input map is " + model::to_string(g.input),
                    "Check input_shape and the layers before it");
  }
  return g;
}

}  // namespace

namespace {

// Whether the bytes open like a zip archive (an .npz: a local file header, or the end record of
// an empty archive).
bool opens_like_zip(const std::string& bytes) {
  const std::string magic = bytes.substr(0, 4);
  return magic == std::string("PK\x03\x04", 4) || magic == std::string("PK\x05\x06", 4);
}

model::Network read_npz_model(const std::vector<NpyArray>& arrays, const std::string& path,
                              const std::string& manifest_path);

}  // namespace

model::Network read_model(const std::string& path, const std::string& manifest_path) {
  // Read once, so that a pipe (--model <(...)) is read whole before its format is told.
  const std::string bytes = read_file_capped(path, kMaxModelBytes, "model");
  if (opens_like_zip(bytes))
    return read_npz_model(read_npz_bytes(bytes, path), path, manifest_path);
  if (!manifest_path.empty()) {
    throw_bad_input(manifest_path, "--manifest",
                    "applies to .npz models, and " + path +
                        " is not one (an ONNX graph gives its own activations)",
                    "Leave out --manifest");
  }
  return parse_onnx_model(bytes, path);
}

namespace {

model::Network read_npz_model(const std::vector<NpyArray>& arrays, const std::string& path,
                              const std::string& manifest_path) {
  std::vector<std::string> order;
  std::map<std::string, const NpyArray*> weights;
  std::map<std::string, const NpyArray*> biases;
  for (const NpyArray& array : arrays) {
    const bool is_weight = core::ends_with(array.name, ".weight");
    if (!is_weight && !core::ends_with(array.name, ".bias")) {
      throw_bad_input(path, array.name, "is neither a '.weight' nor a '.bias' array",
                      "Save only dense layers' state_dict entries (e.g. fc1.weight, fc1.bias)");
    }
    const std::string layer = array.name.substr(0, array.name.rfind('.'));
    if (is_weight) {
      if (array.shape.size() != 2 && array.shape.size() != 4) {
        throw_bad_input(
            path, array.name,
            "has shape " + array.shape_text() + ", expected (out, in) or (out, in, kh, kw)",
            "Dense weights are 2-D, PyTorch layout (out_features, in_features); conv "
            "weights 4-D (out_channels, in_channels, kernel_h, kernel_w)");
      }
      weights[layer] = &array;
      order.push_back(layer);
    } else {
      if (array.shape.size() != 1) {
        throw_bad_input(path, array.name, "has shape " + array.shape_text() + ", expected (out,)",
                        "Biases are 1-D");
      }
      biases[layer] = &array;
    }
    check_finite(array, path);
  }
  if (order.empty()) {
    throw_bad_input(path, "", "holds no '.weight' arrays",
                    "Save the model's state_dict with np.savez");
  }
  for (const auto& [layer, bias] : biases) {
    if (weights.count(layer) == 0) {
      throw_bad_input(path, bias->name, "has no matching '" + layer + ".weight'",
                      "Every bias needs its layer's weight");
    }
  }
  Manifest manifest;
  manifest.layers.resize(order.size());
  if (!manifest_path.empty()) {
    manifest = parse_manifest(read_file_capped(manifest_path, kMaxManifestBytes, "manifest"),
                              manifest_path, order.size());
  }

  std::vector<model::Layer> layers;
  for (std::size_t l = 0; l < order.size(); ++l) {
    model::Layer layer;
    layer.name = order[l];
    const LayerManifest& spec = manifest.layers[l];
    const std::string field = "layers[" + std::to_string(l) + "]";
    if (!spec.name.empty() && spec.name != layer.name) {
      throw_bad_input(manifest_path, field + ".name",
                      "is '" + spec.name + "', but layer " + std::to_string(l) + " of " + path +
                          " is '" + layer.name + "'",
                      "List the layers in the archive's order");
    }
    const NpyArray& weight = *weights[order[l]];
    const bool conv = weight.shape.size() == 4;
    if (spec.kind && (*spec.kind == LayerKind::kConv2d) != conv) {
      throw_bad_input(manifest_path, field + ".kind",
                      std::string("is ") + (conv ? "linear" : "conv2d") + ", but " + weight.name +
                          " has shape " + weight.shape_text(),
                      "Conv weights are 4-D (out, in, kh, kw), linear ones 2-D (out, in)");
    }
    if (conv) {
      layer.conv =
          conv_geometry(weight, spec,
                        l == 0 ? manifest.input_shape
                               : std::optional<model::MapShape>(layers.back().pooled_shape()),
                        manifest_path, field);
      layer.pool = spec.pool;
    } else if (spec.pool.kind != model::PoolKind::kNone) {
      throw_bad_input(manifest_path, field + ".pool", "pools a linear layer",
                      "Only conv2d layers pool");
    } else if (spec.stride_h != 1 || spec.stride_w != 1 || spec.pad_h != 0 || spec.pad_w != 0) {
      throw_bad_input(manifest_path, field, "gives a linear layer a stride or padding",
                      "Only conv2d layers have strides and padding");
    }
    if (l == 0 && !conv && manifest.input_shape &&
        manifest.input_shape->size() != weight.shape[1]) {
      throw_bad_input(manifest_path, "input_shape",
                      "has " + std::to_string(manifest.input_shape->size()) + " values, but " +
                          weight.name + " takes " + std::to_string(weight.shape[1]),
                      "Give the input's (channels, height, width)");
    }
    layer.weight = to_matrix(weight);
    const auto found = biases.find(order[l]);
    if (found == biases.end()) {
      layer.bias = Eigen::VectorXd::Zero(layer.weight.rows());
    } else {
      const std::vector<double>& values = found->second->values;
      layer.bias = Eigen::Map<const Eigen::VectorXd>(values.data(),
                                                     static_cast<Eigen::Index>(values.size()));
    }
    layer.activation = spec.activation.value_or(l + 1 == order.size() ? model::Activation::kIdentity
                                                                      : model::Activation::kRelu);
    layers.push_back(std::move(layer));
  }
  // A conv layer's geometry comes from the manifest: its refusals name the manifest's entry.
  std::vector<std::string> names;
  std::vector<bool> conv;
  for (const model::Layer& layer : layers) {
    names.push_back(layer.name);
    conv.push_back(layer.conv.has_value());
  }
  try {
    return model::Network(std::move(layers));
  } catch (const Error& e) {
    const auto at = std::find(names.begin(), names.end(), e.field());
    if (!manifest_path.empty() && at != names.end() &&
        conv[static_cast<std::size_t>(at - names.begin())]) {
      throw_bad_input(manifest_path,
                      "layers[" + std::to_string(at - names.begin()) + "] (" + e.field() + ")",
                      e.problem(), e.remedy());
    }
    throw_bad_input(path, e.field(), e.problem(), e.remedy());
  }
}

}  // namespace

namespace {

// Counts and float64 values in a fixed byte order (little-endian), whatever the host.
class ContentHash {
 public:
  explicit ContentHash(std::string_view kind) { hash_.add_text(kind); }
  void add_count(std::uint64_t n) {
    unsigned char bytes[8];
    for (int b = 0; b < 8; ++b) bytes[b] = static_cast<unsigned char>(n >> (8 * b));
    hash_.add(bytes, 8);
  }
  void add_values(const double* values, std::size_t count) {
    for (std::size_t k = 0; k < count; ++k) {
      std::uint64_t bits = 0;
      std::memcpy(&bits, &values[k], sizeof bits);
      add_count(bits);
    }
  }
  void add_text(std::string_view text) { hash_.add_text(text); }
  std::string hex() { return hash_.hex(); }

 private:
  Sha256 hash_;
};

using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace

std::string network_hash(const model::Network& network) {
  // Dense networks hash as they always did ("scprec.network/1"), so older maps still match; a
  // network with a conv layer hashes in its own domain, every layer tagged with its kind, so
  // that no dense network's bytes can spell a conv network's.
  const bool has_conv =
      std::any_of(network.layers().begin(), network.layers().end(),
                  [](const model::Layer& layer) { return layer.conv.has_value(); });
  ContentHash hash(has_conv ? "scprec.network/2" : "scprec.network/1");
  for (const model::Layer& layer : network.layers()) {
    if (has_conv) hash.add_text(layer.conv ? "conv2d" : "linear");
    hash.add_text(layer.name);
    hash.add_count(layer.outputs());
    hash.add_count(layer.inputs());
    const RowMajor weight = layer.weight;
    hash.add_values(weight.data(), static_cast<std::size_t>(weight.size()));
    hash.add_values(layer.bias.data(), static_cast<std::size_t>(layer.bias.size()));
    hash.add_text(model::to_string(layer.activation));
    if (layer.conv) {
      const model::ConvGeometry& g = *layer.conv;
      for (std::size_t n : {g.input.channels, g.input.height, g.input.width, g.kernel_h, g.kernel_w,
                            g.stride_h, g.stride_w, g.pad_h, g.pad_w}) {
        hash.add_count(n);
      }
      hash.add_text(model::to_string(layer.pool.kind));
      hash.add_count(layer.pool.kind == model::PoolKind::kNone ? 0 : layer.pool.size);
    }
  }
  return hash.hex();
}

std::string dataset_hash(const Dataset& data) {
  ContentHash hash("scprec.dataset/1");
  hash.add_count(static_cast<std::uint64_t>(data.x.rows()));
  hash.add_count(static_cast<std::uint64_t>(data.x.cols()));
  const RowMajor x = data.x;
  hash.add_values(x.data(), static_cast<std::size_t>(x.size()));
  return hash.hex();
}

namespace {
constexpr EnumName<Split> kSplitNames[] = {{Split::kCalibration, "calibration"},
                                           {Split::kTest, "test"}};
}  // namespace

std::string to_string(Split split) {
  return enum_name(kSplitNames, split);
}

Split parse_split(const std::string& text, const std::string& field) {
  if (text == "calib") return Split::kCalibration;
  return parse_enum_name(kSplitNames, text, "split", field);
}

namespace {

std::optional<Dataset> dataset_from(const std::vector<NpyArray>& arrays, const std::string& path,
                                    Split split, std::size_t features, std::size_t classes,
                                    const std::optional<model::MapShape>& map, bool required);

// The map a network's data may be shaped as: its first layer's input map when that is a conv
// layer.
std::optional<model::MapShape> input_map(const model::Network& network) {
  const model::Layer& first = network.layers().front();
  if (!first.conv) return std::nullopt;
  return first.conv->input;
}

}  // namespace

Dataset read_dataset(const std::string& path, Split split, std::size_t features,
                     std::size_t classes) {
  return *dataset_from(read_npz(path), path, split, features, classes, std::nullopt, true);
}

std::optional<Dataset> read_dataset_if_present(const std::string& path, Split split,
                                               std::size_t features, std::size_t classes) {
  return dataset_from(read_npz(path), path, split, features, classes, std::nullopt, false);
}

Dataset read_dataset(const std::string& path, Split split, const model::Network& network) {
  return *dataset_from(read_npz(path), path, split, network.input_size(), network.output_size(),
                       input_map(network), true);
}

std::optional<Dataset> read_dataset_if_present(const std::string& path, Split split,
                                               const model::Network& network) {
  return dataset_from(read_npz(path), path, split, network.input_size(), network.output_size(),
                      input_map(network), false);
}

namespace {

std::optional<Dataset> dataset_from(const std::vector<NpyArray>& arrays, const std::string& path,
                                    Split split, std::size_t features, std::size_t classes,
                                    const std::optional<model::MapShape>& map, bool required) {
  const std::string x_name = split == Split::kCalibration ? "x" : "x_test";
  const std::string y_name = split == Split::kCalibration ? "y" : "y_test";
  const NpyArray* x = nullptr;
  const NpyArray* y = nullptr;
  for (const NpyArray& array : arrays) {
    if (array.name == x_name) x = &array;
    if (array.name == y_name) y = &array;
  }
  if (x == nullptr && !required) return std::nullopt;
  if (x == nullptr) {
    throw_bad_input(path, x_name, "array not found",
                    "Save inputs as '" + x_name + "' of shape (samples, features) with np.savez");
  }
  if ((x->shape.size() != 2 && x->shape.size() != 4) || x->shape[0] == 0) {
    throw_bad_input(path, x_name,
                    "has shape " + x->shape_text() +
                        ", expected (samples, features) or (samples, "
                        "channels, height, width)",
                    "Give one sample per row, flattened or as a (C, H, W) map");
  }
  if (x->shape.size() == 4 && map &&
      !(model::MapShape{x->shape[1], x->shape[2], x->shape[3]} == *map)) {
    throw_bad_input(path, x_name,
                    "has shape " + x->shape_text() + ", but the model reads (C, H, W) maps " +
                        model::to_string(*map),
                    "Save each sample as the model's (channels, height, width), or flattened");
  }
  const std::size_t columns = x->values.size() / x->shape[0];  // a (C, H, W) map read row-major
  if (features != 0 && columns != features) {
    throw_bad_input(path, x_name,
                    "has " + std::to_string(columns) + " features but the model takes " +
                        std::to_string(features),
                    "Use data shaped for this model");
  }
  for (std::size_t k = 0; k < x->values.size(); ++k) {
    const double value = x->values[k];
    if (!std::isfinite(value)) {
      throw_bad_input(path, x_name, "contains NaN or infinite values, first at " + at(k, columns),
                      "Clean the data");
    }
    if (value < 0.0 || value > 1.0) {
      throw_bad_input(
          path, x_name,
          "has the value " + exact_text(value) + " at " + at(k, columns) + ", outside [0, 1]",
          "Scale inputs to [0, 1] (e.g. pixels / 255)");
    }
  }
  Dataset data;
  data.x = to_matrix(*x);
  if (y == nullptr) return data;
  if (!y->is_integer()) {
    throw_bad_input(path, y_name, "has dtype " + to_string(y->dtype) + ", expected integers",
                    "Save labels as an integer array, e.g. y.astype(np.int64)");
  }
  if (y->shape.size() != 1 || y->shape[0] != x->shape[0]) {
    throw_bad_input(
        path, y_name,
        "has shape " + y->shape_text() + " for " + std::to_string(x->shape[0]) + " samples",
        "Give one label per row of " + x_name);
  }
  // Labels become ints, so without a class count the bound is int's (a cast beyond it is UB).
  const double end = classes == 0 ? static_cast<double>(std::numeric_limits<int>::max()) + 1.0
                                  : static_cast<double>(classes);
  for (double label : y->values) {
    if (label < 0.0 || label >= end) {
      const std::string range = "[0, " + exact_text(end) + ")";
      throw_bad_input(
          path, y_name,
          "has label " + std::to_string(static_cast<long long>(label)) + " outside " + range,
          "Labels must be class indices of the model's outputs");
    }
    data.labels.push_back(static_cast<int>(label));
  }
  return data;
}

}  // namespace

}  // namespace scprec::io
