// Tests for the Sobol generator: 1-D stratification of every aligned block, and the (0, m, 2)-net
// property of dimensions 1 and 2 together.
#include "scprec/core/sobol.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "scprec/core/error.hpp"

using scprec::core::SobolSequence;

namespace {

std::vector<std::uint32_t> points(int dimension, int width, std::size_t count) {
  SobolSequence sequence(dimension, width);
  std::vector<std::uint32_t> out;
  for (std::size_t t = 0; t < count; ++t) {
    out.push_back(sequence.value());
    sequence.step();
  }
  return out;
}

}  // namespace

TEST_CASE("core: dimension 1 is the van der Corput sequence", "[core][sobol]") {
  // In Gray-code order the points are the bit-reversed Gray codes of the index.
  const int width = 10;
  const std::vector<std::uint32_t> x = points(1, width, 1 << width);
  for (std::uint32_t t = 0; t < x.size(); ++t) {
    const std::uint32_t gray = t ^ (t >> 1);
    std::uint32_t reversed = 0;
    for (int b = 0; b < width; ++b) reversed |= ((gray >> b) & 1U) << (width - 1 - b);
    CHECK(x[t] == reversed);
  }
}

TEST_CASE("core: every aligned block of 2^k Sobol points hits each 2^-k interval once",
          "[core][sobol]") {
  const int dimension = GENERATE(1, 2);
  const int width = GENERATE(8, 12, 16);
  const std::vector<std::uint32_t> x = points(dimension, width, std::size_t{1} << width);
  for (int k = 0; k <= width; ++k) {
    const std::size_t block = std::size_t{1} << k;
    for (std::size_t start = 0; start < x.size(); start += block) {
      std::vector<int> hits(block, 0);
      for (std::size_t t = start; t < start + block; ++t) ++hits[x[t] >> (width - k)];
      INFO("dimension " << dimension << " width " << width << " k " << k << " block at " << start);
      REQUIRE(std::count(hits.begin(), hits.end(), 1) == static_cast<long>(block));
    }
  }
}

TEST_CASE("core: dimensions 1 and 2 form a (0, m, 2)-net", "[core][sobol]") {
  // The first 2^m points put exactly one point in every box [a/2^p, (a+1)/2^p) x
  // [b/2^q, (b+1)/2^q) with p + q = m: what makes AND products of the two streams accurate.
  const int width = 16;
  for (int m = 1; m <= 10; ++m) {
    const std::size_t count = std::size_t{1} << m;
    const std::vector<std::uint32_t> x = points(1, width, count);
    const std::vector<std::uint32_t> y = points(2, width, count);
    for (int p = 0; p <= m; ++p) {
      const int q = m - p;
      std::vector<int> hits(count, 0);
      for (std::size_t t = 0; t < count; ++t) {
        const std::size_t a = x[t] >> (width - p);
        const std::size_t b = y[t] >> (width - q);
        ++hits[(a << q) | b];
      }
      INFO("m " << m << " p " << p);
      REQUIRE(std::count(hits.begin(), hits.end(), 1) == static_cast<long>(count));
    }
  }
}

TEST_CASE("core: a Sobol sequence repeats with period 2^w", "[core][sobol]") {
  SobolSequence sequence(2, 6);
  const std::uint32_t first = sequence.value();
  for (int t = 0; t < 64; ++t) sequence.step();
  CHECK(sequence.value() == first);
  CHECK(sequence.index() == 0);
}

TEST_CASE("core: Sobol rejects dimensions and widths outside its table", "[core][sobol]") {
  CHECK_THROWS_AS(SobolSequence(3, 8), scprec::Error);
  CHECK_THROWS_AS(SobolSequence(1, 33), scprec::Error);
}
