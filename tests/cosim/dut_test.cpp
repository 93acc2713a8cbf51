// Tests of the DUT descriptions of a CNN (label `cosim`, no simulator): a conv layer's counters
// are sampled on its position_done strobe once per position, in the testbench binding, the
// results a job writes and the host's comparison; a strobe that pulses too few times is a
// broken handshake.
#include "scprec/cosim/dut.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "scprec/core/error.hpp"
#include "scprec/cosim/trials.hpp"
#include "scprec/io/model_io.hpp"

namespace {

// The tiny CNN tests/fixtures/conv/cnn_a (conv1 at 81 positions, conv2 at 6, then fc).
scprec::rtl::RtlDesign cnn_design() {
  const std::string conv = std::string(SCPREC_SOURCE_DIR) + "/tests/fixtures/conv/";
  const auto network = scprec::io::read_model(conv + "cnn_a.npz", conv + "cnn_a.manifest.json");
  const auto data =
      scprec::io::read_dataset(conv + "cnn_a_data4d.npz", scprec::io::Split::kCalibration, network);
  const auto quantized = scprec::model::quantize(network, data.x, {});
  const auto map =
      scprec::model::manual_map(quantized, scprec::io::network_hash(network), {16, 16, 16},
                                scprec::core::GeneratorKind::kLfsr, 16, 3);
  return scprec::rtl::generate_rtl(quantized, map, {});
}

// A results file of `dut` for one trial whose group g holds `sizes[g]` zeros.
std::string results_with(const scprec::cosim::DutSpec& dut, const std::vector<std::size_t>& sizes) {
  nlohmann::json outputs;
  for (std::size_t g = 0; g < dut.outputs.size(); ++g) {
    outputs[dut.outputs[g].port] = std::vector<std::int64_t>(sizes[g], 0);
  }
  const nlohmann::json results = {
      {"schema", "scprec.sim-results/1"},
      {"dut", dut.module},
      {"summary",
       {{"trials", 1},
        {"completed", 1},
        {"mismatches", 0},
        {"mismatching_trials", 0},
        {"first_mismatch", nullptr},
        {"status", "pass"}}},
      {"trials",
       {{{"index", 0}, {"mismatches", 0}, {"cycles", dut.latency}, {"outputs", outputs}}}}};
  return results.dump();
}

}  // namespace

TEST_CASE("cosim: a conv layer's counters are sampled on its position strobe at every position",
          "[cosim]") {
  const scprec::rtl::RtlDesign design = cnn_design();
  const scprec::cosim::DutSpec top = scprec::cosim::top_dut(design);
  REQUIRE(top.outputs.size() == 7);  // conv1, conv2, fc: pos and neg; the logits
  CHECK(top.inputs == 81);           // the 1 x 9 x 9 input map
  CHECK(top.outputs[0].port == "conv1_pos");
  CHECK(top.outputs[0].strobe == "conv1_position_done");
  CHECK(top.outputs[0].samples == 81);
  CHECK(top.outputs[0].values() == 81 * design.layers[0].outputs);
  CHECK(top.outputs[3].strobe == "conv2_position_done");
  CHECK(top.outputs[3].samples == 6);
  CHECK(top.outputs[4].strobe == "done");  // fc's counters, once
  CHECK(top.outputs[6].samples == 1);

  const std::string binding = scprec::cosim::binding_header(top);
  CHECK_THAT(binding,
             Catch::Contains(fmt::format("X(conv1_pos, {}, {}, false, conv1_position_done, 81)",
                                         design.layers[0].outputs, design.layers[0].counter_bits)));
  CHECK_THAT(binding, Catch::Contains("X(fc_neg, 5, "));
  // Each strobe once among the strobes, and done not among them.
  CHECK_THAT(binding, Catch::Contains("#define SCPREC_TB_STROBES(S) \\\n    S(conv1_position_done) "
                                      "\\\n    S(conv2_position_done)\n"));

  const scprec::cosim::DutSpec conv1 = scprec::cosim::layer_dut(design, 0);
  CHECK(conv1.outputs[0].port == "result");  // the pooled map, at done
  CHECK(conv1.outputs[0].values() == design.layers[0].result_codes);
  CHECK(conv1.outputs[1].strobe == "position_done");
  CHECK(conv1.latency == design.layers[0].latency);
  CHECK_THAT(scprec::cosim::binding_header(conv1),
             Catch::Contains("#define SCPREC_TB_STROBES(S) \\\n    S(position_done)\n"));
}

