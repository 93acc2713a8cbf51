// A device under test for the SystemC testbench: one generated layer or the network top, its
// input port and the output groups the scoreboard compares.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "scprec/rtl/generator.hpp"

namespace scprec::cosim {

/// One output port, split into `count` elements of `bits` bits, sampled `samples` times a
/// trial: on every cycle its `strobe` port is high (a conv layer's counters, once per
/// position), or on `done`. A trial's values are the samples in order, `count` each.
struct OutputGroup {
  std::string port;
  std::size_t count = 0;
  int bits = 0;
  bool is_signed = false;
  std::string strobe = "done";
  std::size_t samples = 1;
  std::size_t values() const { return count * samples; }
};

/// An input port the testbench holds at one value through a job: an adjustable-length layer's
/// log2_length. The simulator's build knows the port; the job's stimulus file gives the value.
struct Setting {
  std::string port;
  int bits = 0;
  std::uint64_t value = 0;
};

struct DutSpec {
  std::string name;        ///< the layer's name, or "top"
  std::string module;      ///< the Verilog top module to build
  std::size_t inputs = 0;  ///< x_in: input codes of input_bits bits
  int input_bits = 0;
  std::uint64_t latency = 0;  ///< cycles from start to done, at the settings' lengths
  /// The latency at the longest lengths the DUT can be set to (fixed-length RTL: latency): what
  /// the simulator is built with (its hang limit, its optimisation), the same for every setting.
  std::uint64_t max_latency = 0;
  std::vector<OutputGroup> outputs;
  std::vector<Setting> settings;  ///< adjustable-length RTL: each layer's log2 L
};

/// Layer l alone: groups result (signed accumulators for the output layer, else codes), pos
/// and neg (a conv layer's at every position, on position_done); adjustable RTL sets
/// log2_length to log2 of the layer's length.
DutSpec layer_dut(const rtl::RtlDesign& design, std::size_t l);
/// The network top: every layer's pos and neg (a conv layer's at every position), then the
/// logits; adjustable RTL sets each <layer>_log2_length.
DutSpec top_dut(const rtl::RtlDesign& design);

/// The strobes of `dut`'s output groups other than done, each once, in group order: the
/// ports a testbench watches besides done.
std::vector<std::string> strobes(const DutSpec& dut);

/// The dut_binding.h the testbench (sim/scprec_tb.h) is compiled with: the same for every
/// value of the settings.
std::string binding_header(const DutSpec& dut);

}  // namespace scprec::cosim
