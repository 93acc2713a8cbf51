// The bit-exact SC layer model: the neurons' counter values after L cycles, exactly as the RTL
// computes them (docs/sc-arithmetic.md), in a fast packed form and a slow per-bit reference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "scprec/core/lanes.hpp"
#include "scprec/model/quantize.hpp"

namespace scprec::model {

/// How one layer runs in SC.
struct ScLayerConfig {
  /// Bitstream length L: a power of two in [1, longest_length()].
  std::size_t length = 256;
  core::GeneratorConfig generator;
};

/// The end-of-run counter values of a layer's neurons. Sign-magnitude: `positive` and
/// `negative` count the product ones of the positive and negative weights. Bipolar:
/// `positive` counts the XNOR product ones of all weights and `negative` is all zero.
struct ScCounts {
  std::vector<std::uint64_t> positive;
  std::vector<std::uint64_t> negative;
  friend bool operator==(const ScCounts& a, const ScCounts& b) {
    return a.positive == b.positive && a.negative == b.negative;
  }
};

/// The longest bitstream the B-bit arithmetic can scale exactly: 2^(2B) for sign-magnitude,
/// 2^(2B-1) for bipolar.
std::size_t longest_length(const QuantConfig& quant);
/// Why `length` (> longest_length(quant)) is too long, e.g. "length 131072 is longer than
/// 65536, the longest length (2^(2B)) for 8-bit sign-magnitude", for error messages.
std::string length_limit_problem(std::size_t length, const QuantConfig& quant);

/// Throws Error (kBadInput) if the SC settings cannot run this layer (L not a power of two or
/// too long for B-bit arithmetic, or generator settings the lanes reject).
void validate(const ScLayerConfig& config, const QuantLayer& layer, const QuantConfig& quant);

/// The lanes of a layer under a config.
core::LaneSpec lane_spec(const ScLayerConfig& config, const QuantLayer& layer,
                         const QuantConfig& quant);

/// The SC estimate of the dot products D_j from the counts, in the units of exact_dot():
/// sign-magnitude (P - N) * 2^(2B) / L; bipolar C * 2^(2B-1) / L - inputs * 2^(2B-2)
/// + 2^(B-1) * sum_i weight_code_ji.
std::vector<std::int64_t> sc_dot(const QuantLayer& layer, const QuantConfig& quant,
                                 std::size_t length, const ScCounts& counts);

/// The fast model of one layer. Construction precomputes every lane's random numbers and every
/// synapse's weight stream (about inputs * outputs * L / 8 bytes); run() then packs the input
/// streams and counts AND products 64 cycles per instruction, skipping zero inputs and (for
/// sign-magnitude) zero weights. run() is const and safe to call from several threads.
class ScLayerModel {
 public:
  ScLayerModel(const QuantLayer& layer, const QuantConfig& quant, const ScLayerConfig& config);

  std::size_t length() const { return length_; }
  /// The counts for one input (layer.inputs codes).
  ScCounts run(const Codes& input) const;

 private:
  std::size_t inputs_;
  std::size_t outputs_;
  std::size_t length_;
  std::size_t words_;
  int bits_;
  core::Encoding encoding_;
  std::vector<std::uint16_t> activation_random_;  // inputs x length
  // Synapses grouped by input: for input i, entries column_begin_[i] .. column_begin_[i+1].
  std::vector<std::size_t> column_begin_;
  std::vector<std::uint32_t> synapse_counter_;  // neuron * 2 + (negative ? 1 : 0)
  std::vector<std::uint64_t> synapse_streams_;  // words_ per synapse
  std::vector<std::uint64_t> weight_ones_;      // bipolar: per neuron, ones of its streams
};

/// The slow, obviously correct reference: steps every lane generator cycle by cycle, forms
/// each product bit with the comparators and AND or XNOR, and adds each cycle's ones to the
/// neuron's parallel counters. Independent of ScLayerModel's packing and precomputation.
ScCounts sc_layer_reference(const QuantLayer& layer, const QuantConfig& quant,
                            const ScLayerConfig& config, const Codes& input);

}  // namespace scprec::model
