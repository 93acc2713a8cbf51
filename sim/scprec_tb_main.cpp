// sc_main of the co-simulation testbench: reads the trials, elaborates the DUT with the
// driver and monitor, runs every trial in one simulation, scores the captures and writes the
// per-trial results and a summary as JSON.
//
// Usage: sim --stimulus FILE --expected FILE --results FILE [--trace FILE.vcd|FILE.fst]
// Files: stimulus "scprec-stimulus 1 TRIALS INPUTS" then one line of input codes per trial
// (or "scprec-stimulus 2 TRIALS INPUTS SETTINGS", then a line "PORT VALUE" for each of the
// DUT's SCPREC_TB_SETTINGS in order, held through the run, then the trials);
// expected "scprec-expected 1 TRIALS GROUPS" then one line per trial with every output group's
// values in SCPREC_TB_OUTPUTS order. --trace (in a model built with --trace, or --trace-fst
// and VM_TRACE_FST) dumps the whole run as VCD (or FST); scprec reruns single trials to trace them.
// Exit status: 0 every output matched, 1 a mismatch, 2 unreadable or inconsistent input
// files, 3 the DUT broke the handshake: done never came (hung), or came with no trial
// outstanding (protocol).
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <type_traits>

#include "scprec_tb.h"
#if VM_TRACE && VM_TRACE_FST
#include "verilated_fst_sc.h"
#elif VM_TRACE
#include "verilated_vcd_sc.h"
#endif

namespace scprec_tb {
namespace {

struct Options {
  std::string stimulus;
  std::string expected;
  std::string results;
  std::string trace;
};

[[noreturn]] void fail_input(const std::string& what) {
  std::cerr << "scprec testbench: " << what << "\n";
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int k = 1; k < argc; ++k) {
    const std::string arg = argv[k];
    if (k + 1 >= argc) fail_input("option " + arg + " needs a value");
    const std::string value = argv[++k];
    if (arg == "--stimulus")
      o.stimulus = value;
    else if (arg == "--expected")
      o.expected = value;
    else if (arg == "--results")
      o.results = value;
    else if (arg == "--trace")
      o.trace = value;
    else
      fail_input("unknown option " + arg);
  }
  if (o.stimulus.empty() || o.expected.empty() || o.results.empty()) {
    fail_input("usage: --stimulus FILE --expected FILE --results FILE");
  }
  return o;
}

std::vector<int> group_sizes() {
  std::vector<int> sizes;
#define SCPREC_TB_SIZE(port, count, bits, is_signed, strobe, samples) \
  sizes.push_back((count) * (samples));
  SCPREC_TB_OUTPUTS(SCPREC_TB_SIZE)
#undef SCPREC_TB_SIZE
  return sizes;
}

// The names and widths of the inputs held through the run, in SCPREC_TB_SETTINGS order.
struct SettingPort {
  const char* port;
  int bits;
};
std::vector<SettingPort> setting_ports() {
  std::vector<SettingPort> ports;
#define SCPREC_TB_SETTING_PORT(port, bits) ports.push_back({#port, bits});
  SCPREC_TB_SETTINGS(SCPREC_TB_SETTING_PORT)
#undef SCPREC_TB_SETTING_PORT
  return ports;
}

// A version 2 stimulus file's settings: every port of SCPREC_TB_SETTINGS, in order, with a
// value that fits it.
std::vector<std::uint64_t> read_settings(std::istream& stimulus, std::size_t count,
                                         const std::string& file) {
  const std::vector<SettingPort> ports = setting_ports();
  if (count != ports.size()) {
    fail_input(file + ": " + std::to_string(count) + " settings, but the DUT has " +
               std::to_string(ports.size()));
  }
  std::vector<std::uint64_t> values;
  for (const SettingPort& port : ports) {
    std::string name;
    std::uint64_t value = 0;
    stimulus >> name >> value;
    if (!stimulus || name != port.port || (port.bits < 64 && (value >> port.bits) != 0)) {
      fail_input(file + ": expected the setting " + port.port + " (a " + std::to_string(port.bits) +
                 "-bit value)");
    }
    values.push_back(value);
  }
  return values;
}

// A setting's signal: Verilator's SystemC port type for its width (--pins-bv 2: bool for one
// bit, sc_bv from two).
template <int W>
using SettingType = std::conditional_t<(W < 2), bool, sc_bv<W>>;
template <int W>
SettingType<W> setting_value(std::uint64_t value) {
  if constexpr (W < 2) {
    return value != 0;
  } else {
    return sc_bv<W>(static_cast<unsigned long>(value));
  }
}

std::vector<Trial> read_trials(const Options& o, std::vector<std::uint64_t>& settings) {
  std::ifstream stimulus(o.stimulus);
  std::ifstream expected(o.expected);
  if (!stimulus) fail_input("cannot open " + o.stimulus);
  if (!expected) fail_input("cannot open " + o.expected);
  std::string magic;
  int version = 0;
  std::size_t trials = 0, inputs = 0, groups = 0, expected_trials = 0;
  std::size_t setting_count = 0;
  stimulus >> magic >> version >> trials >> inputs;
  if (version == 2) stimulus >> setting_count;
  if (magic != "scprec-stimulus" || (version != 1 && version != 2) ||
      inputs != static_cast<std::size_t>(kInputs)) {
    fail_input(o.stimulus + ": not a stimulus file for " + std::to_string(kInputs) + " inputs");
  }
  settings = read_settings(stimulus, setting_count, o.stimulus);
  expected >> magic >> version >> expected_trials >> groups;
  const std::vector<int> sizes = group_sizes();
  if (magic != "scprec-expected" || version != 1 || expected_trials != trials ||
      groups != sizes.size()) {
    fail_input(o.expected + ": does not match the stimulus or the DUT's outputs");
  }
  std::vector<Trial> all(trials);
  for (std::size_t t = 0; t < trials; ++t) {
    all[t].inputs.resize(inputs);
    for (std::uint32_t& code : all[t].inputs) stimulus >> code;
    for (int size : sizes) {
      Values values(static_cast<std::size_t>(size));
      for (std::int64_t& v : values) expected >> v;
      all[t].expected.push_back(std::move(values));
    }
    if (!stimulus || !expected) fail_input("trial " + std::to_string(t) + ": file ends early");
  }
  return all;
}

}  // namespace
}  // namespace scprec_tb

