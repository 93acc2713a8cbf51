// Known-answer tests for the lane generators: every lane's starting value and the first random
// numbers of the first and last lanes of each role, for LFSR, Sobol and shared-LFSR lanes at
// fixed seeds, against tests/fixtures/lanes/known_answers.json, which make_known_answers.py
// computes from docs/sc-arithmetic.md alone. The model and the RTL's lane files both take these
// values, so a change to how lanes are seeded that moves both together still fails here.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scprec/core/lanes.hpp"
#include "scprec/io/files.hpp"

using scprec::core::LaneSpec;
using scprec::core::StreamRole;

TEST_CASE("core: lane starts and first values match the documented contract's known answers",
          "[core]") {
  const auto answers = nlohmann::json::parse(scprec::io::read_file(
      std::string(SCPREC_SOURCE_DIR) + "/tests/fixtures/lanes/known_answers.json"));
  REQUIRE(answers["cases"].size() >= 11);
  for (const auto& c : answers["cases"]) {
    LaneSpec spec;
    spec.generator = {scprec::core::parse_generator_kind(c["generator"], "generator"),
                      c["width"].get<int>(), c["seed"].get<std::uint64_t>()};
    spec.bits = c["bits"].get<int>();
    spec.inputs = c["inputs"].get<std::size_t>();
    INFO(c["generator"].get<std::string>() << " width " << spec.generator.width << ", "
                                           << spec.bits << " bits, " << spec.inputs
                                           << " inputs, seed " << spec.generator.seed);
    const scprec::core::LaneSequencer sequencer(spec);
    CHECK(sequencer.starts() == c["starts"].get<std::vector<std::uint32_t>>());
    for (const auto& [lane, expected] : c["values"].items()) {
      const std::size_t g = std::stoul(lane);
      const StreamRole role = g < spec.inputs ? StreamRole::kActivation : StreamRole::kWeight;
      const std::size_t input = g % spec.inputs;
      INFO("lane " << g);
      const auto values = expected.get<std::vector<std::uint16_t>>();
      std::vector<std::uint16_t> fast(values.size());
      sequencer.fill(role, input, fast.size(), fast.data());
      CHECK(fast == values);
      scprec::core::LaneGenerator slow(spec, role, input);
      for (std::size_t t = 0; t < values.size(); ++t, slow.step()) {
        CHECK(slow.value() == values[t]);
      }
    }
  }
}
