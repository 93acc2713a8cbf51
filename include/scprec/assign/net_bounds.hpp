// Sobol lanes as randomly shifted (0, m, 2)-nets: each synapse's count error after L = 2^m
// cycles is a bounded, zero-mean term whose range and variance are computed exactly, and a
// neuron's deviation is the sum of its synapses' independent terms (docs/bounds.md, "Sobol
// lanes: the shifted-net model").
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "scprec/assign/bounds.hpp"
#include "scprec/model/quantize.hpp"

namespace scprec::assign {

/// The widest comparators the shifted-net model tables: its tables hold 4^bits entries.
inline constexpr int kMaxNetBits = 10;

/// Whether the model can bound `bits`-bit comparators at `length`: bits <= kMaxNetBits and
/// 4^bits * length <= 2^32, the pairs of thresholds times the points each pair's variance sums
/// over (the points' overlaps take 2^bits * length doubles). Beyond that a Sobol layer has no
/// bound, only measurements.
bool net_model_covers(int bits, std::size_t length);

/// One synapse's error e = count - E[count] after L cycles on Sobol lanes, with the digital
/// shifts of its activation and weight lanes taken as independent and uniform: e lies in
/// [low, high] whatever the shifts are, and has mean 0 and this variance.
struct SynapseTerm {
  double low = 0.0;
  double high = 0.0;
  double variance = 0.0;
};

/// The top `bits` bits of the first `length` points of Sobol dimensions 1 (activations) and 2
/// (weights) at `width`-bit precision: the set of points every synapse's lanes shift.
struct NetPoints {
  int bits = 8;
  std::size_t length = 0;
  std::vector<std::uint32_t> activation;
  std::vector<std::uint32_t> weight;
};

/// Throws Error (kBadInput) unless net_model_covers(bits, length), bits <= width <= 32, and
/// length is a power of two with length <= 2^width.
NetPoints net_points(int bits, int width, std::size_t length);

/// A synapse's term for activation threshold `activation` and weight threshold `weight` (both
/// in [0, 2^bits)), the product an AND (sign-magnitude) or an XNOR (bipolar). The range comes
/// from cutting the box of the pairs that count into aligned strips, along either axis (the
/// tighter of the two); the variance from the difference set of the points (a group under XOR).
SynapseTerm synapse_term(const NetPoints& points, core::Encoding encoding, std::uint32_t activation,
                         std::uint32_t weight);

/// The terms of a layer's synapses at one length, for the thresholds that occur in the layer's
/// weights and in a set of inputs, tabled once.
class NetTermTable {
 public:
  NetTermTable(const model::QuantLayer& layer, const model::QuantConfig& quant, int width,
               std::size_t length, const std::vector<model::Codes>& inputs, unsigned threads = 0);

  /// Neuron j's deviation as the sum of its synapses' terms for `input`, one of the inputs the
  /// table was built for (another input's codes may have no terms tabled).
  DeviationTerms neuron_terms(std::size_t neuron, const model::Codes& input) const;

 private:
  std::size_t inputs_;  // per neuron
  bool bipolar_;
  std::size_t top_;                       // 2^bits
  std::vector<std::uint32_t> threshold_;  // [neuron * inputs + input]
  std::vector<SynapseTerm> terms_;        // [activation * top + weight threshold]
};

/// For every neuron of `layer`, the largest of its terms' squared ranges, variance and largest
/// magnitude over `inputs` (the codes the layer receives), each taken separately, at `length` on
/// `width`-bit Sobol lanes. Every bound of `terms_deviation` is non-decreasing in all three, so
/// a bound of this envelope covers each of `inputs`.
std::vector<DeviationTerms> net_envelopes(const model::QuantLayer& layer,
                                          const model::QuantConfig& quant, int width,
                                          std::size_t length,
                                          const std::vector<model::Codes>& inputs,
                                          unsigned threads = 0);

}  // namespace scprec::assign
