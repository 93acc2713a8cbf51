// Bounds for a whole layer: every neuron's counter statistics over the calibration inputs, and
// the layer's error bound or required length with the union over its neurons made explicit.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <vector>

#include "scprec/assign/bounds.hpp"
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
  std::vector<NeuronEnvelope> neurons;
  /// The real value of one count at L = 1 (one count at length L is worth this / L):
  /// weight_scale * input_scale * 2^(2B) (sign-magnitude) or 2^(2B-1) (bipolar).
  double count_value = 0.0;
};

/// The codes every layer receives for each row of `inputs` in the exact integer network:
/// [layer][row]. What layer_statistics takes.
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
/// every neuron's |SC - exact| output is within it. Each of the M neurons is bounded at
/// delta / M (the union bound), and the result is the largest of the M bounds.
double layer_error_bound(Bound bound, const LayerStatistics& stats, std::size_t length,
                         double delta);

/// The smallest length (real) at which layer_error_bound is at most `error` (real units).
double layer_required_length(Bound bound, const LayerStatistics& stats, double error, double delta);

}  // namespace scprec::assign
