// A second, independent simulator: the same DUT and stimuli through Icarus Verilog.
#pragma once

#include <string>
#include <vector>

#include "scprec/cosim/dut.hpp"
#include "scprec/cosim/trials.hpp"

namespace scprec::cosim {

/// The Verilog testbench that drives `dut` with `trials` stimulus words from stimulus.hex and
/// writes each trial's outputs to outputs.txt: a line "G WORD" per sample of output group G
/// (at done, or on each cycle its strobe is high), then a line "end".
std::string icarus_testbench(const DutSpec& dut, std::size_t trials);

/// Runs trials [first, last) of `trials` on `dut` in Icarus: writes the testbench, stimulus
/// and ROM images into `work_dir`, compiles with iverilog -g2012 and runs vvp. Returns what the
/// DUT produced per trial, in group order. Throws Error (kEnvironment) with the tool's errors
/// if Icarus is missing, fails, or the DUT hangs.
std::vector<GroupValues> run_icarus(const DutSpec& dut, const std::string& rtl_dir,
                                    const std::vector<std::string>& sources, const TrialSet& trials,
                                    std::size_t first, std::size_t last,
                                    const std::string& work_dir);

}  // namespace scprec::cosim
