// Assembles the generated design: the embedded rtl/ library, each layer's wrapper and ROM
// images, the top, the compile order and design.json.
#include "scprec/rtl/generator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <string_view>

#include "layer_plan.hpp"
#include "library.hpp"
#include "scprec/core/error.hpp"
#include "scprec/core/version.hpp"
#include "scprec/model/sc_layer.hpp"

namespace scprec::rtl {
namespace {

constexpr std::size_t kWeightComparators = 2048;
constexpr std::string_view kConvBlock = "sc_conv.v";

// Layer names become Verilog identifiers (scprec_<id>, <id>_busy, <ID>_OUTPUTS) and file names,
// so two layers whose identifiers agree but for case, a layer called "top", or a layer whose
// name plus a suffix is another's signal (a layer "c_position" beside a conv layer "c", whose
// strobe is c_position_done) would clash.
void check_identifiers(const model::QuantizedNetwork& network, const std::string& top_module) {
  const auto lower = [](std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
  };
  std::map<std::string, std::string> owners;  // the top's names so far, case ignored: layer
  for (const model::QuantLayer& layer : network.layers) {
    const std::string id = sanitize(layer.name);
    std::vector<std::string> names = {"scprec_" + id, id + "_busy", id + "_done",
                                      id + "_result", id + "_pos",  id + "_neg"};
    if (layer.conv) names.push_back(id + "_position_done");
    for (const std::string& name : names) {
      const auto other = owners.find(lower(name));
      if (lower(name) != lower(top_module) && other == owners.end()) continue;
      const std::string clash =
          other != owners.end() ? "layer '" + other->second + "'" : "the network top";
      throw_bad_input("", layer.name,
                      "the layer's Verilog name " + name + " clashes with " + clash +
                          "'s (names are made of letters, digits and _, case ignored)",
                      "Rename the layers in the model so that their Verilog names differ");
    }
    for (const std::string& name : names) owners.emplace(lower(name), layer.name);
  }
}

// The layer's description with the scales and requantizer of the quantized layer, which the
// plan leaves out because the RTL needs only their integers (ROMs, REQUANT_MULT, REQUANT_SHIFT).
LayerDesign with_scales(LayerDesign design, const model::QuantLayer& layer) {
  design.input_scale = layer.input_scale;
  design.weight_scale = layer.weight_scale;
  if (!layer.is_output) design.requantizer = layer.requant;
  return design;
}

}  // namespace

std::size_t auto_inputs_per_cycle(std::size_t inputs, std::size_t outputs) {
  return std::clamp<std::size_t>(kWeightComparators / outputs, 1, inputs);
}

std::size_t max_length_for(const model::PrecisionMap& map, std::size_t wanted) {
  std::size_t limit = model::longest_length(map.quant);
  for (const model::LayerPrecision& layer : map.layers) {
    if (layer.generator == core::GeneratorKind::kSobol && map.generator_width < 63) {
      limit = std::min(limit, std::size_t{1} << map.generator_width);
    }
  }
  std::size_t longest = 1;
  while (longest * 2 <= std::min(wanted, limit)) longest *= 2;
  for (const model::LayerPrecision& layer : map.layers) longest = std::max(longest, layer.length);
  return longest;
}

RtlDesign generate_rtl(const model::QuantizedNetwork& network, const model::PrecisionMap& map,
                       const RtlConfig& config) {
  SCPREC_ASSERT(map.layers.size() == network.layers.size(),
                "the map was checked against the model");
  RtlDesign design;
  design.adjustable_max_length = config.adjustable_max_length;
  check_identifiers(network, design.top_module);
  const bool has_conv = std::any_of(network.layers.begin(), network.layers.end(),
                                    [](const model::QuantLayer& layer) { return layer.conv; });
  for (const EmbeddedFile& file : embedded_library()) {
    // sc_conv.v only where a conv layer uses it, so that a dense network's design is the same
    // as before conv layers were built.
    if (!has_conv && std::string_view(file.name) == kConvBlock) continue;  // names, not pointers
    design.files.push_back({file.name, file.content});
    design.sources.push_back(file.name);
  }
  std::vector<LayerPlan> plans;
  for (std::size_t l = 0; l < network.layers.size(); ++l) {
    plans.push_back(plan_layer(network, map, l, config));
    const LayerPlan& plan = plans.back();
    design.layers.push_back(with_scales(plan.design, network.layers[l]));
    design.top_latency += plan.design.latency;
    design.top_max_latency += plan.design.max_latency;
    const std::string module_file = plan.design.module + ".v";
    design.files.push_back({module_file, layer_module_text(plan)});
    design.files.push_back({plan.weight_file, weight_image(plan)});
    design.files.push_back({plan.lane_file, lane_image(plan)});
    design.files.push_back({plan.bias_file, bias_image(plan)});
    design.sources.push_back(module_file);
  }
  design.files.push_back(
      {design.top_module + ".v",
       top_module_text(plans, config.adjustable_max_length != 0 ? design.top_max_latency
                                                                : design.top_latency)});
  design.sources.push_back(design.top_module + ".v");
  std::string file_list = fmt::format(
      "// Compile order of the generated design, for verilator -f and iverilog -c.\n"
      "// generated by scprec {} from model sha256 {}; regenerate with `scprec rtl`\n",
      kVersion, map.model_hash);
  for (const std::string& source : design.sources) file_list += source + "\n";
  design.files.push_back({"files.f", file_list});
  design.files.push_back({"design.json", design_json(design, map)});
  return design;
}

std::string design_json(const RtlDesign& design, const model::PrecisionMap& map) {
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const LayerDesign& d : design.layers) {
    nlohmann::ordered_json requantizer = nullptr;
    if (d.requantizer) {
      requantizer = {{"multiplier", d.requantizer->multiplier}, {"shift", d.requantizer->shift}};
    }
    layers.push_back({{"index", d.index},
                      {"name", d.name},
                      {"module", d.module},
                      {"inputs", d.inputs},
                      {"outputs", d.outputs},
                      {"length", d.length},
                      {"inputs_per_cycle", d.inputs_per_cycle},
                      {"chunks", d.chunks},
                      {"bits", d.bits},
                      {"counter_bits", d.counter_bits},
                      {"result_bits", d.result_bits},
                      {"is_output", d.is_output},
                      {"latency", d.latency},
                      {"rom_bits", d.rom_bits},
                      {"input_scale", d.input_scale},
                      {"weight_scale", d.weight_scale},
                      {"requantizer", requantizer}});
    if (d.max_length != 0) {  // a fixed-length layer's entry is as before adjustable RTL
      layers.back()["max_length"] = d.max_length;
      layers.back()["log2_length_bits"] = d.log2_bits;
      layers.back()["max_latency"] = d.max_latency;
    }
    if (d.is_conv) {  // a dense layer's entry is as before conv layers
      layers.back()["kind"] = "conv2d";
      layers.back()["input_codes"] = d.input_codes;
      layers.back()["result_codes"] = d.result_codes;
      layers.back()["positions"] = d.positions;
      layers.back()["position_latency"] = d.position_latency;
    }
  }
  nlohmann::ordered_json json = {{"schema", "scprec.rtl-design/1"},
                                 {"scprec_version", kVersion},
                                 {"model_sha256", map.model_hash},
                                 {"top", design.top_module},
                                 {"top_latency", design.top_latency}};
  if (design.adjustable_max_length != 0) {
    json["adjustable_max_length"] = design.adjustable_max_length;
    json["top_max_latency"] = design.top_max_latency;
  }
  json["sources"] = design.sources;
  json["layers"] = layers;
  return json.dump(2) + "\n";
}

}  // namespace scprec::rtl
