// The design space on the software model: every combination of per-layer generator and length
// at every activation scale rule, with its accuracy and top-1 flips, and the Pareto frontier of
// accuracy against cycles. What `scprec explore` shows; the loop does not use it.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "scprec/core/lanes.hpp"
#include "scprec/core/logger.hpp"
#include "scprec/model/network.hpp"
#include "scprec/model/precision_map.hpp"
#include "scprec/model/quantize.hpp"

namespace scprec::assign {

struct ExploreConfig {
  model::QuantConfig quant;  ///< bits and encoding; the scale rule is swept
  std::vector<double> scale_quantiles = {1.0};
  std::vector<core::GeneratorKind> generators = {core::GeneratorKind::kLfsr,
                                                 core::GeneratorKind::kSobol};
  std::vector<std::size_t> lengths = {32, 64, 128};  ///< each layer's candidates
  std::uint64_t max_cycles = 0;  ///< points whose lengths sum above this are left out (0: none)
  int generator_width = 32;
  std::uint64_t seed = 42;  ///< layer l's generator seed is model::layer_seed(seed, l)
  unsigned threads = 0;
};

/// One layer's choice at a design point.
struct LayerChoice {
  core::GeneratorKind generator = core::GeneratorKind::kLfsr;
  std::size_t length = 0;
  friend bool operator==(const LayerChoice& a, const LayerChoice& b) {
    return a.generator == b.generator && a.length == b.length;
  }
};

/// One design point and what the software model (bit-exact with the RTL) measured.
struct DesignPoint {
  double scale_quantile = 1.0;
  std::vector<LayerChoice> layers;
  std::uint64_t cycles = 0;          ///< the sum of the lengths
  std::uint64_t synapse_cycles = 0;  ///< sum of inputs x outputs x L: work, a proxy for energy
  std::size_t correct = 0;           ///< rows whose SC top-1 class is the label
  std::size_t flips = 0;  ///< rows whose SC top-1 class is not the integer network's (same rule)
  bool frontier = false;  ///< on the Pareto frontier of accuracy against cycles
};

/// What the exploration measured, on `rows` evaluation rows.
struct Exploration {
  std::size_t rows = 0;
  std::size_t float_correct = 0;
  std::vector<double> scale_quantiles;       ///< as explored
  std::vector<std::size_t> integer_correct;  ///< per scale quantile, the integer network's
  std::vector<DesignPoint> points;           ///< by cycles, then the most accurate first
  /// Every generator at every candidate length in every layer, at the first scale rule,
  /// whatever max_cycles: the uniform baselines.
  std::vector<DesignPoint> baselines;
};

/// Quantizes `network` on the `calibration` rows at each scale quantile, then runs every
/// combination of the config's generators and lengths per layer (at most max_cycles in all) on
/// the bit-exact software model over the rows of `x`, scoring top-1 classes against `labels`
/// and against the integer network at the same rule. Layers are evaluated as a tree, so a
/// layer's outputs are computed once per choice of it and of the layers before it: the first
/// (usually widest) layer runs once per choice. Logs progress with an estimate of the time
/// left. Marks the frontier (mark_frontier) and measures the uniform baselines. Throws Error
/// (kBadInput) for an empty candidate list, a length the arithmetic or the generator cannot run,
/// labels that do not match `x`, or a max_cycles no point fits.
Exploration explore_design_space(const model::Network& network, const Eigen::MatrixXd& calibration,
                                 const Eigen::MatrixXd& x, const std::vector<int>& labels,
                                 const ExploreConfig& config, Logger& logger = null_logger());

/// Each layer's runs of L cycles per input: 1, or a conv layer's positions (points_per_rule's
/// and max_cycles_for's `positions`).
std::vector<std::size_t> layer_positions(const model::Network& network);

/// The points a sweep would run per scale rule with this config over layers that run
/// `positions[l]` times per input (1, or a conv layer's positions: a point's cycles are the sum
/// of positions x L): every combination of the config's generators and lengths, per layer,
/// within max_cycles.
std::uint64_t points_per_rule(const std::vector<std::size_t>& positions,
                              const ExploreConfig& config);

/// The largest cycle limit, in steps of the shortest candidate length (times the fewest
/// positions of a layer) and at least every layer at the shortest, that keeps points_per_rule
/// at most `cap` (200 a rule gives 288 cycles on the example). At the least limit a network of
/// k layers still has generators^k points a rule, which no limit can cut. Throws Error
/// (kBadInput) for empty lists or a length that is not a power of two or is given twice.
std::uint64_t max_cycles_for(const std::vector<std::size_t>& positions, ExploreConfig config,
                             std::uint64_t cap = 200);

/// Marks the points no other point dominates: none has at most their cycles and at least their
/// correct rows with one of the two strictly better.
void mark_frontier(std::vector<DesignPoint>& points);

/// A map's design point, measured on the rows of `x` as the sweep measures its points (the
/// map's own scales and seeds; flips against the integer network at its scales), by a whole-
/// network run of the SC model. The map must match the network (model::check_map_matches).
DesignPoint measure_map(const model::Network& network, const model::PrecisionMap& map,
                        const Eigen::MatrixXd& x, const std::vector<int>& labels,
                        unsigned threads = 0);

/// The precision map of a design point, for `scprec rtl` or `signoff`: the quantization at its
/// rule on the same calibration rows, its lengths and generators, no predictions.
model::PrecisionMap point_map(const model::Network& network, const Eigen::MatrixXd& calibration,
                              const DesignPoint& point, const ExploreConfig& config);

}  // namespace scprec::assign
