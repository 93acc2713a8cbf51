// The hardware of design points (`scprec explore --synth`): each point's RTL generated, its
// layers synthesised with Yosys, a layer synthesised once per choice of it.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "scprec/assign/explore.hpp"
#include "scprec/core/logger.hpp"
#include "scprec/cosim/synthesis.hpp"
#include "scprec/model/network.hpp"

namespace scprec::loop {

/// One point's hardware.
struct DesignArea {
  std::vector<cosim::LayerArea> layers;
  std::size_t cells = 0;         ///< summed over the layers
  std::size_t flip_flops = 0;    ///< summed over the layers
  std::uint64_t rtl_cycles = 0;  ///< the top's start-to-done cycles per input
};

/// The area of each point of `points` (point_map on the same calibration rows and config, RTL
/// at auto inputs per cycle, written under `work`/point-<k>/). A layer is synthesised once per
/// (layer, generator, length, scale quantile): a layer's RTL depends on nothing else of the
/// point. Layers of one point run `synthesis.jobs` at once. Logs which point and layers it is
/// on. Throws as cosim::synthesize_layer does (Yosys missing, failing or warning).
std::vector<DesignArea> design_areas(const model::Network& network,
                                     const Eigen::MatrixXd& calibration,
                                     const std::vector<assign::DesignPoint>& points,
                                     const assign::ExploreConfig& config, const std::string& work,
                                     const cosim::SynthesisConfig& synthesis, Logger& logger);

}  // namespace scprec::loop
