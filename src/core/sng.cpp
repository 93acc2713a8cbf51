// Comparator SNG, packed 64 cycles per word. Full words compare 16 random numbers at a time
// with SSE2 where the compiler targets it (every x86-64 CPU): the unsigned 16-bit compare is a
// signed one after flipping the top bits, the 0 / -1 results are packed to bytes, and
// movemask gives one bit per cycle in cycle order. Partial words, thresholds above 16 bits and
// other targets take the scalar loop, which defines the result.
#include "scprec/core/sng.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace scprec::core {
namespace {

std::uint64_t scalar_word(const std::uint16_t* random, std::size_t count, std::uint32_t threshold) {
  std::uint64_t word = 0;
  for (std::size_t t = 0; t < count; ++t) {
    word |= static_cast<std::uint64_t>(comparator_bit(random[t], threshold)) << t;
  }
  return word;
}

#if defined(__SSE2__)
// 64 comparator bits; threshold < 2^16.
std::uint64_t sse2_word(const std::uint16_t* random, std::uint32_t threshold) {
  const __m128i flip = _mm_set1_epi16(static_cast<short>(0x8000));
  const __m128i limit = _mm_set1_epi16(static_cast<short>(threshold ^ 0x8000U));
  std::uint64_t word = 0;
  for (int k = 0; k < 64; k += 16) {
    const __m128i low =
        _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(random + k)), flip);
    const __m128i high =
        _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(random + k + 8)), flip);
    const __m128i bytes =
        _mm_packs_epi16(_mm_cmplt_epi16(low, limit), _mm_cmplt_epi16(high, limit));
    word |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(bytes))) << k;
  }
  return word;
}
#endif

}  // namespace

void pack_comparator(const std::uint16_t* random, std::size_t length, std::uint32_t threshold,
                     std::uint64_t* out) {
  const std::size_t words = words_for_length(length);
  for (std::size_t w = 0; w < words; ++w) {
    const std::size_t begin = w * 64;
    const std::size_t count = begin + 64 < length ? 64 : length - begin;
#if defined(__SSE2__)
    if (count == 64 && threshold <= 0xFFFF) {
      out[w] = sse2_word(random + begin, threshold);
      continue;
    }
#endif
    out[w] = scalar_word(random + begin, count, threshold);
  }
}

Bitstream comparator_stream(const std::uint16_t* random, std::size_t length,
                            std::uint32_t threshold) {
  Bitstream stream(length);
  pack_comparator(random, length, threshold, stream.words());
  return stream;
}

}  // namespace scprec::core
