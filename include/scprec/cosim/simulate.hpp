// Co-simulation of a precision map: each layer alone and the network top, through a simulator
// backend (Verilator with the SystemC testbench, or Icarus), scored against the bit-exact
// software model, with the errors the RTL really makes.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scprec/core/logger.hpp"
#include "scprec/core/summary.hpp"
#include "scprec/cosim/build.hpp"
#include "scprec/cosim/executor.hpp"
#include "scprec/model/precision_map.hpp"
#include "scprec/rtl/generator.hpp"

namespace scprec::cosim {

/// The default size of a job, in trials.
constexpr std::size_t kTrialsPerJob = 50;

struct SimulateConfig {
  std::size_t trials = 100;        ///< the first `trials` rows of the inputs
  /// Each DUT's trials are cut into jobs of this many, whatever the executor or the number of
  /// workers, so that a rerun with other settings (more trials too) reuses the finished jobs.
  std::size_t trials_per_job = kTrialsPerJob;
  double timeout_seconds = 1800;   ///< per job
  std::string work_dir;            ///< the generated RTL (rtl/) and the job folders (jobs/)
  std::string simulator = "verilator";  ///< the backend (make_simulator_backend)
  BuildConfig build;
  rtl::RtlConfig rtl;
  bool layers = true;      ///< simulate each layer alone
  bool top = true;         ///< simulate the network top
  bool trace = false;      ///< VCD of the first mismatching trial of each DUT
  /// The top only: trials rerun one at a time by a simulator built with FST tracing, each
  /// leaving an FST of that trial (DutReport::waves).
  std::vector<std::size_t> trace_trials;
  double quantile = 0.95;  ///< reported in the error summaries
  unsigned threads = 0;    ///< for the software model
};

/// Throws Error (kBadInput, field "timeout") unless the timeout is a positive, finite number of
/// seconds, (field "trials_per_job") if that is 0, or (field "simulator") if there is no such
/// simulator backend. simulate and
/// simulate_design call it first.
void validate(const SimulateConfig& config);

/// One DUT's outcome. Errors are relative and computed from what the RTL produced: a layer's
/// from its counters (max over neurons of |RTL estimate - exact dot product| over the layer's
/// full scale), the top's from its logits (max over outputs, over the output's full scale).
struct DutReport {
  std::string name;  ///< a layer's name, or "top"
  std::string module;
  std::string status;  ///< "pass", "mismatch" or "error"
  std::size_t trials = 0;
  std::size_t completed = 0;
  std::size_t mismatches = 0;  ///< output elements differing from the software model
  std::size_t mismatching_trials = 0;
  std::optional<std::size_t> first_mismatch;  ///< trial index
  /// Trials whose start-to-done cycle count differed from the design's latency (the contract
  /// is cycle-exact too).
  std::size_t off_latency_trials = 0;
  /// Every trial that ran matched the software model, counter for counter and cycle for cycle.
  bool matches() const { return mismatches == 0 && off_latency_trials == 0; }
  std::vector<double> errors;  ///< per completed trial, vs the exact integer reference
  /// The top only: per completed trial, whether its top-1 class differs from the exact integer
  /// network's (top1_flipped).
  std::vector<bool> flips;
  std::vector<double> range_errors;  ///< the top only: per completed trial (range_error)
  /// The top only: each layer's error per completed trial, from the layer's counters as the
  /// top ran them (the same measure as a layer alone: its inputs are the previous SC layer's).
  std::vector<std::vector<double>> layer_errors;
  core::ErrorSummary error_vs_integer;
  core::ErrorSummary error_vs_float;  ///< the top only
  std::uint64_t cycles_per_trial = 0;  ///< the design's latency, start to done
  std::string first_difference;        ///< the first output that differs (compare_outputs), or ""
  std::string trace;                   ///< VCD of the first mismatching trial, if written
  /// Trials that were not bit-exact: an output differed, or done came off the latency.
  std::vector<std::size_t> inexact_trials;
  /// The top only: (trial, FST path) for each of SimulateConfig::trace_trials whose rerun wrote
  /// its waves.
  std::vector<std::pair<std::size_t, std::string>> waves;
  std::vector<std::string> problems;  ///< failed jobs, with their logs
  bool reused = false;                ///< every job's results came from an earlier run
};

struct SimulationReport {
  std::size_t trials = 0;
  std::vector<DutReport> duts;  ///< the layers in order (if simulated), then "top"
  /// With labels: correct classifications of the RTL top, the software SC model and the float
  /// network over the same trials.
  std::optional<std::size_t> rtl_correct;
  std::optional<std::size_t> software_correct;
  std::optional<std::size_t> float_correct;

  /// Every DUT completed every trial with no mismatch.
  bool bit_exact() const;
  /// Some trial that ran differed from the software model: not bit-exact, whatever else failed.
  bool mismatched() const;
  /// Some job crashed, hung or timed out.
  bool has_errors() const;
};

/// Generates the map's RTL into work_dir/rtl, builds a simulator per DUT (cached), runs the
/// first config.trials rows of `inputs` as jobs on `executor`, and scores them. `labels` may
/// be empty. `calibration` gives the full scales errors are relative to. Throws Error
/// (kEnvironment) if a build fails; failed jobs are reported, not thrown.
SimulationReport simulate(const model::Network& network, const model::PrecisionMap& map,
                          const Eigen::MatrixXd& inputs, const std::vector<int>& labels,
                          const Eigen::MatrixXd& calibration, const SimulateConfig& config,
                          Executor& executor, Logger& logger);

/// The same, for a design already generated and written to `rtl_dir` (which tests use to
/// simulate deliberately broken RTL).
SimulationReport simulate_design(const model::Network& network, const model::PrecisionMap& map,
                                 const rtl::RtlDesign& design, const std::string& rtl_dir,
                                 const Eigen::MatrixXd& inputs, const std::vector<int>& labels,
                                 const Eigen::MatrixXd& calibration, const SimulateConfig& config,
                                 Executor& executor, Logger& logger);

/// Writes every file of `design` into `directory`.
void write_design(const rtl::RtlDesign& design, const std::string& directory);

/// The report as JSON (schema "scprec.simulation/1").
std::string simulation_json(const SimulationReport& report, const model::PrecisionMap& map);

}  // namespace scprec::cosim
