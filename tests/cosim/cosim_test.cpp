// Co-simulation tests (label `sim`): random small networks through Verilator and the SystemC
// testbench are bit-exact with the software model in every encoding and generator; the same
// stimuli through the Icarus backend give the same outputs, and a sign-off on it the same
// verdict; a deliberately broken RTL (a flipped lane
// seed) is caught by the scoreboard, with a VCD of the first mismatching trial.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <random>

#include "../fixture_path.hpp"
#include "../signoff_twice.hpp"
#include "../test_seed.hpp"
#include "random_case.hpp"
#include "scprec/cosim/reference.hpp"
#include "scprec/cosim/simulate.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/model_io.hpp"
#include "tiny_design.hpp"

using scprec::core::Encoding;
using scprec::core::GeneratorKind;
using scprec::test::Case;
using scprec::test::random_case;
using scprec::test::random_conv_network;
using scprec::test::random_network;
using scprec::test::sim_config;

namespace {

namespace fs = std::filesystem;

// One random case through Verilator (the top, and with `layers` every layer alone) and the
// top through Icarus: every output and counter bit-exact with the software model.
void check_bit_exact(const Case& c, Encoding encoding, bool layers, const std::string& name) {
  std::string shape = std::to_string(c.network.input_size());
  for (const auto& layer : c.map.layers)
    shape += fmt::format("-{}(L={})", layer.outputs, layer.length);
  INFO(to_string(encoding) << ", " << c.map.generators_text() << " (" << c.map.generator_width
                           << "-bit), " << c.map.quant.bits << " bits, " << shape << ", "
                           << c.inputs_per_cycle << " inputs per cycle");
  auto config = sim_config(name, 6);
  config.rtl.inputs_per_cycle = c.inputs_per_cycle;
  config.layers = layers;
  scprec::cosim::LocalExecutor executor(2);
  const auto report = scprec::cosim::simulate(c.network, c.map, c.data, {}, c.data, config,
                                              executor, scprec::null_logger());
  for (const auto& dut : report.duts) {
    INFO(dut.name << ": " << dut.status << (dut.problems.empty() ? "" : " " + dut.problems[0]));
    CHECK(dut.completed == 6);
    CHECK(dut.mismatches == 0);
  }
  REQUIRE(report.bit_exact());

  // The Icarus backend, on the top the Verilator run just checked: the same outputs, cycle for
  // cycle, so the same errors.
  config.simulator = "icarus";
  config.layers = false;
  const auto icarus = scprec::cosim::simulate(c.network, c.map, c.data, {}, c.data, config,
                                              executor, scprec::null_logger());
  const auto& top = icarus.duts.back();
  INFO("icarus: " << top.status << (top.problems.empty() ? "" : " " + top.problems[0]));
  CHECK(top.completed == 6);
  CHECK(top.mismatches == 0);
  CHECK(top.off_latency_trials == 0);
  REQUIRE(icarus.bit_exact());
  CHECK(top.errors == report.duts.back().errors);
  CHECK(top.layer_errors == report.duts.back().layer_errors);
}

// The tiny fixture network with its calibration data, a map at `lengths` (LFSR, seed 3), and
// its RTL written to config.work_dir/rtl, for tests that break the RTL before simulating it.
// The tiny design at `lengths`, on 32-bit LFSR lanes from base seed 3, written to the work
// folder of `config`.
scprec::test::TinyDesign written_tiny_design(const std::vector<std::size_t>& lengths,
                                             const scprec::cosim::SimulateConfig& config) {
  return scprec::test::written_tiny_design(lengths, 32, 3, config.work_dir + "/rtl");
}

}  // namespace

