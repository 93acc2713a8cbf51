// Co-simulation. The map's RTL is generated into work_dir/rtl; the software model computes
// every DUT's expected outputs; each DUT gets a simulator from the backend (a cached build) and
// its trials are cut into jobs, folders named by a hash of the simulator and everything the job
// reads, so a rerun finds finished jobs (results.json present) and reuses them. Jobs run on the
// executor; the RTL's captured outputs are then scored: mismatches against the bit-exact model,
// errors against the exact integer and float references.
#include "scprec/cosim/simulate.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "scprec/core/error.hpp"
#include "scprec/core/parallel.hpp"
#include "scprec/core/text.hpp"
#include "scprec/cosim/backend.hpp"
#include "scprec/cosim/dut.hpp"
#include "scprec/cosim/reference.hpp"
#include "scprec/cosim/scoring.hpp"
#include "scprec/cosim/trials.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/sha256.hpp"
#include "scprec/model/sc_layer.hpp"

namespace scprec::cosim {
namespace {

namespace fs = std::filesystem;

// One DUT on its way through build, jobs and scoring.
struct DutRun {
  DutSpec spec;
  const TrialSet* trials = nullptr;
  std::optional<std::size_t> layer;  // nullopt for the top
  Simulator simulator;
  std::vector<std::pair<std::size_t, std::size_t>> parts;  // trial ranges [first, last)
  std::vector<Job> jobs;
  std::size_t reused = 0;
};

std::vector<std::string> rom_files(const rtl::RtlDesign& design) {
  std::vector<std::string> roms;
  for (const rtl::GeneratedFile& file : design.files) {
    if (core::ends_with(file.name, ".hex")) {
      roms.push_back(file.name);
    }
  }
  return roms;
}

// The file a traced job writes its waves to.
std::string trace_file(TraceFormat format) {
  return format == TraceFormat::kFst ? "trace.fst" : "trace.vcd";
}

std::string run_script(const DutSpec& dut, std::size_t first, std::size_t last,
                       const SimulatorBackend& backend, TraceFormat trace) {
  return fmt::format(
      "#!/bin/sh\n"
      "# scprec co-simulation job: {} ({}), trials {} to {}, on {}. Self-contained: run it "
      "here.\n"
      "{}\n"
      "status=$?\n"
      "# 0 pass, 1 mismatch, 3 handshake broken: the results are complete. Anything else (2 bad\n"
      "# input or a failed write, or killed by a signal) leaves no results.json.\n"
      "case $status in 0|1|3) mv results.json.tmp results.json ;; *) rm -f results.json.tmp ;; "
      "esac\n"
      "exit $status\n",
      dut.module, dut.name, first, last - 1, backend.name(),
      backend.command("results.json.tmp", trace == TraceFormat::kNone ? "" : trace_file(trace)));
}

// The job folder for trials [first, last) of `run`: reused if an earlier run finished it.
Job prepare_job(DutRun& run, std::size_t first, std::size_t last, const std::string& rtl_dir,
                const std::vector<std::string>& roms, const SimulatorBackend& backend,
                const SimulateConfig& config, TraceFormat trace) {
  const std::string stimulus = stimulus_text(*run.trials, first, last, run.spec.settings);
  const std::string expected = expected_text(*run.trials, first, last);
  io::Sha256 hash;
  hash.add_text(run.simulator.key);
  hash.add_text(stimulus);
  hash.add_text(expected);
  hash.add_text(trace == TraceFormat::kNone ? "" : trace_file(trace));
  for (const std::string& rom : roms) hash.add_text(io::read_file(rtl_dir + "/" + rom));
  Job job;
  job.name = fmt::format("{}[{}..{}]", run.spec.name, first, last - 1);
  job.directory = fmt::format("{}/jobs/{}-{}-{}", config.work_dir, run.spec.module, first,
                              hash.hex().substr(0, 16));
  job.timeout_seconds = config.timeout_seconds;
  if (fs::exists(job.directory + "/results.json")) {
    ++run.reused;
    return job;
  }
  fs::create_directories(job.directory);
  io::write_file_atomically(job.directory + "/stimulus.txt", stimulus);
  io::write_file_atomically(job.directory + "/expected.txt", expected);
  io::write_file_atomically(job.directory + "/run.sh",
                            run_script(run.spec, first, last, backend, trace));
  for (const std::string& rom : roms) {
    fs::copy_file(rtl_dir + "/" + rom, job.directory + "/" + rom,
                  fs::copy_options::overwrite_existing);
  }
  // Copied under a fresh name and renamed, so that a simulator still running from an
  // interrupted run (a busy executable cannot be overwritten) is replaced, not written into.
  const std::string staging = io::staging_name(job.directory + "/sim");
  fs::copy_file(run.simulator.binary, staging);
  fs::rename(staging, job.directory + "/sim");
  return job;
}

std::vector<std::pair<std::size_t, std::size_t>> split(std::size_t trials, std::size_t per_job) {
  std::vector<std::pair<std::size_t, std::size_t>> parts;
  for (std::size_t first = 0; first < trials; first += per_job) {
    parts.emplace_back(first, std::min(trials, first + per_job));
  }
  return parts;
}

// Scores one trial's outputs against the software model on the host, independently of the
// testbench's scoreboard: the host's count decides, and a testbench that counted otherwise is
// reported as broken, since its pass could not be trusted.
void score_trial(const DutRun& run, const Job& job, const TrialResult& result, std::size_t trial,
                 DutReport& dut) {
  const Comparison c =
      compare_outputs(run.spec, run.trials->expected.at(trial), result.outputs, trial);
  dut.mismatches += c.mismatches;
  if (result.cycles != run.spec.latency) ++dut.off_latency_trials;
  if (c.mismatches != 0 || result.cycles != run.spec.latency) dut.inexact_trials.push_back(trial);
  if (c.mismatches != 0 && dut.mismatching_trials++ == 0) {
    dut.first_mismatch = trial;
    dut.first_difference = c.first_difference;
  }
  if (c.mismatches != result.mismatches) {
    dut.problems.push_back(fmt::format(
        "job {}: the testbench's scoreboard counted {} mismatching outputs in trial {}, but {} "
        "differ from the software model{}: the testbench cannot be trusted (log: {}/job.log)",
        job.name, result.mismatches, trial, c.mismatches,
        c.first_difference.empty() ? "" : " (" + c.first_difference + ")", job.directory));
  }
}

// Reruns each of `trials` of `run` alone on a simulator built to trace in `format`; returns
// (trial, waves file) for each rerun that wrote one. Finished traced jobs are reused.
std::vector<std::pair<std::size_t, std::string>> trace_trials(
    const DutRun& run, const std::vector<std::size_t>& trials, TraceFormat format,
    const rtl::RtlDesign& design, const std::string& rtl_dir, const std::vector<std::string>& roms,
    const SimulatorBackend& backend, const SimulateConfig& config, Executor& executor,
    Logger& logger) {
  BuildConfig traced = config.build;
  traced.trace = format;
  DutRun trace_run = run;
  trace_run.simulator = backend.build(run.spec, rtl_dir, design.sources, traced, logger);
  std::vector<Job> jobs, pending;
  for (std::size_t trial : trials) {
    jobs.push_back(
        prepare_job(trace_run, trial, trial + 1, rtl_dir, roms, backend, config, format));
    if (!fs::exists(jobs.back().directory + "/results.json")) pending.push_back(jobs.back());
  }
  if (!pending.empty()) executor.run(pending, logger);
  std::vector<std::pair<std::size_t, std::string>> waves;
  for (std::size_t k = 0; k < trials.size(); ++k) {
    const std::string path = jobs[k].directory + "/" + trace_file(format);
    if (fs::exists(path)) waves.emplace_back(trials[k], path);
  }
  return waves;
}

}  // namespace

bool SimulationReport::bit_exact() const {
  for (const DutReport& dut : duts) {
    if (!dut.matches() || dut.completed != dut.trials) return false;
  }
  return true;
}

bool SimulationReport::mismatched() const {
  for (const DutReport& dut : duts) {
    if (!dut.matches()) return true;
  }
  return false;
}

bool SimulationReport::has_errors() const {
  for (const DutReport& dut : duts) {
    if (!dut.problems.empty()) return true;
  }
  return false;
}

void validate(const SimulateConfig& config) {
  if (!(config.timeout_seconds > 0.0 && std::isfinite(config.timeout_seconds))) {
    throw_bad_input("", "timeout",
                    fmt::format("{} is not a positive number of seconds", config.timeout_seconds),
                    "Give a timeout such as 1800");
  }
  if (config.trials_per_job == 0) {
    throw_bad_input("", "trials_per_job", "a job of 0 trials", "Give 1 or more trials per job");
  }
  make_simulator_backend(config.simulator);  // throws naming the backends there are
}

SimulationReport simulate(const model::Network& network, const model::PrecisionMap& map,
                          const Eigen::MatrixXd& inputs, const std::vector<int>& labels,
                          const Eigen::MatrixXd& calibration, const SimulateConfig& config,
                          Executor& executor, Logger& logger) {
  validate(config);
  const model::QuantizedNetwork quantized = model::quantize_for_map(network, map);
  const rtl::RtlDesign design = rtl::generate_rtl(quantized, map, config.rtl);
  const std::string rtl_dir = config.work_dir + "/rtl";
  write_design(design, rtl_dir);
  return simulate_design(network, map, design, rtl_dir, inputs, labels, calibration, config,
                         executor, logger);
}

void write_design(const rtl::RtlDesign& design, const std::string& directory) {
  for (const rtl::GeneratedFile& file : design.files) {
    io::write_file_atomically(directory + "/" + file.name, file.content);
  }
}

SimulationReport simulate_design(const model::Network& network, const model::PrecisionMap& map,
                                 const rtl::RtlDesign& design, const std::string& rtl_dir,
                                 const Eigen::MatrixXd& inputs, const std::vector<int>& labels,
                                 const Eigen::MatrixXd& calibration, const SimulateConfig& config,
                                 Executor& executor, Logger& logger) {
  validate(config);
  const std::size_t trials = std::min<std::size_t>(config.trials, inputs.rows());
  if (trials == 0) {
    throw_bad_input("", "trials", "no trials to simulate", "Give a data split with samples");
  }
  const model::QuantizedNetwork quantized = model::quantize_for_map(network, map);
  const std::vector<double> full_scales = model::layer_full_scales(network, calibration);
  logger.info(fmt::format("simulate: software model over {} trials", trials));
  const Eigen::MatrixXd trial_inputs = inputs.topRows(static_cast<Eigen::Index>(trials));
  const SoftwareRun software = software_run(network, quantized, map, trial_inputs, config.threads);

  std::vector<DutRun> runs;
  if (config.layers) {
    for (std::size_t l = 0; l < design.layers.size(); ++l) {
      runs.push_back({layer_dut(design, l), &software.layers[l], l, {}, {}, {}, 0});
    }
  }
  if (config.top) runs.push_back({top_dut(design), &software.top, std::nullopt, {}, {}, {}, 0});
  const std::vector<std::string> roms = rom_files(design);
  const std::unique_ptr<SimulatorBackend> backend = make_simulator_backend(config.simulator);
  const unsigned workers = std::max(1U, config.build.jobs);
  // Builds run side by side: Verilator and the testbench compile are single-threaded, so each
  // build gets an equal share of the workers for the model's compile (make -j), at least one.
  BuildConfig build = config.build;
  build.jobs = std::max<unsigned>(1, workers / static_cast<unsigned>(runs.size()));
  core::parallel_for(runs.size(), workers, [&](std::size_t k) {
    runs[k].simulator = backend->build(runs[k].spec, rtl_dir, design.sources, build, logger);
  });
  std::vector<Job> jobs;
  for (DutRun& run : runs) {
    run.parts = split(trials, config.trials_per_job);
    for (const auto& [first, last] : run.parts) {
      run.jobs.push_back(
          prepare_job(run, first, last, rtl_dir, roms, *backend, config, TraceFormat::kNone));
      if (!fs::exists(run.jobs.back().directory + "/results.json")) jobs.push_back(run.jobs.back());
    }
  }
  logger.info(
      fmt::format("simulate: {} jobs to run, {} reused from an earlier run", jobs.size(), [&] {
        std::size_t n = 0;
        for (const DutRun& r : runs) n += r.reused;
        return n;
      }()));
  std::map<std::string, JobResult> finished;
  for (JobResult& result : executor.run(jobs, logger)) finished[result.name] = std::move(result);

  SimulationReport report;
  report.trials = trials;
  for (DutRun& run : runs) {
    DutReport dut;
    dut.name = run.spec.name;
    dut.module = run.spec.module;
    dut.trials = trials;
    dut.cycles_per_trial = run.spec.latency;
    dut.reused = run.reused == run.jobs.size();
    std::vector<double> float_errors;
    std::size_t rtl_correct = 0;
    for (std::size_t p = 0; p < run.jobs.size(); ++p) {
      const Job& job = run.jobs[p];
      const std::string results_path = job.directory + "/results.json";
      if (!fs::exists(results_path)) {
        const auto found = finished.find(job.name);
        const std::string what =
            found == finished.end() ? "did not run"
            : found->second.process.timed_out
                ? fmt::format("timed out after {:g} s", job.timeout_seconds)
                : fmt::format("exited with {}:\n{}", found->second.process.exit_code,
                              error_excerpt(found->second.process.output, 10));
        dut.problems.push_back(
            fmt::format("job {} {} (log: {}/job.log)", job.name, what, job.directory));
        continue;
      }
      SimResults results;
      try {
        results = parse_results(io::read_file(results_path), run.spec, results_path);
      } catch (const Error& e) {
        fs::remove(results_path);  // so that a rerun runs the job again
        dut.problems.push_back(fmt::format("job {}: {} (log: {}/job.log)", job.name,
                                           e.problem(), job.directory));
        continue;
      }
      if (results.status == "hung" || results.status == "protocol") {
        dut.problems.push_back(fmt::format(
            "job {}: {} (log: {}/job.log)", job.name,
            results.status == "hung"
                ? "the DUT never signalled done"
                : "the DUT broke the handshake (done or a strobe with no trial started, or, "
                  "seen by Icarus, busy low before done)",
            job.directory));
      }
      const std::size_t first = run.parts[p].first;
      for (const TrialResult& result : results.results) {
        const std::size_t trial = first + result.index;
        ++dut.completed;
        score_trial(run, job, result, trial, dut);
        if (run.layer) {
          dut.errors.push_back(layer_error(*run.layer, result.outputs[1], result.outputs[2], trial,
                                           quantized, map, software, full_scales));
        } else {
          dut.errors.push_back(
              output_error(result.outputs.back(), trial, quantized, software, full_scales));
          dut.flips.push_back(top1_flipped(result.outputs.back(), trial, software));
          dut.range_errors.push_back(range_error(result.outputs.back(), trial, software));
          dut.layer_errors.resize(quantized.layers.size());
          for (std::size_t l = 0; l < quantized.layers.size(); ++l) {
            dut.layer_errors[l].push_back(layer_error(l, result.outputs[2 * l],
                                                      result.outputs[2 * l + 1], trial, quantized,
                                                      map, software, full_scales));
          }
        }
        if (!run.layer) {
          const std::vector<std::int64_t>& logits = result.outputs.back();
          double worst = 0.0;
          for (std::size_t k = 0; k < logits.size(); ++k) {
            const double value = static_cast<double>(logits[k]) * quantized.logit_scale();
            worst = std::max(
                worst, std::fabs(value - software.float_logits(static_cast<Eigen::Index>(trial),
                                                               static_cast<Eigen::Index>(k))));
          }
          float_errors.push_back(worst / full_scales.back());
          if (trial < labels.size() && static_cast<int>(top1(logits)) == labels[trial]) {
            ++rtl_correct;
          }
        }
      }
    }
    dut.error_vs_integer = core::summarize(dut.errors, config.quantile);
    dut.error_vs_float = core::summarize(float_errors, config.quantile);
    dut.status = !dut.problems.empty() ? "error" : dut.matches() ? "pass" : "mismatch";
    if (!run.layer && !labels.empty() && dut.completed == trials) report.rtl_correct = rtl_correct;
    if (config.trace && dut.first_mismatch) {
      const auto traced = trace_trials(run, {*dut.first_mismatch}, TraceFormat::kVcd, design,
                                       rtl_dir, roms, *backend, config, executor, logger);
      if (!traced.empty()) dut.trace = traced.front().second;
    }
    std::vector<std::size_t> wanted;
    for (std::size_t trial : config.trace_trials) {
      if (trial < trials) wanted.push_back(trial);
    }
    if (!run.layer && !wanted.empty()) {
      logger.info(fmt::format("simulate: {} ({}): tracing {} trials as FST", dut.name, dut.module,
                              wanted.size()));
      dut.waves = trace_trials(run, wanted, TraceFormat::kFst, design, rtl_dir, roms, *backend,
                               config, executor, logger);
    }
    logger.info(fmt::format("simulate: {} ({}): {} of {} trials, {} mismatching outputs, {}",
                            dut.name, dut.module, dut.completed, dut.trials, dut.mismatches,
                            dut.status));
    report.duts.push_back(std::move(dut));
  }
  if (!labels.empty() && labels.size() >= trials) {
    std::size_t software_correct = 0;
    for (std::size_t t = 0; t < trials; ++t) {
      if (static_cast<int>(top1(software.top.expected[t].back())) == labels[t]) {
        ++software_correct;
      }
    }
    report.software_correct = software_correct;
    report.float_correct = model::count_correct(
        software.float_logits, std::vector<int>(labels.begin(), labels.begin() + trials));
  }
  return report;
}

// The results JSON states only what was measured: error summaries of a DUT that completed no
// trial, and bit-exactness when jobs failed without any mismatch, are null (unknown).
std::string simulation_json(const SimulationReport& report, const model::PrecisionMap& map) {
  const auto summary = [](const DutReport& dut, const core::ErrorSummary& s) {
    if (dut.completed == 0) return nlohmann::ordered_json(nullptr);
    return nlohmann::ordered_json{{"mean", s.mean}, {"quantile", s.quantile}, {"max", s.max}};
  };
  nlohmann::ordered_json duts = nlohmann::ordered_json::array();
  for (const DutReport& dut : report.duts) {
    nlohmann::ordered_json entry = {
        {"name", dut.name},
        {"module", dut.module},
        {"status", dut.status},
        {"trials", dut.trials},
        {"completed", dut.completed},
        {"mismatches", dut.mismatches},
        {"mismatching_trials", dut.mismatching_trials},
        {"first_mismatch", dut.first_mismatch ? nlohmann::ordered_json(*dut.first_mismatch)
                                              : nlohmann::ordered_json(nullptr)},
        {"cycles_per_trial", dut.cycles_per_trial},
        {"error_vs_integer", summary(dut, dut.error_vs_integer)}};
    if (dut.name == "top") entry["error_vs_float"] = summary(dut, dut.error_vs_float);
    entry["errors"] = dut.errors;
    if (!dut.first_difference.empty()) entry["first_difference"] = dut.first_difference;
    if (!dut.trace.empty()) entry["trace"] = dut.trace;
    entry["problems"] = dut.problems;
    duts.push_back(entry);
  }
  const auto optional = [](const std::optional<std::size_t>& value) {
    return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
  };
  const nlohmann::ordered_json json = {
      {"schema", "scprec.simulation/1"},
      {"model_sha256", map.model_hash},
      {"trials", report.trials},
      {"bit_exact", report.has_errors() && !report.mismatched()
                        ? nlohmann::ordered_json(nullptr)
                        : nlohmann::ordered_json(report.bit_exact())},
      {"errors",
       "relative: layers max |RTL estimate - exact dot| / layer full scale; top max "
       "|RTL logit - reference| / output full scale"},
      {"accuracy",
       {{"rtl_correct", optional(report.rtl_correct)},
        {"software_correct", optional(report.software_correct)},
        {"float_correct", optional(report.float_correct)}}},
      {"duts", duts}};
  return json.dump(2) + "\n";
}

}  // namespace scprec::cosim
