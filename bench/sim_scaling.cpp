// How co-simulation scales with layer width: one random 784-H-10 network (He-normal weights,
// seed 2026 + H, quantized on the example's first 200 calibration images), every layer at
// L = 128 with LFSR lanes and the generator's default inputs per cycle. Builds the simulators
// of fc1 and of the top from empty caches (a private ccache too), then runs the first `trials`
// test images through each and prints one Markdown table row per DUT:
//   | H | DUT | build (s) | peak build memory (MB) | cycles per image | cycles/s | s per image |
//   initialisation (s) |
// Cycles per second time the testbench's clocked simulation alone, as bench_cosim_speed does;
// the model's initialisation at time 0 ($readmemh of the ROM images) is its own column. One H per
// run, so that the peak memory is this H's: the driver bench/sim_scaling.sh runs it for every H,
// before and after a change, side by side.
//
// Usage: bench_sim_scaling H [TRIALS] [EXAMPLE_DIR] [MODEL_OPT] (the model's C++ optimisation,
// BuildConfig::model_optimisation, -O1 by default); the work folder, bench-sim-scaling-H in the
// current directory, is left for inspection (the RTL, the jobs, the build cache).

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "bench_util.hpp"
#include "cosim_bench_util.hpp"
#include "scprec/cosim/build.hpp"
#include "scprec/cosim/reference.hpp"
#include "scprec/cosim/simulate.hpp"
#include "scprec/cosim/trials.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/model_io.hpp"

namespace {

namespace fs = std::filesystem;

scprec::model::Layer random_layer(const std::string& name, std::size_t inputs, std::size_t outputs,
                                  bool relu, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  const double scale = std::sqrt(2.0 / static_cast<double>(inputs));  // He-normal
  scprec::model::Layer layer;
  layer.name = name;
  layer.weight = Eigen::MatrixXd::NullaryExpr(static_cast<Eigen::Index>(outputs),
                                              static_cast<Eigen::Index>(inputs),
                                              [&] { return scale * normal(rng); });
  layer.bias = Eigen::VectorXd::NullaryExpr(static_cast<Eigen::Index>(outputs),
                                            [&] { return 0.01 * normal(rng); });
  layer.activation = relu ? scprec::model::Activation::kRelu : scprec::model::Activation::kIdentity;
  return layer;
}

scprec::model::Network random_mlp(std::size_t hidden) {
  std::mt19937_64 rng(2026 + hidden);
  std::vector<scprec::model::Layer> layers;
  layers.push_back(random_layer("fc1", 784, hidden, true, rng));
  layers.push_back(random_layer("fc2", hidden, 10, false, rng));
  return scprec::model::Network(std::move(layers));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_sim_scaling H [TRIALS] [EXAMPLE_DIR] [MODEL_OPT]\n");
    return 2;
  }
  const std::size_t hidden = std::stoul(argv[1]);
  const std::size_t trials = argc > 2 ? std::stoul(argv[2]) : 8;
  const std::string example = argc > 3 ? argv[3] : "examples/fashion_mlp";
  const std::string work = fs::absolute("bench-sim-scaling-" + std::to_string(hidden)).string();
  fs::remove_all(work);

  const auto network = random_mlp(hidden);
  const auto calibration =
      scprec::io::read_dataset(example + "/data.npz", scprec::io::Split::kCalibration);
  const auto test = scprec::io::read_dataset(example + "/data.npz", scprec::io::Split::kTest);
  const auto quantized = scprec::model::quantize(network, calibration.x.topRows(200), {});
  const auto map =
      scprec::model::manual_map(quantized, scprec::io::network_hash(network), {128, 128});
  const auto design = scprec::rtl::generate_rtl(quantized, map, {});
  const std::string rtl_dir = work + "/rtl";
  scprec::cosim::write_design(design, rtl_dir);
  const auto software = scprec::cosim::software_run(
      network, quantized, map, test.x.topRows(static_cast<Eigen::Index>(trials)));

  setenv("CCACHE_DIR", (work + "/ccache").c_str(), 1);
  scprec::cosim::BuildConfig config;
  config.cache_dir = work + "/cache";
  config.jobs = 2;
  // -O1 unless asked: the default would choose -O3 for the widest tops
  // (cosim::model_optimisation_for), and a scaling table compares one setting across H.
  config.model_optimisation = argc > 4 ? argv[4] : "-O1";
  const std::vector<std::pair<scprec::cosim::DutSpec, const scprec::cosim::TrialSet*>> duts = {
      {scprec::cosim::layer_dut(design, 0), &software.layers[0]},
      {scprec::cosim::top_dut(design), &software.top}};
  for (const auto& [dut, set] : duts) {
    const auto start = scprec::bench::Clock::now();
    const auto simulator =
        scprec::cosim::build_simulator(dut, rtl_dir, design.sources, config, scprec::null_logger());
    const double build_seconds = scprec::bench::seconds_since(start);
    const double build_peak = scprec::bench::peak_child_megabytes();
    const std::string job = work + "/job_" + dut.name;
    scprec::bench::write_job(job, rtl_dir, *set, trials);
    scprec::bench::must({simulator.binary, "--stimulus", "stimulus.txt", "--expected",
                         "expected.txt", "--results", "results.json"},
                        job);
    const auto results = nlohmann::json::parse(scprec::io::read_file(job + "/results.json"));
    if (results["summary"]["status"] != "pass") {
      std::fprintf(stderr, "%s: not bit-exact (%s)\n", dut.name.c_str(),
                   results["summary"]["status"].get<std::string>().c_str());
      return 1;
    }
    const double seconds = results["summary"]["simulation_seconds"].get<double>();
    const double init_seconds = results["summary"]["initialisation_seconds"].get<double>();
    const double cycles = static_cast<double>(trials * dut.latency);
    std::printf("| %zu | %s | %.0f | %.0f | %llu | %.3g | %.3g | %.2f |\n", hidden,
                dut.name.c_str(), build_seconds, build_peak,
                static_cast<unsigned long long>(dut.latency), cycles / seconds,
                seconds / static_cast<double>(trials), init_seconds);
    std::fflush(stdout);
  }
  return 0;
}
