// Adjustable-length RTL against fixed-length RTL (label `sim`): random networks and CNNs, each at
// random lengths, on one adjustable build set to those lengths, give every counter, output and
// cycle count the fixed-length RTL at those lengths gives, compared trial by trial; a second map
// of other lengths builds nothing new; and Icarus runs the adjustable top to the same outputs.
// (tests/rtl/adjustable_equivalence.sh proves a small layer equivalent with Yosys.)
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <random>

#include "../recording_logger.hpp"
#include "../test_seed.hpp"
#include "random_case.hpp"
#include "scprec/cosim/dut.hpp"
#include "scprec/cosim/trials.hpp"
#include "scprec/io/files.hpp"
#include "tiny_design.hpp"

namespace {

namespace fs = std::filesystem;
using scprec::core::Encoding;
using scprec::core::GeneratorKind;
using scprec::cosim::TrialResult;

constexpr std::size_t kMaxLength = 256;  // random_case draws lengths of 4 to 128
constexpr std::size_t kTrials = 5;

// Every trial a DUT's jobs in `work_dir` ran, as its results file has it: trial -> result.
std::map<std::size_t, TrialResult> job_results(const std::string& work_dir,
                                               const scprec::cosim::DutSpec& dut) {
  std::map<std::size_t, TrialResult> results;
  for (const auto& entry : fs::directory_iterator(work_dir + "/jobs")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(dut.module + "-", 0) != 0) continue;  // jobs/<module>-<first>-<hash>
    const std::size_t first = std::stoul(name.substr(dut.module.size() + 1));
    const std::string path = entry.path().string() + "/results.json";
    for (const TrialResult& r :
         scprec::cosim::parse_results(scprec::io::read_file(path), dut, path).results) {
      results[first + r.index] = r;
    }
  }
  return results;
}

// The map with every layer at a length drawn again, from 1 to kMaxLength, the first layer at
// one end of that range.
scprec::model::PrecisionMap redrawn(scprec::model::PrecisionMap map, std::mt19937_64& rng) {
  for (auto& layer : map.layers) layer.length = std::size_t{1} << (rng() % 9);
  map.layers.front().length = rng() % 2 == 0 ? 1 : kMaxLength;
  return map;
}

}  // namespace

