// Packed XNOR counting, with the last word masked to the stream's length.
#include "scprec/core/apc.hpp"

#include "scprec/core/bitstream.hpp"

namespace scprec::core {

std::uint64_t xnor_popcount(const std::uint64_t* a, const std::uint64_t* b, std::size_t length) {
  const std::size_t words = words_for_length(length);
  if (words == 0) return 0;
  std::uint64_t ones = 0;
  for (std::size_t w = 0; w + 1 < words; ++w) {
    ones += static_cast<std::uint64_t>(__builtin_popcountll(~(a[w] ^ b[w])));
  }
  const std::uint64_t last = ~(a[words - 1] ^ b[words - 1]) & tail_mask(length);
  return ones + static_cast<std::uint64_t>(__builtin_popcountll(last));
}

}  // namespace scprec::core
