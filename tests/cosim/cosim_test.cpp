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
#include "../model/random_conv.hpp"
#include "../signoff_twice.hpp"
#include "../test_seed.hpp"
#include "scprec/cosim/reference.hpp"
#include "scprec/cosim/simulate.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/model_io.hpp"
#include "tiny_design.hpp"

using scprec::core::Encoding;
using scprec::core::GeneratorKind;

namespace {

namespace fs = std::filesystem;

struct Case {
  scprec::model::Network network;
  Eigen::MatrixXd data;
  scprec::model::PrecisionMap map;
  std::size_t inputs_per_cycle = 0;
};

scprec::model::Network random_network(std::mt19937_64& rng) {
  const std::size_t layers = 2 + rng() % 2;
  std::size_t inputs = 3 + rng() % 28;
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<scprec::model::Layer> dense;
  for (std::size_t l = 0; l < layers; ++l) {
    const std::size_t outputs = l + 1 == layers ? 2 + rng() % 5 : 2 + rng() % 9;
    scprec::model::Layer layer;
    layer.name = "layer" + std::to_string(l);
    layer.weight = Eigen::MatrixXd::NullaryExpr(static_cast<Eigen::Index>(outputs),
                                                static_cast<Eigen::Index>(inputs),
                                                [&] { return normal(rng) / std::sqrt(inputs); });
    layer.bias = Eigen::VectorXd::NullaryExpr(static_cast<Eigen::Index>(outputs),
                                              [&] { return 0.1 * normal(rng); });
    layer.activation =
        l + 1 == layers ? scprec::model::Activation::kIdentity : scprec::model::Activation::kRelu;
    dense.push_back(std::move(layer));
    inputs = outputs;
  }
  return scprec::model::Network(std::move(dense));
}

// A random CNN: one or two conv layers (ReLU; the first on 1 to 3 input channels) with any
// kernel, stride, padding and pooling random_conv gives, then a dense output layer.
scprec::model::Network random_conv_network(std::mt19937_64& rng) {
  const scprec::model::MapShape input{1 + rng() % 3, 3 + rng() % 7, 3 + rng() % 7};
  std::vector<scprec::model::Layer> layers;
  layers.push_back(scprec::test::random_conv(rng, input, "conv1"));
  if (rng() % 2 == 0) {
    layers.push_back(scprec::test::random_conv(rng, layers.back().pooled_shape(), "conv2"));
  }
  for (scprec::model::Layer& layer : layers) layer.activation = scprec::model::Activation::kRelu;
  std::normal_distribution<double> normal(0.0, 1.0);
  const auto inputs = static_cast<Eigen::Index>(layers.back().pooled_shape().size());
  scprec::model::Layer fc;
  fc.name = "fc";
  fc.weight = Eigen::MatrixXd::NullaryExpr(static_cast<Eigen::Index>(2 + rng() % 3), inputs,
                                           [&] { return normal(rng) / std::sqrt(inputs); });
  fc.bias = Eigen::VectorXd::NullaryExpr(fc.weight.rows(), [&] { return 0.1 * normal(rng); });
  fc.activation = scprec::model::Activation::kIdentity;
  layers.push_back(std::move(fc));
  return scprec::model::Network(std::move(layers));
}

// A map for `network`, which is random or a random CNN, with random lengths, precision and
// lane generators, and a random number of inputs per cycle.
Case random_case(scprec::model::Network network, Encoding encoding, GeneratorKind generator,
                 std::mt19937_64& rng) {
  Case c{std::move(network), {}, {}, 0};
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  c.data = Eigen::MatrixXd::NullaryExpr(16, static_cast<Eigen::Index>(c.network.input_size()),
                                        [&] { return unit(rng) < 0.3 ? 0.0 : unit(rng); });
  const scprec::model::QuantConfig quant{5 + static_cast<int>(rng() % 4), encoding};
  const auto quantized = scprec::model::quantize(c.network, c.data, quant);
  std::vector<std::size_t> lengths;
  for (std::size_t l = 0; l < quantized.layers.size(); ++l) {
    lengths.push_back(std::size_t{1} << (2 + rng() % 6));  // 4 .. 128
  }
  const int width = generator == GeneratorKind::kSobol ? 16 : 12 + static_cast<int>(rng() % 21);
  c.map = scprec::model::manual_map(quantized, scprec::io::network_hash(c.network), lengths,
                                    generator, width, rng());
  // Mixed maps (random networks have 2 or 3 layers), one layer chosen at random: the bipolar
  // Sobol case puts it on LFSR lanes, the sign-magnitude Sobol case and the bipolar LFSR case
  // on shared-LFSR lanes. The sign-magnitude LFSR case stays all LFSR.
  const bool bipolar = encoding == Encoding::kBipolar;
  if (generator == GeneratorKind::kSobol || bipolar) {
    c.map.layers[rng() % c.map.layers.size()].generator =
        generator == GeneratorKind::kSobol && bipolar ? GeneratorKind::kLfsr
                                                      : GeneratorKind::kSharedLfsr;
  }
  std::size_t fan_in = c.network.input_size();  // the inputs of the layer that reads the most
  for (const scprec::model::Layer& layer : c.network.layers())
    fan_in = std::max(fan_in, layer.inputs());
  c.inputs_per_cycle = 1 + rng() % fan_in;
  return c;
}

scprec::cosim::SimulateConfig sim_config(const std::string& name, std::size_t trials) {
  scprec::cosim::SimulateConfig config;
  config.trials = trials;
  config.work_dir = std::string(SCPREC_TEST_WORK_DIR) + "/" + name;
  config.build.cache_dir = SCPREC_TEST_CACHE_DIR;
  config.timeout_seconds = 300;
  return config;
}

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
