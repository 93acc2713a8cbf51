// assign_lengths: a bitstream length per layer from bounds or measured sensitivity, under an
// output-error target or a total cycle budget, as an exact discrete optimum.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scprec/assign/bounds.hpp"
#include "scprec/assign/sensitivity.hpp"
#include "scprec/core/logger.hpp"
#include "scprec/model/network.hpp"
#include "scprec/model/precision_map.hpp"
#include "scprec/model/quantize.hpp"

namespace scprec::assign {

enum class Method { kHoeffding, kChebyshev, kBernstein, kBinomial, kSensitivity };
/// "hoeffding", "chebyshev", "bernstein", "binomial", "sensitivity".
std::string to_string(Method method);
/// Parses the names above; throws Error (kBadInput) naming `field` otherwise.
Method parse_method(const std::string& text, const std::string& field);

/// How a layer's error is carried to the output for the bound methods.
enum class GainModel {
  kEmpirical,  ///< measured with the SC model on calibration data (gain_reference_lengths)
  kAnalytic,   ///< worst case through operator norms (analytic_gains)
};
std::string to_string(GainModel gain);
GainModel parse_gain_model(const std::string& text, const std::string& field);

/// What a target-mode assignment minimises.
enum class CostModel {
  kCycles,         ///< sum of L (times a conv layer's positions)
  kSynapseCycles,  ///< sum of L * inputs * outputs (times positions): work, a proxy for energy
};
std::string to_string(CostModel cost);
CostModel parse_cost_model(const std::string& text, const std::string& field);

/// How per-layer contributions (each at confidence 1 - delta / layers) combine into the
/// output error.
enum class Composition {
  /// Root-sum-square, as for independent, roughly symmetric layer errors: a statistical
  /// estimate, the default.
  kRootSumSquare,
  /// Plain sum: with the union bound over layers, rigorous bounds and analytic gains, the
  /// prediction bounds the output error (rounding between layers aside).
  kUnion,
};
/// "rss" / "union".
std::string to_string(Composition composition);
Composition parse_composition(const std::string& text, const std::string& field);

struct AssignConfig {
  Method method = Method::kHoeffding;
  /// Output-error target: a fraction of the output's full scale. Used when total_budget is
  /// not set.
  double target_error = 0.01;
  /// Total cycle budget: the sum of L (a conv layer's times its positions) never exceeds it.
  /// When set, the error is minimised instead.
  std::optional<std::uint64_t> total_budget;
  std::size_t min_length = 32;
  std::size_t max_length = 1024;
  /// Probability, per input, that the output error is within the target.
  double confidence = 0.95;
  CostModel cost = CostModel::kCycles;
  GainModel gain = GainModel::kEmpirical;
  Composition composition = Composition::kRootSumSquare;
  /// The generators a layer may run on; every method predicts every layer on each and the
  /// optimum chooses per layer. The bound methods bound LFSR lanes as random bits and Sobol
  /// lanes as shifted nets (LayerBounds); the binomial bound models random bits only, so with
  /// it sobol is refused.
  std::vector<core::GeneratorKind> generators = {core::GeneratorKind::kLfsr};
  /// Trials, seed, generator width and threads for the measurements (sensitivity method and
  /// empirical gains). Its lengths, quantile and generator are set by assign_lengths.
  SensitivityConfig analysis;
  /// The layer names the caller expects (Python toolkits' `layer_names=`), checked against
  /// the model's, in order; empty: no check. They are not labels: a map row's `name` is always
  /// the model's layer name, because every command that reads the map matches rows to layers
  /// by it (model::check_map_matches).
  std::vector<std::string> layer_names;
};

/// The lengths at which the bound methods measure empirical gains; a layer's gain is the
/// median of its gains there. Fixed, so that gains (and so every prediction) do not move with
/// --min-length or --max-length; several, because one length's gain is noisy (on the example
/// fc1's varies from 2.2 to 2.9 between neighbouring lengths with no trend; docs/bounds.md,
/// "Gains").
inline constexpr std::size_t kGainReferenceLengths[] = {128, 256, 512};
/// The kGainReferenceLengths that `quant` (model::longest_length) and the generator (a w-bit
/// Sobol sequence lasts 2^w) allow, or just the longest allowed length if none of them is.
std::vector<std::size_t> gain_reference_lengths(const model::QuantConfig& quant,
                                                core::GeneratorKind generator, int width);

/// What the assigner predicts for every layer at every candidate: every candidate generator at
/// every candidate length. Candidate c is generators[c / lengths.size()] at
/// lengths[c % lengths.size()] (column() finds it).
struct LengthPredictions {
  std::vector<std::size_t> lengths;  ///< candidate_lengths(min, max)
  std::vector<core::GeneratorKind> generators = {core::GeneratorKind::kLfsr};
  /// [layer][candidate]: share of the relative output error, at confidence 1 - delta / layers.
  std::vector<std::vector<double>> contribution;
  /// [layer][candidate]: the layer's own error, a fraction of its full scale, same confidence.
  std::vector<std::vector<double>> layer_error;
  /// [layer][generator]: the gain from the layer's error to the output's.
  std::vector<std::vector<double>> gains;
  /// [layer][generator]: sensitivity score (0 if not measured).
  std::vector<std::vector<double>> scores;
  double output_full_scale = 0.0;

