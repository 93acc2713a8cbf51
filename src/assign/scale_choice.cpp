// choose_scale_rule: one assignment per candidate scale quantile, judged by how often the SC
// network it gives disagrees with the float network on the calibration rows. Against the float
// network, not each rule's own integer network: a rule that clips hard makes its integer network
// worse, and only a common reference sees that loss and SC's noise together.
#include "scprec/assign/scale_choice.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <optional>

#include "scprec/core/error.hpp"
#include "scprec/model/evaluate.hpp"
#include "scprec/model/sc_network.hpp"

namespace scprec::assign {
namespace {

void check_quantiles(const std::vector<double>& quantiles) {
  if (quantiles.empty()) {
    throw_bad_input("", "scale quantiles", "none given", "Give one or more, such as 1,0.99");
  }
  for (std::size_t i = 0; i < quantiles.size(); ++i) {
    if (!(quantiles[i] > 0.0 && quantiles[i] <= 1.0)) {
      throw_bad_input("", "scale quantiles", fmt::format("{} is outside (0, 1]", quantiles[i]),
                      "Give quantiles such as 1 (the maximum) or 0.99");
    }
    if (std::count(quantiles.begin(), quantiles.begin() + static_cast<std::ptrdiff_t>(i),
                   quantiles[i]) != 0) {
      throw_bad_input("", "scale quantiles", fmt::format("{} is given twice", quantiles[i]),
                      "List each quantile once");
    }
  }
}

// Rows where the map's SC network and the float network (top-1 classes `reference`) differ.
std::size_t disagreements(const model::QuantizedNetwork& quantized, const model::PrecisionMap& map,
                          const Eigen::MatrixXd& calibration, const std::vector<int>& reference,
                          unsigned threads) {
  const model::ScNetworkModel sc(quantized, map.sc_configs());
  const std::vector<int> classes = model::top1_classes(model::logits_of(
      quantized, calibration, [&](const model::Codes& codes) { return sc.run(codes); }, threads));
  std::size_t count = 0;
  for (std::size_t r = 0; r < classes.size(); ++r) count += classes[r] != reference[r] ? 1 : 0;
  return count;
}

// "32/64/32 (sobol)".
std::string map_text(const model::PrecisionMap& map) {
  std::vector<std::size_t> lengths;
  for (const model::LayerPrecision& layer : map.layers) lengths.push_back(layer.length);
  return fmt::format("{} ({})", fmt::join(lengths, "/"), map.generators_text());
}

}  // namespace

ScaleChoice choose_scale_rule(const model::Network& network, const Eigen::MatrixXd& calibration,
                              const model::QuantConfig& quant, const std::vector<double>& quantiles,
                              const AssignConfig& config, Logger& logger) {
  check_quantiles(quantiles);
  const std::vector<int> reference = model::top1_classes(network.forward(calibration));
  std::optional<ScaleChoice> best;
  std::size_t fewest = 0;  // best's disagreements
  std::exception_ptr first_problem;
  std::vector<ScaleCandidate> candidates;
  // One candidate is an ordinary assignment, and logs as one.
  Logger& inner = quantiles.size() == 1 ? logger : null_logger();
  for (double quantile : quantiles) {
    ScaleCandidate candidate;
    candidate.quantile = quantile;
    candidate.rows = static_cast<std::size_t>(calibration.rows());
    model::QuantConfig at = quant;
    at.scale_quantile = quantile;
    model::QuantizedNetwork quantized = model::quantize(network, calibration, at);
    LengthPredictions predictions = predict_lengths(network, quantized, calibration, config, inner);
    std::optional<model::PrecisionMap> map;
    try {
      map = assign_from_predictions(predictions, quantized, config, inner);
    } catch (const Error& e) {
      // Only an unreachable target or budget passes a candidate over.
      if (e.kind() != ErrorKind::kBadInput ||
          (e.field() != "target error" && e.field() != "budget")) {
        throw;
      }
      if (!first_problem) first_problem = std::current_exception();
      candidate.problem = e.what();
      logger.info(fmt::format("assign: scale quantile {:g}: no map ({})", quantile, e.what()));
      candidates.push_back(std::move(candidate));
      continue;
    }
    candidate.assigned = true;
    candidate.cycles = map->total_cycles();
    candidate.disagreements =
        disagreements(quantized, *map, calibration, reference, config.analysis.threads);
    logger.info(fmt::format(
        "assign: scale quantile {:g}: {} ({} cycles); top-1 differs from the float network's on "
        "{} of {} calibration rows",
        quantile, map_text(*map), candidate.cycles, candidate.disagreements, candidate.rows));
    if (!best || candidate.disagreements < fewest) {
      fewest = candidate.disagreements;
      best = ScaleChoice{std::move(quantized), std::move(predictions), std::move(*map), {}};
    }
    candidates.push_back(std::move(candidate));
  }
  if (!best) std::rethrow_exception(first_problem);
  best->candidates = std::move(candidates);
  if (quantiles.size() > 1) {
    logger.info(
        fmt::format("assign: scale quantile {:g} chosen: fewest top-1 differences from "
                    "the float network",
                    best->quantized.config.scale_quantile));
  }
  return std::move(*best);
}

}  // namespace scprec::assign
