// Tests for the shifted-net model of Sobol lanes: each synapse's range and variance against an
// exhaustive enumeration of the digital shifts, and the bounds' coverage on the bit-exact SC
// layer model over random seeds.
#include "scprec/assign/net_bounds.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "../model/test_layers.hpp"
#include "../test_seed.hpp"
#include "scprec/assign/layer_bounds.hpp"
#include "scprec/core/sobol.hpp"
#include "seed_coverage.hpp"

using scprec::assign::Bound;
using scprec::core::Encoding;

namespace {

// S^2 times E[count] for thresholds (x, v), S = 2^bits.
double scaled_mean(Encoding encoding, std::uint32_t x, std::uint32_t v, std::uint32_t top) {
  const double dx = x;
  const double dv = v;
  const double s = top;
  return encoding == Encoding::kBipolar ? dx * dv + (s - dx) * (s - dv) : dx * dv;
}

// The reference: the counts of a synapse for every pair of digital shifts (their top `bits`
// bits, the only ones a comparator sees), by stepping the two Sobol dimensions.
struct Enumerated {
  double low = INFINITY;
  double high = -INFINITY;
  double mean = 0.0;
  double variance = 0.0;
};

Enumerated enumerate_shifts(int bits, int width, std::size_t length, Encoding encoding,
                            std::uint32_t x, std::uint32_t v) {
  const std::uint32_t top = 1U << bits;
  std::vector<std::uint32_t> a, w;
  scprec::core::SobolSequence da(1, width), dw(2, width);
  for (std::size_t t = 0; t < length; ++t) {
    a.push_back(da.value() >> (width - bits));
    w.push_back(dw.value() >> (width - bits));
    da.step();
    dw.step();
  }
  const double expected =
      static_cast<double>(length) * scaled_mean(encoding, x, v, top) / (double(top) * top);
  Enumerated e;
  double sum = 0.0, squares = 0.0;
  for (std::uint32_t sa = 0; sa < top; ++sa) {
    for (std::uint32_t sw = 0; sw < top; ++sw) {
      double count = 0.0;
      for (std::size_t t = 0; t < length; ++t) {
        const bool bit_a = (a[t] ^ sa) < x;
        const bool bit_w = (w[t] ^ sw) < v;
        count += encoding == Encoding::kBipolar ? (bit_a == bit_w) : (bit_a && bit_w);
      }
      const double error = count - expected;
      e.low = std::min(e.low, error);
      e.high = std::max(e.high, error);
      sum += error;
      squares += error * error;
    }
  }
  const double n = double(top) * top;
  e.mean = sum / n;
  e.variance = squares / n - e.mean * e.mean;
  return e;
}

}  // namespace

TEST_CASE("net model: every shift's error lies in the range, and the variance is exact",
          "[assign][bounds]") {
  const int bits = 4;
  const int width = 8;
  for (Encoding encoding : {Encoding::kSignMagnitude, Encoding::kBipolar}) {
    for (std::size_t length : {1, 2, 4, 8, 16, 32, 64, 128}) {
      const auto points = scprec::assign::net_points(bits, width, length);
      double widest = 0.0;
      for (std::uint32_t x = 0; x < 16; ++x) {
        for (std::uint32_t v = 0; v < 16; ++v) {
          const auto term = scprec::assign::synapse_term(points, encoding, x, v);
          const Enumerated e = enumerate_shifts(bits, width, length, encoding, x, v);
          INFO(to_string(encoding)
               << " L " << length << " x " << x << " v " << v << ": range [" << term.low << ", "
               << term.high << "], shifts give [" << e.low << ", " << e.high << "]");
          CHECK(e.mean == Approx(0.0).margin(1e-9));
          CHECK(e.low >= term.low - 1e-9);
          CHECK(e.high <= term.high + 1e-9);
          CHECK(term.variance == Approx(e.variance).margin(1e-9));
          widest = std::max(widest, term.high - term.low);
        }
      }
      // A (0, m, 2)-net's strips: at most one unit of range per bit of a threshold, two boxes
      // for XNOR (a random stream's count would spread over L).
      INFO(to_string(encoding) << " L " << length << ": widest range " << widest);
      CHECK(widest <= (encoding == Encoding::kBipolar ? 2 * (bits + 1) : bits + 1));
    }
  }
}

