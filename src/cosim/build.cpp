// The build driver. Steps, in a fresh directory under the cache:
//  1. verilator --sc --pins-bv 2 --prefix Vdut: SystemC C++ of the DUT, class Vdut, every
//     multi-bit port an sc_bv (so one testbench serves every DUT through dut_binding.h);
//  2. make -f Vdut.mk Vdut__ALL.a: the model's archive, at -O1, or -O3 for a DUT of many cycles
//     per run (model_optimisation_for);
//  3. the Verilated runtime objects (verilated.o, ...): taken from the runtime cache, or made
//     once with the same makefile and stored there;
//  4. the testbench (sim/, embedded in scprec) compiled against Vdut.h and linked with SystemC.
// The staging directory is renamed to sim-<key> with a manifest of the binary's SHA-256, and the
// runtime objects are kept the same way in runtime-<key>; cache.cpp verifies both before use,
// rebuilds what fails, and serialises builds of one entry with a lock (see cache.hpp). ccache,
// when installed, serves every compile.
#include "scprec/cosim/build.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scprec/core/error.hpp"
#include "scprec/core/text.hpp"
#include "scprec/core/version.hpp"
#include "scprec/cosim/cache.hpp"
#include "scprec/cosim/process.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/sha256.hpp"
#include "testbench_sources.hpp"