TEST_CASE("cosim: random networks are bit-exact with the software model, in Verilator and Icarus",
          "[.sim][cosim]") {
  const std::uint64_t seed = scprec::test::test_seed(20261202);
  INFO("seed " << seed << " (rerun with SCPREC_TEST_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  const auto encoding = GENERATE(Encoding::kSignMagnitude, Encoding::kBipolar);
  const auto generator = GENERATE(GeneratorKind::kLfsr, GeneratorKind::kSobol);
  const Case c = random_case(random_network(rng), encoding, generator, rng);
  // Every layer's counters are outputs of the top, so the top alone checks every layer; the
  // layer-alone DUTs are checked in one of the four cases to keep the build count down.
  check_bit_exact(c, encoding,
                  encoding == Encoding::kSignMagnitude && generator == GeneratorKind::kLfsr,
                  fmt::format("random_{}_{}", to_string(encoding), to_string(generator)));
}

TEST_CASE("cosim: random CNNs are bit-exact at every position, in Verilator and Icarus",
          "[.sim][cosim]") {
  const std::uint64_t seed = scprec::test::test_seed(20261203);
  INFO("seed " << seed << " (rerun with SCPREC_TEST_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  const auto encoding = GENERATE(Encoding::kSignMagnitude, Encoding::kBipolar);
  const auto generator = GENERATE(GeneratorKind::kLfsr, GeneratorKind::kSobol);
  const Case c = random_case(random_conv_network(rng), encoding, generator, rng);
  for (const auto& layer : c.network.layers()) {
    if (layer.conv) {
      const auto& g = *layer.conv;
      INFO(layer.name << ": " << to_string(g.input) << ", kernel " << g.kernel_h << "x"
                      << g.kernel_w << ", stride " << g.stride_h << "," << g.stride_w
                      << ", padding " << g.pad_h << "," << g.pad_w << ", pool "
                      << to_string(layer.pool.kind) << " " << layer.pool.size);
    }
  }
  check_bit_exact(c, encoding, encoding == Encoding::kBipolar && generator == GeneratorKind::kSobol,
                  fmt::format("random_cnn_{}_{}", to_string(encoding), to_string(generator)));
}

TEST_CASE("cosim: a sign-off repeated on Icarus gives Verilator's verdict and measurements",
          "[.sim][cosim]") {
  const std::string dir = std::string(SCPREC_TEST_WORK_DIR) + "/signoff_icarus";
  fs::remove_all(dir);
  const auto runs = scprec::test::signoff_tiny_twice(dir, {}, {"--simulator", "icarus"});
  INFO(runs.first.out << runs.first.err << runs.second.out << runs.second.err);
  CHECK(runs.first.code == 0);
  CHECK_THAT(runs.second.out, Catch::Contains("SIGNED OFF") && Catch::Contains("bit-exact"));
  CHECK(runs.second.out == runs.first.out);
  CHECK(scprec::test::report_measurements(dir + "/second") ==
        scprec::test::report_measurements(dir + "/first"));
  const std::string junit = scprec::io::read_file(dir + "/second/junit.xml");
  CHECK_THAT(junit, Catch::Contains("name=\"simulator\" value=\"icarus\"") &&
                        Catch::Contains("name=\"icarus.version\" value=\"Icarus Verilog"));
}

TEST_CASE("cosim: a flipped lane seed is caught by the scoreboard (_bad)", "[.sim][cosim]") {
  auto config = sim_config("flipped_seed_bad", 5);
  config.trace = true;
  const auto tiny = written_tiny_design({64, 64}, config);
  const std::string& rtl_dir = tiny.rtl_dir;
  // Flip the lowest bit of the first lane's seed of the first layer.
  std::string lanes = scprec::io::read_file(rtl_dir + "/fc1_lanes.hex");
  std::size_t row = 0;  // the first ROM row, after the // header lines
  while (lanes.compare(row, 2, "//") == 0) row = lanes.find('\n', row) + 1;
  char& last_digit = lanes[lanes.find('\n', row) - 1];
  last_digit = last_digit == '0'   ? '1'
               : last_digit == '1' ? '0'
                                   : static_cast<char>(last_digit ^ 1);
  scprec::io::write_file_atomically(rtl_dir + "/fc1_lanes.hex", lanes);

  scprec::cosim::LocalExecutor executor(2);
  const auto report =
      scprec::cosim::simulate_design(tiny.network, tiny.map, tiny.design, rtl_dir, tiny.data.x, {},
                                     tiny.data.x, config, executor, scprec::null_logger());
  CHECK_FALSE(report.bit_exact());
  CHECK_FALSE(report.has_errors());
  const auto& fc1 = report.duts[0];
  CHECK(fc1.name == "fc1");
  CHECK(fc1.status == "mismatch");
  CHECK(fc1.mismatches > 0);
  REQUIRE(fc1.first_mismatch.has_value());
  CHECK(fs::exists(fc1.trace));
  CHECK_THAT(scprec::io::read_file(fc1.trace), Catch::Contains("$enddefinitions"));
  CHECK(report.duts[1].status == "pass");          // fc2 alone gets its inputs from the model
  CHECK(report.duts.back().status == "mismatch");  // the top runs the broken fc1
}

TEST_CASE("cosim: a top whose done never comes is reported hung, not bit-exact (_bad)",
          "[.sim][cosim]") {
  const std::string simulator = GENERATE("verilator", "icarus");
  INFO(simulator);
  auto config = sim_config("hung_top_bad_" + simulator, 3);
  config.simulator = simulator;
  config.layers = false;
  const auto tiny = written_tiny_design({16, 16}, config);
  const std::string& rtl_dir = tiny.rtl_dir;
  std::string top = scprec::io::read_file(rtl_dir + "/scprec_top.v");
  const std::string done = "assign done = fc2_done;";
  REQUIRE(top.find(done) != std::string::npos);
  top.replace(top.find(done), done.size(), "assign done = 1'b0;");
  scprec::io::write_file_atomically(rtl_dir + "/scprec_top.v", top);

  scprec::cosim::LocalExecutor executor(2);
  const auto report =
      scprec::cosim::simulate_design(tiny.network, tiny.map, tiny.design, rtl_dir, tiny.data.x, {},
                                     tiny.data.x, config, executor, scprec::null_logger());
  CHECK_FALSE(report.bit_exact());
  CHECK(report.has_errors());
  const auto& top_report = report.duts.back();
  CHECK(top_report.name == "top");
  CHECK(top_report.completed == 0);
  REQUIRE_FALSE(top_report.problems.empty());
  CHECK_THAT(top_report.problems[0], Catch::Contains("the DUT never signalled done"));
}

TEST_CASE("cosim: Icarus reports a top whose busy drops before done as a broken handshake (_bad)",
          "[.sim][cosim]") {
  auto config = sim_config("busy_low_bad", 3);
  config.simulator = "icarus";
  config.layers = false;
  const auto tiny = written_tiny_design({16, 16}, config);
  std::string top = scprec::io::read_file(tiny.rtl_dir + "/scprec_top.v");
  const std::string busy = "assign busy = fc1_busy | fc1_done | fc2_busy;";
  REQUIRE(top.find(busy) != std::string::npos);
  top.replace(top.find(busy), busy.size(), "assign busy = fc1_busy | fc1_done;");
  scprec::io::write_file_atomically(tiny.rtl_dir + "/scprec_top.v", top);

  scprec::cosim::LocalExecutor executor(2);
  const auto report = scprec::cosim::simulate_design(tiny.network, tiny.map, tiny.design,
                                                     tiny.rtl_dir, tiny.data.x, {}, tiny.data.x,
                                                     config, executor, scprec::null_logger());
  CHECK(report.has_errors());
  const auto& top_report = report.duts.back();
  CHECK(top_report.completed == 3);  // the outputs are right; the handshake is not
  CHECK(top_report.mismatches == 0);
  REQUIRE_FALSE(top_report.problems.empty());
  CHECK_THAT(top_report.problems[0], Catch::Contains("the DUT broke the handshake"));
}
