// Fault injection into both scoreboards (label `sim`): a single wrong value in any element of any
// output group of any DUT (each layer alone: result, pos and neg counters; the top: every
// layer's counter banks and the logits), of an MLP and of a CNN (a conv layer's counters at its
// last position), on each simulator backend, must be caught. The testbench's scoreboard is checked
// by running a job's simulator on an expected file with one value changed; the host's, by changing
// one value of a finished job's results, which the next run reuses and must reject with a
// golden message naming the trial, the port and the element.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../fixture_path.hpp"
#include "scprec/cosim/backend.hpp"
#include "scprec/cosim/dut.hpp"
#include "scprec/cosim/process.hpp"
#include "scprec/cosim/simulate.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/model_io.hpp"

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kTrials = 3;

// The tiny MLP, or with `cnn` the tiny CNN tests/fixtures/conv/cnn_b (a conv layer without
// pooling on two input channels, then two dense layers), whose conv counters are sampled at
// every position.
scprec::model::Network network_of(bool cnn) {
  const std::string conv = std::string(SCPREC_SOURCE_DIR) + "/tests/fixtures/conv/";
  return cnn ? scprec::io::read_model(conv + "cnn_b.npz", conv + "cnn_b.manifest.json")
             : scprec::io::read_model(scprec::test::npz_fixture("tiny_model.npz"));
}

Eigen::MatrixXd data_of(bool cnn, const scprec::model::Network& network) {
  const std::string conv = std::string(SCPREC_SOURCE_DIR) + "/tests/fixtures/conv/";
  return scprec::io::read_dataset(
             cnn ? conv + "cnn_b_data4d.npz" : scprec::test::npz_fixture("data_ok.npz"),
             scprec::io::Split::kCalibration, network)
      .x;
}

struct Setup {
  bool cnn;
  std::string simulator;
  scprec::model::Network network = network_of(cnn);
  Eigen::MatrixXd data = data_of(cnn, network);
  scprec::model::QuantizedNetwork quantized = scprec::model::quantize(network, data, {});
  scprec::model::PrecisionMap map =
      scprec::model::manual_map(quantized, scprec::io::network_hash(network),
                                std::vector<std::size_t>(network.layers().size(), 16),
                                scprec::core::GeneratorKind::kLfsr, 16, 11);
  scprec::rtl::RtlDesign design = scprec::rtl::generate_rtl(quantized, map, {});
  scprec::cosim::SimulateConfig config;

  Setup(bool with_cnn, std::string backend) : cnn(with_cnn), simulator(std::move(backend)) {
    config.simulator = simulator;
    config.trials = kTrials;
    config.trials_per_job = kTrials;  // one job per DUT
    config.work_dir =
        fmt::format("{}/scoreboard_{}{}_bad", SCPREC_TEST_WORK_DIR, cnn ? "cnn_" : "", simulator);
    config.build.cache_dir = SCPREC_TEST_CACHE_DIR;
    config.timeout_seconds = 300;
  }
  scprec::cosim::SimulationReport simulate() const {
    scprec::cosim::LocalExecutor executor(2);
    return scprec::cosim::simulate(network, map, data, {}, data, config, executor,
                                   scprec::null_logger());
  }
  // The one job folder of `dut`.
  std::string job_of(const scprec::cosim::DutSpec& dut) const {
    for (const auto& entry : fs::directory_iterator(config.work_dir + "/jobs")) {
      if (entry.path().filename().string().rfind(dut.module + "-0-", 0) == 0) {
        return entry.path().string();
      }
    }
    FAIL("no job folder for " << dut.module);
    return "";
  }
};

std::vector<scprec::cosim::DutSpec> duts_of(const scprec::rtl::RtlDesign& design) {
  std::vector<scprec::cosim::DutSpec> duts;
  for (std::size_t l = 0; l < design.layers.size(); ++l) {
    duts.push_back(scprec::cosim::layer_dut(design, l));
  }
  duts.push_back(scprec::cosim::top_dut(design));
  return duts;
}

