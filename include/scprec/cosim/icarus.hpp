// The Icarus Verilog backend's testbench: the same trials, scoring and results file as the
// SystemC testbench of sim/, in Verilog, so that Icarus is a second, independent simulator
// behind SimulatorBackend ("icarus").
#pragma once

#include <string>

#include "scprec/cosim/dut.hpp"

namespace scprec::cosim {

/// The Verilog testbench (module scprec_icarus_tb) that runs `dut` as sim/scprec_tb.h does:
/// reset, then per trial the input codes, a one-cycle start pulse, each output group sampled on
/// every cycle its strobe is high, done; then one idle cycle in which done or a strobe is a
/// protocol error, as is busy low on a cycle of a trial before done. It reads +stimulus=FILE and +expected=FILE (trials.hpp's formats), compares
/// every element, and writes +results=FILE (scprec.sim-results/1; an element with unknown x/z
/// bits is null); with +trace=FILE it dumps the run (FST when vvp is given -fst). It finishes
/// with 0 pass, 1 mismatch, 2 unreadable or inconsistent input, 3 hung or a broken protocol.
std::string icarus_testbench(const DutSpec& dut);

}  // namespace scprec::cosim