TEST_CASE(
    "cosim: adjustable-length RTL set to L gives the fixed-length RTL's every counter at L, cycle "
    "for cycle, on one build",
    "[.sim][cosim]") {
  const std::uint64_t seed = scprec::test::test_seed(20261204);
  INFO("seed " << seed << " (rerun with SCPREC_TEST_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  // Sign-magnitude on LFSR lanes (every layer alone too), bipolar on Sobol lanes (one layer on
  // LFSR lanes), and a bipolar CNN likewise.
  const int kind = GENERATE(0, 1, 2);
  const Encoding encoding = kind == 0 ? Encoding::kSignMagnitude : Encoding::kBipolar;
  const GeneratorKind generator = kind == 0 ? GeneratorKind::kLfsr : GeneratorKind::kSobol;
  const scprec::test::Case c = scprec::test::random_case(
      kind == 2 ? scprec::test::random_conv_network(rng) : scprec::test::random_network(rng),
      encoding, generator, rng);
  const std::string name = fmt::format("adjustable_{}", kind);
  INFO(to_string(encoding) << ", " << c.map.generators_text() << ", " << c.inputs_per_cycle
                           << " inputs per cycle");
  scprec::cosim::LocalExecutor executor(2);
  scprec::model::PrecisionMap map = c.map;
  for (int m = 0; m < 2; ++m, map = redrawn(c.map, rng)) {
    INFO("map " << m << ": lengths " << map.lengths_text());
    auto fixed = scprec::test::sim_config(fmt::format("{}_fixed_{}", name, m), kTrials);
    fixed.rtl.inputs_per_cycle = c.inputs_per_cycle;
    fixed.layers = kind == 0;
    auto adjustable = fixed;
    adjustable.work_dir = fixed.work_dir + "_adjustable";
    adjustable.rtl.adjustable_max_length = kMaxLength;
    for (const auto* config : {&fixed, &adjustable}) fs::remove_all(config->work_dir);

    scprec::test::RecordingLogger log;
    const auto fixed_report = scprec::cosim::simulate(c.network, map, c.data, {}, c.data, fixed,
                                                      executor, scprec::null_logger());
    const auto adjustable_report =
        scprec::cosim::simulate(c.network, map, c.data, {}, c.data, adjustable, executor, log);
    REQUIRE(fixed_report.bit_exact());
    REQUIRE(adjustable_report.bit_exact());

    // Trial by trial, every group (each layer's counters, each conv position's, the results and
    // logits) and the cycles from start to done.
    const auto quantized = scprec::model::quantize_for_map(c.network, map);
    const auto fixed_design = scprec::rtl::generate_rtl(quantized, map, fixed.rtl);
    const auto adjustable_design = scprec::rtl::generate_rtl(quantized, map, adjustable.rtl);
    std::vector<std::pair<scprec::cosim::DutSpec, scprec::cosim::DutSpec>> duts = {
        {scprec::cosim::top_dut(fixed_design), scprec::cosim::top_dut(adjustable_design)}};
    if (fixed.layers) {
      for (std::size_t l = 0; l < map.layers.size(); ++l) {
        duts.emplace_back(scprec::cosim::layer_dut(fixed_design, l),
                          scprec::cosim::layer_dut(adjustable_design, l));
      }
    }
    for (const auto& [fixed_dut, adjustable_dut] : duts) {
      INFO(fixed_dut.name);
      CHECK(adjustable_dut.settings.size() == (fixed_dut.name == "top" ? map.layers.size() : 1));
      const auto expected = job_results(fixed.work_dir, fixed_dut);
      const auto actual = job_results(adjustable.work_dir, adjustable_dut);
      REQUIRE(expected.size() == kTrials);
      REQUIRE(actual.size() == kTrials);
      for (const auto& [trial, result] : expected) {
        INFO("trial " << trial);
        CHECK(actual.at(trial).outputs == result.outputs);
        CHECK(actual.at(trial).cycles == result.cycles);
        CHECK(result.cycles == fixed_dut.latency);
      }
    }
    // The second map's lengths are new, but its adjustable simulators are the first map's.
    if (m == 1) {
      INFO(log.text());
      CHECK(log.text().find("built in") == std::string::npos);
      CHECK(log.text().find("build: scprec_top (top) cached") != std::string::npos);
    }
  }

  // Icarus drives the settings from the same stimulus files: the adjustable top at the last map.
  auto icarus = scprec::test::sim_config(name + "_icarus", kTrials);
  icarus.rtl.inputs_per_cycle = c.inputs_per_cycle;
  icarus.rtl.adjustable_max_length = kMaxLength;
  icarus.layers = false;
  icarus.simulator = "icarus";
  map = redrawn(c.map, rng);
  const auto report = scprec::cosim::simulate(c.network, map, c.data, {}, c.data, icarus, executor,
                                              scprec::null_logger());
  const auto& top = report.duts.back();
  INFO("icarus at " << map.lengths_text() << ": " << top.status
                    << (top.problems.empty() ? "" : " " + top.problems[0]));
  CHECK(top.completed == kTrials);
  CHECK(top.off_latency_trials == 0);
  CHECK(report.bit_exact());
}

TEST_CASE("cosim: adjustable-length RTL of largest length 2 runs at L = 1 and 2 on both simulators",
          "[.sim][cosim]") {
  // A one-bit log2_length: a bool port in SystemC, a one-bit register in the Icarus testbench.
  scprec::cosim::LocalExecutor executor(2);
  for (const std::string simulator : {"verilator", "icarus"}) {
    for (const std::vector<std::size_t>& lengths :
         std::vector<std::vector<std::size_t>>{{1, 2}, {2, 1}}) {
      INFO(simulator << " at " << lengths[0] << "/" << lengths[1]);
      auto config = scprec::test::sim_config("adjustable_2_" + simulator, kTrials);
      config.rtl.adjustable_max_length = 2;
      config.simulator = simulator;
      config.layers = simulator == "verilator";
      const auto tiny = scprec::test::written_tiny_design(lengths, 16, 5, config.work_dir + "/rtl");
      const auto report =
          scprec::cosim::simulate(tiny.network, tiny.map, tiny.data.x, {}, tiny.data.x, config,
                                  executor, scprec::null_logger());
      for (const auto& dut : report.duts) {
        INFO(dut.name << ": " << dut.status << (dut.problems.empty() ? "" : " " + dut.problems[0]));
        CHECK(dut.completed == kTrials);
      }
      CHECK(report.bit_exact());
    }
  }
}
