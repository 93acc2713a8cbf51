// Simulator backends: what turns a DUT into a program a job runs. Every backend's simulator
// reads a job folder's stimulus.txt and expected.txt and writes results.json (trials.hpp), and
// exits 0 pass, 1 mismatch, 3 hung or a broken handshake; so building jobs, executors, scoring
// and reports do not know which simulator ran. A backend is one file defining its factory
// (listed in src/cosim/CMakeLists.txt), plus its name in SCPREC_SIMULATOR_BACKENDS
// (src/cosim/backends.cpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "scprec/core/logger.hpp"
#include "scprec/cosim/build.hpp"
#include "scprec/cosim/dut.hpp"

namespace scprec::cosim {

class SimulatorBackend {
 public:
  virtual ~SimulatorBackend() = default;
  /// The name the command line takes: "verilator", "icarus".
  virtual std::string name() const = 0;
  /// Builds (or finds in the build cache) the simulator of `dut` from the Verilog `sources` in
  /// `rtl_dir`: one file, which each job gets a copy of, named `sim`. Throws Error
  /// (kEnvironment) naming the tool and its log if the tool is missing or fails.
  virtual Simulator build(const DutSpec& dut, const std::string& rtl_dir,
                          const std::vector<std::string>& sources, const BuildConfig& config,
                          Logger& logger) const = 0;
  /// The shell command a job runs in its folder: `sim` on stimulus.txt and expected.txt,
  /// writing `results`, and its waves to `trace` unless that is "" (a .vcd or .fst name; the
  /// simulator must be built with BuildConfig::trace in that format when the backend needs it).
  virtual std::string command(const std::string& results, const std::string& trace) const = 0;
};

/// The backend called `name`. Throws Error (kBadInput, field "simulator") naming the backends
/// there are if there is none of that name.
std::unique_ptr<SimulatorBackend> make_simulator_backend(const std::string& name);

/// The names of every backend, in registration order (the first is the default).
std::vector<std::string> simulator_backend_names();

}  // namespace scprec::cosim
