// Area of design points. A layer's RTL is a function of its own weights, length, generator,
// seed and scales (rtl::generate_rtl, docs/rtl-architecture.md), so its Yosys result is reused
// by every point that makes the same choice for it at the same scale rule; on the example's
// frontier that is about half the layers.
#include "scprec/loop/design_area.hpp"

#include <fmt/format.h>

#include <map>
#include <tuple>

#include "scprec/core/parallel.hpp"
#include "scprec/io/files.hpp"
#include "scprec/rtl/generator.hpp"

namespace scprec::loop {

std::vector<DesignArea> design_areas(const model::Network& network,
                                     const Eigen::MatrixXd& calibration,
                                     const std::vector<assign::DesignPoint>& points,
                                     const assign::ExploreConfig& config, const std::string& work,
                                     const cosim::SynthesisConfig& synthesis, Logger& logger) {
  using Key = std::tuple<std::size_t, core::GeneratorKind, std::size_t, double>;
  std::map<Key, cosim::LayerArea> synthesised;
  std::vector<DesignArea> areas;
  for (std::size_t k = 0; k < points.size(); ++k) {
    const assign::DesignPoint& point = points[k];
    const model::PrecisionMap map = assign::point_map(network, calibration, point, config);
    const rtl::RtlDesign design =
        rtl::generate_rtl(model::quantize_for_map(network, map), map, rtl::RtlConfig{});
    const std::string directory = fmt::format("{}/point-{}", work, k);
    for (const rtl::GeneratedFile& file : design.files) {
      io::write_file_atomically(directory + "/" + file.name, file.content);
    }
    const auto key = [&](std::size_t l) {
      return Key{l, point.layers[l].generator, point.layers[l].length, point.scale_quantile};
    };
    std::vector<std::size_t> missing;
    for (std::size_t l = 0; l < design.layers.size(); ++l) {
      if (synthesised.count(key(l)) == 0) missing.push_back(l);
    }
    logger.info(
        fmt::format("explore: area of point {} of {} ({} cycles): {} of {} layers to "
                    "synthesise",
                    k + 1, points.size(), point.cycles, missing.size(), design.layers.size()));
    std::vector<cosim::LayerArea> fresh(missing.size());
    core::parallel_for(missing.size(), synthesis.jobs, [&](std::size_t i) {
      fresh[i] = cosim::synthesize_layer(directory, design, missing[i], synthesis, logger);
    });
    for (std::size_t i = 0; i < missing.size(); ++i) synthesised[key(missing[i])] = fresh[i];
    DesignArea area;
    area.rtl_cycles = design.top_latency;
    for (std::size_t l = 0; l < design.layers.size(); ++l) {
      area.layers.push_back(synthesised.at(key(l)));
      area.cells += area.layers.back().cells;
      area.flip_flops += area.layers.back().flip_flops;
    }
    areas.push_back(std::move(area));
  }
  return areas;
}

}  // namespace scprec::loop