namespace scprec::cosim {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCxxStandard = "-std=c++17";
// How every model is verilated, and the testbench's optimisation: part of the build recipe, so
// part of the cache key (add_toolchain).
const std::vector<std::string> kVerilatorOptions = {"--sc",       "--pins-bv", "2",
                                                    "--prefix",   "Vdut",      "--x-assign",
                                                    "fast",       "--x-initial", "fast"};
constexpr const char* kTestbenchOptimisation = "-O1";
// How each tool's version is asked for: the same commands for the cache key and the reports.
const std::vector<std::string> kVerilatorVersion = {"verilator", "--version"};
const std::vector<std::string> kCompilerVersion = {"g++", "--version"};
const std::vector<std::string> kSystemcVersion = {"pkg-config", "--modversion", "systemc"};

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

std::string trimmed(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

std::string tool_output(const std::vector<std::string>& argv, const std::string& remedy) {
  if (!program_available(argv[0])) {
    throw Error(ErrorKind::kEnvironment, argv[0], "", argv[0] + " is not installed", remedy);
  }
  const ProcessResult result = run_process(argv, {});
  if (!result.succeeded()) {
    throw Error(ErrorKind::kEnvironment, argv[0], "",
                fmt::format("'{}' failed: {}", fmt::join(argv, " "), trimmed(result.output)),
                remedy);
  }
  return result.output;
}

// Runs one build step, appending its output to the build log; throws with the log's errors.
// CCACHE_BASEDIR makes ccache hash paths inside the cache relative, so that identical sources
// compiled in different build directories hit.
void run_step(const std::vector<std::string>& argv, const std::string& directory,
              const std::string& log_path, const std::string& what, const std::string& cache) {
  const ProcessResult result =
      run_process(argv, {directory, 3600.0, "", {"CCACHE_BASEDIR=" + cache}});
  std::ofstream log(log_path, std::ios::app);
  log << "$ " << fmt::format("{}", fmt::join(argv, " ")) << "\n" << result.output << "\n";
  if (!result.succeeded()) {
    throw Error(ErrorKind::kEnvironment, log_path, "",
                fmt::format("{} failed:\n{}", what, error_excerpt(result.output)),
                "See the build log; if the Verilog is at fault, this is a bug in scprec");
  }
}

// The runtime's objects named in Vdut_classes.mk (VM_GLOBAL_FAST and VM_GLOBAL_SLOW).
std::vector<std::string> runtime_objects(const std::string& classes_mk) {
  std::vector<std::string> objects;
  std::stringstream lines(io::read_file(classes_mk));
  std::string line;
  bool in_list = false;
  while (std::getline(lines, line)) {
    if (line.rfind("VM_GLOBAL_FAST +=", 0) == 0 || line.rfind("VM_GLOBAL_SLOW +=", 0) == 0) {
      in_list = true;
      continue;
    }
    if (!in_list) continue;
    const std::vector<std::string> words = core::split_words(line);
    if (words.empty()) {
      in_list = false;
      continue;
    }
    if (words[0] != "\\") objects.push_back(words[0] + ".o");
  }
  return objects;
}

[[noreturn]] void fail_cache(const std::string& path, const std::error_code& ec,
                             const std::string& what) {
  throw Error(ErrorKind::kEnvironment, path, "", fmt::format("{} it ({})", what, ec.message()),
              "Check that the cache directory is writable and has space, or pass --cache "
              "another directory");
}

std::vector<std::string> compiler(const Toolchain& tools) {
  return tools.ccache ? std::vector<std::string>{"ccache", "g++"} : std::vector<std::string>{"g++"};
}

std::string make_variables(const Toolchain& tools, const BuildConfig& config) {
  return fmt::format("CXXFLAGS={} OPT_FAST={} OPT_SLOW=-O0 OPT_GLOBAL=-O1{}", kCxxStandard,
                     config.model_optimisation, tools.ccache ? " OBJCACHE=ccache" : "");
}

// Everything about the tools and flags that changes what a compile produces.
void add_toolchain(io::Sha256& hash, const Toolchain& tools, const BuildConfig& config) {
  hash.add_text(kVersion);
  for (const std::string& option : kVerilatorOptions) hash.add_text(option);
  hash.add_text(kTestbenchOptimisation);
  hash.add_text(tools.verilator_version);
  hash.add_text(tools.compiler_version);
  hash.add_text(tools.systemc_version);
  hash.add_text(make_variables(tools, config));
  hash.add_text(config.trace == TraceFormat::kVcd   ? "trace"
                : config.trace == TraceFormat::kFst ? "trace fst"
                                                    : "no trace");
}

// Makes sure the runtime objects for this toolchain and flags are in the cache; returns their
// entry, held until the caller has linked against it. Built with the model's own makefile so
// that defines and flags match it exactly.
HeldEntry ensure_runtime(const Toolchain& tools, const BuildConfig& config,
                         const std::string& cache, const std::string& obj_dir,
                         const std::string& log, Logger& logger, std::string& runtime) {
  io::Sha256 hash;
  hash.add_text("scprec-verilated-runtime/1");
  add_toolchain(hash, tools, config);
  runtime = cache + "/runtime-" + hash.hex().substr(0, 16);
  const std::vector<std::string> objects = runtime_objects(obj_dir + "/Vdut_classes.mk");
  EntryRecipe recipe{"the Verilated runtime", objects, [&](const std::string& staging) {
                       std::vector<std::string> argv = {"make", "-j", std::to_string(config.jobs),
                                                        "-f", "Vdut.mk"};
                       for (const std::string& word :
                            core::split_words(make_variables(tools, config)))
                         argv.push_back(word);
                       argv.insert(argv.end(), objects.begin(), objects.end());
                       run_step(argv, obj_dir, log, "compiling the Verilated runtime", cache);
                       for (const std::string& object : objects) {
                         std::error_code ec;
                         fs::copy_file(obj_dir + "/" + object, staging + "/" + object, ec);
                         if (ec) fail_cache(staging + "/" + object, ec, "cannot store");
                       }
                       return objects;
                     }};
  return obtain_entry(runtime, recipe, logger);
}

// Step 1: Verilator's C++ of the DUT in work/obj.
void verilate(const DutSpec& dut, const std::string& rtl_dir,
              const std::vector<std::string>& sources, const BuildConfig& config,
              const std::string& cache, const std::string& work, Logger& logger) {
  logger.info(fmt::format("build: {} ({}): verilating", dut.module, dut.name));
  std::vector<std::string> argv = {"verilator"};
  argv.insert(argv.end(), kVerilatorOptions.begin(), kVerilatorOptions.end());
  for (const std::string& option :
       {std::string("--top-module"), dut.module, std::string("--Mdir"), work + "/obj"}) {
    argv.push_back(option);
  }
  if (config.trace == TraceFormat::kVcd) argv.push_back("--trace");
  if (config.trace == TraceFormat::kFst) argv.push_back("--trace-fst");
  for (const std::string& source : sources) {
    std::error_code ec;
    const fs::path path = fs::absolute(rtl_dir + "/" + source, ec);
    if (ec) fail_cache(rtl_dir + "/" + source, ec, "cannot resolve");
    argv.push_back(path.string());
  }
  run_step(argv, work, work + "/build.log", "Verilator", cache);
}

// Steps 2 to 4 in the staging folder `work`: the model's archive, the runtime, the testbench,
// the link. Leaves work/sim, the log and the testbench sources.
void compile_simulator(const Toolchain& tools, const DutSpec& dut, const std::string& rtl_dir,
                       const std::vector<std::string>& sources, const BuildConfig& config,
                       const std::string& cache, const std::string& work, Logger& logger) {
  const std::string log = work + "/build.log";
  verilate(dut, rtl_dir, sources, config, cache, work, logger);
  logger.info(fmt::format("build: {} ({}): compiling the model ({})", dut.module, dut.name,
                          config.model_optimisation));
  std::vector<std::string> make = {"make", "-j", std::to_string(config.jobs), "-f", "Vdut.mk"};
  for (const std::string& word : core::split_words(make_variables(tools, config)))
    make.push_back(word);
  make.push_back("Vdut__ALL.a");
  run_step(make, work + "/obj", log, "compiling the Verilated model", cache);
  std::string runtime;
  const HeldEntry runtime_entry =
      ensure_runtime(tools, config, cache, work + "/obj", log, logger, runtime);

  logger.info(fmt::format("build: {} ({}): compiling the testbench", dut.module, dut.name));
  io::write_file_atomically(work + "/tb/dut_binding.h", binding_header(dut));
  for (const EmbeddedFile& file : testbench_sources()) {
    io::write_file_atomically(work + "/tb/" + file.name, file.content);
  }
  std::vector<std::string> compile = compiler(tools);
  for (const std::string& flag :
       {std::string(kCxxStandard), std::string(kTestbenchOptimisation), "-I" + work + "/tb",
        "-I" + work + "/obj", "-I" + tools.verilator_root + "/include",
        "-I" + tools.verilator_root + "/include/vltstd", std::string("-DVM_SC=1"),
        std::string(config.trace != TraceFormat::kNone ? "-DVM_TRACE=1" : "-DVM_TRACE=0"),
        std::string(config.trace == TraceFormat::kFst ? "-DVM_TRACE_FST=1" : "-DVM_TRACE_FST=0"),
        std::string("-c"), work + "/tb/scprec_tb_main.cpp", std::string("-o"),
        work + "/tb/scprec_tb_main.o"}) {
    compile.push_back(flag);
  }
  compile.insert(compile.end() - 4, tools.systemc_cflags.begin(), tools.systemc_cflags.end());
  run_step(compile, work, log, "compiling the testbench", cache);
  std::vector<std::string> link = {"g++", "-o", work + "/sim", work + "/tb/scprec_tb_main.o",
                                   work + "/obj/Vdut__ALL.a"};
  for (const std::string& object : runtime_objects(work + "/obj/Vdut_classes.mk")) {
    link.push_back(runtime + "/" + object);
  }
  link.insert(link.end(), tools.systemc_libs.begin(), tools.systemc_libs.end());
  for (const char* flag : {"-pthread", "-latomic"}) link.push_back(flag);
  if (config.trace == TraceFormat::kFst) link.push_back("-lz");  // FST's compression
  run_step(link, work, log, "linking the simulator", cache);
  std::error_code ec;
  fs::remove_all(work + "/obj", ec);  // the archive is in the binary now; keep log and sources
}

}  // namespace

Toolchain detect_toolchain() {
  const std::string install =
      "Run scripts/install-deps (or apt-get install verilator "
      "libsystemc-dev build-essential pkg-config)";
  Toolchain tools;
  tools.verilator_version = tool_version(kVerilatorVersion, install);
  tools.verilator_root = trimmed(tool_output({"verilator", "--getenv", "VERILATOR_ROOT"}, install));
  tools.compiler_version = tool_version(kCompilerVersion, install);
  tool_output({"make", "--version"}, install);
  tools.systemc_version = trimmed(tool_output(kSystemcVersion, install));
  tools.systemc_cflags =
      core::split_words(tool_output({"pkg-config", "--cflags", "systemc"}, install));
  tools.systemc_libs = core::split_words(tool_output({"pkg-config", "--libs", "systemc"}, install));
  tools.ccache = program_available("ccache");
  return tools;
}

std::string tool_version(const std::vector<std::string>& argv, const std::string& remedy) {
  return trimmed(first_line(tool_output(argv, remedy)));
}

ToolVersions probe_tool_versions() {
  const auto version = [](const std::vector<std::string>& argv) -> std::string {
    try {
      const std::string line = tool_version(argv, "");
      return line.empty() ? "unavailable" : line;
    } catch (const std::exception&) {
      return "unavailable";
    }
  };
  return {version(kVerilatorVersion), version(kSystemcVersion), version(kCompilerVersion),
          version({"iverilog", "-V"})};
}

std::string default_cache_dir() {
  if (const char* cache = std::getenv("SCPREC_CACHE"); cache != nullptr && *cache != '\0') {
    return cache;
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::string(xdg) + "/scprec";
  }
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : "/tmp") + "/.cache/scprec";
}

