// The local executor: a thread per worker, each running one job process at a time.
#include "scprec/cosim/executor.hpp"

#include <fmt/format.h>

#include <atomic>
#include <mutex>

#include "scprec/core/parallel.hpp"

namespace scprec::cosim {

std::vector<JobResult> LocalExecutor::run(const std::vector<Job>& jobs, Logger& logger) {
  std::vector<JobResult> results(jobs.size());
  std::atomic<std::size_t> finished{0};
  std::mutex log_mutex;
  core::parallel_for(jobs.size(), workers_, [&](std::size_t k) {
    const Job& job = jobs[k];
    results[k].name = job.name;
    results[k].process = run_process(
        {"sh", "run.sh"}, {job.directory, job.timeout_seconds, job.directory + "/job.log", {}});
    const ProcessResult& p = results[k].process;
    const std::lock_guard<std::mutex> lock(log_mutex);
    logger.info(fmt::format("run: [{}/{}] {}: {} in {:.1f} s", ++finished, jobs.size(), job.name,
                            p.timed_out ? "timed out" : "exit " + std::to_string(p.exit_code),
                            p.seconds));
  });
  return results;
}

std::unique_ptr<Executor> make_local_executor(const ExecutorOptions& options) {
  return std::make_unique<LocalExecutor>(options.workers);
}

}  // namespace scprec::cosim
