// Manifest JSON: every field checked for its type and range, unknown fields refused (a typo must
// not silently fall back to a default). Whether the manifest fits the weights is read_model's
// check, which knows them.
#include "scprec/io/manifest.hpp"

#include <nlohmann/json.hpp>

#include "scprec/core/error.hpp"

namespace scprec::io {
namespace {

using Json = nlohmann::json;

// A whole number in [low, high] at `field`.
std::size_t count_at(const Json& value, const std::string& where, const std::string& field,
                     std::size_t low, std::size_t high) {
  if (!value.is_number_unsigned() || value.get<std::uint64_t>() < low ||
      value.get<std::uint64_t>() > high) {
    throw_bad_input(
        where, field,
        "is not a whole number in [" + std::to_string(low) + ", " + std::to_string(high) + "]",
        "Give e.g. " + std::to_string(low == 0 ? 1 : low));
  }
  return static_cast<std::size_t>(value.get<std::uint64_t>());
}

// A number, or [h, w], at `field`.
std::pair<std::size_t, std::size_t> pair_at(const Json& value, const std::string& where,
                                            const std::string& field, std::size_t low) {
  constexpr std::size_t kLargest = 1 << 16;
  if (value.is_array()) {
    if (value.size() != 2) {
      throw_bad_input(where, field, "has " + std::to_string(value.size()) + " entries",
                      "Give one number, or [height, width]");
    }
    return {count_at(value[0], where, field + "[0]", low, kLargest),
            count_at(value[1], where, field + "[1]", low, kLargest)};
  }
  const std::size_t both = count_at(value, where, field, low, kLargest);
  return {both, both};
}

model::Activation activation_at(const Json& value, const std::string& where,
                                const std::string& field) {
  if (!value.is_string())
    throw_bad_input(where, field, "not a string", "Use \"relu\" or \"identity\"");
  try {
    return model::parse_activation(value.get<std::string>(), field);
  } catch (const Error& e) {
    throw_bad_input(where, field, e.problem(), e.remedy());
  }
}

model::Pooling pool_at(const Json& value, const std::string& where, const std::string& field) {
  if (value.is_string() && value.get<std::string>() == "none") return {};
  if (!value.is_object() || !value.contains("kind") || !value["kind"].is_string()) {
    throw_bad_input(where, field, "is not \"none\" or {\"kind\": ..., \"size\": k}",
                    "Write e.g. {\"kind\": \"max\", \"size\": 2}");
  }
  for (const auto& item : value.items()) {
    if (item.key() != "kind" && item.key() != "size") {
      throw_bad_input(where, field + "." + item.key(), "is not a pooling field",
                      "Pooling has \"kind\" and \"size\"");
    }
  }
  const std::string kind = value["kind"].get<std::string>();
  model::Pooling pool;
  if (kind == "max") {
    pool.kind = model::PoolKind::kMax;
  } else if (kind == "average") {
    pool.kind = model::PoolKind::kAverage;
  } else if (kind != "none") {
    throw_bad_input(where, field + ".kind", "is \"" + kind + "\"", "Use \"max\" or \"average\"");
  }
  if (pool.kind == model::PoolKind::kNone) return {};  // any size: no pooling is one thing
  pool.size = value.contains("size") ? count_at(value["size"], where, field + ".size", 2, 256) : 2;
  return pool;
}

LayerManifest layer_at(const Json& entry, const std::string& where, const std::string& field) {
  if (!entry.is_object()) {
    throw_bad_input(where, field, "is not an object", "Write {\"kind\": \"conv2d\", ...}");
  }
  LayerManifest layer;
  for (const auto& item : entry.items()) {
    const std::string& key = item.key();
    const Json& value = item.value();
    const std::string at = field + "." + key;
    if (key == "name") {
      if (!value.is_string()) throw_bad_input(where, at, "not a string", "Give the layer's name");
      layer.name = value.get<std::string>();
    } else if (key == "kind") {
      const std::string kind = value.is_string() ? value.get<std::string>() : "";
      if (kind != "linear" && kind != "conv2d") {
        throw_bad_input(where, at, "is not \"linear\" or \"conv2d\"", "Use one of those");
      }
      layer.kind = kind == "linear" ? LayerKind::kLinear : LayerKind::kConv2d;
    } else if (key == "activation") {
      layer.activation = activation_at(value, where, at);
    } else if (key == "stride") {
      std::tie(layer.stride_h, layer.stride_w) = pair_at(value, where, at, 1);
    } else if (key == "padding") {
      std::tie(layer.pad_h, layer.pad_w) = pair_at(value, where, at, 0);
    } else if (key == "pool") {
      layer.pool = pool_at(value, where, at);
    } else {
      throw_bad_input(where, at, "is not a layer field",
                      "Use name, kind, activation, stride, padding and pool");
    }
  }
  return layer;
}

std::vector<LayerManifest> activations_at(const Json& list, const std::string& where) {
  std::vector<LayerManifest> layers;
  for (std::size_t l = 0; l < list.size(); ++l) {
    LayerManifest layer;
    layer.activation = activation_at(list[l], where, "activations[" + std::to_string(l) + "]");
    layers.push_back(layer);
  }
  return layers;
}

}  // namespace

Manifest parse_manifest(const std::string& text, const std::string& where, std::size_t layers) {
  Json json;
  try {
    json = Json::parse(text);
  } catch (const Json::exception& e) {  // parse_error, and out_of_range for 1e400
    throw_bad_input(where, "", std::string("not valid JSON (") + e.what() + ")",
                    "Fix the manifest's syntax");
  }
  if (!json.is_object()) {
    throw_bad_input(
        where, "", "is not a JSON object",
        "Write {\"activations\": [\"relu\", ..., \"identity\"]} or {\"layers\": [...]}");
  }
  for (const auto& item : json.items()) {
    if (item.key() != "activations" && item.key() != "layers" && item.key() != "input_shape") {
      throw_bad_input(where, item.key(), "is not a manifest field",
                      "Use activations, or input_shape and layers");
    }
  }
  const char* list_name = json.contains("layers") ? "layers" : "activations";
  if (json.contains("layers") == json.contains("activations") || !json[list_name].is_array()) {
    throw_bad_input(where, list_name, "missing or not a list, or both lists given",
                    "Write {\"activations\": [\"relu\", ..., \"identity\"]} or {\"layers\": "
                    "[{...}, ...]}, not both");
  }
  const Json& list = json[list_name];
  if (list.size() != layers) {
    throw_bad_input(
        where, list_name,
        "has " + std::to_string(list.size()) + " entries for " + std::to_string(layers) + " layers",
        "Give one entry per layer, in layer order");
  }
  Manifest manifest;
  if (json.contains("layers")) {
    for (std::size_t l = 0; l < list.size(); ++l) {
      manifest.layers.push_back(layer_at(list[l], where, "layers[" + std::to_string(l) + "]"));
    }
  } else {
    manifest.layers = activations_at(list, where);
  }
  if (json.contains("input_shape")) {
    const Json& shape = json["input_shape"];
    if (!shape.is_array() || shape.size() != 3) {
      throw_bad_input(where, "input_shape", "is not [channels, height, width]",
                      "Write e.g. \"input_shape\": [1, 28, 28]");
    }
    constexpr std::size_t kLargest = 1 << 16;
    manifest.input_shape =
        model::MapShape{count_at(shape[0], where, "input_shape[0]", 1, kLargest),
                        count_at(shape[1], where, "input_shape[1]", 1, kLargest),
                        count_at(shape[2], where, "input_shape[2]", 1, kLargest)};
  }
  return manifest;
}

}  // namespace scprec::io
