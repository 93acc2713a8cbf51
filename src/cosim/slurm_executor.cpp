// The SLURM executor. A round of jobs is one array job: slurm_array_script maps task k to the
// folder of job k, sbatch submits it, and squeue (with -t all, which lists finished tasks while
// the controller keeps them, MinJobAge) is polled with back-off until every task is final; sacct
// answers for a job the controller has forgotten, when the cluster keeps accounting. A task's
// outcome is the status file the script leaves in the job folder: a task that ended without one
// never ran its job (most often, its node cannot see the work directory). A task that failed that
// way, crashed (run.sh ended by a signal) or timed out is resubmitted once, in a second array;
// then it is reported, with its log, like a local crash. While an array is queued or running, an
// interrupt (Ctrl-C, SIGTERM) scancels it.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "scprec/core/error.hpp"
#include "scprec/cosim/process.hpp"
#include "scprec/cosim/slurm.hpp"
#include "scprec/io/files.hpp"

namespace scprec::cosim {

const char* to_string(TaskState state) {
  switch (state) {
    case TaskState::kPending:
      return "pending";
    case TaskState::kRunning:
      return "running";
    case TaskState::kFinished:
      return "finished";
    case TaskState::kFailed:
      return "failed";
    case TaskState::kTimedOut:
      return "timed out";
    case TaskState::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

TaskState slurm_task_state(const std::string& state) {
  const std::string word = state.substr(0, state.find(' '));  // sacct: "CANCELLED by 0"
  if (word == "PENDING" || word == "REQUEUED" || word == "REQUEUE_HOLD" || word == "REQUEUE_FED" ||
      word == "RESV_DEL_HOLD") {
    return TaskState::kPending;
  }
  if (word == "COMPLETED") return TaskState::kFinished;
  if (word == "FAILED" || word == "NODE_FAIL" || word == "OUT_OF_MEMORY" || word == "BOOT_FAIL" ||
      word == "PREEMPTED" || word == "DEADLINE" || word == "REVOKED" || word == "SPECIAL_EXIT") {
    return TaskState::kFailed;
  }
  if (word == "TIMEOUT") return TaskState::kTimedOut;
  if (word == "CANCELLED") return TaskState::kCancelled;
  return TaskState::kRunning;  // RUNNING, CONFIGURING, COMPLETING, SUSPENDED, STAGE_OUT, ...
}

bool is_final(TaskState state) {
  return state != TaskState::kPending && state != TaskState::kRunning;
}

std::map<std::size_t, TaskStatus> parse_task_listing(const std::string& text) {
  std::map<std::size_t, TaskStatus> tasks;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> fields;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, '|');) fields.push_back(cell);
    if (fields.size() < 2) continue;
    std::string id = fields[0];
    if (const auto underscore = id.rfind('_'); underscore != std::string::npos) {
      id = id.substr(underscore + 1);  // sacct's 123_4
    }
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) continue;
    TaskStatus status;
    status.slurm_state = fields[1];
    status.state = slurm_task_state(fields[1]);
    status.node =
        fields.size() > 2 && fields[2] != "(null)" && fields[2] != "None assigned" ? fields[2] : "";
    tasks[std::stoul(id)] = status;
  }
  return tasks;
}

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// `text` in single quotes for sh.
std::string sh_quoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream stream(text);
  std::vector<std::string> all;
  for (std::string word; stream >> word;) all.push_back(word);
  return all;
}

// What a task left in its job folder: run.sh's exit status, its seconds and the node.
struct TaskOutcome {
  int exit_code = -1;
  double seconds = 0.0;
  std::string node;
};

std::optional<TaskOutcome> read_outcome(const Job& job) {
  std::ifstream file(job.directory + "/" + kTaskStatusFile);
  TaskOutcome outcome;
  if (!(file >> outcome.exit_code >> outcome.seconds >> outcome.node)) return std::nullopt;
  return outcome;
}

std::string read_if_present(const std::string& path) {
  return fs::exists(path) ? io::read_file(path) : "";
}

class SlurmExecutor final : public Executor {
 public:
  explicit SlurmExecutor(SlurmOptions options) : options_(std::move(options)) {}

  std::vector<JobResult> run(const std::vector<Job>& jobs, Logger& logger) override {
    std::vector<JobResult> results(jobs.size());
    if (jobs.empty()) return results;
    std::vector<std::size_t> round(jobs.size());
    for (std::size_t k = 0; k < jobs.size(); ++k) round[k] = k;
    for (int attempt = 1; !round.empty(); ++attempt) {
      std::vector<Job> submitted;
      for (std::size_t k : round) submitted.push_back(jobs[k]);
      const std::vector<JobResult> got = run_array(submitted, logger);
      std::vector<std::size_t> again;
      for (std::size_t i = 0; i < round.size(); ++i) {
        results[round[i]] = got[i];
        if (attempt == 1 && worth_retrying(got[i].process)) again.push_back(round[i]);
      }
      if (!again.empty()) {
        logger.warning(fmt::format("slurm: {} of {} tasks failed or timed out; retrying them once",
                                   again.size(), round.size()));
      }
      round = std::move(again);
    }
    return results;
  }