// expected.txt with element `e` of group `g` in trial `t` changed by +1.
std::string with_wrong_expectation(const std::string& expected, const scprec::cosim::DutSpec& dut,
                                   std::size_t t, std::size_t g, std::size_t e) {
  std::istringstream in(expected);
  std::string line;
  std::string out;
  std::size_t row = 0;
  while (std::getline(in, line)) {
    if (line.rfind("scprec-expected", 0) == 0 || row++ != t) {
      out += line + "\n";
      continue;
    }
    std::istringstream values(line);
    std::vector<std::int64_t> all;
    for (std::int64_t v = 0; values >> v;) all.push_back(v);
    std::size_t offset = e;
    for (std::size_t k = 0; k < g; ++k) offset += dut.outputs[k].values();
    REQUIRE(offset < all.size());
    ++all[offset];
    out += fmt::format("{}\n", fmt::join(all, " "));
  }
  return out;
}

}  // namespace

TEST_CASE("cosim: one wrong value in any output group of any DUT is caught by both scoreboards",
          "[.sim][cosim]") {
  const bool cnn = GENERATE(false, true);
  const std::string simulator = GENERATE("verilator", "icarus");
  INFO((cnn ? "the tiny CNN" : "the tiny MLP") << " on " << simulator);
  const Setup s(cnn, simulator);
  const auto backend = scprec::cosim::make_simulator_backend(simulator);
  fs::remove_all(s.config.work_dir);
  const auto clean = s.simulate();
  REQUIRE(clean.bit_exact());
  const std::size_t t = kTrials - 1;  // the last trial: not the first a scoreboard sees
  for (const auto& dut : duts_of(s.design)) {
    const std::string job = s.job_of(dut);
    const std::string expected = scprec::io::read_file(job + "/expected.txt");
    const std::string results_path = job + "/results.json";
    const std::string results = scprec::io::read_file(results_path);
    for (std::size_t g = 0; g < dut.outputs.size(); ++g) {
      const auto& group = dut.outputs[g];
      // The last element (of a conv layer's counters, at the last position): not the first
      // either.
      const std::size_t e = group.values() - 1;
      INFO(dut.name << ": " << group.port << "[" << e << "] of trial " << t);

      // The testbench's scoreboard, on an expectation with one value off (the job's command
      // reads expected.txt, restored after).
      scprec::io::write_file_atomically(job + "/expected.txt",
                                        with_wrong_expectation(expected, dut, t, g, e));
      const auto run = scprec::cosim::run_process(
          {"sh", "-c", backend->command("wrong_results.json", "")}, {job, 60.0, "", {}});
      scprec::io::write_file_atomically(job + "/expected.txt", expected);
      CHECK(run.exit_code == 1);
      const auto wrong = nlohmann::json::parse(scprec::io::read_file(job + "/wrong_results.json"));
      CHECK(wrong["summary"]["mismatches"] == 1);
      CHECK(wrong["summary"]["first_mismatch"] == t);

      // The host's scoreboard, on results whose RTL output is one off, reused by the next run.
      auto edited = nlohmann::json::parse(results);
      const std::int64_t value = edited["trials"][t]["outputs"][group.port][e];
      edited["trials"][t]["outputs"][group.port][e] = value + 1;
      scprec::io::write_file_atomically(results_path, edited.dump(1));
      const auto report = s.simulate();
      scprec::io::write_file_atomically(results_path, results);
      const auto found = std::find_if(report.duts.begin(), report.duts.end(),
                                      [&](const auto& d) { return d.name == dut.name; });
      REQUIRE(found != report.duts.end());
      CHECK(found->mismatches == 1);
      CHECK(found->first_mismatch == t);
      const std::string element =
          group.samples > 1
              ? fmt::format("{} at position {}[{}]", group.port, group.samples - 1, group.count - 1)
              : fmt::format("{}[{}]", group.port, e);
      CHECK(found->first_difference ==
            fmt::format("trial {}, {}: software model {}, RTL {}", t, element, value, value + 1));
      REQUIRE(found->problems.size() == 1);  // the testbench's count of 0 is not believed
      CHECK_THAT(found->problems[0],
                 Catch::Contains(fmt::format("the testbench's scoreboard counted 0 mismatching "
                                             "outputs in trial {}, but 1 differ",
                                             t)));
      CHECK_FALSE(report.bit_exact());
    }
  }
}
