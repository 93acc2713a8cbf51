// The design-space sweep. Layer by layer as a tree: the codes a layer passes on depend only on
// the choices of it and the layers before it, so each prefix of choices is run once and its
// codes shared by every point that starts with it. On the example the first layer holds 92% of
// the synapses and runs once per (generator, length) instead of once per point.
#include "scprec/assign/explore.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>

#include "scprec/core/error.hpp"
#include "scprec/core/parallel.hpp"
#include "scprec/model/evaluate.hpp"
#include "scprec/model/sc_layer.hpp"
#include "scprec/model/sc_network.hpp"

namespace scprec::assign {
namespace {

using Clock = std::chrono::steady_clock;

// The candidate lists: none empty, lengths powers of two, nothing twice. The lengths' fit to
// the arithmetic and the generator is model::validate's, when a layer model is built.
void check_candidates(const ExploreConfig& config) {
  if (config.scale_quantiles.empty() || config.generators.empty() || config.lengths.empty()) {
    throw_bad_input("", "explore", "no scale quantile, generator or length to try",
                    "Give at least one of each");
  }
  for (std::size_t i = 0; i < config.lengths.size(); ++i) {
    const std::size_t length = config.lengths[i];
    if (length == 0 || (length & (length - 1)) != 0) {
      throw_bad_input("", "lengths", fmt::format("{} is not a power of two", length),
                      "Give bitstream lengths such as 32,64,128");
    }
    if (std::count(config.lengths.begin(), config.lengths.begin() + static_cast<long>(i), length) !=
        0) {
      throw_bad_input("", "lengths", fmt::format("{} is given twice", length),
                      "Give each length once");
    }
  }
}

std::uint64_t total_runs(const std::vector<std::size_t>& positions) {
  std::uint64_t runs = 0;
  for (std::size_t p : positions) runs += p;
  return runs;
}

void check_config(const ExploreConfig& config, const std::vector<std::size_t>& positions) {
  check_candidates(config);
  const std::size_t shortest = *std::min_element(config.lengths.begin(), config.lengths.end());
  const std::uint64_t least = shortest * total_runs(positions);
  if (config.max_cycles != 0 && least > config.max_cycles) {
    throw_bad_input("", "max cycles",
                    fmt::format("{} is below {} layers at the shortest length, {} ({} cycles; a "
                                "conv layer runs once per position)",
                                config.max_cycles, positions.size(), shortest, least),
                    fmt::format("Allow at least {} cycles", least));
  }
}

// Every row's top-1 class from integer logits (the first of equal maxima).
int top1(const std::vector<std::int64_t>& logits) {
  return static_cast<int>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

// A design point from its choices (layer l has synapses[l] weights and runs positions[l]
// times per input), scored by each row's SC top-1 class against the labels and the integer
// network's classes.
DesignPoint scored_point(double quantile, std::vector<LayerChoice> layers,
                         const std::vector<std::uint64_t>& synapses,
                         const std::vector<std::size_t>& positions, const std::vector<int>& classes,
                         const std::vector<int>& labels, const std::vector<int>& integer_classes) {
  DesignPoint p;
  p.scale_quantile = quantile;
  p.layers = std::move(layers);
  for (std::size_t l = 0; l < p.layers.size(); ++l) {
    p.cycles += positions[l] * p.layers[l].length;
    p.synapse_cycles += synapses[l] * positions[l] * p.layers[l].length;
  }
  for (std::size_t r = 0; r < classes.size(); ++r) {
    p.correct += !labels.empty() && classes[r] == labels[r] ? 1 : 0;
    p.flips += classes[r] != integer_classes[r] ? 1 : 0;
  }
  return p;
}

// The sweep at one scale rule.
class Sweep {
 public:
  Sweep(const model::QuantizedNetwork& quantized, double quantile, const ExploreConfig& config,
        const std::vector<int>& labels, const std::vector<int>& integer_classes,
        std::vector<DesignPoint>& points)
      : quantized_(quantized),
        quantile_(quantile),
        config_(config),
        labels_(labels),
        integer_classes_(integer_classes),
        points_(points),
        models_(quantized.layers.size()) {
    for (core::GeneratorKind generator : config.generators) {
      for (std::size_t length : config.lengths) choices_.push_back({generator, length});
    }
    for (const model::QuantLayer& layer : quantized.layers) {
      synapses_.push_back(static_cast<std::uint64_t>(layer.inputs) * layer.outputs);
    }
    for (const model::QuantLayer& layer : quantized.layers) positions_.push_back(layer.positions());
  }

  // Runs every point below the prefix `chosen`, whose last layer's inputs are `codes` (per
  // row), with `cycles` spent so far.
  void run(std::vector<LayerChoice>& chosen, const std::vector<model::Codes>& codes,
           std::uint64_t cycles) {
    const std::size_t l = chosen.size();
    const std::size_t shortest = *std::min_element(config_.lengths.begin(), config_.lengths.end());
    const std::uint64_t later_runs =
        total_runs({positions_.begin() + static_cast<std::ptrdiff_t>(l + 1), positions_.end()});
    for (std::size_t c = 0; c < choices_.size(); ++c) {
      const LayerChoice& choice = choices_[c];
      const std::uint64_t total = cycles + positions_[l] * choice.length;
      if (config_.max_cycles != 0 && total + shortest * later_runs > config_.max_cycles) {
        continue;
      }
      const model::ScLayerModel& sc = layer_model(l, c);
      const model::QuantLayer& layer = quantized_.layers[l];
      std::vector<model::LayerOutput> out(codes.size());
      core::parallel_for(codes.size(), config_.threads, [&](std::size_t r) {
        out[r] = model::run_layer(layer, quantized_.config, codes[r], [&](const model::Codes& in) {
          return model::sc_dot(layer, quantized_.config, choice.length, sc.run(in));
        });
      });
      chosen.push_back(choice);
      if (layer.is_output) {
        record(chosen, out);
      } else {
        std::vector<model::Codes> next(codes.size());
        for (std::size_t r = 0; r < codes.size(); ++r) next[r] = std::move(out[r].codes);
        run(chosen, next, total);
      }
      chosen.pop_back();
    }
  }

 private:
  const model::ScLayerModel& layer_model(std::size_t l, std::size_t c) {
    if (models_[l].size() <= c) models_[l].resize(choices_.size());
    if (!models_[l][c]) {
      model::ScLayerConfig sc;
      sc.length = choices_[c].length;
      sc.generator = {choices_[c].generator, config_.generator_width,
                      model::layer_seed(config_.seed, l)};
      models_[l][c] =
          std::make_unique<model::ScLayerModel>(quantized_.layers[l], quantized_.config, sc);
    }
    return *models_[l][c];
  }

  void record(const std::vector<LayerChoice>& chosen, const std::vector<model::LayerOutput>& out) {
    std::vector<int> classes;
    for (const model::LayerOutput& row : out) classes.push_back(top1(row.accumulators));
    points_.push_back(
        scored_point(quantile_, chosen, synapses_, positions_, classes, labels_, integer_classes_));
  }

  const model::QuantizedNetwork& quantized_;
  double quantile_;
  const ExploreConfig& config_;
  const std::vector<int>& labels_;
  const std::vector<int>& integer_classes_;
  std::vector<DesignPoint>& points_;
  std::vector<LayerChoice> choices_;
  std::vector<std::uint64_t> synapses_;  // per layer, inputs x outputs
  std::vector<std::size_t> positions_;   // per layer, runs of L cycles per input
  std::vector<std::vector<std::unique_ptr<model::ScLayerModel>>> models_;
};

}  // namespace

Exploration explore_design_space(const model::Network& network, const Eigen::MatrixXd& calibration,
                                 const Eigen::MatrixXd& x, const std::vector<int>& labels,
                                 const ExploreConfig& config, Logger& logger) {
  check_config(config, layer_positions(network));
  if (!labels.empty() && labels.size() != static_cast<std::size_t>(x.rows())) {
    throw_bad_input("", "labels", fmt::format("{} labels for {} rows", labels.size(), x.rows()),
                    "Give one label per row, or none");
  }
  Exploration e;
  e.rows = static_cast<std::size_t>(x.rows());
  e.scale_quantiles = config.scale_quantiles;
  if (!labels.empty()) e.float_correct = model::count_correct(network.forward(x), labels);
  const Clock::time_point start = Clock::now();
  for (std::size_t q = 0; q < config.scale_quantiles.size(); ++q) {
    model::QuantConfig quant = config.quant;
    quant.scale_quantile = config.scale_quantiles[q];
    const model::QuantizedNetwork quantized = model::quantize(network, calibration, quant);
    std::vector<model::Codes> inputs(e.rows);
    std::vector<int> integer_classes(e.rows);
    core::parallel_for(e.rows, config.threads, [&](std::size_t r) {
      const Eigen::VectorXd row = x.row(static_cast<Eigen::Index>(r)).transpose();
      inputs[r] = quantized.quantize_input(row.data());
      integer_classes[r] = top1(model::binary_forward(quantized, inputs[r]).logits);
    });
    std::size_t integer_correct = 0;
    for (std::size_t r = 0; r < e.rows && !labels.empty(); ++r) {
      integer_correct += integer_classes[r] == labels[r] ? 1 : 0;
    }
    e.integer_correct.push_back(integer_correct);
    const std::size_t before = e.points.size();
    Sweep sweep(quantized, quant.scale_quantile, config, labels, integer_classes, e.points);
    std::vector<LayerChoice> chosen;
    sweep.run(chosen, inputs, 0);
    if (q == 0) {
      // Uniform baselines at every candidate, within the cycle limit or not.
      for (core::GeneratorKind generator : config.generators) {
        for (std::size_t length : config.lengths) {
          ExploreConfig uniform = config;
          uniform.generators = {generator};
          uniform.lengths = {length};
          uniform.max_cycles = 0;
          Sweep(quantized, quant.scale_quantile, uniform, labels, integer_classes, e.baselines)
              .run(chosen, inputs, 0);
        }
      }
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    const double per_rule = elapsed / static_cast<double>(q + 1);
    logger.info(fmt::format(
        "explore: scale quantile {:g}: {} points on {} rows; {} of {} rules done, about {:.0f} s "
        "left",
        quant.scale_quantile, e.points.size() - before, e.rows, q + 1,
        config.scale_quantiles.size(),
        per_rule * static_cast<double>(config.scale_quantiles.size() - q - 1)));
  }
  std::stable_sort(e.points.begin(), e.points.end(),
                   [](const DesignPoint& a, const DesignPoint& b) {
                     return a.cycles != b.cycles ? a.cycles < b.cycles : a.correct > b.correct;
                   });
  mark_frontier(e.points);
  return e;
}

std::vector<std::size_t> layer_positions(const model::Network& network) {
  std::vector<std::size_t> positions;
  for (const model::Layer& layer : network.layers()) positions.push_back(layer.positions());
  return positions;
}

std::uint64_t points_per_rule(const std::vector<std::size_t>& positions,
                              const ExploreConfig& config) {
  // count[c]: prefixes of c cycles, layer by layer (a small knapsack).
  std::map<std::uint64_t, std::uint64_t> count = {{0, 1}};
  for (std::size_t runs : positions) {
    std::map<std::uint64_t, std::uint64_t> next;
    for (const auto& [cycles, n] : count) {
      for (std::size_t length : config.lengths) {
        const std::uint64_t total = cycles + runs * length;
        if (config.max_cycles == 0 || total <= config.max_cycles) {
          next[total] += n * config.generators.size();
        }
      }
    }
    count = std::move(next);
  }
  std::uint64_t points = 0;
  for (const auto& entry : count) points += entry.second;
  return points;
}

std::uint64_t max_cycles_for(const std::vector<std::size_t>& positions, ExploreConfig config,
                             std::uint64_t cap) {
  SCPREC_ASSERT(!positions.empty(), "a network has layers");
  check_candidates(config);
  const std::uint64_t shortest = *std::min_element(config.lengths.begin(), config.lengths.end());
  const std::uint64_t longest = *std::max_element(config.lengths.begin(), config.lengths.end());
  const std::uint64_t runs = total_runs(positions);
  // Steps of the shortest length times the fewest runs of a layer: the least a point can add.
  const std::uint64_t step = shortest * *std::min_element(positions.begin(), positions.end());
  config.max_cycles = shortest * runs;
  while (config.max_cycles < longest * runs) {
    ExploreConfig wider = config;
    wider.max_cycles += step;
    if (points_per_rule(positions, wider) > cap) break;
    config = wider;
  }
  return config.max_cycles;
}

void mark_frontier(std::vector<DesignPoint>& points) {
  for (DesignPoint& p : points) {
    p.frontier = std::none_of(points.begin(), points.end(), [&](const DesignPoint& o) {
      return o.cycles <= p.cycles && o.correct >= p.correct &&
             (o.cycles < p.cycles || o.correct > p.correct);
    });
  }
}

DesignPoint measure_map(const model::Network& network, const model::PrecisionMap& map,
                        const Eigen::MatrixXd& x, const std::vector<int>& labels,
                        unsigned threads) {
  const model::QuantizedNetwork quantized = model::quantize_for_map(network, map);
  const model::ScNetworkModel sc(quantized, map.sc_configs());
  const std::vector<int> sc_classes = model::top1_classes(model::logits_of(
      quantized, x, [&](const model::Codes& codes) { return sc.run(codes); }, threads));
  const std::vector<int> integer_classes = model::top1_classes(model::logits_of(
      quantized, x,
      [&](const model::Codes& codes) { return model::binary_forward(quantized, codes); }, threads));
  std::vector<LayerChoice> layers;
  std::vector<std::uint64_t> synapses;
  std::vector<std::size_t> positions;
  for (const model::LayerPrecision& layer : map.layers) {
    layers.push_back({layer.generator, layer.length});
    synapses.push_back(static_cast<std::uint64_t>(layer.inputs) * layer.outputs);
    positions.push_back(layer.positions);
  }
  return scored_point(map.quant.scale_quantile, std::move(layers), synapses, positions, sc_classes,
                      labels, integer_classes);
}

model::PrecisionMap point_map(const model::Network& network, const Eigen::MatrixXd& calibration,
                              const DesignPoint& point, const ExploreConfig& config) {
  model::QuantConfig quant = config.quant;
  quant.scale_quantile = point.scale_quantile;
  const model::QuantizedNetwork quantized = model::quantize(network, calibration, quant);
  std::vector<std::size_t> lengths;
  for (const LayerChoice& choice : point.layers) lengths.push_back(choice.length);
  model::PrecisionMap map = model::manual_map(
      quantized, "", lengths, point.layers.front().generator, config.generator_width, config.seed);
  for (std::size_t l = 0; l < map.layers.size(); ++l) {
    map.layers[l].generator = point.layers[l].generator;
  }
  return map;
}

}  // namespace scprec::assign
