// The Icarus Verilog backend. Its simulator is the DUT compiled by iverilog with a generated
// Verilog testbench (icarus_testbench) into one vvp file, cached like the Verilator builds
// (cache.hpp), which a job runs with `vvp`. The testbench reproduces sim/scprec_tb.h's protocol
// and timing: it samples one time unit after each rising edge, clear of the edge, so that what
// it reads is what the SystemC monitor reads at the next edge, and counts cycles the same way;
// the host checks both against the design's latency.
#include "scprec/cosim/icarus.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "scprec/core/error.hpp"
#include "scprec/core/text.hpp"
#include "scprec/cosim/backend.hpp"
#include "scprec/cosim/process.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/sha256.hpp"

namespace scprec::cosim {

std::string icarus_testbench(const DutSpec& dut) {
  std::string declarations;
  std::string ports;
  std::string clear;   // per trial: no samples yet
  std::string sample;  // each cycle of a trial: the groups whose strobe is high
  std::string score;   // at done: compare with the expected line, write the trial's outputs
  std::string strobe_seen = "done";  // what, outside a trial, is a protocol error
  std::string read_settings;         // the stimulus file's settings, each checked and held
  for (std::size_t k = 0; k < dut.settings.size(); ++k) {
    const Setting& setting = dut.settings[k];
    declarations += fmt::format("  reg [{}:0] setting_{};\n", setting.bits - 1, k);
    ports += fmt::format(",\n      .{}(setting_{})", setting.port, k);
    read_settings += fmt::format(
        "    if ($fscanf(stimulus, \"%s %d\", setting_name, value) != 2 ||\n"
        "        setting_name != \"{0}\" || value < 0 || value >= 64'd1 << {1})\n"
        "      bad_input(\"expected the setting {0} (a {1}-bit value)\");\n"
        "    setting_{2} = value[{1} - 1:0];\n",
        setting.port, setting.bits, k);
  }
  for (const std::string& strobe : strobes(dut)) {
    declarations += fmt::format("  wire strobe_{};\n", strobe);
    ports += fmt::format(",\n      .{0}(strobe_{0})", strobe);
    strobe_seen += " || strobe_" + strobe;
  }
  for (std::size_t g = 0; g < dut.outputs.size(); ++g) {
    const OutputGroup& group = dut.outputs[g];
    // Element e of the port, sign-extended to the 64 bits of got_G if the group is signed.
    const std::string element = fmt::format(
        group.is_signed ? "$signed(out_{0}[e * {1} +: {1}])" : "out_{0}[e * {1} +: {1}]", g,
        group.bits);
    const auto arg = [&](const char* text) {
      return fmt::format(
          fmt::runtime(text), fmt::arg("g", g), fmt::arg("count", group.count),
          fmt::arg("bits", group.bits), fmt::arg("samples", group.samples),
          fmt::arg("port", group.port),
          fmt::arg("strobe", group.strobe == "done" ? "done" : "strobe_" + group.strobe),
          fmt::arg("element", element), fmt::arg("comma", g == 0 ? "" : ", "));
    };
    declarations +=
        arg("  // {port}: {count} x {bits} bits, {samples} samples a trial; one more is kept, so\n"
            "  // that a strobe that pulses too often shows.\n"
            "  localparam integer VALUES_{g} = {count} * {samples};\n"
            "  localparam integer KEPT_{g} = {count} * ({samples} + 1);\n"
            "  wire [{count} * {bits} - 1:0] out_{g};\n"
            "  reg signed [63:0] got_{g}[0:KEPT_{g} - 1];\n"
            "  integer pulses_{g};\n");
    ports += arg(",\n      .{port}(out_{g})");
    clear += arg("      pulses_{g} = 0;\n");
    sample +=
        arg("      if ({strobe}) begin\n"
            "        if (pulses_{g} <= {samples})\n"
            "          for (e = 0; e < {count}; e = e + 1) got_{g}[pulses_{g} * {count} + e] = "
            "{element};\n"
            "        pulses_{g} = pulses_{g} + 1;\n"
            "      end\n");
    score += arg(
        "      $fwrite(results, \"{comma}\\\"{port}\\\": [\");\n"
        "      kept = pulses_{g} <= {samples} ? pulses_{g} * {count} : KEPT_{g};\n"
        "      for (e = 0; e < VALUES_{g}; e = e + 1) begin\n"
        "        if ($fscanf(expected, \"%d\", value) != 1) bad_input(\"expected ends early\");\n"
        "        if (e >= kept || ^got_{g}[e] === 1'bx || got_{g}[e] != value) wrong = wrong + 1;\n"
        "      end\n"
        "      if (pulses_{g} * {count} > VALUES_{g})\n"
        "        wrong = wrong + pulses_{g} * {count} - VALUES_{g};\n"
        "      for (e = 0; e < kept; e = e + 1) begin\n"
        "        if (e != 0) $fwrite(results, \", \");\n"
        "        if (^got_{g}[e] === 1'bx) $fwrite(results, \"null\");\n"
        "        else $fwrite(results, \"%0d\", got_{g}[e]);\n"
        "      end\n"
        "      $fwrite(results, \"]\");\n");
  }
  return fmt::format(
      R"(// Icarus testbench for {module} ({name}), written by scprec: runs the trials of
// +stimulus=FILE as sim/scprec_tb.h does, compares every output with +expected=FILE, and writes
// +results=FILE (scprec.sim-results/1). Finishes 0 pass, 1 mismatch, 2 bad input, 3 hung or a
// broken protocol.
`timescale 1ns / 1ps
module scprec_icarus_tb;
  localparam integer INPUTS = {inputs};
  localparam integer INPUT_BITS = {input_bits};
  localparam integer GROUPS = {groups};
  localparam integer SETTINGS = {settings};
  localparam integer CYCLE_LIMIT = {limit};
  reg clk = 1'b0;
  reg rst_n = 1'b0;
  reg start = 1'b0;
  reg [INPUTS * INPUT_BITS - 1:0] x_in = {{INPUTS * INPUT_BITS{{1'b0}}}};
  wire busy, done;
{declarations}
  {module} dut (
      .clk(clk),
      .rst_n(rst_n),
      .start(start),
      .x_in(x_in),
      .busy(busy),
      .done(done){ports}
  );

  always #5 clk = ~clk;

  reg [8 * 4096 - 1:0] stimulus_file, expected_file, results_file, trace_file;
  integer stimulus, expected, results, version, trials, inputs, groups, expected_trials;
  integer trial, cycles, code, e, kept, wrong, completed, mismatches, mismatching_trials;
  integer first_mismatch, spurious, busy_low, settings;
  reg signed [63:0] value;
  reg [8 * 64 - 1:0] setting_name;
  reg hung;

  task bad_input(input [8 * 128 - 1:0] problem);
    begin
      $display("scprec icarus testbench: %0s", problem);
      $finish_and_return(2);
    end
  endtask

  task sample;
    begin
{sample}    end
  endtask

  // Compares the trial's samples with its expected line and writes them as one results entry.
  task score;
    begin
      wrong = 0;
      if (trial != 0) $fwrite(results, ",");
      $fwrite(results, "\n  {{\"index\": %0d, \"cycles\": %0d, \"outputs\": {{", trial, cycles);
{score}      $fwrite(results, "}}, \"mismatches\": %0d}}", wrong);
      mismatches = mismatches + wrong;
      if (wrong != 0 && mismatching_trials == 0) first_mismatch = trial;
      if (wrong != 0) mismatching_trials = mismatching_trials + 1;
    end
  endtask

  initial begin
    if (!$value$plusargs("stimulus=%s", stimulus_file) ||
        !$value$plusargs("expected=%s", expected_file) ||
        !$value$plusargs("results=%s", results_file))
      bad_input("usage: +stimulus=FILE +expected=FILE +results=FILE [+trace=FILE]");
    stimulus = $fopen(stimulus_file, "r");
    expected = $fopen(expected_file, "r");
    if (stimulus == 0 || expected == 0) bad_input("cannot open the stimulus or expected file");
    if ($fscanf(stimulus, "scprec-stimulus %d %d %d", version, trials, inputs) != 3 ||
        (version != 1 && version != 2) || inputs != INPUTS)
      bad_input("not a stimulus file for this DUT's inputs");
    // Nested: Icarus evaluates both sides of &&, and a $fscanf would read a version-1 file's
    // first input code.
    settings = 0;
    if (version == 2) begin
      if ($fscanf(stimulus, "%d", settings) != 1) settings = -1;
    end
    if (settings != SETTINGS) bad_input("the stimulus file's settings are not this DUT's");
    // The settings (adjustable lengths), held from time 0 through every trial.
{read_settings}
    if ($fscanf(expected, "scprec-expected %d %d %d", version, expected_trials, groups) != 3 ||
        version != 1 || expected_trials != trials || groups != GROUPS)
      bad_input("the expected file does not match the stimulus or the DUT's outputs");
    results = $fopen(results_file, "w");
    if (results == 0) bad_input("cannot write the results file");
    if ($value$plusargs("trace=%s", trace_file)) begin
      $dumpfile(trace_file);
      $dumpvars(0, scprec_icarus_tb);
    end
    $fwrite(results, "{{\"schema\": \"scprec.sim-results/1\", \"dut\": \"{module}\", \"trials\": [");
    completed = 0;
    mismatches = 0;
    mismatching_trials = 0;
    first_mismatch = -1;
    spurious = 0;
    busy_low = 0;
    hung = 1'b0;
    // Reset for three edges; done or a strobe then is a protocol error too.
    repeat (3) begin
      @(posedge clk);
      #1 if ({strobe_seen}) spurious = spurious + 1;
    end
    rst_n = 1'b1;
    @(posedge clk);
    for (trial = 0; trial < trials && !hung; trial = trial + 1) begin
      // Inputs and start one time unit after the edge, clear of it, as the SystemC driver
      // writes them after the edge; the first sample is what the monitor reads at the start edge.
      #1;
      for (e = 0; e < INPUTS; e = e + 1) begin
        if ($fscanf(stimulus, "%d", code) != 1) bad_input("stimulus ends early");
        x_in[e * INPUT_BITS +: INPUT_BITS] = code;
      end
{clear}      start = 1'b1;
      sample;
      @(posedge clk);
      // Sampled one time unit after each edge: the values the edge registered, which is what
      // the SystemC monitor reads at the next edge, so the start edge's next sample is cycle 1.
      #1 start = 1'b0;
      cycles = 1;
      sample;
      while (!done && cycles < CYCLE_LIMIT) begin
        if (!busy) begin
          $display("scprec icarus testbench: trial %0d: busy low %0d cycles after start, before done",
                   trial, cycles);
          busy_low = busy_low + 1;
        end
        @(posedge clk);
        #1 cycles = cycles + 1;
        sample;
      end
      if (done) begin
        score;
        completed = completed + 1;
        @(posedge clk);
        #1 if ({strobe_seen}) spurious = spurious + 1;
        @(posedge clk);
      end else begin
        hung = 1'b1;
      end
    end
    $fwrite(results, "\n], \"summary\": {{\"trials\": %0d, \"completed\": %0d, \"mismatches\": %0d, ",
            trials, completed, mismatches);
    $fwrite(results, "\"mismatching_trials\": %0d, \"first_mismatch\": ", mismatching_trials);
    if (first_mismatch < 0) $fwrite(results, "null");
    else $fwrite(results, "%0d", first_mismatch);
    $fwrite(results, ", \"status\": \"%0s\", \"spurious_dones\": %0d, \"busy_low\": %0d, ",
            hung ? "hung" : spurious + busy_low != 0 ? "protocol" : mismatches != 0 ? "mismatch" : "pass",
            spurious, busy_low);
    $fwrite(results, "\"cycles\": %0d}}}}\n", $time / 10);
    $fclose(results);
    $finish_and_return(hung || spurious + busy_low != 0 ? 3 : mismatches != 0 ? 1 : 0);
  end
endmodule
)",
      fmt::arg("module", dut.module), fmt::arg("name", dut.name), fmt::arg("inputs", dut.inputs),
      fmt::arg("input_bits", dut.input_bits), fmt::arg("groups", dut.outputs.size()),
      fmt::arg("settings", dut.settings.size()), fmt::arg("read_settings", read_settings),
      fmt::arg("limit", 2 * dut.max_latency + 100), fmt::arg("declarations", declarations),
      fmt::arg("ports", ports), fmt::arg("clear", clear), fmt::arg("sample", sample),
      fmt::arg("score", score), fmt::arg("strobe_seen", strobe_seen));
}

namespace {

namespace fs = std::filesystem;

class IcarusBackend final : public SimulatorBackend {
 public:
  std::string name() const override { return "icarus"; }

  // The cache key hashes the tools' versions, the testbench and every source; tracing needs no
  // other build (vvp dumps on +trace), so the build ignores config.trace.
  Simulator build(const DutSpec& dut, const std::string& rtl_dir,
                  const std::vector<std::string>& sources, const BuildConfig& config,
                  Logger& logger) const override {
    const std::string cache = open_cache(config, logger);
    const std::string testbench = icarus_testbench(dut);
    const std::string install = "Run scripts/install-deps (or apt-get install iverilog)";
    io::Sha256 hash;
    hash.add_text("scprec-icarus-build/1");
    hash.add_text(tool_version({"iverilog", "-V"}, install));
    hash.add_text(tool_version({"vvp", "-V"}, install));
    hash.add_text(testbench);
    add_sources(hash, rtl_dir, sources);
    const Simulator simulator = cached_simulator(
        cache, hash.hex(), fmt::format("the Icarus simulator of {} ({})", dut.module, dut.name),
        [&](const std::string& staging) {
          io::write_file_atomically(staging + "/scprec_icarus_tb.v", testbench);
          std::vector<std::string> compile = {
              "iverilog", "-g2012", "-o", "sim", "-s", "scprec_icarus_tb", "scprec_icarus_tb.v"};
          for (const std::string& source : sources) {
            compile.push_back(fs::absolute(rtl_dir + "/" + source).string());
          }
          const std::string log = staging + "/build.log";
          const ProcessResult result = run_process(compile, {staging, 3600.0, log, {}});
          if (!result.succeeded()) {
            throw Error(
                ErrorKind::kEnvironment, log, "",
                fmt::format("iverilog failed on {}:\n{}", dut.module, error_excerpt(result.output)),
                "See the log");
          }
        },
        logger);
    logger.info(fmt::format(
        "build: {} ({}) for Icarus {}", dut.module, dut.name,
        simulator.cached ? "cached" : fmt::format("built in {:.1f} s", simulator.seconds)));
    return simulator;
  }

  std::string command(const std::string& results, const std::string& trace) const override {
    const bool fst = core::ends_with(trace, ".fst");
    return fmt::format("vvp -n sim{} +stimulus=stimulus.txt +expected=expected.txt +results={}{}",
                       fst ? " -fst" : "", results, trace.empty() ? "" : " +trace=" + trace);
  }
};

}  // namespace

std::unique_ptr<SimulatorBackend> make_icarus_backend() {
  return std::make_unique<IcarusBackend>();
}

}  // namespace scprec::cosim