std::string model_optimisation_for(const DutSpec& dut, const BuildConfig& config) {
  if (!config.model_optimisation.empty()) return config.model_optimisation;
  return dut.max_latency >= kLargeDutCycles ? "-O3" : "-O1";
}

std::string build_key(const Toolchain& tools, const DutSpec& dut, const std::string& rtl_dir,
                      const std::vector<std::string>& sources, const BuildConfig& config) {
  BuildConfig resolved = config;
  resolved.model_optimisation = model_optimisation_for(dut, config);
  io::Sha256 hash;
  hash.add_text("scprec-simulator-build/1");
  add_toolchain(hash, tools, resolved);
  hash.add_text(binding_header(dut));
  for (const EmbeddedFile& file : testbench_sources()) {
    hash.add_text(file.name);
    hash.add_text(file.content);
  }
  add_sources(hash, rtl_dir, sources);
  return hash.hex();
}

std::string open_cache(const BuildConfig& config, Logger& logger) {
  // Absolute: the build steps run in folders of their own, where a relative path means another.
  const std::string cache =
      fs::absolute(config.cache_dir.empty() ? default_cache_dir() : config.cache_dir).string();
  ensure_cache_dir(cache);
  sweep_temporaries(cache, logger);
  return cache;
}

void add_sources(io::Sha256& hash, const std::string& rtl_dir,
                 const std::vector<std::string>& sources) {
  for (const std::string& source : sources) {
    hash.add_text(source);
    hash.add_text(io::read_file(rtl_dir + "/" + source));
  }
}

