// Tests for the bit-exact SC layer model: the fast packed model equals the per-bit reference,
// the count-to-dot-product formulas are exact on exact counts, and estimates converge.
#include "scprec/model/sc_layer.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "../test_seed.hpp"
#include "scprec/core/error.hpp"
#include "test_layers.hpp"

using scprec::core::Encoding;
using scprec::core::GeneratorKind;
using scprec::model::QuantConfig;
using scprec::model::ScLayerConfig;

TEST_CASE("model: the fast SC layer model equals the per-bit reference on 240 random cases",
          "[model][sc]") {
  const std::uint64_t seed = scprec::test::test_seed(20261201);
  INFO("seed " << seed << " (rerun with SCPREC_TEST_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 240; ++trial) {
    QuantConfig quant;
    quant.bits = 2 + static_cast<int>(rng() % 9);
    quant.encoding = rng() % 2 == 0 ? Encoding::kSignMagnitude : Encoding::kBipolar;
    ScLayerConfig config;
    const std::size_t longest = std::min<std::size_t>(scprec::model::longest_length(quant), 1024);
    config.length = std::size_t{1} << (rng() % (__builtin_ctzll(longest) + 1));
    const std::uint64_t kind = rng() % 3;
    config.generator.kind = kind == 0   ? GeneratorKind::kLfsr
                            : kind == 1 ? GeneratorKind::kSobol
                                        : GeneratorKind::kSharedLfsr;
    config.generator.width = std::max({quant.bits, 4, 10}) + static_cast<int>(rng() % 23);
    config.generator.width = std::min(config.generator.width, 32);
    config.generator.seed = rng();
    const std::size_t inputs = 1 + rng() % 40;
    const std::size_t outputs = 1 + rng() % 12;
    const scprec::model::QuantLayer layer = scprec::test::random_layer(inputs, outputs, quant, rng);
    const scprec::model::Codes input = scprec::test::random_codes(inputs, quant.bits, rng);
    INFO("trial " << trial << ": " << inputs << "x" << outputs << " bits " << quant.bits << " "
                  << to_string(quant.encoding) << " L " << config.length << " "
                  << to_string(config.generator.kind) << " width " << config.generator.width
                  << " seed " << config.generator.seed);
    const scprec::model::ScLayerModel fast(layer, quant, config);
    REQUIRE(fast.run(input) == scprec::model::sc_layer_reference(layer, quant, config, input));
  }
}

TEST_CASE("model: count-to-dot formulas are exact when the counts are their expectations",
          "[model][sc]") {
  // With B = 4 every product probability is a multiple of 1/256. At sign-magnitude's longest
  // length, L = 2^(2B) = 256, the expected counts x * w are integers; at bipolar's, L = 128, so
  // are (x w + (16 - x)(16 - w)) / 2 = x code - 8 code + 64. The estimates must then be exact.
  const QuantConfig sign_magnitude{4, Encoding::kSignMagnitude};
  const QuantConfig bipolar{4, Encoding::kBipolar};
  for (const QuantConfig& quant : {sign_magnitude, bipolar}) {
    std::mt19937_64 rng(7);
    const auto layer = scprec::test::random_layer(9, 5, quant, rng);
    const auto input = scprec::test::random_codes(9, quant.bits, rng);
    const std::size_t length = scprec::model::longest_length(quant);
    scprec::model::ScCounts counts;
    for (std::size_t j = 0; j < layer.outputs; ++j) {
      std::uint64_t positive = 0;
      std::uint64_t negative = 0;
      for (std::size_t i = 0; i < layer.inputs; ++i) {
        const std::uint64_t x = input[i];
        const std::uint64_t w = layer.weight_threshold(j, i, quant);
        if (quant.encoding == Encoding::kBipolar) {
          positive += (x * w + (16 - x) * (16 - w)) / 2;  // L * P(a == b), L = 128
        } else if (layer.weight_code(j, i) > 0) {
          positive += x * w;
        } else {
          negative += x * w;
        }
      }
      counts.positive.push_back(positive);
      counts.negative.push_back(negative);
    }
    INFO(to_string(quant.encoding));
    CHECK(scprec::model::sc_dot(layer, quant, length, counts) ==
          scprec::model::exact_dot(layer, input));
  }
}

TEST_CASE("model: SC dot products converge to the exact ones as L grows", "[model][sc]") {
  const QuantConfig quant{8, GENERATE(Encoding::kSignMagnitude, Encoding::kBipolar)};
  const GeneratorKind kind =
      GENERATE(GeneratorKind::kLfsr, GeneratorKind::kSobol, GeneratorKind::kSharedLfsr);
  std::mt19937_64 rng(11);
  const auto layer = scprec::test::random_layer(32, 6, quant, rng);
  const auto input = scprec::test::random_codes(32, quant.bits, rng);
  const std::vector<std::int64_t> exact = scprec::model::exact_dot(layer, input);
  ScLayerConfig config;
  config.generator.kind = kind;
  config.length = 8192;
  const scprec::model::ScLayerModel model(layer, quant, config);
  const std::vector<std::int64_t> estimate =
      scprec::model::sc_dot(layer, quant, config.length, model.run(input));
  // Full scale of a dot product: inputs * (2^B - 1) * (largest weight code).
  const double full_scale = 32.0 * 255.0 * (quant.encoding == Encoding::kBipolar ? 127 : 255);
  for (std::size_t j = 0; j < exact.size(); ++j) {
    INFO(to_string(quant.encoding) << " " << to_string(kind) << " neuron " << j);
    CHECK(std::abs(estimate[j] - exact[j]) / full_scale < 0.02);
  }
}

TEST_CASE("model: SC layer settings are validated with the layer named", "[model][sc]") {
  std::mt19937_64 rng(3);
  const QuantConfig quant{8, Encoding::kSignMagnitude};
  auto layer = scprec::test::random_layer(4, 2, quant, rng);
  layer.name = "fc9";
  ScLayerConfig config;
  config.length = 100;
  CHECK_THROWS_WITH(
      scprec::model::ScLayerModel(layer, quant, config),
      Catch::Contains("fc9.length") && Catch::Contains("length 100 is not a power of two"));
  // A power of two that is merely too long says so, with the limit of this arithmetic.
  config.length = 1 << 17;
  CHECK_THROWS_WITH(scprec::model::ScLayerModel(layer, quant, config),
                    Catch::Contains("fc9.length") &&
                        Catch::Contains("length 131072 is longer than 65536, the longest length "
                                        "(2^(2B)) for 8-bit sign-magnitude") &&
                        !Catch::Contains("not a power of two"));
  const QuantConfig bipolar{6, Encoding::kBipolar};
  const auto bipolar_layer = scprec::test::random_layer(4, 2, bipolar, rng);
  config.length = 4096;
  CHECK_THROWS_WITH(scprec::model::validate(config, bipolar_layer, bipolar),
                    Catch::Contains("longer than 2048, the longest length (2^(2B-1)) for 6-bit "
                                    "bipolar"));
  config.length = 2048;
  CHECK_NOTHROW(scprec::model::validate(config, bipolar_layer, bipolar));
  config.length = 1024;
  config.generator = {GeneratorKind::kSobol, 8, 1};
  CHECK_THROWS_WITH(scprec::model::ScLayerModel(layer, quant, config),
                    Catch::Contains("repeats before length 1024"));
}
