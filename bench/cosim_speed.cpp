// Co-simulation benchmarks on a bundled example, each comparison measured side by side in
// one run (medians of 3), on every layer alone and on the network top:
//  1. the SystemC testbench against a bare Verilated C++ loop on the same layer model;
//  2. Verilator (with the SystemC testbench) against Icarus on the same generated layers;
//  3. cold (empty build cache and ccache) against warm builds of the example's simulators.
// The map: every layer at L (default 256), the generator's default inputs per cycle.
// Usage: bench_cosim_speed [EXAMPLE_DIR [L [IMAGES [ICARUS_MAX_CYCLES]]]]; defaults
// examples/fashion_mlp, 256, 32, no limit. Icarus runs one image three times; for a DUT of more
// than 20000 cycles per image, once; for one of more than ICARUS_MAX_CYCLES, not at all (the
// CNN's layers take minutes per image in Icarus).

#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bench_util.hpp"
#include "cosim_bench_util.hpp"
#include "scprec/cosim/backend.hpp"
#include "scprec/cosim/build.hpp"
#include "scprec/cosim/reference.hpp"
#include "scprec/cosim/simulate.hpp"
#include "scprec/cosim/trials.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/model_io.hpp"

namespace {

namespace fs = std::filesystem;
using scprec::bench::median;
using scprec::bench::must;
using scprec::bench::peak_child_megabytes;
using scprec::bench::write_job;

scprec::model::PrecisionMap uniform_map(const scprec::bench::Example& example, std::size_t length) {
  return scprec::model::manual_map(
      example.quantized, scprec::io::network_hash(example.network),
      std::vector<std::size_t>(example.quantized.layers.size(), length));
}

// Builds every DUT's simulator, one after another with two compile jobs each; returns each
// build's wall time.
std::vector<double> build_each(const std::vector<scprec::cosim::DutSpec>& duts,
                               const std::string& rtl_dir, const scprec::rtl::RtlDesign& design,
                               const std::string& cache) {
  scprec::cosim::BuildConfig config;
  config.cache_dir = cache;
  config.jobs = 2;
  std::vector<double> seconds;
  for (const auto& dut : duts) {
    const auto start = scprec::bench::Clock::now();
    scprec::cosim::build_simulator(dut, rtl_dir, design.sources, config, scprec::null_logger());
    seconds.push_back(scprec::bench::seconds_since(start));
  }
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const auto example = scprec::bench::load_example(scprec::bench::example_dir(argc, argv));
  const std::string work = fs::absolute("bench-cosim-work").string();
  fs::remove_all(work);
  const std::size_t length = argc > 2 ? std::stoul(argv[2]) : 256;
  const std::size_t trials = argc > 3 ? std::stoul(argv[3]) : 32;
  const std::uint64_t icarus_max_cycles = argc > 4 ? std::stoull(argv[4]) : UINT64_MAX;
  const auto map = uniform_map(example, length);
  const auto design = scprec::rtl::generate_rtl(example.quantized, map, {});
  const std::string rtl_dir = work + "/rtl";
  scprec::cosim::write_design(design, rtl_dir);
  std::vector<scprec::cosim::DutSpec> duts;
  for (std::size_t l = 0; l < design.layers.size(); ++l)
    duts.push_back(scprec::cosim::layer_dut(design, l));
  duts.push_back(scprec::cosim::top_dut(design));

  // 3. Builds: cold with a private, empty ccache; then warm.
  setenv("CCACHE_DIR", (work + "/ccache").c_str(), 1);
  const std::vector<double> cold = build_each(duts, rtl_dir, design, work + "/cache");
  const double peak = peak_child_megabytes();
  std::vector<double> warm;
  for (int run = 0; run < 3; ++run) {
    double total = 0;
    for (double s : build_each(duts, rtl_dir, design, work + "/cache")) total += s;
    warm.push_back(total);
  }
  std::printf(
      "## Builds of the example's simulators (L = %zu), one at a time, 2 compile jobs\n\n"
      "| DUT | cold (empty caches) |\n|---|---|\n",
      length);
  double cold_total = 0;
  for (std::size_t k = 0; k < duts.size(); ++k) {
    std::printf("| %s (%s) | %.1f s |\n", duts[k].name.c_str(), duts[k].module.c_str(), cold[k]);
    cold_total += cold[k];
  }
  std::printf(
      "| all %zu | %.1f s |\n\nPeak memory of any tool process: %.0f MB. Warm rebuild "
      "of all %zu (cached): %.3f s (median of 3).\n\n",
      duts.size(), cold_total, peak, duts.size(), median(warm));

  // Trials from the test split.
  const auto software = scprec::cosim::software_run(example.network, example.quantized, map,
                                                    example.test.x.topRows(trials));
  std::printf(
      "## Simulation speed (cycles per second), %zu test images\n\n"
      "| DUT | cycles per image | Verilator, SystemC testbench | Verilator, bare C++ loop"
      " | testbench overhead | Icarus | Verilator / Icarus |\n|---|---|---|---|---|---|---|\n",
      trials);
  scprec::cosim::BuildConfig config;
  config.cache_dir = work + "/cache";
  const auto icarus_backend = scprec::cosim::make_simulator_backend("icarus");
  for (std::size_t l = 0; l < duts.size(); ++l) {  // every layer alone, then the top
    const auto& dut = duts[l];
    const auto& set = l < design.layers.size() ? software.layers[l] : software.top;
    const std::string job = work + "/job_" + dut.name;
    write_job(job, rtl_dir, set, trials);
    const auto simulator =
        scprec::cosim::build_simulator(dut, rtl_dir, design.sources, config, scprec::null_logger());
    // The bare loop: the same Verilated model, --cc, the same model optimisation.
    std::vector<std::string> verilate = {
        "verilator",
        "--cc",
        "--build",
        "-j",
        "2",
        "--prefix",
        "Vdut",
        "--x-assign",
        "fast",
        "--x-initial",
        "fast",
        "--top-module",
        dut.module,
        "--Mdir",
        job + "/loop",
        "-o",
        job + "/loop_sim",
        "--exe",
        std::string(SCPREC_SOURCE_DIR) + "/bench/verilated_loop.cpp",
        "-CFLAGS",
        "-std=c++17 -DINPUT_BITS=" + std::to_string(dut.input_bits),
        "-MAKEFLAGS",
        "OPT_FAST=-O1"};
    for (const auto& source : design.sources) verilate.push_back(rtl_dir + "/" + source);
    must(verilate, job);

    const double cycles = static_cast<double>(trials * dut.latency);
    std::vector<double> systemc, bare, icarus;
    const int icarus_runs = dut.latency > icarus_max_cycles ? 0 : dut.latency > 20000 ? 1 : 3;
    // Icarus: the backend's simulator (compiled once, outside the timing) on one image.
    const std::string icarus_job = job + "/icarus";
    if (icarus_runs > 0) {
      write_job(icarus_job, rtl_dir, set, 1);
      fs::copy_file(
          icarus_backend->build(dut, rtl_dir, design.sources, config, scprec::null_logger()).binary,
          icarus_job + "/sim", fs::copy_options::overwrite_existing);
    }
    for (int run = 0; run < 3; ++run) {
      must({simulator.binary, "--stimulus", "stimulus.txt", "--expected", "expected.txt",
            "--results", "results.json"},
           job);
      // The testbench's own time for its simulation loop (sc_start), as the bare loop's is.
      const auto results = nlohmann::json::parse(scprec::io::read_file(job + "/results.json"));
      systemc.push_back(cycles / results["summary"]["simulation_seconds"].get<double>());
      std::istringstream loop(must({job + "/loop_sim", "stimulus.txt"}, job).output);
      double loop_cycles = 0;
      double loop_seconds = 0;
      loop >> loop_cycles >> loop_seconds;
      bare.push_back(loop_cycles / loop_seconds);
      if (run >= icarus_runs) continue;
      const auto start = scprec::bench::Clock::now();
      must({"sh", "-c", icarus_backend->command("results.json", "")}, icarus_job);
      icarus.push_back(static_cast<double>(dut.latency) / scprec::bench::seconds_since(start));
    }
    const std::string versus_icarus =
        icarus.empty()
            ? "not run | -"
            : fmt::format("{:.3g} | {:.0f}x", median(icarus), median(systemc) / median(icarus));
    std::printf("| %s | %llu | %.3g | %.3g | %.2fx | %s |\n", dut.name.c_str(),
                static_cast<unsigned long long>(dut.latency), median(systemc), median(bare),
                median(bare) / median(systemc), versus_icarus.c_str());
    std::fflush(stdout);
  }
  std::printf(
      "\nVerilator rates time the simulation loops alone (sc_start for the SystemC testbench); "
      "Icarus rates are whole runs of 1 image (vvp, the compile excluded).\n");
  return 0;
}