Simulator cached_simulator(const std::string& cache, const std::string& key,
                           const std::string& what,
                           const std::function<void(const std::string& staging)>& compile,
                           Logger& logger) {
  Simulator simulator;
  simulator.key = key;
  const std::string entry_dir = cache + "/sim-" + key.substr(0, 24);
  simulator.binary = entry_dir + "/sim";
  const auto start = std::chrono::steady_clock::now();
  const EntryRecipe recipe{what, {"sim"}, [&](const std::string& staging) {
                             compile(staging);
                             return std::vector<std::string>{"sim"};
                           }};
  const HeldEntry entry = obtain_entry(entry_dir, recipe, logger);
  simulator.cached = !entry.built;
  simulator.hold = entry.lock;
  simulator.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return simulator;
}

Simulator build_simulator(const DutSpec& dut, const std::string& rtl_dir,
                          const std::vector<std::string>& sources, const BuildConfig& requested,
                          Logger& logger) {
  BuildConfig config = requested;
  config.model_optimisation = model_optimisation_for(dut, requested);
  const std::string cache = open_cache(config, logger);
  const Toolchain tools = detect_toolchain();
  const Simulator simulator = cached_simulator(
      cache, build_key(tools, dut, rtl_dir, sources, config),
      fmt::format("the simulator of {} ({})", dut.module, dut.name),
      [&](const std::string& work) {
        std::error_code ec;
        fs::create_directories(work + "/tb", ec);
        if (ec) fail_cache(work + "/tb", ec, "cannot create");
        compile_simulator(tools, dut, rtl_dir, sources, config, cache, work, logger);
      },
      logger);
  if (simulator.cached) {
    logger.info(fmt::format("build: {} ({}) cached", dut.module, dut.name));
  } else {
    logger.info(
        fmt::format("build: {} ({}) built in {:.0f} s", dut.module, dut.name, simulator.seconds));
  }
  return simulator;
}

}  // namespace scprec::cosim
