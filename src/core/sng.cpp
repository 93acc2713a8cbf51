// Comparator SNG, packed 64 cycles per word.
#include "scprec/core/sng.hpp"

namespace scprec::core {

void pack_comparator(const std::uint16_t* random, std::size_t length, std::uint32_t threshold,
                     std::uint64_t* out) {
  const std::size_t words = words_for_length(length);
  for (std::size_t w = 0; w < words; ++w) {
    const std::size_t begin = w * 64;
    const std::size_t end = begin + 64 < length ? begin + 64 : length;
    std::uint64_t word = 0;
    for (std::size_t t = begin; t < end; ++t) {
      word |= static_cast<std::uint64_t>(comparator_bit(random[t], threshold)) << (t - begin);
    }
    out[w] = word;
  }
}

Bitstream comparator_stream(const std::uint16_t* random, std::size_t length,
                            std::uint32_t threshold) {
  Bitstream stream(length);
  pack_comparator(random, length, threshold, stream.words());
  return stream;
}

}  // namespace scprec::core
