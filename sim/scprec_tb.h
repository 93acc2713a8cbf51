// The SystemC testbench around one Verilated DUT (a layer or the network top): a stimulus
// driver, a monitor that captures each output group when its strobe is high (done, or a conv
// layer's position_done) and ends a trial at done, and a scoreboard that compares the captures
// with the software model's integers. The DUT's ports come from dut_binding.h,
// which scprec generates for each DUT:
//   kInputs, kInputBits          the x_in port: kInputs codes of kInputBits bits
//   kLatency                     cycles from start to done (adjustable-length RTL: at the
//                                longest lengths); the hang limit is twice it
//   SCPREC_TB_SETTINGS(S)        S(port, bits) for every input held through the run (each
//                                adjustable layer's log2_length), values from the stimulus
//   SCPREC_TB_OUTPUTS(X)         X(port, count, bits, is_signed, strobe, samples) for every
//                                output group, sampled on each cycle its strobe is high
//                                (done, or a conv layer's position_done), samples times a trial
//   SCPREC_TB_STROBES(S)         S(port) for every strobe but done
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
  // done or strobe pulses with no trial outstanding: a protocol error
  std::size_t spurious_dones = 0;
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

/// Samples each output group on the clock edges at which its strobe is high, as a register
/// would, and ends the trial's capture on the edge at which done is high.
SC_MODULE(Monitor) {
  sc_in<bool> clk;
  sc_in<bool> done;
#define SCPREC_TB_MONITOR_STROBE(port) sc_in<bool> port;
  SCPREC_TB_STROBES(SCPREC_TB_MONITOR_STROBE)
#undef SCPREC_TB_MONITOR_STROBE
#define SCPREC_TB_MONITOR_PORT(port, count, bits, is_signed, strobe, samples) \
  sc_in<sc_bv<(count) * (bits)>> port;
  SCPREC_TB_OUTPUTS(SCPREC_TB_MONITOR_PORT)
#undef SCPREC_TB_MONITOR_PORT
  Bench* bench = nullptr;
  Capture current;  // the outstanding trial's samples so far

  void sample() {
    const bool finished = done.read();
    bool strobed = finished;
#define SCPREC_TB_STROBED(port) strobed = strobed || port.read();
    SCPREC_TB_STROBES(SCPREC_TB_STROBED)
#undef SCPREC_TB_STROBED
    if (!strobed) return;
    if (!bench->outstanding) {
      ++bench->spurious_dones;
      return;
    }
    std::size_t g = 0;
#define SCPREC_TB_CAPTURE(port, count, bits, is_signed, strobe, samples)                 \
  if (strobe.read()) {                                                                   \
    const Values values = unpack<(count) * (bits)>(port.read(), count, bits, is_signed); \
    current.outputs[g].insert(current.outputs[g].end(), values.begin(), values.end());   \
  }                                                                                      \
  ++g;
    SCPREC_TB_OUTPUTS(SCPREC_TB_CAPTURE)
#undef SCPREC_TB_CAPTURE
    if (!finished) return;
    bench->outstanding = false;
    // done rose at the edge before this one; the start edge is cycle 0.
    current.cycles =
        static_cast<std::uint64_t>((sc_time_stamp() - bench->trial_start) / bench->period);
    bench->captures.push_back(std::move(current));
    current = Capture();
    current.outputs.resize(g);
    bench->trial_done.notify(SC_ZERO_TIME);
  }

  SC_CTOR(Monitor) {
    SC_METHOD(sample);
    sensitive << clk.pos();
    dont_initialize();
    std::size_t groups = 0;
#define SCPREC_TB_COUNT(port, count, bits, is_signed, strobe, samples) ++groups;
    SCPREC_TB_OUTPUTS(SCPREC_TB_COUNT)
#undef SCPREC_TB_COUNT
    current.outputs.resize(groups);
  }
};

/// Compares captures with expectations, element by element; counts mismatches per trial.
class Scoreboard {
 public:
  /// Mismatching elements of one trial; values missing or sampled beyond the expected ones
  /// (a strobe that pulsed too few or too many times) count too.
  static std::size_t compare(const Trial& trial, const Capture& capture) {
    std::size_t mismatches = 0;
    for (std::size_t g = 0; g < trial.expected.size(); ++g) {
      const std::size_t captured = g < capture.outputs.size() ? capture.outputs[g].size() : 0;
      if (captured > trial.expected[g].size()) mismatches += captured - trial.expected[g].size();
      for (std::size_t e = 0; e < trial.expected[g].size(); ++e) {
        if (e >= captured || capture.outputs[g][e] != trial.expected[g][e]) ++mismatches;
      }
    }
    return mismatches;
  }
};

/// The names of the output groups, in SCPREC_TB_OUTPUTS order.
inline std::vector<std::string> output_names() {
  std::vector<std::string> names;
#define SCPREC_TB_NAME(port, count, bits, is_signed, strobe, samples) names.push_back(#port);
  SCPREC_TB_OUTPUTS(SCPREC_TB_NAME)
#undef SCPREC_TB_NAME
  return names;
}

}  // namespace scprec_tb