TEST_CASE("net model: refuses widths, lengths and precisions it cannot table", "[assign][bounds]") {
  CHECK_THROWS_WITH(scprec::assign::net_points(11, 32, 64), Catch::Contains("at most 10 bits"));
  CHECK_THROWS_WITH(scprec::assign::net_points(8, 4, 16), Catch::Contains("generator width"));
  CHECK_THROWS_WITH(scprec::assign::net_points(8, 8, 512), Catch::Contains("power of two"));
  CHECK_THROWS_WITH(scprec::assign::net_points(8, 32, 48), Catch::Contains("power of two"));
  CHECK_NOTHROW(scprec::assign::net_points(8, 8, 256));
}

// Coverage: random layers and inputs run on the bit-exact SC model with Sobol lanes, one run
// per random seed; the fraction of runs in which any neuron's |deviation| exceeds its bound (at
// delta / M) must be at most delta. Scaled down, the bounds must fail: the runs can tell.
TEST_CASE("net model: the bounds cover Sobol lanes over random seeds at 1 - delta per layer",
          "[assign][bounds]") {
  const std::uint64_t seed = scprec::test::test_seed(20261203);
  INFO("seed " << seed << " (rerun with SCPREC_TEST_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  const double delta = 0.1;
  const int runs = 1000;
  const Bound bounds[] = {Bound::kHoeffding, Bound::kChebyshev, Bound::kBernstein};
  // About 0.8 of the smallest 90% quantile of |deviation| / bound over 25 seeds (Hoeffding
  // 0.23-0.37, Chebyshev 0.29-0.46, Bernstein 0.24-0.49): scaled by these, each must fail.
  const double kTooTight[] = {0.18, 0.23, 0.19};
  for (Encoding encoding : {Encoding::kSignMagnitude, Encoding::kBipolar}) {
    for (int c = 0; c < 3; ++c) {
      const scprec::model::QuantConfig quant{8, encoding};
      const std::size_t inputs = 8 + rng() % 24;
      const std::size_t outputs = 2 + rng() % 5;
      const std::size_t length = std::size_t{1} << (5 + rng() % 4);
      const auto layer = scprec::test::random_layer(inputs, outputs, quant, rng);
      const auto input = scprec::test::random_codes(inputs, quant.bits, rng);
      const auto envelopes = scprec::assign::net_envelopes(layer, quant, 32, length, {input}, 1);
      const auto ratios = scprec::test::seed_coverage_ratios(
          layer, quant, input, length, scprec::core::GeneratorKind::kSobol, runs, 3,
          [&](std::size_t b, std::size_t j) {
            return scprec::assign::terms_deviation(bounds[b], envelopes[j],
                                                   delta / static_cast<double>(outputs));
          },
          rng);
      for (int b = 0; b < 3; ++b) {
        const auto exceeded = [&](double scale) {
          return scprec::test::fraction_above(ratios[b], scale);
        };
        INFO(to_string(encoding) << " " << to_string(bounds[b]) << ": " << inputs << "x" << outputs
                                 << " L " << length << ", " << exceeded(1.0)
                                 << " of runs exceeded; 90% quantile of |deviation| / bound "
                                 << ratios[b][runs * 9 / 10]);
        CHECK(exceeded(1.0) <= delta);
        CHECK(exceeded(kTooTight[b]) > delta);
      }
    }
  }
}

TEST_CASE("net model: covers up to 10-bit comparators and 4^bits x L <= 2^32",
          "[assign][bounds]") {
  using scprec::assign::net_model_covers;
  CHECK(net_model_covers(8, 65536));
  CHECK_FALSE(net_model_covers(8, 131072));
  CHECK(net_model_covers(10, 4096));
  CHECK_FALSE(net_model_covers(10, 8192));
  CHECK_FALSE(net_model_covers(11, 32));
  CHECK_THROWS_WITH(scprec::assign::net_points(8, 32, 131072), Catch::Contains("4^bits"));
}
