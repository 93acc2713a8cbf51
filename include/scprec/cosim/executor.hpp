// Jobs and executors. A job is a self-contained folder: the simulator, its ROM images, its
// stimulus and expected outputs, and one command, run.sh. An executor runs jobs; the local one
// uses worker processes on this machine, a cluster scheduler can implement the same interface.
#pragma once

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

/// Runs jobs on `workers` local processes at a time.
class LocalExecutor final : public Executor {
 public:
  explicit LocalExecutor(unsigned workers) : workers_(workers == 0 ? 1 : workers) {}
  std::vector<JobResult> run(const std::vector<Job>& jobs, Logger& logger) override;

 private:
  unsigned workers_;
};

}  // namespace scprec::cosim
