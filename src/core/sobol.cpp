// Sobol sequences (Sobol 1967; Bratley and Fox 1988, algorithm 659) in Gray-code order, which
// needs one XOR of a direction number per point: the form a hardware generator takes.
#include "scprec/core/sobol.hpp"

#include <string>

#include "scprec/core/error.hpp"

namespace scprec::core {

std::vector<std::uint32_t> sobol_directions(int dimension, int width) {
  if (dimension < 1 || dimension > kSobolDimensions) {
    throw_bad_input("", "Sobol dimension",
                    "dimension " + std::to_string(dimension) + " is not in the table",
                    "Use dimension 1 (van der Corput) or 2");
  }
  if (width < 1 || width > 32) {
    throw_bad_input("", "Sobol width", "width " + std::to_string(width) + " is not supported",
                    "Use a width from 1 to 32 bits");
  }
  std::vector<std::uint32_t> directions(static_cast<std::size_t>(width));
  std::uint64_t m = 1;  // m_k, an odd integer below 2^k
  for (int k = 1; k <= width; ++k) {
    if (k > 1 && dimension == 2) m = (m << 1) ^ m;
    directions[static_cast<std::size_t>(k - 1)] = static_cast<std::uint32_t>(m << (width - k));
  }
  return directions;
}

SobolSequence::SobolSequence(int dimension, int width)
    : width_(width), directions_(sobol_directions(dimension, width)) {}

void SobolSequence::step() {
  int c = __builtin_ctzll(~index_);
  if (c >= width_) c = width_ - 1;
  value_ ^= directions_[static_cast<std::size_t>(c)];
  index_ = (index_ + 1) & ((std::uint64_t{1} << width_) - 1);
}

}  // namespace scprec::core
