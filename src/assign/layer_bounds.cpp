// Layer statistics and layer-level bounds. For input codes x and a weight's comparator
// threshold, the product bit of synapse (j, i) is 1 with probability
//   sign-magnitude: p q            (p = x_i / 2^B, q = |c_ji| / 2^B),
//   bipolar:        p q + (1 - p)(1 - q)   (q = (c_ji + 2^(B-1)) / 2^B),
// and the bits of one neuron are independent across inputs and cycles in the ideal model.
// A term is random when its probability is strictly between 0 and 1.
#include "scprec/assign/layer_bounds.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

#include "scprec/assign/net_bounds.hpp"
#include "scprec/core/error.hpp"
#include "scprec/core/parallel.hpp"

namespace scprec::assign {
namespace {

// The real value of one count at L = 1.
double count_value(const model::QuantLayer& layer, const model::QuantConfig& quant) {
  const int exponent =
      quant.encoding == core::Encoding::kBipolar ? 2 * quant.bits - 1 : 2 * quant.bits;
  return layer.weight_scale * layer.input_scale * std::ldexp(1.0, exponent);
}

}  // namespace

std::vector<std::vector<model::Codes>> layer_inputs(const model::QuantizedNetwork& quantized,
                                                    const Eigen::MatrixXd& inputs) {
  std::vector<std::vector<model::Codes>> codes(quantized.layers.size());
  for (Eigen::Index r = 0; r < inputs.rows(); ++r) {
    const Eigen::VectorXd x = inputs.row(r).transpose();
    model::NetworkRun run = binary_forward(quantized, quantized.quantize_input(x.data()));
    for (std::size_t l = 0; l < codes.size(); ++l) {
      const model::QuantLayer& layer = quantized.layers[l];
      if (!layer.conv) {
        codes[l].push_back(std::move(run.layer_inputs[l]));
        continue;
      }
      std::vector<model::Codes> windows = model::gather_windows(layer, run.layer_inputs[l]);
      std::move(windows.begin(), windows.end(), std::back_inserter(codes[l]));
    }
  }
  return codes;
}

CounterStats counter_stats(const model::QuantLayer& layer, const model::QuantConfig& quant,
                           std::size_t neuron, const model::Codes& input) {
  SCPREC_ASSERT(input.size() == layer.inputs, "one code per layer input");
  const double scale = std::ldexp(1.0, -quant.bits);
  const bool bipolar = quant.encoding == core::Encoding::kBipolar;
  CounterStats stats;
  for (std::size_t i = 0; i < layer.inputs; ++i) {
    const double p = input[i] * scale;
    const double q = layer.weight_threshold(neuron, i, quant) * scale;
    const double pi = bipolar ? p * q + (1 - p) * (1 - q) : p * q;
    if (pi <= 0.0 || pi >= 1.0) continue;
    stats.variance += pi * (1 - pi);
    stats.terms += 1.0;
    const int group = !bipolar && layer.weight_code(neuron, i) < 0 ? 1 : 0;
    stats.group_terms[group] += 1.0;
    stats.group_mean[group] += pi;
  }
  return stats;
}

LayerStatistics layer_statistics(const model::QuantLayer& layer, const model::QuantConfig& quant,
                                 const std::vector<model::Codes>& inputs, unsigned threads) {
  LayerStatistics stats;
  stats.neurons.resize(layer.outputs);
  stats.positions = layer.positions();
  stats.count_value = count_value(layer, quant);
  core::parallel_for(layer.outputs, threads, [&](std::size_t j) {
    NeuronEnvelope& envelope = stats.neurons[j];
    double widest_binomial = -1.0;
    for (const model::Codes& input : inputs) {
      const CounterStats s = counter_stats(layer, quant, j, input);
      if (s.terms > envelope.widest.terms) envelope.widest = s;
      if (s.variance > envelope.most_variable.variance) envelope.most_variable = s;
      double binomial_spread = 0.0;  // sum over groups of the binomial model's sd per cycle
      for (int g = 0; g < 2; ++g) {
        const double p = s.group_terms[g] > 0 ? s.group_mean[g] / s.group_terms[g] : 0.0;
        binomial_spread += std::sqrt(s.group_terms[g] * p * (1 - p));
      }
      if (binomial_spread > widest_binomial) {
        widest_binomial = binomial_spread;
        envelope.binomial = s;
      }
    }
  });
  return stats;
}

namespace {

const CounterStats& stats_for(Bound bound, const NeuronEnvelope& envelope) {
  switch (bound) {
    case Bound::kHoeffding:
      return envelope.widest;
    case Bound::kChebyshev:
    case Bound::kBernstein:
      return envelope.most_variable;
    case Bound::kBinomial:
      return envelope.binomial;
  }
  return envelope.widest;
}

}  // namespace

double layer_error_bound(Bound bound, const LayerStatistics& stats, std::size_t length,
                         double delta) {
  const double per_neuron = delta / static_cast<double>(stats.neurons.size() * stats.positions);
  double worst = 0.0;
  for (const NeuronEnvelope& envelope : stats.neurons) {
    worst = std::max(worst, count_deviation(bound, stats_for(bound, envelope), length, per_neuron));
  }
  return worst * stats.count_value / static_cast<double>(length);
}

double layer_required_length(Bound bound, const LayerStatistics& stats, double error,
                             double delta) {
  const double per_neuron = delta / static_cast<double>(stats.neurons.size() * stats.positions);
  const double per_cycle = error / stats.count_value;
  double longest = 1.0;
  for (const NeuronEnvelope& envelope : stats.neurons) {
    longest = std::max(longest,
                       required_length(bound, stats_for(bound, envelope), per_cycle, per_neuron));
  }
  return longest;
}

LayerBounds::LayerBounds(const model::QuantLayer& layer, const model::QuantConfig& quant,
                         core::GeneratorKind generator, int width,
                         const std::vector<model::Codes>& inputs, std::vector<std::size_t> lengths,
                         unsigned threads)
    : generator_(generator), lengths_(std::move(lengths)) {
  if (generator_ != core::GeneratorKind::kSobol) {
    ideal_ = layer_statistics(layer, quant, inputs, threads);
    return;
  }
  ideal_.count_value = count_value(layer, quant);
  ideal_.positions = layer.positions();
  lengths_.erase(
      std::remove_if(lengths_.begin(), lengths_.end(),
                     [&](std::size_t length) { return !net_model_covers(quant.bits, length); }),
      lengths_.end());
  for (std::size_t length : lengths_) {
    net_.push_back(net_envelopes(layer, quant, width, length, inputs, threads));
  }
}

bool LayerBounds::applies(Bound bound, std::size_t length) const {
  if (generator_ != core::GeneratorKind::kSobol) return true;
  return bound != Bound::kBinomial &&
         std::find(lengths_.begin(), lengths_.end(), length) != lengths_.end();
}

double LayerBounds::error_bound(Bound bound, std::size_t length, double delta) const {
  SCPREC_ASSERT(applies(bound, length), "the bound models the layer's lanes at this length");
  if (generator_ != core::GeneratorKind::kSobol) {
    return layer_error_bound(bound, ideal_, length, delta);
  }
  const auto at = std::find(lengths_.begin(), lengths_.end(), length);
  const std::vector<DeviationTerms>& neurons =
      net_[static_cast<std::size_t>(at - lengths_.begin())];
  const double per_neuron = delta / static_cast<double>(neurons.size() * ideal_.positions);
  double worst = 0.0;
  for (const DeviationTerms& terms : neurons) {
    worst = std::max(worst, terms_deviation(bound, terms, per_neuron));
  }
  return worst * ideal_.count_value / static_cast<double>(length);
}

std::string stream_model_text(core::GeneratorKind generator) {
  return generator == core::GeneratorKind::kSobol
             ? "sobol lanes as shifted nets"
             : core::to_string(generator) + " lanes as random bits";
}

}  // namespace scprec::assign
