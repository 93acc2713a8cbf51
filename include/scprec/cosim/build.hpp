// The co-simulation build driver: Verilator's SystemC output of a DUT, compiled with the
// testbench of sim/ into one simulator binary, cached by the hash of everything that goes in.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "scprec/core/logger.hpp"
#include "scprec/cosim/cache.hpp"
#include "scprec/cosim/dut.hpp"
#include "scprec/io/sha256.hpp"

namespace scprec::cosim {

/// The tools a build uses, found on this machine.
struct Toolchain {
  std::string verilator_root;     ///< VERILATOR_ROOT: its include/ has the runtime
  std::string verilator_version;  ///< `verilator --version`
  std::string compiler_version;   ///< `g++ --version`, first line
  std::string systemc_version;    ///< `pkg-config --modversion systemc`
  std::vector<std::string> systemc_cflags;
  std::vector<std::string> systemc_libs;
  bool ccache = false;  ///< ccache is on PATH and used for every compile
};

/// Finds Verilator, g++, make and SystemC. Throws Error (kEnvironment) naming what is missing.
Toolchain detect_toolchain();

/// The versions of the tools a simulator build uses, as detect_toolchain reads them (and the
/// build cache keys on), for the reports.
struct ToolVersions {
  std::string verilator;  ///< `verilator --version`, first line
  std::string systemc;    ///< `pkg-config --modversion systemc`: the installed SystemC
  std::string compiler;   ///< `g++ --version`, first line: the compiler of the simulators
  std::string icarus;     ///< `iverilog -V`, first line: the Icarus backend's compiler
};

/// The first line `argv` (a tool's version command) prints, trimmed. Throws Error
/// (kEnvironment) naming the tool, with `remedy`, if it is missing or fails.
std::string tool_version(const std::vector<std::string>& argv, const std::string& remedy);

/// Asks each tool for its version (four short processes). A tool that is missing or fails
/// gives "unavailable" in its field; never throws, so that a report can say so.
ToolVersions probe_tool_versions();

/// The waveform format a simulator is built to write (the testbench's --trace FILE).
enum class TraceFormat { kNone, kVcd, kFst };

struct BuildConfig {
  std::string cache_dir;                   ///< where builds are kept ("" : default_cache_dir())
  TraceFormat trace = TraceFormat::kNone;  ///< built with VCD or FST tracing, or none
  unsigned jobs = 2;                       ///< parallel compiles within one build
  /// For the Verilated model's C++; "" chooses by the DUT's size (model_optimisation_for).
  std::string model_optimisation;
};

/// A DUT with at least this many cycles from start to done has its model compiled at -O3.
constexpr std::uint64_t kLargeDutCycles = 100000;

/// The Verilated model's C++ optimisation for `dut`: config.model_optimisation when set, else
/// -O3 for a DUT of at least kLargeDutCycles cycles per run (at its longest lengths,
/// DutSpec::max_latency) and -O1 below. -O3 built a wide
/// network's top about 50% longer and simulated it about 1.3 times faster, which pays for the
/// hundreds of long runs a verify makes of it; a small DUT's builds are what the user waits for
/// (docs/BENCHMARKS.md, "Simulation scaling with layer width").
std::string model_optimisation_for(const DutSpec& dut, const BuildConfig& config);

/// $SCPREC_CACHE, else $XDG_CACHE_HOME/scprec, else ~/.cache/scprec.
std::string default_cache_dir();

struct Simulator {
  std::string binary;   ///< the simulator: sim --stimulus ... (see sim/scprec_tb_main.cpp)
  std::string key;      ///< the cache key, a SHA-256
  bool cached = false;  ///< true if this call compiled nothing (found, or built by another)
  double seconds = 0.0;
  /// A shared lock on the cache entry, held while any copy of this Simulator lives, so that
  /// `scprec cache clean` leaves the binary alone and a repair waits for its users.
  std::shared_ptr<CacheLock> hold;
};

/// The cache key of a build: SHA-256 of the toolchain's versions, the flags, the testbench
/// sources, the DUT's binding and every Verilog source's name and text. ROM images are read at
/// run time and are not part of it, so new weights at the same shapes and lengths rebuild
/// nothing.
std::string build_key(const Toolchain& tools, const DutSpec& dut, const std::string& rtl_dir,
                      const std::vector<std::string>& sources, const BuildConfig& config);

/// The build cache of `config` (its cache_dir, else default_cache_dir()) as an absolute path,
/// made if missing, with abandoned temporaries swept. Throws Error (kEnvironment) naming the path
/// when it is not a writable directory.
std::string open_cache(const BuildConfig& config, Logger& logger);

/// Adds each of `sources` (in `rtl_dir`) to `hash`, its name and its text: what a simulator's
/// cache key holds of the design.
void add_sources(io::Sha256& hash, const std::string& rtl_dir,
                 const std::vector<std::string>& sources);

/// The simulator of cache entry `sim-<key>` in `cache`: found and verified, or made by
/// `compile`, which must write the file `sim` into the staging folder it is given (obtain_entry
/// describes the locking, verification and repair; `what` names the entry in its messages).
/// Sets every field of the Simulator; the caller logs. Throws what `compile` throws.
Simulator cached_simulator(const std::string& cache, const std::string& key,
                           const std::string& what,
                           const std::function<void(const std::string& staging)>& compile,
                           Logger& logger);

/// Builds (or finds in the cache) the simulator of `dut` from the Verilog `sources` in
/// `rtl_dir`. The Verilated runtime is compiled once per toolchain and flags, and reused.
/// Builds go to a temporary directory renamed into place, so a killed build leaves nothing
/// half-made; abandoned temporaries are swept first. A cached entry is verified against its
/// checksums before use and rebuilt, with a warning naming it, if corrupt. Two threads or
/// processes wanting the same entry do not both build it: one waits (and logs that it does) and
/// uses the other's result. Throws Error (kEnvironment) quoting the failing tool's error lines
/// and naming its log, or naming the cache path when the cache is not a writable directory.
Simulator build_simulator(const DutSpec& dut, const std::string& rtl_dir,
                          const std::vector<std::string>& sources, const BuildConfig& config,
                          Logger& logger);

}  // namespace scprec::cosim
