// The SystemC testbench around one Verilated DUT (a layer or the network top): a stimulus
// driver, a monitor that captures the outputs when the DUT signals done, and a scoreboard that
// compares them with the software model's integers. The DUT's ports come from dut_binding.h,
// which scprec generates for each DUT:
//   kInputs, kInputBits          the x_in port: kInputs codes of kInputBits bits
//   kLatency                     cycles from start to done
//   SCPREC_TB_OUTPUTS(X)         X(port, count, bits, is_signed) for every output group
// One elaboration runs every trial (SystemC cannot restart).
#pragma once

#include <systemc.h>

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "dut_binding.h"

namespace scprec_tb {

using Values = std::vector<std::int64_t>;

/// One trial's inputs and the software model's outputs, group by group.
struct Trial {
  std::vector<std::uint32_t> inputs;
  std::vector<Values> expected;
};

/// What the monitor captured for one trial.
struct Capture {
  std::vector<Values> outputs;
  std::uint64_t cycles = 0;  // start to done
};

/// Splits a packed port value into `count` elements of `bits` bits (sign-extended if asked).
template <int W>
Values unpack(const sc_bv<W>& word, int count, int bits, bool is_signed) {
  Values values(static_cast<std::size_t>(count));
  for (int e = 0; e < count; ++e) {
    std::uint64_t v = 0;
    for (int b = 0; b < bits; ++b) {
      if (word[e * bits + b] == SC_LOGIC_1) v |= std::uint64_t{1} << b;
    }
    if (is_signed && bits < 64 && ((v >> (bits - 1)) & 1U)) v |= ~std::uint64_t{0} << bits;
    values[static_cast<std::size_t>(e)] = static_cast<std::int64_t>(v);
  }
  return values;
}

/// Packs input codes into the x_in port value.
template <int W>
sc_bv<W> pack(const std::vector<std::uint32_t>& codes, int bits) {
  sc_bv<W> word(0);
  for (std::size_t i = 0; i < codes.size(); ++i) {
    for (int b = 0; b < bits; ++b) {
      word[static_cast<int>(i) * bits + b] = ((codes[i] >> b) & 1U) ? SC_LOGIC_1 : SC_LOGIC_0;
    }
  }
  return word;
}

/// What the driver and the monitor share.
struct Bench {
  std::vector<Trial> trials;
  std::deque<Capture> captures;
  bool outstanding = false;        // a trial has started and its done has not come yet
  std::size_t spurious_dones = 0;  // done pulses with no trial outstanding: a protocol error
  sc_event trial_done;
  sc_time trial_start;
  sc_time period = sc_time(10, SC_NS);
  std::uint64_t cycle_limit = 0;
};

/// Drives reset, then each trial: the inputs, a one-cycle start pulse, then waits for the
/// monitor to report the trial done (or gives up after the cycle limit: a hung DUT).
SC_MODULE(Driver) {
  sc_in<bool> clk;
  sc_out<bool> rst_n;
  sc_out<bool> start;
  sc_out<sc_bv<kInputs * kInputBits>> x_in;
  Bench* bench = nullptr;

  void run() {
    rst_n.write(false);
    start.write(false);
    for (int k = 0; k < 3; ++k) wait(clk.posedge_event());
    rst_n.write(true);
    wait(clk.posedge_event());
    for (const Trial& trial : bench->trials) {
      x_in.write(pack<kInputs * kInputBits>(trial.inputs, kInputBits));
      start.write(true);
      bench->outstanding = true;
      wait(clk.posedge_event());
      bench->trial_start = sc_time_stamp();
      start.write(false);
      wait(bench->period * static_cast<double>(bench->cycle_limit), bench->trial_done);
      // No capture for this trial within the limit: the DUT hung. Stop; sc_main reports the
      // trials left without a capture.
      if (bench->captures.size() < static_cast<std::size_t>(&trial - &bench->trials[0]) + 1) break;
      wait(clk.posedge_event());
    }
    sc_stop();
  }

  SC_CTOR(Driver) {
    SC_THREAD(run);
  }
};

/// Samples the DUT's outputs on the clock edge at which done is high, as a register would.
SC_MODULE(Monitor) {
  sc_in<bool> clk;
  sc_in<bool> done;
#define SCPREC_TB_MONITOR_PORT(port, count, bits, is_signed) sc_in<sc_bv<(count) * (bits)>> port;
  SCPREC_TB_OUTPUTS(SCPREC_TB_MONITOR_PORT)
#undef SCPREC_TB_MONITOR_PORT
  Bench* bench = nullptr;

  void sample() {
    if (!done.read()) return;
    if (!bench->outstanding) {
      ++bench->spurious_dones;
      return;
    }
    bench->outstanding = false;
    Capture capture;
    // done rose at the edge before this one; the start edge is cycle 0.
    capture.cycles =
        static_cast<std::uint64_t>((sc_time_stamp() - bench->trial_start) / bench->period);
#define SCPREC_TB_CAPTURE(port, count, bits, is_signed) \
  capture.outputs.push_back(unpack<(count) * (bits)>(port.read(), count, bits, is_signed));
    SCPREC_TB_OUTPUTS(SCPREC_TB_CAPTURE)
#undef SCPREC_TB_CAPTURE
    bench->captures.push_back(std::move(capture));
    bench->trial_done.notify(SC_ZERO_TIME);
  }

  SC_CTOR(Monitor) {
    SC_METHOD(sample);
    sensitive << clk.pos();
    dont_initialize();
  }
};

/// Compares captures with expectations, element by element; counts mismatches per trial.
class Scoreboard {
 public:
  /// Mismatching elements of one trial.
  static std::size_t compare(const Trial& trial, const Capture& capture) {
    std::size_t mismatches = 0;
    for (std::size_t g = 0; g < trial.expected.size(); ++g) {
      for (std::size_t e = 0; e < trial.expected[g].size(); ++e) {
        if (g >= capture.outputs.size() || e >= capture.outputs[g].size() ||
            capture.outputs[g][e] != trial.expected[g][e]) {
          ++mismatches;
        }
      }
    }
    return mismatches;
  }
};

/// The names of the output groups, in SCPREC_TB_OUTPUTS order.
inline std::vector<std::string> output_names() {
  std::vector<std::string> names;
#define SCPREC_TB_NAME(port, count, bits, is_signed) names.push_back(#port);
  SCPREC_TB_OUTPUTS(SCPREC_TB_NAME)
#undef SCPREC_TB_NAME
  return names;
}

}  // namespace scprec_tb
