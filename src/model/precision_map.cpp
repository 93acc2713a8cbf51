// Precision maps: per-layer SC settings and the checks that a map belongs to a network.
#include "scprec/model/precision_map.hpp"

#include <fmt/format.h>

#include "scprec/core/enum_names.hpp"
#include "scprec/core/error.hpp"

namespace scprec::model {

namespace {
constexpr EnumName<LayerStatus> kStatusNames[] = {{LayerStatus::kAssigned, "assigned"},
                                                  {LayerStatus::kPassed, "passed"},
                                                  {LayerStatus::kFailed, "failed"}};

constexpr const char* kNewMap = "Use the map made for this model, or assign a new one";

// quantize_for_map, with its bad-input errors re-raised at the map file and the map field that
// holds the settings (the quantizer names the layer in the problem).
QuantizedNetwork quantize_in_map(const Network& network, const PrecisionMap& map,
                                 const std::string& where) {
  try {
    return quantize_for_map(network, map);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kBadInput) throw;
    throw_bad_input(where,
                    e.field() == "bits" ? "quantization.bits" : "quantization.activation_scales",
                    e.problem(), kNewMap);
  }
}

// model::validate for layer l's SC settings, its bad-input errors re-raised at the map file and
// the map field: the layer's length, the generator's width, or the layer's row.
void check_layer_config(const PrecisionMap& map, const QuantizedNetwork& quantized, std::size_t l,
                        const std::string& where) {
  const QuantLayer& layer = quantized.layers[l];
  try {
    validate(map.layer_config(l), layer, quantized.config);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kBadInput) throw;
    const std::string row = "layers[" + std::to_string(l) + "]";
    std::string field = row;
    std::string problem = e.field() + ": " + e.problem();
    if (e.field() == layer.name + ".length") {
      field = row + ".length";
      problem = e.problem();
    } else if (e.field() == "generator width" || e.field() == layer.name + ".generator width") {
      field = "generator.width";
      problem = "layer " + layer.name + ": " + e.problem();
    }
    throw_bad_input(where, field, problem, e.remedy());
  }
}

}  // namespace

std::string RowRange::text() const {
  if (empty()) return "no rows";
  if (count == 1) return "row " + std::to_string(begin);
  return "rows " + std::to_string(begin) + "-" + std::to_string(end() - 1);
}

std::string to_string(LayerStatus status) {
  return enum_name(kStatusNames, status);
}

LayerStatus parse_layer_status(const std::string& text, const std::string& field) {
  return parse_enum_name(kStatusNames, text, "status", field);
}

std::uint64_t PrecisionMap::total_cycles() const {
  std::uint64_t total = 0;
  for (const LayerPrecision& layer : layers) total += layer.positions * layer.length;
  return total;
}

std::string PrecisionMap::generator_kind() const {
  for (const LayerPrecision& layer : layers) {
    if (layer.generator != layers.front().generator) return "mixed";
  }
  return layers.empty() ? "lfsr" : core::to_string(layers.front().generator);
}

std::string PrecisionMap::generators_text() const {
  const std::string kind = generator_kind();
  if (kind != "mixed") return kind;
  std::string text;
  for (const LayerPrecision& layer : layers) {
    text += (text.empty() ? "" : "/") + core::to_string(layer.generator);
  }
  return text;
}

std::string PrecisionMap::lengths_text() const {
  std::string text;
  for (const LayerPrecision& layer : layers) {
    text += (text.empty() ? "" : "/") + std::to_string(layer.length);
  }
  return text;
}

std::string PrecisionMap::arithmetic_text() const {
  std::string text = fmt::format("{}-bit {}", quant.bits, core::to_string(quant.encoding));
  if (quant.scale_quantile < 1.0) {
    text += fmt::format(", activation scales at the {:g} quantile of the positive activations",
                        quant.scale_quantile);
  }
  return text;
}

ScLayerConfig PrecisionMap::layer_config(std::size_t l) const {
  SCPREC_ASSERT(l < layers.size(), "layer index past the map's layers");
  ScLayerConfig config;
  config.length = layers[l].length;
  config.generator = core::GeneratorConfig{layers[l].generator, generator_width, layers[l].seed};
  return config;
}

std::vector<std::optional<ScLayerConfig>> PrecisionMap::sc_configs() const {
  std::vector<std::optional<ScLayerConfig>> configs;
  for (std::size_t l = 0; l < layers.size(); ++l) configs.emplace_back(layer_config(l));
  return configs;
}

void check_map_matches(const PrecisionMap& map, const Network& network,
                       const std::string& model_hash, const std::string& where) {
  const std::vector<Layer>& dense = network.layers();
  if (map.layers.size() != dense.size()) {
    throw_bad_input(where, "layers",
                    "the map has " + std::to_string(map.layers.size()) +
                        " layers but the model has " + std::to_string(dense.size()),
                    kNewMap);
  }
  for (std::size_t l = 0; l < dense.size(); ++l) {
    const LayerPrecision& row = map.layers[l];
    const std::string field = "layers[" + std::to_string(l) + "]";
    if (row.name != dense[l].name || row.inputs != dense[l].inputs() ||
        row.outputs != dense[l].outputs() || row.positions != dense[l].positions()) {
      const auto at = [](std::size_t positions) {
        return positions == 1 ? std::string() : " at " + std::to_string(positions) + " positions";
      };
      throw_bad_input(where, field,
                      "is " + row.name + " (" + std::to_string(row.inputs) + " -> " +
                          std::to_string(row.outputs) + at(row.positions) +
                          ") but the model's layer " + std::to_string(l) + " is " + dense[l].name +
                          " (" + std::to_string(dense[l].inputs()) + " -> " +
                          std::to_string(dense[l].outputs()) + at(dense[l].positions()) + ")",
                      kNewMap);
    }
  }
  if (!model_hash.empty() && map.model_hash != model_hash) {
    throw_bad_input(where, "model.sha256",
                    "the map was made for model " + map.model_hash.substr(0, 12) +
                        "... but this model is " + model_hash.substr(0, 12) + "...",
                    "The weights changed since the map was assigned; assign a new map");
  }
  const QuantizedNetwork quantized = quantize_in_map(network, map, where);
  for (std::size_t l = 0; l < dense.size(); ++l) check_layer_config(map, quantized, l, where);
}

PrecisionMap manual_map(const QuantizedNetwork& quantized, const std::string& model_hash,
                        const std::vector<std::size_t>& lengths, core::GeneratorKind kind,
                        int width, std::uint64_t seed) {
  SCPREC_ASSERT(lengths.size() == quantized.layers.size(), "one length per layer");
  PrecisionMap map;
  map.model_hash = model_hash;
  map.quant = quantized.config;
  map.activation_scales = activation_scales(quantized);
  map.generator_width = width;
  map.seed = seed;
  map.method = "manual";
  for (std::size_t l = 0; l < lengths.size(); ++l) {
    LayerPrecision row;
    row.index = l;
    row.name = quantized.layers[l].name;
    row.inputs = quantized.layers[l].inputs;
    row.outputs = quantized.layers[l].outputs;
    row.positions = quantized.layers[l].positions();
    row.length = lengths[l];
    row.generator = kind;
    row.seed = layer_seed(seed, l);
    row.method = "manual";
    map.layers.push_back(row);
  }
  return map;
}

QuantizedNetwork quantize_for_map(const Network& network, const PrecisionMap& map) {
  return quantize_with_scales(network, map.quant, map.activation_scales);
}

}  // namespace scprec::model
