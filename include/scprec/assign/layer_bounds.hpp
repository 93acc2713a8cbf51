// Bounds for a whole layer: every neuron's counter statistics over the calibration inputs, and
// the layer's error bound or required length with the union over its neurons made explicit.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <string>
#include <vector>

#include "scprec/assign/bounds.hpp"
#include "scprec/core/lanes.hpp"
#include "scprec/model/quantize.hpp"

namespace scprec::assign {

/// The worst case of one neuron's counter statistics over a set of inputs, for each bound:
/// the most random terms (Hoeffding), the largest variance (Chebyshev, Bernstein), and the
/// statistics of the input whose binomial models have the largest summed standard deviation
/// (binomial).
struct NeuronEnvelope {
  CounterStats widest;
  CounterStats most_variable;
  CounterStats binomial;
};

struct LayerStatistics {
  std::vector<NeuronEnvelope> neurons;  ///< a conv layer's: its channels, over every window
  /// Output positions: a conv layer's outputs are neurons x positions quantities, each bounded.
  std::size_t positions = 1;
  /// The real value of one count at L = 1 (one count at length L is worth this / L):
  /// weight_scale * input_scale * 2^(2B) (sign-magnitude) or 2^(2B-1) (bipolar).
  double count_value = 0.0;
};

/// The codes every layer's outputs read for each row of `inputs` in the exact integer network:
/// [layer][row], and for a conv layer its window at every position,
/// [layer][row * positions + position]. What layer_statistics takes.
std::vector<std::vector<model::Codes>> layer_inputs(const model::QuantizedNetwork& quantized,
                                                    const Eigen::MatrixXd& inputs);

/// One neuron's counter statistics for one input (docs/bounds.md, "What is bounded").
CounterStats counter_stats(const model::QuantLayer& layer, const model::QuantConfig& quant,
                           std::size_t neuron, const model::Codes& input);

/// The envelopes of every neuron of `layer` over `inputs` (the codes the layer receives),
/// computed on `threads` threads (0: all).
LayerStatistics layer_statistics(const model::QuantLayer& layer, const model::QuantConfig& quant,
                                 const std::vector<model::Codes>& inputs, unsigned threads = 0);

/// The layer's error bound in real units at `length`: with probability at least 1 - delta
/// every neuron's |SC - exact| output is within it, at every position of a conv layer. Each of
/// the M = neurons x positions outputs is bounded at delta / M (the union bound), with its
/// neuron's envelope over every window, and the result is the largest of the bounds.
double layer_error_bound(Bound bound, const LayerStatistics& stats, std::size_t length,
                         double delta);

/// The smallest length (real) at which layer_error_bound is at most `error` (real units).
double layer_required_length(Bound bound, const LayerStatistics& stats, double error, double delta);

/// A layer's bounds as its lanes make them, at a set of lengths: LFSR and shared-LFSR lanes under
/// the ideal stream model (layer_statistics), Sobol lanes as randomly shifted nets (net_envelopes,
/// at the lengths net_model_covers), whose statistics depend on the length.
class LayerBounds {
 public:
  LayerBounds(const model::QuantLayer& layer, const model::QuantConfig& quant,
              core::GeneratorKind generator, int width, const std::vector<model::Codes>& inputs,
              std::vector<std::size_t> lengths, unsigned threads = 0);

  /// Whether `bound` models these lanes at `length`: the binomial bound, built on Bernoulli
  /// bits, does not model Sobol lanes, and the others model them at the lengths given that
  /// net_model_covers.
  bool applies(Bound bound, std::size_t length) const;
  /// As layer_error_bound, at one of the lengths given; the bound must apply there.
  double error_bound(Bound bound, std::size_t length, double delta) const;

 private:
  core::GeneratorKind generator_;
  LayerStatistics ideal_;             // LFSR, shared LFSR: the statistics; every kind: count_value
  std::vector<std::size_t> lengths_;  // Sobol lanes: the lengths net_ covers
  std::vector<std::vector<DeviationTerms>> net_;  // [length][neuron]
};

/// "lfsr lanes as random bits" / "sobol lanes as shifted nets" / "shared-lfsr lanes as random
/// bits": what a bound of these lanes models, for reports.
std::string stream_model_text(core::GeneratorKind generator);

}  // namespace scprec::assign
