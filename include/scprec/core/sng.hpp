// The comparator stochastic number generator: bit_t = (r_t < v).
#pragma once

#include <cstddef>
#include <cstdint>

#include "scprec/core/bitstream.hpp"

namespace scprec::core {

/// One comparator output: 1 when the random number is below the threshold.
constexpr bool comparator_bit(std::uint32_t random, std::uint32_t threshold) {
  return random < threshold;
}

/// Packs bit t = (random[t] < threshold) for t in [0, length) into
/// out[0 .. words_for_length(length) - 1]; bits past `length` are 0.
void pack_comparator(const std::uint16_t* random, std::size_t length, std::uint32_t threshold,
                     std::uint64_t* out);

/// The same, as a Bitstream.
Bitstream comparator_stream(const std::uint16_t* random, std::size_t length,
                            std::uint32_t threshold);

}  // namespace scprec::core