 private:
  // Crashed (a signal ended run.sh, or it could not run), timed out, or never ran its job.
  static bool worth_retrying(const ProcessResult& process) {
    return process.timed_out || process.exit_code < 0 || process.exit_code >= 126;
  }

  // One array job over `jobs`: submits, waits for every task to be final, collects outcomes.
  std::vector<JobResult> run_array(const std::vector<Job>& jobs, Logger& logger) {
    const std::string folder = round_folder(jobs);
    for (const Job& job : jobs) fs::remove(job.directory + "/" + kTaskStatusFile);
    io::write_file_atomically(folder + "/array.sh", slurm_array_script(jobs));
    const std::string id = submit(jobs, folder);
    logger.info(
        fmt::format("slurm: submitted {} tasks as array job {} ({})", jobs.size(), id, folder));
    const InterruptCommand cancel_on_interrupt({"scancel", id});
    const auto start = Clock::now();
    const std::map<std::size_t, TaskStatus> final = wait_for(id, jobs, logger);
    std::vector<JobResult> results(jobs.size());
    for (std::size_t k = 0; k < jobs.size(); ++k) {
      results[k] = outcome_of(jobs[k], k, id, folder, final.at(k), start);
      const ProcessResult& p = results[k].process;
      logger.info(fmt::format("run: [{}/{}] {}: {} in {:.1f} s", k + 1, jobs.size(), jobs[k].name,
                              p.timed_out ? "timed out" : "exit " + std::to_string(p.exit_code),
                              p.seconds));
    }
    return results;
  }

  // A fresh folder for the array's script and SLURM's per-task output, beside the job folders
  // (so on the same shared file system).
  static std::string round_folder(const std::vector<Job>& jobs) {
    const fs::path base = fs::absolute(jobs.front().directory).parent_path() / "slurm";
    for (unsigned n = 0;; ++n) {
      const fs::path folder = base / fmt::format("array-{}-{}", ::getpid(), n);
      if (fs::create_directories(folder)) return folder.string();
    }
  }

  std::string submit(const std::vector<Job>& jobs, const std::string& folder) const {
    if (!program_available("sbatch")) {
      throw Error(ErrorKind::kEnvironment, "sbatch", "", "SLURM's sbatch is not on PATH",
                  "Run on a SLURM submission host, or use --executor local");
    }
    std::vector<std::string> argv = {"sbatch", "--parsable",
                                     fmt::format("--array=0-{}", jobs.size() - 1),
                                     "--job-name=scprec", "--output=" + folder + "/task-%a.out"};
    if (!options_.partition.empty()) argv.push_back("--partition=" + options_.partition);
    if (!options_.account.empty()) argv.push_back("--account=" + options_.account);
    double longest = 0.0;
    for (const Job& job : jobs) longest = std::max(longest, job.timeout_seconds);
    if (!options_.time.empty()) {
      argv.push_back("--time=" + options_.time);
    } else if (longest > 0.0) {
      // The job's own timeout acts first (the script's `timeout`); SLURM's limit is a backstop.
      argv.push_back(fmt::format("--time={}", static_cast<long>(std::ceil(longest / 60.0)) + 1));
    }
    for (const std::string& option : words(options_.extra)) argv.push_back(option);
    argv.push_back(folder + "/array.sh");
    const ProcessResult result = run_process(argv, {folder, 120.0, folder + "/sbatch.log", {}});
    // --parsable prints "ID" or "ID;CLUSTER" on a line of its own, among any warnings.
    std::string id;
    std::istringstream lines(result.output);
    for (std::string line; std::getline(lines, line);) {
      const std::string first = line.substr(0, line.find(';'));
      if (!first.empty() && first.find_first_not_of("0123456789") == std::string::npos) id = first;
    }
    if (!result.succeeded() || id.empty()) {
      throw Error(
          ErrorKind::kEnvironment, "sbatch", "",
          fmt::format("'{}' failed: {}", fmt::join(argv, " "), error_excerpt(result.output)),
          "Check the --slurm-* options and that the cluster answers (sinfo)");
    }
    return id;
  }

