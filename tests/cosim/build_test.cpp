// Tests of the simulator build and its cache (label `sim`, except where no tool runs): a corrupt
// cached simulator is rebuilt and then simulates correctly, two concurrent builds of one DUT
// compile it once, and a cache that is a file or cannot be written is an environment error; the
// tools' versions are probed without failing when a tool is missing; the model's optimisation
// follows the DUT's size and is part of the cache key.
#include "scprec/cosim/build.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "../fixture_path.hpp"
#include "../recording_logger.hpp"
#include "scprec/core/error.hpp"
#include "scprec/cosim/process.hpp"
#include "scprec/cosim/simulate.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/model_io.hpp"
#include "tiny_design.hpp"

namespace fs = std::filesystem;

namespace {

using scprec::test::RecordingLogger;

// The tiny network at short lengths, its Verilog written to work/rtl.
// The tiny design of these tests: 16/16 on 16-bit LFSR lanes, base seed 7.
scprec::test::TinyDesign tiny_design(const std::string& work) {
  return scprec::test::written_tiny_design({16, 16}, 16, 7, work + "/rtl");
}

std::string fresh_dir(const std::string& name) {
  const std::string directory = std::string(SCPREC_TEST_WORK_DIR) + "/build/" + name;
  fs::remove_all(directory);
  fs::create_directories(directory);
  return directory;
}

scprec::cosim::SimulateConfig top_only(const std::string& work, const std::string& cache) {
  scprec::cosim::SimulateConfig config;
  config.trials = 4;
  config.work_dir = work;
  config.build.cache_dir = cache;
  config.layers = false;
  config.timeout_seconds = 120;
  return config;
}

}  // namespace

TEST_CASE("cosim: a corrupt cached simulator is rebuilt, then simulates bit-exactly",
          "[.sim][cosim]") {
  const std::string root = fresh_dir("heal");
  const std::string cache = root + "/cache";
  const auto tiny = tiny_design(root);
  scprec::cosim::LocalExecutor executor(2);
  const auto first = scprec::cosim::simulate_design(
      tiny.network, tiny.map, tiny.design, tiny.rtl_dir, tiny.data.x, {}, tiny.data.x,
      top_only(root + "/run1", cache), executor, scprec::null_logger());
  REQUIRE(first.bit_exact());
  std::string entry;
  for (const auto& item : fs::directory_iterator(cache)) {
    const std::string name = item.path().filename().string();
    if (name.rfind("sim-", 0) == 0 && name.find('.') == std::string::npos) entry = item.path();
  }
  REQUIRE(!entry.empty());
  {  // overwrite 4 KiB in the middle of the binary, as a failing disk or a stray write would
    std::fstream binary(entry + "/sim", std::ios::in | std::ios::out | std::ios::binary);
    binary.seekp(static_cast<std::streamoff>(fs::file_size(entry + "/sim") / 2));
    binary << std::string(4096, '\xff');
  }
  // An abandoned build (its process is gone) beside it.
  const pid_t gone = ::fork();
  if (gone == 0) ::_exit(0);
  ::waitpid(gone, nullptr, 0);
  const std::string abandoned = cache + "/sim-0123.tmp." + std::to_string(gone) + ".0";
  scprec::io::write_file_atomically(abandoned + "/obj/Vdut__ALL.a", std::string(4096, 'x'));

  RecordingLogger logger;
  const auto second = scprec::cosim::simulate_design(
      tiny.network, tiny.map, tiny.design, tiny.rtl_dir, tiny.data.x, {}, tiny.data.x,
      top_only(root + "/run2", cache), executor, logger);
  INFO(logger.text());
  CHECK(second.bit_exact());
  CHECK_FALSE(second.has_errors());
  CHECK_THAT(logger.text(), Catch::Contains("warning: cache entry " + entry) &&
                                Catch::Contains("does not match its checksum"));
  CHECK_FALSE(fs::exists(abandoned));
}

TEST_CASE("cosim: two concurrent builds of one simulator compile it once", "[.sim][cosim]") {
  const std::string root = fresh_dir("concurrent");
  const auto tiny = tiny_design(root);
  const scprec::cosim::DutSpec dut = scprec::cosim::layer_dut(tiny.design, 0);
  scprec::cosim::BuildConfig config;
  config.cache_dir = root + "/cache";
  config.jobs = 1;
  RecordingLogger logger;
  std::vector<scprec::cosim::Simulator> simulators(2);
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < 2; ++k) {
    threads.emplace_back([&, k] {
      simulators[k] =
          scprec::cosim::build_simulator(dut, tiny.rtl_dir, tiny.design.sources, config, logger);
    });
  }
  for (std::thread& thread : threads) thread.join();
  INFO(logger.text());
  CHECK(simulators[0].cached != simulators[1].cached);  // one built, one was served
  CHECK(simulators[0].binary == simulators[1].binary);
  CHECK_THAT(logger.text(), Catch::Contains("waiting for another build of"));
  CHECK(fs::exists(simulators[0].binary));
}

