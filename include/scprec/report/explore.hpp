// What `scprec explore` writes: the design space as a Markdown table of its Pareto frontier
// with the uniform baselines and a given map, SVG charts, and every point as JSON.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "scprec/assign/explore.hpp"

namespace scprec::report {

/// A design point's hardware, from its RTL and Yosys (`explore --synth`).
struct PointArea {
  std::size_t cells = 0;         ///< summed over the layers, ROMs excluded
  std::size_t flip_flops = 0;    ///< summed over the layers
  std::uint64_t rtl_cycles = 0;  ///< the top's start-to-done cycles per input
};

/// What the exploration is shown against.
struct ExploreContext {
  std::string rows_text;  ///< which rows were evaluated, e.g. "the 2000 test images"
  /// A map to mark (`--map`), measured on the same rows, and where it came from.
  std::optional<assign::DesignPoint> map_point;
  std::string map_path;
  double seconds = 0.0;  ///< the sweep's wall time
  /// With --synth: the area of each frontier point, by its index in Exploration::points.
  std::map<std::size_t, PointArea> areas;
};

/// The Markdown page: the rows, the float and integer networks' accuracy, the frontier (each
/// point's accuracy with a 95% Clopper-Pearson interval, flips, cycles, synapse-cycles, layers
/// and rule), the uniform baselines at the first scale rule, the given map, and the charts.
std::string explore_markdown(const assign::Exploration& exploration, const ExploreContext& context);

/// Accuracy (with intervals on the frontier) against cycles: every point, the frontier, the
/// uniform baselines per generator at the first rule, and the given map.
std::string explore_accuracy_svg(const assign::Exploration& exploration,
                                 const ExploreContext& context);

/// Top-1 flips against the integer network, against cycles: the frontier, the baselines, the
/// given map.
std::string explore_flips_svg(const assign::Exploration& exploration,
                              const ExploreContext& context);

/// Accuracy against area x latency (cells x RTL cycles per input) of the frontier points whose
/// area was measured; "" when none was.
std::string explore_area_svg(const assign::Exploration& exploration, const ExploreContext& context);

/// Every point as JSON (schema "scprec.explore/1"), with the measured areas.
std::string explore_json(const assign::Exploration& exploration, const ExploreContext& context);

}  // namespace scprec::report