  // Polls until every task of array `id` is final; returns each task's last status.
  std::map<std::size_t, TaskStatus> wait_for(const std::string& id, const std::vector<Job>& jobs,
                                             Logger& logger) const {
    std::map<std::size_t, TaskStatus> known;
    for (std::size_t k = 0; k < jobs.size(); ++k) known[k] = TaskStatus{};
    double interval = 0.2;
    std::string last_progress;
    int unanswered = 0;
    while (true) {
      std::this_thread::sleep_for(std::chrono::duration<double>(interval));
      interval = std::min(options_.poll_max_seconds, interval * 1.5);
      std::map<std::size_t, TaskStatus> listed = list_tasks(id);
      if (listed.empty()) {
        // Forgotten by the controller and no accounting: a task's status file is all there is.
        if (++unanswered < 3) continue;
        for (auto& [k, status] : known) {
          if (is_final(status.state)) continue;
          status.state = read_outcome(jobs[k]) ? TaskState::kFinished : TaskState::kFailed;
          status.slurm_state = "unknown (no longer listed by squeue or sacct)";
        }
        return known;
      }
      unanswered = 0;
      for (auto& [k, status] : listed) {
        if (k < jobs.size()) known[k] = status;
      }
      std::size_t pending = 0, running = 0, final = 0;
      for (const auto& [k, status] : known) {
        (is_final(status.state)                ? final
         : status.state == TaskState::kPending ? pending
                                               : running)++;
      }
      const std::string progress =
          fmt::format("slurm: array job {}: {} pending, {} running, {} of {} done", id, pending,
                      running, final, jobs.size());
      if (progress != last_progress) logger.info(progress);
      last_progress = progress;
      if (final == jobs.size()) return known;
    }
  }

  // The array's tasks as squeue lists them, or sacct when squeue no longer knows the job.
  static std::map<std::size_t, TaskStatus> list_tasks(const std::string& id) {
    const ProcessResult squeue = run_process(
        {"squeue", "-h", "-r", "-t", "all", "-j", id, "-o", "%K|%T|%N"}, {"", 60.0, "", {}});
    if (squeue.succeeded()) {
      auto tasks = parse_task_listing(squeue.output);
      if (!tasks.empty()) return tasks;
    }
    const ProcessResult sacct = run_process(
        {"sacct", "-n", "-P", "-X", "-j", id, "-o", "JobID,State,NodeList"}, {"", 60.0, "", {}});
    return sacct.succeeded() ? parse_task_listing(sacct.output)
                             : std::map<std::size_t, TaskStatus>{};
  }

  static JobResult outcome_of(const Job& job, std::size_t task, const std::string& id,
                              const std::string& folder, const TaskStatus& status,
                              Clock::time_point start) {
    JobResult result;
    result.name = job.name;
    ProcessResult& p = result.process;
    p.output = read_if_present(job.directory + "/job.log");
    const std::string slurm_output = read_if_present(fmt::format("{}/task-{}.out", folder, task));
    if (const std::optional<TaskOutcome> outcome = read_outcome(job)) {
      p.exit_code = outcome->exit_code;
      p.seconds = outcome->seconds;
      p.timed_out = outcome->exit_code == 124 || status.state == TaskState::kTimedOut;
      if (!slurm_output.empty()) p.output += "\n[SLURM task output]\n" + slurm_output;
      return result;
    }
    p.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    p.timed_out = status.state == TaskState::kTimedOut;
    p.output = fmt::format(
        "SLURM array job {} task {} ended {} ({}){} without running the job in {}.{}\n{}", id, task,
        to_string(status.state), status.slurm_state,
        status.node.empty() ? "" : " on node " + status.node, job.directory,
        status.state == TaskState::kTimedOut || status.state == TaskState::kCancelled
            ? ""
            : " If its node cannot see that folder, the --work directory must be on a file "
              "system the nodes share.",
        slurm_output.empty() ? std::string("(no SLURM output in " + folder + ")") : slurm_output);
    return result;
  }

  SlurmOptions options_;
};

}  // namespace

std::string slurm_array_script(const std::vector<Job>& jobs) {
  std::string cases;
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    cases += fmt::format("  {}) dir={}; limit={} ;;\n", k,
                         sh_quoted(fs::absolute(jobs[k].directory).string()),
                         static_cast<long>(std::ceil(jobs[k].timeout_seconds)));
  }
  return fmt::format(
      R"(#!/bin/sh
# scprec: a SLURM array of co-simulation jobs. Task K enters the job folder of case K, runs
# run.sh there (its output in job.log) and leaves {status} ("EXIT SECONDS NODE").
case "$SLURM_ARRAY_TASK_ID" in
{cases}  *) echo "scprec: array task $SLURM_ARRAY_TASK_ID has no job" >&2; exit 96 ;;
esac
node=$(uname -n)
if ! cd "$dir" 2>/dev/null; then
  echo "scprec: node $node cannot enter the job folder $dir: the --work directory must be on a file system the nodes share" >&2
  exit {no_folder}
fi
rm -f {status}
start=$(date +%s.%N)
timeout -k 10 "$limit" sh run.sh > job.log 2>&1
status=$?
end=$(date +%s.%N)
echo "$status $(echo "$end - $start" | awk '{{print $1 - $3}}') $node" > {status}.tmp
mv {status}.tmp {status}
exit $status
)",
      fmt::arg("cases", cases), fmt::arg("status", kTaskStatusFile),
      fmt::arg("no_folder", kExitNoJobFolder));
}

std::unique_ptr<Executor> make_slurm_executor(const ExecutorOptions& options) {
  return std::make_unique<SlurmExecutor>(options.slurm);
}

}  // namespace scprec::cosim
