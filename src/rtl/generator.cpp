// Assembles the generated design: the embedded rtl/ library, each layer's wrapper and ROM
// images, the top, the compile order and design.json.
#include "scprec/rtl/generator.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "layer_plan.hpp"
#include "library.hpp"
#include "scprec/core/error.hpp"
#include "scprec/core/version.hpp"

namespace scprec::rtl {
namespace {

constexpr std::size_t kWeightComparators = 2048;

}  // namespace

std::size_t auto_inputs_per_cycle(std::size_t inputs, std::size_t outputs) {
  return std::clamp<std::size_t>(kWeightComparators / outputs, 1, inputs);
}

RtlDesign generate_rtl(const model::QuantizedNetwork& network, const model::PrecisionMap& map,
                       const RtlConfig& config) {
  SCPREC_ASSERT(map.layers.size() == network.layers.size(),
                "the map was checked against the model");
  RtlDesign design;
  for (const EmbeddedFile& file : embedded_library()) {
    design.files.push_back({file.name, file.content});
    design.sources.push_back(file.name);
  }
  std::vector<LayerPlan> plans;
  for (std::size_t l = 0; l < network.layers.size(); ++l) {
    plans.push_back(plan_layer(network, map, l, config));
    const LayerPlan& plan = plans.back();
    design.layers.push_back(plan.design);
    design.top_latency += plan.design.latency;
    const std::string module_file = plan.design.module + ".v";
    design.files.push_back({module_file, layer_module_text(plan)});
    design.files.push_back({plan.weight_file, weight_image(plan)});
    design.files.push_back({plan.lane_file, lane_image(plan)});
    design.files.push_back({plan.bias_file, bias_image(plan)});
    design.sources.push_back(module_file);
  }
  design.files.push_back({design.top_module + ".v", top_module_text(plans, design.top_latency)});
  design.sources.push_back(design.top_module + ".v");
  std::string file_list;
  for (const std::string& source : design.sources) file_list += source + "\n";
  design.files.push_back({"files.f", file_list});
  design.files.push_back({"design.json", design_json(design, map)});
  return design;
}

std::string design_json(const RtlDesign& design, const model::PrecisionMap& map) {
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const LayerDesign& d : design.layers) {
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
                      {"rom_bits", d.rom_bits}});
  }
  const nlohmann::ordered_json json = {{"schema", "scprec.rtl-design/1"},
                                       {"scprec_version", kVersion},
                                       {"model_sha256", map.model_hash},
                                       {"top", design.top_module},
                                       {"top_latency", design.top_latency},
                                       {"sources", design.sources},
                                       {"layers", layers}};
  return json.dump(2) + "\n";
}

}  // namespace scprec::rtl
