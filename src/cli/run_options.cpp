// The options of the commands that run simulations.
#include "run_options.hpp"

#include <fmt/format.h>

#include "cli_parse.hpp"
#include "scprec/cosim/backend.hpp"

namespace scprec::cli {

void add_run_options(CLI::App& app, RunOptions& o, const std::string& work_default) {
  const std::vector<std::string> simulators = cosim::simulator_backend_names();
  const std::vector<std::string> executors = cosim::executor_names();
  app.add_option(
         "--simulator", o.simulator,
         fmt::format("simulator: {} (the same results from each)", fmt::join(simulators, " or ")))
      ->check(CLI::IsMember(simulators))
      ->capture_default_str();
  app.add_option("--executor", o.executor,
                 fmt::format("where the simulation jobs run: {} (local: --jobs processes here; "
                             "slurm: array jobs through sbatch)",
                             fmt::join(executors, " or ")))
      ->check(CLI::IsMember(executors))
      ->capture_default_str();
  cosim::SlurmOptions& slurm = o.executor_options.slurm;
  app.add_option("--slurm-partition", slurm.partition, "slurm: sbatch --partition");
  app.add_option("--slurm-account", slurm.account, "slurm: sbatch --account");
  app.add_option("--slurm-time", slurm.time,
                 "slurm: sbatch --time (default: the job timeout, in whole minutes, plus one)");
  app.add_option("--slurm-extra", slurm.extra, "slurm: more sbatch options, split at spaces");
  app.add_option("--trials-per-job", o.trials_per_job,
                 "trials in each simulation job: a fixed size, so that a rerun with other "
                 "settings reuses finished jobs")
      ->check(check::kCount)
      ->capture_default_str();
  app.add_option("--work", o.work,
                 fmt::format("directory for the RTL and the job folders, kept for reruns; with "
                             "--executor slurm it must be on a file system the nodes share "
                             "(default: {})",
                             work_default));
}

std::unique_ptr<cosim::Executor> make_executor(RunOptions options, unsigned workers) {
  options.executor_options.workers = workers;
  return cosim::make_executor(options.executor, options.executor_options);
}

}  // namespace scprec::cli
