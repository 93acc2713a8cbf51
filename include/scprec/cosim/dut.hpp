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

struct DutSpec {
  std::string name;        ///< the layer's name, or "top"
  std::string module;      ///< the Verilog top module to build
  std::size_t inputs = 0;  ///< x_in: input codes of input_bits bits
  int input_bits = 0;
  std::uint64_t latency = 0;  ///< cycles from start to done
  std::vector<OutputGroup> outputs;
};

/// Layer l alone: groups result (signed accumulators for the output layer, else codes), pos
/// and neg (a conv layer's at every position, on position_done).
DutSpec layer_dut(const rtl::RtlDesign& design, std::size_t l);
/// The network top: every layer's pos and neg (a conv layer's at every position), then the
/// logits.
DutSpec top_dut(const rtl::RtlDesign& design);

/// The strobes of `dut`'s output groups other than done, each once, in group order: the
/// ports a testbench watches besides done.
std::vector<std::string> strobes(const DutSpec& dut);

/// The dut_binding.h the testbench (sim/scprec_tb.h) is compiled with.
std::string binding_header(const DutSpec& dut);

}  // namespace scprec::cosim
