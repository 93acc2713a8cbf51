// The Verilator backend: the DUT verilated to SystemC and compiled with the testbench of sim/
// (build_simulator), a native program run as ./sim.
#include <fmt/format.h>

#include "scprec/cosim/backend.hpp"

namespace scprec::cosim {
namespace {

class VerilatorBackend final : public SimulatorBackend {
 public:
  std::string name() const override { return "verilator"; }

  Simulator build(const DutSpec& dut, const std::string& rtl_dir,
                  const std::vector<std::string>& sources, const BuildConfig& config,
                  Logger& logger) const override {
    return build_simulator(dut, rtl_dir, sources, config, logger);
  }

  std::string command(const std::string& results, const std::string& trace) const override {
    return fmt::format("./sim --stimulus stimulus.txt --expected expected.txt --results {}{}",
                       results, trace.empty() ? "" : " --trace " + trace);
  }
};

}  // namespace

std::unique_ptr<SimulatorBackend> make_verilator_backend() {
  return std::make_unique<VerilatorBackend>();
}

}  // namespace scprec::cosim