TEST_CASE("cosim: results of a conv layer are compared position by position", "[cosim]") {
  const scprec::rtl::RtlDesign design = cnn_design();
  const scprec::cosim::DutSpec top = scprec::cosim::top_dut(design);
  std::vector<std::size_t> sizes;
  for (const auto& group : top.outputs) sizes.push_back(group.values());
  const auto results = scprec::cosim::parse_results(results_with(top, sizes), top, "results.json");
  REQUIRE(results.results.size() == 1);
  CHECK(results.results[0].outputs[0].size() == top.outputs[0].values());

  // conv2's negative counters one off at position 4, channel 1: named by position and channel.
  scprec::cosim::GroupValues expected = results.results[0].outputs;
  scprec::cosim::GroupValues actual = expected;
  const std::size_t channels = top.outputs[3].count;
  actual[3][4 * channels + 1] = 7;
  const auto c = scprec::cosim::compare_outputs(top, expected, actual, 2);
  CHECK(c.mismatches == 1);
  CHECK(c.first_difference == "trial 2, conv2_neg at position 4[1]: software model 0, RTL 7");
  // A position missing from what the RTL gave counts, every value of it.
  actual = expected;
  actual[0].resize(actual[0].size() - top.outputs[0].count);
  CHECK(scprec::cosim::compare_outputs(top, expected, actual, 0).mismatches ==
        top.outputs[0].count);

  // A position more than expected counts too, every value of it.
  actual = expected;
  actual[3].insert(actual[3].end(), channels, 0);
  const auto more = scprec::cosim::compare_outputs(top, expected, actual, 1);
  CHECK(more.mismatches == channels);
  CHECK(more.first_difference ==
        fmt::format("trial 1, conv2_neg: {} values more than the software model's {}", channels,
                    expected[3].size()));

  // A strobe that pulsed once too few: the handshake is broken, said so.
  sizes[0] -= top.outputs[0].count;
  try {
    scprec::cosim::parse_results(results_with(top, sizes), top, "results.json");
    FAIL("a short conv group was accepted");
  } catch (const scprec::Error& e) {
    CHECK(e.problem() ==
          "trial 0: the DUT pulsed conv1_position_done 80 times, not 81: it broke the handshake");
  }
}

TEST_CASE("cosim: an adjustable DUT sets each layer's log2 length from the stimulus, not the build",
          "[cosim]") {
  const auto design_at = [](std::vector<std::size_t> lengths) {
    const auto network = scprec::io::read_model(std::string(SCPREC_SOURCE_DIR) +
                                                "/tests/fixtures/npz/tiny_model.npz");
    const auto data =
        scprec::io::read_dataset(std::string(SCPREC_SOURCE_DIR) + "/tests/fixtures/npz/data_ok.npz",
                                 scprec::io::Split::kCalibration);
    const auto quantized = scprec::model::quantize(network, data.x, {});
    const auto map = scprec::model::manual_map(quantized, scprec::io::network_hash(network),
                                               lengths, scprec::core::GeneratorKind::kLfsr, 16, 3);
    scprec::rtl::RtlConfig config;
    config.adjustable_max_length = 256;
    return scprec::rtl::generate_rtl(quantized, map, config);
  };
  const auto short_design = design_at({16, 4});
  const auto long_design = design_at({256, 64});
  const auto top = scprec::cosim::top_dut(short_design);
  REQUIRE(top.settings.size() == 2);
  CHECK(top.settings[0].port == "fc1_log2_length");
  CHECK(top.settings[0].bits == 4);
  CHECK(top.settings[0].value == 4);
  CHECK(top.settings[1].port == "fc2_log2_length");
  CHECK(top.settings[1].value == 2);
  CHECK(top.latency == short_design.top_latency);
  CHECK(top.max_latency == short_design.top_max_latency);
  const auto layer = scprec::cosim::layer_dut(long_design, 1);
  REQUIRE(layer.settings.size() == 1);
  CHECK(layer.settings[0].port == "log2_length");
  CHECK(layer.settings[0].value == 6);

  // The binding (part of the simulator's build key) is the same at any lengths, and names the
  // settings' ports; the stimulus carries their values.
  const auto long_top = scprec::cosim::top_dut(long_design);
  CHECK(scprec::cosim::binding_header(top) == scprec::cosim::binding_header(long_top));
  CHECK(scprec::cosim::binding_header(top).find("S(fc1_log2_length, 4)") != std::string::npos);
  scprec::cosim::TrialSet trials;
  trials.inputs = {{1, 2, 3, 4}};
  trials.expected = {{}};
  CHECK(scprec::cosim::stimulus_text(trials, 0, 1, top.settings) ==
        "scprec-stimulus 2 1 4 2\nfc1_log2_length 4\nfc2_log2_length 2\n1 2 3 4\n");
  CHECK(scprec::cosim::stimulus_text(trials, 0, 1) == "scprec-stimulus 1 1 4\n1 2 3 4\n");
}
