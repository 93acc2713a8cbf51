// Tests for the packed comparator SNG: the vectorised full words against bit-by-bit comparison.
#include "scprec/core/sng.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "../test_seed.hpp"

TEST_CASE("core: packed comparator streams are r_t < v bit by bit, for every value range",
          "[core]") {
  const std::uint64_t seed = scprec::test::test_seed(20261208);
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const std::uint32_t thresholds[] = {0,      1,      2,      255,     256,    4095,
                                      4096,   0x7FFF, 0x8000, 0x8001,  0xFFFF, 0x10000};
  for (std::size_t length : {1, 63, 64, 65, 128, 200, 256, 1000}) {
    for (int mask : {0x00FF, 0x0FFF, 0xFFFF}) {  // 8-bit, 12-bit and full 16-bit lanes
      std::vector<std::uint16_t> random(length);
      for (auto& r : random) r = static_cast<std::uint16_t>(rng() & static_cast<unsigned>(mask));
      std::vector<std::uint32_t> tried(std::begin(thresholds), std::end(thresholds));
      tried.push_back(static_cast<std::uint32_t>(rng() & static_cast<unsigned>(mask)));
      for (std::uint32_t threshold : tried) {
        INFO("length " << length << ", lanes " << mask << ", threshold " << threshold);
        std::vector<std::uint64_t> words(scprec::core::words_for_length(length), ~0ULL);
        scprec::core::pack_comparator(random.data(), length, threshold, words.data());
        for (std::size_t t = 0; t < words.size() * 64; ++t) {
          const bool bit = (words[t / 64] >> (t % 64)) & 1U;
          const bool want = t < length && random[t] < threshold;
          if (bit != want) FAIL("cycle " << t << ": " << bit << " instead of " << want);
        }
      }
    }
  }
}
