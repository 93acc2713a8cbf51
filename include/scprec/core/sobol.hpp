// Sobol low-discrepancy sequences in Gray-code order: dimension 1 is van der Corput.
#pragma once

#include <cstdint>
#include <vector>

namespace scprec::core {

inline constexpr int kSobolDimensions = 2;

/// The direction numbers v_1..v_w of a Sobol dimension at w-bit precision (w in [1, 32]), as
/// w-bit words, index 0 holding v_1. Dimension 1 has m_k = 1 (v_k = 2^(w-k): the van der Corput
/// sequence); dimension 2 uses the primitive polynomial x + 1 with m_1 = 1, so
/// m_k = 2 m_{k-1} XOR m_{k-1}. Throws Error (kBadInput) for other dimensions or widths.
std::vector<std::uint32_t> sobol_directions(int dimension, int width);

/// One Sobol dimension at w-bit precision in Gray-code order (Antonov and Saleev):
/// x_0 = 0 and x_{t+1} = x_t XOR v_{c+1}, where c is the position of the lowest 0 bit of the
/// w-bit index t (c = w - 1 when t is all ones, so the sequence has period 2^w). Every aligned
/// block of 2^k points, read to its top k bits, is a permutation of 0 .. 2^k - 1.
class SobolSequence {
 public:
  SobolSequence(int dimension, int width);

  int width() const { return width_; }
  /// The current point x_t as a w-bit integer (the fraction x_t / 2^w).
  std::uint32_t value() const { return value_; }
  /// The index t of the current point, modulo 2^w.
  std::uint64_t index() const { return index_; }
  /// Moves to the next point.
  void step();

 private:
  int width_;
  std::vector<std::uint32_t> directions_;
  std::uint64_t index_ = 0;
  std::uint32_t value_ = 0;
};

}  // namespace scprec::core