  /// The candidate of `generator` at `length`, or nothing if either is not a candidate.
  std::optional<std::size_t> candidate(core::GeneratorKind generator, std::size_t length) const;
};

/// The predictions assign_lengths optimises over (see there for how they are made).
LengthPredictions predict_lengths(const model::Network& network,
                                  const model::QuantizedNetwork& quantized,
                                  const Eigen::MatrixXd& calibration, const AssignConfig& config,
                                  Logger& logger = null_logger());

/// Chooses a power-of-two length in [min_length, max_length] and one of config.generators for
/// every layer.
///
/// Each candidate (generator, length) gets a predicted contribution to the relative output
/// error at confidence 1 - delta / layers: for a bound, gain * the layer's error bound at L on
/// the generator's lanes (LayerBounds) / output full scale; for sensitivity, the measured quantile
/// of the output error with only that layer in SC on that generator. Contributions combine by
/// config.composition. Then the exact optimum: least total cost (config.cost) whose predicted
/// error meets the target, or, with a budget, least predicted error with sum of L (a conv
/// layer's times its positions) <= budget.
///
/// Returns the precision map (model_hash left empty for the caller to fill). Throws Error
/// (kBadInput) for bad settings (including layer_names that differ from the model's and a
/// max_length above model::longest_length), an infeasible budget (naming the smallest
/// feasible one: layers x the shortest candidate) or an unreachable target (naming the best
/// achievable prediction and the layer that contributes most at the longest candidate; its
/// field is "target error", which callers may test to tell infeasibility from other errors).
model::PrecisionMap assign_lengths(const model::Network& network,
                                   const model::QuantizedNetwork& quantized,
                                   const Eigen::MatrixXd& calibration, const AssignConfig& config,
                                   Logger& logger = null_logger());

/// The optimisation step of assign_lengths, on predictions already made (by predict_lengths
/// with the same config and network).
model::PrecisionMap assign_from_predictions(const LengthPredictions& predictions,
                                            const model::QuantizedNetwork& quantized,
                                            const AssignConfig& config,
                                            Logger& logger = null_logger());

/// The map's output error composed from its layers' contributions by its
/// targets.composition: root-sum-square or plain sum.
double composed_output_error(const model::PrecisionMap& map);

/// The candidate lengths: powers of two in [min_length, max_length]. Throws Error (kBadInput)
/// if the range holds none or min_length > max_length.
std::vector<std::size_t> candidate_lengths(std::size_t min_length, std::size_t max_length);

}  // namespace scprec::assign
