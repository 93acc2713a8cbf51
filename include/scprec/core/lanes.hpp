// The random lanes of an SC layer: one B-bit random sequence per (role, input) pair, from
// maximal-length LFSRs at evenly spaced phases, from digitally shifted Sobol sequences, or from
// two shared LFSRs, digitally shifted per lane.
// docs/sc-arithmetic.md is the contract these functions implement.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scprec/core/gf2.hpp"
#include "scprec/core/lfsr.hpp"
#include "scprec/core/sobol.hpp"

namespace scprec::core {

enum class GeneratorKind { kLfsr, kSobol, kSharedLfsr };

/// Which comparator a lane feeds: an input activation's or a weight's.
enum class StreamRole { kActivation = 0, kWeight = 1 };

/// "lfsr" / "sobol" / "shared-lfsr".
std::string to_string(GeneratorKind kind);
/// Parses "lfsr", "sobol" or "shared-lfsr"; throws Error (kBadInput) naming `field` otherwise.
GeneratorKind parse_generator_kind(const std::string& text, const std::string& field);

/// How a layer makes its random numbers.
struct GeneratorConfig {
  GeneratorKind kind = GeneratorKind::kLfsr;
  /// LFSR width in bits, or the Sobol sequence's precision; in [max(4, bits), 32].
  int width = 32;
  /// The layer's seed; every lane's state derives from it.
  std::uint64_t seed = 1;
};

/// The lanes of one layer: `inputs` activation lanes and as many weight lanes, each giving a
/// `bits`-bit random number r_t per clock cycle.
struct LaneSpec {
  GeneratorConfig generator;
  int bits = 8;
  std::size_t inputs = 0;
};

/// Throws Error (kBadInput) if the spec is unusable: bits outside [1, 16], a width outside
/// [max(4, bits), 32], no inputs, or (LFSR) more lanes than the width has states.
void validate(const LaneSpec& spec);

/// The splitmix64 output function (Steele, Lea and Flood 2014): a bijective 64-bit mix.
std::uint64_t mix64(std::uint64_t x);

/// Global lane number g = role * inputs + input.
inline std::size_t lane_index(const LaneSpec& spec, StreamRole role, std::size_t input) {
  return static_cast<std::size_t>(role) * spec.inputs + input;
}

/// LFSR lanes: the distance, in single shifts, between consecutive lanes' starting phases:
/// floor((2^width - 1) / (2 * inputs)).
std::uint64_t lfsr_lane_spacing(const LaneSpec& spec);
/// LFSR lanes: the register state lane g starts from: the base state advanced by g * spacing
/// shifts. The base state is the top `width` bits of mix64(seed), or 1 if those are all 0.
std::uint32_t lfsr_lane_seed(const LaneSpec& spec, StreamRole role, std::size_t input);
/// Sobol and shared-LFSR lanes: the digital shift XORed into lane g's numbers: the top `width`
/// bits of mix64(mix64(seed) + g), of which the top `bits` reach the comparator.
std::uint32_t lane_shift(const LaneSpec& spec, StreamRole role, std::size_t input);
/// Shared-LFSR lanes: the states the activation and the weight register start from: the LFSR
/// base state, and that state advanced by floor((2^width - 1) / 2) shifts.
std::uint32_t shared_lfsr_start(const LaneSpec& spec, StreamRole role);
/// True if, over `length` cycles, no two LFSR lanes read the same stretch of the m-sequence
/// (length * bits <= spacing), or the two shared-LFSR registers do not (length * bits <= half
/// the period; their lanes share a register's numbers by design). Always true for Sobol lanes.
bool lanes_disjoint(const LaneSpec& spec, std::size_t length);

/// One lane's random sequence, advanced cycle by cycle: the slow, obviously correct form.
/// LFSR: the register shifts `bits` times per cycle and r_t = NOT(state) & (2^bits - 1), read
/// before the cycle's shifts. Sobol: dimension 1 for activations and 2 for weights,
/// r_t = top `bits` bits of (x_t XOR shift). Shared LFSR: the role's register read as an LFSR
/// lane's, XOR the top `bits` bits of the shift.
class LaneGenerator {
 public:
  LaneGenerator(const LaneSpec& spec, StreamRole role, std::size_t input);
  /// r_t for the current cycle.
  std::uint32_t value() const;
  /// Advances to the next cycle.
  void step();

 private:
  int bits_;
  std::optional<Lfsr> lfsr_;
  std::optional<SobolSequence> sobol_;
  std::uint32_t shift_ = 0;  // Sobol and shared LFSR: the digital shift, its top `bits` bits
};

/// The same sequences as LaneGenerator, produced fast: every lane's starting state is computed
/// once, and an LFSR's `bits` shifts per cycle are one lookup in byte tables.
class LaneSequencer {
 public:
  explicit LaneSequencer(const LaneSpec& spec);
  const LaneSpec& spec() const { return spec_; }
  /// Per global lane (lane_index): the LFSR lane's starting state, or the Sobol or shared-LFSR
  /// lane's digital shift. The RTL's lane files hold these values (a shift's top `bits` bits).
  const std::vector<std::uint32_t>& starts() const { return starts_; }
  /// Writes r_0 .. r_{length-1} of one lane to out[0 .. length-1].
  void fill(StreamRole role, std::size_t input, std::size_t length, std::uint16_t* out) const;

 private:
  LaneSpec spec_;
  std::vector<std::uint32_t> starts_;    // per global lane: LFSR seed or digital shift
  std::optional<Gf2ByteTables> leap_;    // LFSR, shared LFSR: one cycle's `bits` shifts
  std::uint32_t registers_[2] = {0, 0};  // shared LFSR: each role's register's start
};

}  // namespace scprec::core
