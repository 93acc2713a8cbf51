// The options of the commands that run simulations (simulate, verify, signoff, demo): the
// simulator backend, the executor with its SLURM settings, and the work directory.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "scprec/cosim/executor.hpp"
#include "scprec/cosim/simulate.hpp"

namespace scprec::cli {

struct RunOptions {
  std::string simulator = "verilator";
  std::string executor = "local";
  cosim::ExecutorOptions executor_options;
  std::string work;  ///< "": the command's default
  std::size_t trials_per_job = cosim::kTrialsPerJob;
};

/// Adds --simulator, --executor, --slurm-partition, --slurm-account, --slurm-time,
/// --slurm-extra, --trials-per-job and --work (whose help says what `work_default` is). The names
/// --simulator and --executor take come from the backends' and executors' registries.
void add_run_options(CLI::App& app, RunOptions& options, const std::string& work_default);

/// The executor the options name, with `workers` local processes. Throws as
/// cosim::make_executor.
std::unique_ptr<cosim::Executor> make_executor(RunOptions options, unsigned workers);

}  // namespace scprec::cli
