// Tests for the LFSR table: every width's period is 2^n - 1, proven algebraically for all
// widths and by stepping for the narrower ones; and the comparator SNG is exact over a period.
#include "scprec/core/lfsr.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "scprec/core/error.hpp"
#include "scprec/core/gf2.hpp"
#include "scprec/core/sng.hpp"

using scprec::core::Gf2Matrix;
using scprec::core::Lfsr;

namespace {

std::vector<std::uint64_t> prime_factors(std::uint64_t n) {
  std::vector<std::uint64_t> factors;
  for (std::uint64_t p = 2; p * p <= n; ++p) {
    if (n % p != 0) continue;
    factors.push_back(p);
    while (n % p == 0) n /= p;
  }
  if (n > 1) factors.push_back(n);
  return factors;
}

std::uint64_t stepped_period(int width, std::uint32_t seed) {
  Lfsr lfsr(width, seed);
  std::uint64_t steps = 0;
  do {
    lfsr.step();
    ++steps;
  } while (lfsr.state() != seed);
  return steps;
}

}  // namespace

TEST_CASE("core: every LFSR width's shift matrix has order exactly 2^n - 1", "[core][lfsr]") {
  // A matrix of order 2^n - 1 has a primitive characteristic polynomial, so every nonzero state
  // lies on the one cycle of length 2^n - 1.
  const int width = GENERATE(range(scprec::core::kMinLfsrWidth, scprec::core::kMaxLfsrWidth + 1));
  INFO("width " << width);
  const Gf2Matrix shift = scprec::core::lfsr_shift_matrix(width);
  const Gf2Matrix identity = Gf2Matrix::identity(width);
  const std::uint64_t period = (std::uint64_t{1} << width) - 1;
  CHECK(shift.power(period) == identity);
  for (std::uint64_t q : prime_factors(period)) {
    INFO("prime factor " << q);
    CHECK(shift.power(period / q) != identity);
  }
}

TEST_CASE("core: stepping an LFSR returns to its seed after exactly 2^n - 1 shifts",
          "[core][lfsr]") {
  const int width = GENERATE(range(4, 21));
  CHECK(stepped_period(width, 1) == (std::uint64_t{1} << width) - 1);
}

TEST_CASE("core: stepping wide LFSRs through their full period", "[core][lfsr][.slow]") {
  const int width = GENERATE(range(21, 33));
  CHECK(stepped_period(width, 0x5A5A5A5AU & scprec::core::low_bits_mask(width)) ==
        (std::uint64_t{1} << width) - 1);
}

TEST_CASE("core: over a full LFSR period the comparator SNG emits exactly v ones", "[core][sng]") {
  // r_t = NOT(state) ranges over 0 .. 2^n - 2, each once per period, so exactly v of them are
  // below any v in 0 .. 2^n - 1.
  const int width = GENERATE(range(4, 17));
  const std::uint32_t mask = scprec::core::low_bits_mask(width);
  const std::uint64_t period = mask;
  std::vector<std::uint16_t> random(period);
  Lfsr lfsr(width, 1);
  for (std::uint64_t t = 0; t < period; ++t) {
    random[t] = static_cast<std::uint16_t>(~lfsr.state() & mask);
    lfsr.step();
  }
  for (std::uint32_t v : {0U, 1U, 2U, 3U, mask / 3, mask / 2, mask - 1, mask}) {
    INFO("width " << width << " value " << v);
    CHECK(scprec::core::comparator_stream(random.data(), period, v).count_ones() == v);
  }
}

TEST_CASE("core: LFSRs reject unsupported widths and the all-zero seed", "[core][lfsr]") {
  CHECK_THROWS_AS(Lfsr(3, 1), scprec::Error);
  CHECK_THROWS_AS(Lfsr(33, 1), scprec::Error);
  CHECK_THROWS_WITH(Lfsr(8, 0x100), Catch::Contains("never leaves"));
}

TEST_CASE("core: GF(2) powers agree with repeated products and byte tables", "[core][gf2]") {
  const Gf2Matrix shift = scprec::core::lfsr_shift_matrix(16);
  Gf2Matrix product = Gf2Matrix::identity(16);
  for (int k = 0; k < 37; ++k) product = shift * product;
  CHECK(shift.power(37) == product);
  const scprec::core::Gf2ByteTables tables(product);
  Lfsr lfsr(16, 0xACE1);
  std::uint32_t state = lfsr.state();
  for (int k = 0; k < 37; ++k) lfsr.step();
  CHECK(tables.apply(state) == lfsr.state());
  CHECK(product.apply(state) == lfsr.state());
}