int sc_main(int argc, char** argv) {
  using namespace scprec_tb;
  const Options options = parse_options(argc, argv);
  Bench bench;
  std::vector<std::uint64_t> settings;
  bench.trials = read_trials(options, settings);
  bench.cycle_limit = 2 * kLatency + 100;

#if VM_TRACE
  Verilated::traceEverOn(true);
#endif
  sc_clock clk("clk", bench.period, 0.5, SC_ZERO_TIME, true);
  sc_signal<bool> rst_n("rst_n"), start("start"), busy("busy"), done("done");
  sc_signal<sc_bv<kInputs * kInputBits>> x_in("x_in");
#define SCPREC_TB_SIGNAL(port, count, bits, is_signed, strobe, samples) \
  sc_signal<sc_bv<(count) * (bits)>> port(#port);
  SCPREC_TB_OUTPUTS(SCPREC_TB_SIGNAL)
#undef SCPREC_TB_SIGNAL
#define SCPREC_TB_STROBE_SIGNAL(port) sc_signal<bool> port(#port);
  SCPREC_TB_STROBES(SCPREC_TB_STROBE_SIGNAL)
#undef SCPREC_TB_STROBE_SIGNAL
  // The settings: signals that hold the stimulus file's values from time 0.
  [[maybe_unused]] std::size_t setting = 0;
#define SCPREC_TB_SETTING_SIGNAL(port, bits) \
  sc_signal<SettingType<bits>> port(#port);  \
  port.write(setting_value<bits>(settings.at(setting++)));
  SCPREC_TB_SETTINGS(SCPREC_TB_SETTING_SIGNAL)
#undef SCPREC_TB_SETTING_SIGNAL

  Vdut dut("dut");
  dut.clk(clk);
  dut.rst_n(rst_n);
  dut.start(start);
  dut.x_in(x_in);
#define SCPREC_TB_BIND_SETTING(port, bits) dut.port(port);
  SCPREC_TB_SETTINGS(SCPREC_TB_BIND_SETTING)
#undef SCPREC_TB_BIND_SETTING
  dut.busy(busy);
  dut.done(done);
  Driver driver("driver");
  driver.clk(clk);
  driver.rst_n(rst_n);
  driver.start(start);
  driver.x_in(x_in);
  driver.bench = &bench;
  Monitor monitor("monitor");
  monitor.clk(clk);
  monitor.done(done);
  monitor.bench = &bench;
#define SCPREC_TB_BIND(port, count, bits, is_signed, strobe, samples) \
  dut.port(port);                                                     \
  monitor.port(port);
  SCPREC_TB_OUTPUTS(SCPREC_TB_BIND)
#undef SCPREC_TB_BIND
#define SCPREC_TB_BIND_STROBE(port) \
  dut.port(port);                   \
  monitor.port(port);
  SCPREC_TB_STROBES(SCPREC_TB_BIND_STROBE)
#undef SCPREC_TB_BIND_STROBE

  // Time 0 first: the model's initial blocks ($readmemh of the ROM images, a second for a wide
  // layer) run there, timed apart from the clocked simulation; a trace attaches after it.
  const auto init_start = std::chrono::steady_clock::now();
  sc_start(SC_ZERO_TIME);
  const double init_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - init_start).count();
#if VM_TRACE
#if VM_TRACE_FST
  VerilatedFstSc* trace = nullptr;
#else
  VerilatedVcdSc* trace = nullptr;
#endif
  if (!options.trace.empty()) {
#if VM_TRACE_FST
    trace = new VerilatedFstSc;
#else
    trace = new VerilatedVcdSc;
#endif
    dut.trace(trace, 99);
    trace->open(options.trace.c_str());
  }
#else
  if (!options.trace.empty()) fail_input("this simulator was built without tracing");
#endif
  const auto sim_start = std::chrono::steady_clock::now();
  sc_start();
  const double sim_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - sim_start).count();
#if VM_TRACE
  if (trace != nullptr) {
    trace->close();
    delete trace;
  }
#endif

  nlohmann::json trials = nlohmann::json::array();
  const std::vector<std::string> names = output_names();
  std::size_t mismatches = 0, mismatching_trials = 0;
  long first_mismatch = -1;
  for (std::size_t t = 0; t < bench.captures.size(); ++t) {
    const Capture& capture = bench.captures[t];
    const std::size_t wrong = Scoreboard::compare(bench.trials[t], capture);
    mismatches += wrong;
    if (wrong != 0 && mismatching_trials++ == 0) first_mismatch = static_cast<long>(t);
    nlohmann::json outputs;
    for (std::size_t g = 0; g < names.size(); ++g) outputs[names[g]] = capture.outputs[g];
    trials.push_back(
        {{"index", t}, {"mismatches", wrong}, {"cycles", capture.cycles}, {"outputs", outputs}});
  }
  const bool hung = bench.captures.size() != bench.trials.size();  // the driver gave up
  const bool protocol = bench.spurious_dones != 0;
  const std::string status = hung       ? "hung"
                             : protocol ? "protocol"
                             : mismatches != 0 ? "mismatch"
                                               : "pass";
  const nlohmann::json results = {
      {"schema", "scprec.sim-results/1"},
      {"dut", kModule},
      {"summary",
       {{"trials", bench.trials.size()},
        {"completed", bench.captures.size()},
        {"mismatches", mismatches},
        {"mismatching_trials", mismatching_trials},
        {"first_mismatch",
         first_mismatch < 0 ? nlohmann::json(nullptr) : nlohmann::json(first_mismatch)},
        {"status", status},
        {"spurious_dones", bench.spurious_dones},
        {"cycles", static_cast<double>(sc_time_stamp() / bench.period)},
        {"initialisation_seconds", init_seconds},
        {"simulation_seconds", sim_seconds}}},
      {"trials", trials}};
  std::ofstream out(options.results);
  out << results.dump(1) << "\n";
  out.close();
  if (!out) {
    std::cerr << "scprec testbench: cannot write " << options.results << "\n";
    return 2;
  }
  std::cout << "scprec testbench: " << kModule << ": " << bench.captures.size() << "/"
            << bench.trials.size() << " trials, " << mismatches << " mismatching outputs, "
            << status << "\n";
  return hung || protocol ? 3 : mismatches != 0 ? 1 : 0;
}
