// Tests for the lane generators: the fast sequencer equals the per-cycle generator, LFSR lanes
// sit at evenly spaced phases of one m-sequence, and each lane is unbiased over a full period.
#include "scprec/core/lanes.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "../test_seed.hpp"
#include "scprec/core/error.hpp"
#include "scprec/core/lfsr.hpp"
#include "scprec/core/sng.hpp"

using scprec::core::GeneratorKind;
using scprec::core::LaneGenerator;
using scprec::core::LaneSequencer;
using scprec::core::LaneSpec;
using scprec::core::StreamRole;

namespace {

LaneSpec spec_of(GeneratorKind kind, int width, int bits, std::size_t inputs, std::uint64_t seed) {
  LaneSpec spec;
  spec.generator = {kind, width, seed};
  spec.bits = bits;
  spec.inputs = inputs;
  return spec;
}

std::vector<std::uint16_t> stepped(const LaneSpec& spec, StreamRole role, std::size_t input,
                                   std::size_t length) {
  LaneGenerator lane(spec, role, input);
  std::vector<std::uint16_t> out;
  for (std::size_t t = 0; t < length; ++t) {
    out.push_back(static_cast<std::uint16_t>(lane.value()));
    lane.step();
  }
  return out;
}

}  // namespace

TEST_CASE("core: the fast lane sequencer equals the per-cycle lane generator", "[core][lanes]") {
  const std::uint64_t seed = scprec::test::test_seed(20261204);
  INFO("seed " << seed << " (rerun with SCPREC_TEST_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 60; ++trial) {
    const GeneratorKind kind = trial % 3 == 0   ? GeneratorKind::kLfsr
                               : trial % 3 == 1 ? GeneratorKind::kSobol
                                                : GeneratorKind::kSharedLfsr;
    const int bits = 2 + static_cast<int>(rng() % 11);
    const int width = std::max(bits, 4) + static_cast<int>(rng() % (33 - std::max(bits, 4)));
    const std::size_t inputs = 1 + rng() % 9;
    const LaneSpec spec = spec_of(kind, width, bits, inputs, rng());
    if (kind == GeneratorKind::kLfsr && scprec::core::lfsr_lane_spacing(spec) == 0) continue;
    const LaneSequencer sequencer(spec);
    const std::size_t length = 1 + rng() % 300;
    for (StreamRole role : {StreamRole::kActivation, StreamRole::kWeight}) {
      const std::size_t input = rng() % inputs;
      std::vector<std::uint16_t> fast(length);
      sequencer.fill(role, input, length, fast.data());
      INFO("kind " << to_string(kind) << " width " << width << " bits " << bits << " inputs "
                   << inputs << " input " << input << " seed " << spec.generator.seed);
      REQUIRE(fast == stepped(spec, role, input, length));
    }
  }
}

TEST_CASE("core: LFSR lanes start at evenly spaced phases of one m-sequence", "[core][lanes]") {
  const LaneSpec spec = spec_of(GeneratorKind::kLfsr, 12, 4, 5, 77);
  const std::uint64_t spacing = scprec::core::lfsr_lane_spacing(spec);
  CHECK(spacing == 4095 / 10);
  scprec::core::Lfsr lfsr(12, scprec::core::lfsr_lane_seed(spec, StreamRole::kActivation, 0));
  for (std::size_t g = 1; g < 10; ++g) {
    for (std::uint64_t k = 0; k < spacing; ++k) lfsr.step();
    const StreamRole role = g < 5 ? StreamRole::kActivation : StreamRole::kWeight;
    CHECK(lfsr.state() == scprec::core::lfsr_lane_seed(spec, role, g % 5));
  }
}

TEST_CASE("core: LFSR lanes read disjoint stretches while L * bits fits the spacing",
          "[core][lanes]") {
  const LaneSpec spec = spec_of(GeneratorKind::kLfsr, 32, 8, 784, 1);
  CHECK(scprec::core::lanes_disjoint(spec, 1024));
  CHECK(scprec::core::lanes_disjoint(spec, 262144));
  CHECK_FALSE(scprec::core::lanes_disjoint(spec, 524288));
  CHECK_FALSE(scprec::core::lanes_disjoint(spec_of(GeneratorKind::kLfsr, 16, 8, 784, 1), 256));
}

