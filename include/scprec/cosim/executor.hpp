// Jobs and executors. A job is a self-contained folder: the simulator, its ROM images, its
// stimulus and expected outputs, and one command, run.sh. An executor runs jobs: "local" on
// worker processes of this machine, "slurm" as SLURM array jobs on a cluster. An executor is one
// file defining its factory (listed in src/cosim/CMakeLists.txt), plus its name in
// SCPREC_EXECUTORS (src/cosim/executors.cpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "scprec/core/logger.hpp"
#include "scprec/cosim/process.hpp"

namespace scprec::cosim {

struct Job {
  std::string name;
  std::string directory;         ///< holds run.sh and everything it reads
  double timeout_seconds = 0.0;  ///< 0: none
};

struct JobResult {
  std::string name;
  ProcessResult process;  ///< exit status, time, output (also in job.log in the folder)
};

class Executor {
 public:
  virtual ~Executor() = default;
  /// Runs every job (`sh run.sh` in its folder) and returns their results in job order. A job
  /// that fails, crashes or times out is reported, and does not stop the others.
  virtual std::vector<JobResult> run(const std::vector<Job>& jobs, Logger& logger) = 0;
};

/// How jobs go to a SLURM cluster (slurm_executor.cpp).
struct SlurmOptions {
  std::string partition;  ///< sbatch --partition ("" : the cluster's default)
  std::string account;    ///< sbatch --account ("" : none)
  /// sbatch --time, in any form sbatch takes ("" : the jobs' timeout, rounded up to minutes).
  std::string time;
  std::string extra;              ///< more sbatch options, split at spaces
  double poll_max_seconds = 5.0;  ///< polling of squeue backs off up to this interval
};

/// What the executors are made with: each reads its own part.
struct ExecutorOptions {
  unsigned workers = 2;  ///< local: job processes at once
  SlurmOptions slurm;
};

/// The executor called `name`. Throws Error (kBadInput, field "executor") naming the executors
/// there are if there is none of that name.
std::unique_ptr<Executor> make_executor(const std::string& name, const ExecutorOptions& options);

/// The names of every executor, in registration order (the first is the default).
std::vector<std::string> executor_names();

/// Runs jobs on `workers` local processes at a time.
class LocalExecutor final : public Executor {
 public:
  explicit LocalExecutor(unsigned workers) : workers_(workers == 0 ? 1 : workers) {}
  std::vector<JobResult> run(const std::vector<Job>& jobs, Logger& logger) override;

 private:
  unsigned workers_;
};

}  // namespace scprec::cosim
