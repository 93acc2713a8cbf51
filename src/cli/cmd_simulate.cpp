// `scprec simulate`: every layer of a map alone and the network top, through Verilator and the
// SystemC testbench, scored bit for bit against the software model.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <ostream>

#include "cli_parse.hpp"
#include "commands.hpp"
#include "rtl_options.hpp"
#include "run_options.hpp"
#include "scprec/core/error.hpp"
#include "scprec/cosim/simulate.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/model_io.hpp"
#include "scprec/io/output_dir.hpp"
#include "scprec/io/precision_map_io.hpp"
#include "stream_logger.hpp"

namespace scprec::cli {
namespace {

std::string percent(std::size_t correct, std::size_t total) {
  return fmt::format("{:.2f}% ({}/{})", 100.0 * static_cast<double>(correct) / total, correct,
                     total);
}

void print_report(const cosim::SimulationReport& report, std::ostream& out) {
  out << fmt::format("{:<8} {:>10} {:>9} {:>11} {:>12} {:>12}  {}\n", "DUT", "trials", "cycles",
                     "mismatches", "error q", "error max", "status");
  for (const cosim::DutReport& dut : report.duts) {
    const bool measured = dut.completed != 0;  // no error to show for a DUT that ran no trial
    out << fmt::format("{:<8} {:>10} {:>9} {:>11} {:>12} {:>12}  {}\n", dut.name,
                       fmt::format("{}/{}", dut.completed, dut.trials), dut.cycles_per_trial,
                       dut.mismatches,
                       measured ? fmt::format("{:.4g}", dut.error_vs_integer.quantile) : "-",
                       measured ? fmt::format("{:.4g}", dut.error_vs_integer.max) : "-",
                       dut.status);
    for (const std::string& problem : dut.problems) out << "  " << problem << "\n";
    if (dut.off_latency_trials != 0) {
      out << fmt::format("  {} trials took other than the design's {} cycles from start to done\n",
                         dut.off_latency_trials, dut.cycles_per_trial);
    }
    if (!dut.first_difference.empty())
      out << "  first difference: " << dut.first_difference << "\n";
    if (!dut.trace.empty()) out << "  first mismatching trial traced: " << dut.trace << "\n";
  }
  if (report.rtl_correct) {
    out << "accuracy: RTL " << percent(*report.rtl_correct, report.trials) << ", software SC "
        << percent(*report.software_correct, report.trials) << ", float "
        << percent(*report.float_correct, report.trials) << "\n";
  }
  if (report.mismatched()) {
    out << "NOT bit-exact\n";
  } else if (report.has_errors()) {
    std::size_t ran = 0;
    for (const cosim::DutReport& dut : report.duts) ran += dut.completed;
    out << (ran == 0 ? "bit-exactness unknown: simulations failed before any trial finished\n"
                     : "bit-exactness unknown: simulations failed (the trials that finished "
                       "matched)\n");
  } else {
    out << "bit-exact: every counter of every trial equals the software model\n";
  }
}

}  // namespace

int run_simulate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string model_path;
  std::string manifest;
  std::string data_path;
  std::string split_name = "calibration";
  std::string map_path;
  std::string output;
  unsigned jobs = 2;
  bool quiet = false;
  RunOptions run;
  cosim::SimulateConfig config;
  CLI::App app(
      "Simulates every layer of a precision map alone and the network top (with Verilator and "
      "the SystemC testbench, or Icarus), compares every counter with the software model, and "
      "writes results JSON with the errors the RTL makes. Exit 0 bit-exact, 1 mismatch, 3 a "
      "tool or job failed.",
      "simulate");
  app.add_option("--model", model_path, "model .npz")->required();
  app.add_option("--manifest", manifest, "JSON manifest giving each layer's activation");
  app.add_option("--data", data_path, "data .npz (calibration split gives the full scales)")
      ->required();
  app.add_option("--split", split_name, "split whose first trials run: calibration or test")
      ->capture_default_str();
  app.add_option("--map", map_path, "precision map")->required();
  app.add_option("--trials", config.trials,
                 "inputs to simulate (default: 100, or all the split has)")
      ->check(check::kCount)
      ->capture_default_str();
  app.add_option("--jobs", jobs, "worker processes (and parallel compiles)")
      ->check(check::kCount)
      ->capture_default_str();
  app.add_option("--timeout", config.timeout_seconds, "seconds per job")
      ->check(check::kPositive)
      ->capture_default_str();
  app.add_option("--cache", config.build.cache_dir,
                 "build cache (default $SCPREC_CACHE or ~/.cache/scprec)");
  app.add_option("--inputs-per-cycle", config.rtl.inputs_per_cycle,
                 "inputs every layer takes per cycle (0: chosen per layer)")
      ->check(check::kCount);
  AdjustableOptions adjustable;
  add_adjustable_options(app, adjustable);
  app.add_flag("--trace", config.trace, "write a VCD of the first mismatching trial of each DUT");
  app.add_option("-o,--output", output, "results JSON to write")->required();
  app.add_flag("-q,--quiet", quiet, "no progress output");
  add_run_options(app, run, "OUTPUT.work");
  if (const auto code = parse_args(app, args, out, err)) return *code;

  config.build.jobs = jobs;
  config.simulator = run.simulator;
  config.trials_per_job = run.trials_per_job;
  config.work_dir = run.work.empty() ? output + ".work" : run.work;
  io::refuse_non_file_output(output, "-o");
  io::refuse_overwriting_inputs({{"--model", model_path},
                                 {"--manifest", manifest},
                                 {"--data", data_path},
                                 {"--map", map_path}},
                                {{"-o", output}});
  const model::Network network = io::read_model(model_path, manifest);
  const model::PrecisionMap map = io::read_precision_map(map_path);
  model::check_map_matches(map, network, io::network_hash(network), map_path);
  config.rtl.adjustable_max_length = adjustable_max_length(adjustable, map);
  const io::Split split = io::parse_split(split_name, "--split");
  const io::Dataset data = io::read_dataset(data_path, split, network);
  const io::Dataset calibration = io::read_dataset(data_path, io::Split::kCalibration, network);
  // The default runs what the split has; a number the user gave is refused if it has fewer.
  if (app.count("--trials") == 0) config.trials = std::min(config.trials, data.size());
  if (config.trials > data.size()) {
    throw_bad_input("--trials", "",
                    fmt::format("{} trials asked for, the {} split of {} has {} rows",
                                config.trials, split_name, data_path, data.size()),
                    fmt::format("Give --trials {} or fewer", data.size()));
  }
  StreamLogger logger(err, quiet ? LogLevel::kWarning : LogLevel::kInfo);
  const std::unique_ptr<cosim::Executor> executor = make_executor(run, jobs);
  const cosim::SimulationReport report =
      cosim::simulate(network, map, data.x, data.labels, calibration.x, config, *executor, logger);
  io::write_file_atomically(output, cosim::simulation_json(report, map));
  print_report(report, out);
  out << "wrote " << output << "\n";
  if (report.has_errors()) return kExitEnvironment;
  return report.bit_exact() ? kExitOk : kExitCheckFailed;
}

}  // namespace scprec::cli
