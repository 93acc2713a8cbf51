// Maximal-length Fibonacci LFSRs of every width from 4 to 32 bits, and their polynomial table.
#pragma once

#include <cstdint>

#include "scprec/core/gf2.hpp"

namespace scprec::core {

inline constexpr int kMinLfsrWidth = 4;
inline constexpr int kMaxLfsrWidth = 32;

/// A mask of the low `bits` bits, bits in [0, 32].
constexpr std::uint32_t low_bits_mask(int bits) {
  return bits >= 32 ? 0xFFFFFFFFU : (std::uint32_t{1} << bits) - 1;
}

/// The feedback taps of the width-n LFSR, as a mask with bit (p - 1) set for each tap p.
/// The output bit sequence obeys b[t] = XOR over taps p of b[t - p]; the taps (n, ...) are the
/// primitive trinomials and pentanomials of Xilinx XAPP052, so the period is 2^n - 1.
/// Throws Error (kBadInput) for widths outside [kMinLfsrWidth, kMaxLfsrWidth].
std::uint32_t lfsr_taps(int width);

/// One shift of a Fibonacci LFSR: the new bit, XOR of the tapped bits, enters at bit 0 and
/// everything else moves up one place; the bit leaving the top is dropped.
inline std::uint32_t lfsr_shift(std::uint32_t state, std::uint32_t taps, std::uint32_t mask) {
  const std::uint32_t feedback = static_cast<std::uint32_t>(__builtin_parity(state & taps));
  return ((state << 1) | feedback) & mask;
}

/// A Fibonacci LFSR of width n in [4, 32]: state in [1, 2^n - 1], period 2^n - 1.
class Lfsr {
 public:
  /// Throws Error (kBadInput) if the width is unsupported or the seed (masked to n bits) is 0,
  /// the one state an LFSR never leaves.
  Lfsr(int width, std::uint32_t seed);

  int width() const { return width_; }
  std::uint32_t mask() const { return mask_; }
  std::uint32_t state() const { return state_; }
  /// One shift.
  void step() { state_ = lfsr_shift(state_, taps_, mask_); }

 private:
  int width_;
  std::uint32_t taps_;
  std::uint32_t mask_;
  std::uint32_t state_;
};

/// The state map of one shift of the width-n LFSR, as an n x n matrix over GF(2).
Gf2Matrix lfsr_shift_matrix(int width);

}  // namespace scprec::core
