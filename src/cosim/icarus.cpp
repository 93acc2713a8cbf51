// Icarus Verilog runs. The testbench applies each trial's input codes, pulses start, waits for
// done (sampling one time unit after each rising edge, clear of the edge itself) and writes
// every output group as one hex word per sample (at done, or on each cycle its strobe is high);
// C++ splits the words into elements.
#include "scprec/cosim/icarus.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>

#include "scprec/core/error.hpp"
#include "scprec/cosim/process.hpp"
#include "scprec/io/files.hpp"

namespace scprec::cosim {
namespace {

namespace fs = std::filesystem;

std::vector<std::int64_t> split_word(const std::string& hex, const OutputGroup& group) {
  std::vector<std::int64_t> values(group.count);
  const auto bit = [&](std::size_t position) -> std::uint64_t {
    const std::size_t digit = hex.size() - 1 - position / 4;
    if (position / 4 >= hex.size()) return 0;
    const char c = hex[digit];
    const unsigned value =
        std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (c | 0x20) - 'a' + 10;
    return (value >> (position % 4)) & 1U;
  };
  for (std::size_t e = 0; e < group.count; ++e) {
    std::uint64_t v = 0;
    for (int b = 0; b < group.bits; ++b) v |= bit(e * group.bits + b) << b;
    if (group.is_signed && ((v >> (group.bits - 1)) & 1U)) v |= ~std::uint64_t{0} << group.bits;
    values[e] = static_cast<std::int64_t>(v);
  }
  return values;
}

// Codes packed as one hex word, code i at bits [i * bits +: bits], most significant digit first.
std::string pack_hex(const model::Codes& codes, int bits) {
  const std::size_t width = codes.size() * static_cast<std::size_t>(bits);
  std::vector<unsigned> nibbles((width + 3) / 4, 0);
  for (std::size_t i = 0; i < codes.size(); ++i) {
    for (int b = 0; b < bits; ++b) {
      const std::size_t position = i * static_cast<std::size_t>(bits) + static_cast<std::size_t>(b);
      if ((codes[i] >> b) & 1U) nibbles[position / 4] |= 1U << (position % 4);
    }
  }
  std::string hex;
  for (std::size_t k = nibbles.size(); k-- > 0;) hex += "0123456789abcdef"[nibbles[k]];
  return hex;
}

}  // namespace

std::string icarus_testbench(const DutSpec& dut, std::size_t trials) {
  std::string wires;
  std::string ports;
  std::string at_strobes;  // groups sampled on their strobe (a conv layer's, every position)
  std::string at_done;
  for (const std::string& strobe : strobes(dut)) {
    wires += fmt::format("  wire strobe_{};\n", strobe);
    ports += fmt::format(",\n      .{0}(strobe_{0})", strobe);
  }
  for (std::size_t g = 0; g < dut.outputs.size(); ++g) {
    const OutputGroup& group = dut.outputs[g];
    wires += fmt::format("  wire [{}-1:0] out_{};\n", group.count * group.bits, g);
    ports += fmt::format(",\n      .{}(out_{})", group.port, g);
    const std::string write = fmt::format("$fwrite(file, \"{} %h\\n\", out_{});\n", g, g);
    if (group.strobe == "done") {
      at_done += "      " + write;
    } else {
      at_strobes += fmt::format("        if (strobe_{}) {}", group.strobe, write);
    }
  }
  return fmt::format(
      R"(// Icarus testbench for {module} ({name}), written by scprec: applies the trials of
// stimulus.hex and writes each trial's outputs to outputs.txt: a line "G WORD" for each sample
// of output group G (on its strobe, or at done), then "end".
`timescale 1ns / 1ps
module scprec_icarus_tb;
  localparam integer TRIALS = {trials};
  localparam integer INPUT_BITS = {inputs} * {input_bits};
  localparam integer CYCLE_LIMIT = {limit};
  reg clk = 1'b0;
  reg rst_n = 1'b0;
  reg start = 1'b0;
  reg [INPUT_BITS-1:0] x_in = {{INPUT_BITS{{1'b0}}}};
  reg [INPUT_BITS-1:0] stimulus[0:TRIALS-1];
  wire busy, done;
{wires}
  {module} dut (
      .clk(clk),
      .rst_n(rst_n),
      .start(start),
      .x_in(x_in),
      .busy(busy),
      .done(done){ports}
  );

  always #5 clk = ~clk;

  integer trial, cycles, file;
  initial begin
    $readmemh("stimulus.hex", stimulus);
    file = $fopen("outputs.txt", "w");
    repeat (3) @(posedge clk);
    #1 rst_n = 1'b1;
    @(posedge clk);
    for (trial = 0; trial < TRIALS; trial = trial + 1) begin
      #1 x_in = stimulus[trial];
      start = 1'b1;
      @(posedge clk);
      #1 start = 1'b0;
      cycles = 0;
      while (!done && cycles < CYCLE_LIMIT) begin
        if (!busy) begin
          $display("scprec_icarus_tb: trial %0d: busy low %0d cycles after start, before done",
                   trial, cycles + 1);
          $fatal(1);
        end
        @(posedge clk);
        #1 cycles = cycles + 1;
{at_strobes}      end
      if (!done) begin
        $display("scprec_icarus_tb: trial %0d: done never came", trial);
        $fatal(1);
      end
{at_done}      $fwrite(file, "end\n");
      @(posedge clk);
    end
    $fclose(file);
    $finish;
  end
endmodule
)",
      fmt::arg("module", dut.module), fmt::arg("name", dut.name), fmt::arg("trials", trials),
      fmt::arg("inputs", dut.inputs), fmt::arg("input_bits", dut.input_bits),
      fmt::arg("limit", 2 * dut.latency + 100), fmt::arg("wires", wires), fmt::arg("ports", ports),
      fmt::arg("at_strobes", at_strobes), fmt::arg("at_done", at_done));
}

std::vector<GroupValues> run_icarus(const DutSpec& dut, const std::string& rtl_dir,
                                    const std::vector<std::string>& sources, const TrialSet& trials,
                                    std::size_t first, std::size_t last,
                                    const std::string& work_dir) {
  if (!program_available("iverilog") || !program_available("vvp")) {
    throw Error(ErrorKind::kEnvironment, "iverilog", "", "Icarus Verilog is not installed",
                "Run scripts/install-deps (or apt-get install iverilog)");
  }
  fs::create_directories(work_dir);
  for (const auto& entry : fs::directory_iterator(rtl_dir)) {
    if (entry.path().extension() == ".hex") {
      fs::copy_file(entry.path(), work_dir + "/" + entry.path().filename().string(),
                    fs::copy_options::overwrite_existing);
    }
  }
  std::string stimulus;
  for (std::size_t t = first; t < last; ++t) {
    stimulus += pack_hex(trials.inputs[t], dut.input_bits) + "\n";
  }
  io::write_file_atomically(work_dir + "/stimulus.hex", stimulus);
  io::write_file_atomically(work_dir + "/scprec_icarus_tb.v", icarus_testbench(dut, last - first));
  std::vector<std::string> compile = {
      "iverilog", "-g2012", "-o", "tb.vvp", "-s", "scprec_icarus_tb", "scprec_icarus_tb.v"};
  for (const std::string& source : sources) {
    compile.push_back(fs::absolute(rtl_dir + "/" + source).string());
  }
  for (const auto& [argv, what] :
       {std::pair{compile, std::string("compiling")},
        std::pair{std::vector<std::string>{"vvp", "-n", "tb.vvp"}, std::string("running")}}) {
    const ProcessResult result =
        run_process(argv, {work_dir, 3600.0, work_dir + "/icarus.log", {}});
    if (!result.succeeded()) {
      throw Error(
          ErrorKind::kEnvironment, work_dir + "/icarus.log", "",
          fmt::format("Icarus failed {} {}:\n{}", what, dut.module, error_excerpt(result.output)),
          "See the log");
    }
  }
  const std::string output_file = work_dir + "/outputs.txt";
  std::vector<GroupValues> outputs;
  std::stringstream lines(io::read_file(output_file));
  std::string line;
  GroupValues groups(dut.outputs.size());
  while (std::getline(lines, line)) {
    if (line == "end") {
      outputs.push_back(std::move(groups));
      groups.assign(dut.outputs.size(), {});
      continue;
    }
    std::stringstream words(line);
    std::size_t g = dut.outputs.size();
    std::string hex;
    words >> g >> hex;
    if (g >= dut.outputs.size()) {
      throw Error(
          ErrorKind::kEnvironment, output_file, "",
          fmt::format("trial {}: '{}' is not a line the testbench writes", outputs.size(), line),
          "See " + work_dir + "/icarus.log");
    }
    const OutputGroup& group = dut.outputs[g];
    // $fwrite prints unknown bits as x/X/z/Z digits: they are not values to compare.
    if (hex.empty() || !std::all_of(hex.begin(), hex.end(), [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c)) != 0;
        })) {
      throw Error(ErrorKind::kCheckFailed, output_file, group.port,
                  fmt::format("trial {}: output '{}' is not a known value", outputs.size(), hex),
                  "The RTL drives unknown (x/z) bits; simulate it with --trace and look for "
                  "an unreset register or an undriven wire");
    }
    const std::vector<std::int64_t> values = split_word(hex, group);
    groups[g].insert(groups[g].end(), values.begin(), values.end());
  }
  if (outputs.size() != last - first) {
    throw Error(ErrorKind::kEnvironment, output_file, "",
                fmt::format("{} trials ran but {} results were written", last - first,
                            outputs.size()),
                "See " + work_dir + "/icarus.log");
  }
  return outputs;
}

}  // namespace scprec::cosim
