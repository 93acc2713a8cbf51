// The JSON manifest beside a state_dict .npz: what the weights alone cannot say (activations,
// layer kinds, conv stride and padding, pooling, the input map's shape).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "scprec/model/network.hpp"

namespace scprec::io {

/// The largest manifest file read_model reads; a real one is a few hundred bytes.
constexpr std::size_t kMaxManifestBytes = std::size_t{1} << 20;

enum class LayerKind { kLinear, kConv2d };

/// What a manifest says about one layer; what it leaves out takes the defaults.
struct LayerManifest {
  std::string name;                             ///< "": not checked against the archive
  std::optional<LayerKind> kind;                ///< unset: the weight's rank decides
  std::optional<model::Activation> activation;  ///< unset: relu, identity for the last layer
  std::size_t stride_h = 1;
  std::size_t stride_w = 1;
  std::size_t pad_h = 0;
  std::size_t pad_w = 0;
  model::Pooling pool;
};

struct Manifest {
  std::optional<model::MapShape> input_shape;  ///< (C, H, W) of the network's input
  std::vector<LayerManifest> layers;           ///< one per layer, or empty
};

/// Parses a manifest's JSON text for a network of `layers` layers (`where` names the source in
/// errors). Two forms: {"activations": ["relu", ..., "identity"]}, one per layer; or
/// {"input_shape": [C, H, W], "layers": [{"name": "conv1", "kind": "conv2d", "stride": 1,
/// "padding": [2, 2], "activation": "relu", "pool": {"kind": "max", "size": 2}}, ...]}, every
/// field optional, stride and padding a number or [h, w]. Throws Error (kBadInput) naming the
/// field if the text is not JSON, a list has the wrong length, a field is unknown, or a value
/// is of the wrong type or out of range.
Manifest parse_manifest(const std::string& text, const std::string& where, std::size_t layers);

}  // namespace scprec::io
