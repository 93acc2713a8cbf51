// Tests for packed bitstreams and the two SC multipliers.
#include "scprec/core/bitstream.hpp"

#include <catch2/catch.hpp>

#include "scprec/core/apc.hpp"

using scprec::core::Bitstream;

namespace {

Bitstream from_pattern(std::size_t length, bool (*pattern)(std::size_t)) {
  Bitstream s(length);
  for (std::size_t t = 0; t < length; ++t) s.set_bit(t, pattern(t));
  return s;
}

}  // namespace

TEST_CASE("core: a bitstream packs bit t into word t / 64 and counts its ones", "[core]") {
  Bitstream s(70);
  s.set_bit(0, true);
  s.set_bit(64, true);
  s.set_bit(69, true);
  CHECK(s.word_count() == 2);
  CHECK(s.words()[0] == 1U);
  CHECK(s.words()[1] == ((1ULL << 0) | (1ULL << 5)));
  CHECK(s.count_ones() == 3);
  CHECK(s.unipolar_value() == Approx(3.0 / 70.0));
  CHECK(s.bipolar_value() == Approx(2.0 * 3.0 / 70.0 - 1.0));
  s.set_bit(64, false);
  CHECK(s.count_ones() == 2);
}

TEST_CASE("core: AND and XNOR products match bit-by-bit logic, tails stay clear", "[core]") {
  const std::size_t length = GENERATE(1, 63, 64, 65, 200);
  const Bitstream a = from_pattern(length, [](std::size_t t) { return t % 3 == 0; });
  const Bitstream b = from_pattern(length, [](std::size_t t) { return t % 5 < 2; });
  const Bitstream product_and = scprec::core::and_multiply(a, b);
  const Bitstream product_xnor = scprec::core::xnor_multiply(a, b);
  std::uint64_t and_ones = 0;
  std::uint64_t xnor_ones = 0;
  for (std::size_t t = 0; t < length; ++t) {
    CHECK(product_and.bit(t) == (a.bit(t) && b.bit(t)));
    CHECK(product_xnor.bit(t) == (a.bit(t) == b.bit(t)));
    and_ones += a.bit(t) && b.bit(t);
    xnor_ones += a.bit(t) == b.bit(t);
  }
  CHECK(product_xnor.count_ones() == xnor_ones);
  CHECK(scprec::core::and_popcount(a.words(), b.words(), a.word_count()) == and_ones);
  CHECK(scprec::core::xnor_popcount(a.words(), b.words(), length) == xnor_ones);
}

TEST_CASE("core: the parallel counter accumulates per-cycle ones", "[core]") {
  scprec::core::ParallelCounter counter;
  counter.add_cycle(3);
  counter.add_cycle(0);
  counter.add_cycle(5);
  CHECK(counter.total() == 8);
  counter.reset();
  CHECK(counter.total() == 0);
}