TEST_CASE("cosim: tool versions come from the tools, or say unavailable for a missing one",
          "[cosim]") {
  if (scprec::cosim::program_available("verilator")) {
    CHECK_THAT(scprec::cosim::probe_tool_versions().verilator, Catch::StartsWith("Verilator "));
  }
  // With nothing on PATH no tool can be found; the probe says so instead of throwing.
  const std::string path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  ::setenv("PATH", "/nonexistent", 1);
  const scprec::cosim::ToolVersions missing = scprec::cosim::probe_tool_versions();
  ::setenv("PATH", path.c_str(), 1);
  CHECK(missing.verilator == "unavailable");
  CHECK(missing.systemc == "unavailable");
  CHECK(missing.compiler == "unavailable");
}

TEST_CASE("cosim: a DUT of many cycles per run is compiled at -O3, others at -O1, unless set",
          "[cosim]") {
  // An adjustable DUT's choice is by its longest run, so that the same build serves every
  // length; its latency at the lengths a job sets does not count.
  scprec::cosim::DutSpec dut;
  scprec::cosim::BuildConfig config;
  dut.max_latency = scprec::cosim::kLargeDutCycles - 1;
  CHECK(scprec::cosim::model_optimisation_for(dut, config) == "-O1");
  dut.max_latency = scprec::cosim::kLargeDutCycles;
  CHECK(scprec::cosim::model_optimisation_for(dut, config) == "-O3");
  dut.latency = 10;  // an adjustable DUT set short: still its longest run's choice
  CHECK(scprec::cosim::model_optimisation_for(dut, config) == "-O3");
  config.model_optimisation = "-O2";  // a choice of the caller's wins
  CHECK(scprec::cosim::model_optimisation_for(dut, config) == "-O2");

  // The choice is part of the build's cache key: an -O1 build is never served for -O3.
  const std::string root = fresh_dir("optimisation_key");
  scprec::io::write_file_atomically(root + "/a.v", "module a; endmodule\n");
  scprec::cosim::Toolchain tools;
  scprec::cosim::BuildConfig automatic;
  scprec::cosim::BuildConfig o1;
  o1.model_optimisation = "-O1";
  CHECK(scprec::cosim::build_key(tools, dut, root, {"a.v"}, automatic) !=
        scprec::cosim::build_key(tools, dut, root, {"a.v"}, o1));
  dut.max_latency = 10;
  CHECK(scprec::cosim::build_key(tools, dut, root, {"a.v"}, automatic) ==
        scprec::cosim::build_key(tools, dut, root, {"a.v"}, o1));
}

TEST_CASE("cosim: a cache that is a file is an environment error before any tool runs", "[cosim]") {
  const std::string root = fresh_dir("cache_file");
  scprec::cosim::BuildConfig config;
  config.cache_dir = root + "/cache";
  scprec::io::write_file_atomically(config.cache_dir, "not a directory");
  try {
    scprec::cosim::build_simulator({}, root, {}, config, scprec::null_logger());
    FAIL("no error");
  } catch (const scprec::Error& e) {
    CHECK(e.kind() == scprec::ErrorKind::kEnvironment);
    CHECK(e.where() == config.cache_dir);
    CHECK_THAT(e.problem(), Catch::Contains("not a directory"));
  }
}

TEST_CASE("cosim: a read-only cache that needs a build is an environment error naming it",
          "[.sim][cosim]") {
  const std::string root = fresh_dir("read_only");
  const auto tiny = tiny_design(root);
  scprec::cosim::BuildConfig config;
  // Permissions do not stop root; /sys is a directory even root cannot create folders in.
  config.cache_dir = ::geteuid() == 0 ? std::string("/sys") : root + "/cache";
  if (::geteuid() != 0) {
    fs::create_directories(config.cache_dir);
    fs::permissions(config.cache_dir, fs::perms::owner_read | fs::perms::owner_exec);
  }
  try {
    scprec::cosim::build_simulator(scprec::cosim::layer_dut(tiny.design, 0), tiny.rtl_dir,
                                   tiny.design.sources, config, scprec::null_logger());
    FAIL("no error");
  } catch (const scprec::Error& e) {
    CHECK(e.kind() == scprec::ErrorKind::kEnvironment);
    CHECK(e.where() == config.cache_dir);
    CHECK_THAT(e.problem(), Catch::Contains("cannot create a build folder in the cache"));
    CHECK_THAT(e.remedy(), Catch::Contains("writable"));
  }
  if (::geteuid() != 0) fs::permissions(config.cache_dir, fs::perms::owner_all);
}