TEST_CASE("core: over a full period an LFSR lane emits exactly v * 2^(w-B) ones",
          "[core][lanes][sng]") {
  // Shifting B times per cycle (B is coprime to 2^w - 1), the register visits every nonzero
  // state once in 2^w - 1 cycles. Its low B bits take each value 2^(w-B) times, except 0, once
  // fewer, whose complement 2^B - 1 is never below a threshold v <= 2^B - 1.
  const int width = GENERATE(8, 11, 14);
  const int bits = GENERATE(4, 8);
  const LaneSpec spec = spec_of(GeneratorKind::kLfsr, width, bits, 3, 5);
  const std::size_t period = scprec::core::low_bits_mask(width);
  std::vector<std::uint16_t> random(period);
  LaneSequencer(spec).fill(StreamRole::kWeight, 1, period, random.data());
  for (std::uint32_t v = 0; v < (1U << bits); v += 3) {
    INFO("width " << width << " bits " << bits << " v " << v);
    CHECK(scprec::core::comparator_stream(random.data(), period, v).count_ones() ==
          std::uint64_t{v} << (width - bits));
  }
}

TEST_CASE("core: over 2^B cycles a Sobol lane emits exactly v ones", "[core][lanes][sng]") {
  const LaneSpec spec = spec_of(GeneratorKind::kSobol, 20, 8, 4, 99);
  std::vector<std::uint16_t> random(256);
  for (StreamRole role : {StreamRole::kActivation, StreamRole::kWeight}) {
    LaneSequencer(spec).fill(role, 3, 256, random.data());
    for (std::uint32_t v = 0; v < 256; ++v) {
      REQUIRE(scprec::core::comparator_stream(random.data(), 256, v).count_ones() == v);
    }
  }
}

TEST_CASE("core: lane specs are validated with clear errors", "[core][lanes]") {
  CHECK_THROWS_WITH(scprec::core::validate(spec_of(GeneratorKind::kLfsr, 6, 8, 4, 1)),
                    Catch::Contains("at least the comparator precision"));
  CHECK_THROWS_WITH(scprec::core::validate(spec_of(GeneratorKind::kLfsr, 4, 2, 8, 1)),
                    Catch::Contains("wider LFSR"));
  CHECK_THROWS_AS(scprec::core::validate(spec_of(GeneratorKind::kSobol, 16, 17, 4, 1)),
                  scprec::Error);
  CHECK_THROWS_AS(scprec::core::validate(spec_of(GeneratorKind::kSobol, 16, 8, 0, 1)),
                  scprec::Error);
  CHECK_THROWS_AS(scprec::core::parse_generator_kind("xorshift", "--generator"), scprec::Error);
}

TEST_CASE("core: shared-LFSR lanes are their role's register, XOR each lane's shift",
          "[core][lanes]") {
  const LaneSpec spec = spec_of(GeneratorKind::kSharedLfsr, 16, 8, 5, 31);
  LaneSpec lfsr = spec;
  lfsr.generator.kind = GeneratorKind::kLfsr;
  const std::size_t length = 200;
  // The activation register is the LFSR base state read as an LFSR lane; the weight register
  // is the same m-sequence half a period on.
  const std::uint32_t period = (1U << 16) - 1;
  scprec::core::Lfsr base(16, scprec::core::lfsr_lane_seed(lfsr, StreamRole::kActivation, 0));
  CHECK(scprec::core::shared_lfsr_start(spec, StreamRole::kActivation) == base.state());
  for (std::uint32_t k = 0; k < period / 2; ++k) base.step();
  CHECK(scprec::core::shared_lfsr_start(spec, StreamRole::kWeight) == base.state());
  for (StreamRole role : {StreamRole::kActivation, StreamRole::kWeight}) {
    std::vector<std::uint16_t> first = stepped(spec, role, 0, length);
    for (std::size_t input = 1; input < 5; ++input) {
      const std::vector<std::uint16_t> other = stepped(spec, role, input, length);
      const std::uint32_t difference =
          (scprec::core::lane_shift(spec, role, 0) ^ scprec::core::lane_shift(spec, role, input)) >>
          8;
      for (std::size_t t = 0; t < length; ++t) REQUIRE((first[t] ^ other[t]) == difference);
    }
  }
  // The two registers read disjoint stretches while L * B <= (2^16 - 1) / 2 = 32767.
  CHECK(scprec::core::lanes_disjoint(spec, 2048));
  CHECK_FALSE(scprec::core::lanes_disjoint(spec, 4096));
}
