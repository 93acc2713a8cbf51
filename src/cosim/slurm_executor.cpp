// The SLURM executor. Before its first round, one task must run in a folder beside the job
// folders and leave its status there: a work directory the nodes cannot see fails at once, with
// a message that says so. A round of jobs is one array job (several past 1000 tasks, SLURM's
// default MaxArraySize): slurm_array_script maps task k to the folder of job k, and sbatch
// submits it under a name of its own, by which an interrupt (Ctrl-C, SIGTERM, or scprec's death)
// scancels it, from before the submission on (InterruptCommand). A task that left its status
// file has finished, which is checked every 0.2 s; squeue (with -t all, which lists finished
// tasks while the controller keeps them, MinJobAge) is polled with back-off for progress and for
// the tasks that end without a status, and sacct answers for a job the controller has
// forgotten when the cluster keeps accounting; a controller that does not answer is waited for.
// A task that timed out, crashed, or ended without running its job (but was not cancelled) is
// resubmitted once, in a new array; then it is reported, with its log, like a local crash.
#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "scprec/core/error.hpp"
#include "scprec/core/text.hpp"
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
    const bool whole = id == "N/A";
    if (!whole && (id.empty() || id.find_first_not_of("0123456789") != std::string::npos)) {
      continue;
    }
    TaskStatus status;
    status.slurm_state = fields[1];
    status.state = slurm_task_state(fields[1]);
    status.node =
        fields.size() > 2 && fields[2] != "(null)" && fields[2] != "None assigned" ? fields[2] : "";
    tasks[whole ? kWholeArray : std::stoul(id)] = status;
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

// What one try of a job gave, and whether it deserves another.
struct Attempt {
  JobResult result;
  bool retry = false;
};

// One array job on its way: its jobs, folder, name (shared by the arrays of a round) and id.
struct Array {
  std::vector<Job> jobs;
  std::string folder;
  std::string name;
  std::string id;
};

class SlurmExecutor final : public Executor {
 public:
  explicit SlurmExecutor(SlurmOptions options) : options_(std::move(options)) {}

  std::vector<JobResult> run(const std::vector<Job>& jobs, Logger& logger) override {
    std::vector<JobResult> results(jobs.size());
    if (jobs.empty()) return results;
    if (!work_checked_) check_work_directory(jobs.front(), logger);
    work_checked_ = true;
    std::vector<std::size_t> round(jobs.size());
    for (std::size_t k = 0; k < jobs.size(); ++k) round[k] = k;
    for (int attempt = 1; !round.empty(); ++attempt) {
      std::vector<Job> submitted;
      for (std::size_t k : round) submitted.push_back(jobs[k]);
      std::vector<Attempt> got = run_round(submitted, logger);
      std::vector<std::size_t> again;
      for (std::size_t i = 0; i < round.size(); ++i) {
        results[round[i]] = std::move(got[i].result);
        if (attempt == 1 && got[i].retry) again.push_back(round[i]);
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
  // Before the first round: one task that must run in a folder beside the jobs and leave its
  // status there, so that a work directory the nodes cannot see fails at once, with a message
  // that says so, rather than as every job's failure.
  void check_work_directory(const Job& first, Logger& logger) {
    Job probe;
    probe.name = "work directory check";
    probe.directory = (fs::absolute(first.directory).parent_path() /
                       fmt::format("check-{}-{}", host_name(), ::getpid()))
                          .string();
    probe.timeout_seconds = 60.0;
    fs::create_directories(probe.directory);
    io::write_file_atomically(probe.directory + "/run.sh", "exit 0\n");
    logger.info("slurm: checking that the nodes see the work directory");
    const Attempt checked = run_round({probe}, logger).front();
    if (checked.result.process.exit_code == 0) return;
    throw Error(ErrorKind::kEnvironment, fs::path(first.directory).parent_path().string(), "",
                fmt::format("a SLURM task could not run in the work directory:\n{}",
                            checked.result.process.output),
                "Give --work a folder on a file system the nodes share (and mounted at the same "
                "path on them)");
  }

  // The jobs as arrays of at most kMaxArrayTasks (SLURM's default MaxArraySize is 1001), all
  // submitted under one name, then waited for. An interrupt scancels them by that name, from
  // before the first sbatch (an interrupted sbatch may still have queued its array); so does a
  // round that throws, or that ends with a task that never ran its job (should SLURM still have
  // it, it must not run beside the retry).
  std::vector<Attempt> run_round(const std::vector<Job>& jobs, Logger& logger) {
    const std::string name = fmt::format("scprec-{}-{}-{}", host_name(), ::getpid(), rounds_++);
    const std::vector<std::string> cancel = {"scancel", "--me", "--name=" + name};
    const InterruptCommand cancel_on_interrupt(cancel);
    const auto cancel_now = [&] {
      try {
        run_process(cancel, {"", 30.0, "", {}});
      } catch (const std::exception&) {
        // Nothing more to do; the watcher still cancels if scprec dies.
      }
    };
    std::vector<Attempt> attempts;
    try {
      attempts = submit_and_wait(jobs, name, logger);
    } catch (...) {
      cancel_now();
      throw;
    }
    for (const Attempt& attempt : attempts) {
      if (attempt.result.process.exit_code < 0) {
        cancel_now();
        break;
      }
    }
    return attempts;
  }

  std::vector<Attempt> submit_and_wait(const std::vector<Job>& jobs, const std::string& name,
                                       Logger& logger) {
    constexpr std::size_t kMaxArrayTasks = 1000;
    std::vector<Array> arrays;
    for (std::size_t first = 0; first < jobs.size(); first += kMaxArrayTasks) {
      Array& array = arrays.emplace_back();
      array.jobs.assign(jobs.begin() + static_cast<std::ptrdiff_t>(first),
                        jobs.begin() + static_cast<std::ptrdiff_t>(
                                           std::min(jobs.size(), first + kMaxArrayTasks)));
      array.folder = round_folder(array.jobs);
      array.name = name;
      for (const Job& job : array.jobs) fs::remove(job.directory + "/" + kTaskStatusFile);
      io::write_file_atomically(array.folder + "/array.sh", slurm_array_script(array.jobs));
      array.id = submit(array, logger);
    }
    std::vector<Attempt> attempts;
    for (const Array& array : arrays) {
      const auto start = Clock::now();
      const std::map<std::size_t, TaskStatus> final = wait_for(array.id, array.jobs, logger);
      for (std::size_t k = 0; k < array.jobs.size(); ++k) {
        Attempt attempt = outcome_of(array, k, final.at(k), start);
        const ProcessResult& p = attempt.result.process;
        logger.info(fmt::format(
            "run: [{}/{}] {}: {} in {:.1f} s", k + 1, array.jobs.size(), array.jobs[k].name,
            p.timed_out ? "timed out" : "exit " + std::to_string(p.exit_code), p.seconds));
        attempts.push_back(std::move(attempt));
      }
    }
    return attempts;
  }

  static std::string host_name() {
    utsname names{};
    return ::uname(&names) == 0 ? names.nodename : "host";
  }

  // A fresh folder for the array's script and SLURM's per-task output, beside the job folders
  // (so on the same shared file system).
  static std::string round_folder(const std::vector<Job>& jobs) {
    const fs::path base = fs::absolute(jobs.front().directory).parent_path() / "slurm";
    for (unsigned n = 0;; ++n) {
      const fs::path folder = base / fmt::format("array-{}-{}-{}", host_name(), ::getpid(), n);
      if (fs::create_directories(folder)) return folder.string();
    }
  }

  std::string submit(const Array& array, Logger& logger) const {
    const std::vector<Job>& jobs = array.jobs;
    const std::string& folder = array.folder;
    if (!program_available("sbatch")) {
      throw Error(ErrorKind::kEnvironment, "sbatch", "", "SLURM's sbatch is not on PATH",
                  "Run on a SLURM submission host, or use --executor local");
    }
    std::vector<std::string> argv = {
        "sbatch", "--parsable", fmt::format("--array=0-{}", jobs.size() - 1),
        "--job-name=" + array.name, "--output=" + folder + "/task-%a.out"};
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
    for (const std::string& option : core::split_words(options_.extra)) argv.push_back(option);
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
    logger.info(
        fmt::format("slurm: submitted {} tasks as array job {} ({})", jobs.size(), id, folder));
    return id;
  }

  // Waits until every task of array `id` is final; returns each task's last status. A task
  // that left its status file has finished (the file is the script's last act), which is
  // checked every 0.2 s; squeue is asked with back-off, for progress and for the tasks that end
  // without one. Those are final only after a grace period, in case a shared file system shows
  // the status file late: 60 s for a task SLURM calls COMPLETED (its script ran to the end, so it
  // wrote one), 5 s otherwise. A job the controller no longer lists counts as forgotten only
  // once it has been listed.
  std::map<std::size_t, TaskStatus> wait_for(const std::string& id, const std::vector<Job>& jobs,
                                             Logger& logger) const {
    std::map<std::size_t, TaskStatus> known;
    std::map<std::size_t, Clock::time_point> ended_without_status;
    for (std::size_t k = 0; k < jobs.size(); ++k) known[k] = TaskStatus{};
    double query_interval = 0.5;
    auto next_query = Clock::now();
    auto last_warning = Clock::now() - std::chrono::hours(1);
    bool listed_once = false;
    std::string last_progress;
    while (true) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      for (auto& [k, status] : known) {
        if (status.state != TaskState::kFinished && read_outcome(jobs[k])) {
          status.state = TaskState::kFinished;
        }
      }
      if (Clock::now() >= next_query) {
        const std::optional<std::map<std::size_t, TaskStatus>> listed = list_tasks(id);
        const auto now = Clock::now();
        next_query = now + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(query_interval));
        query_interval = std::min(options_.poll_max_seconds, query_interval * 1.5);
        if (!listed || (listed->empty() && !listed_once)) {
          // The controller does not answer: keep waiting (Ctrl-C cancels), and say so.
          if (now - last_warning > std::chrono::minutes(1)) {
            logger.warning(fmt::format("slurm: squeue does not list array job {}{}; still waiting",
                                       id, listed ? "" : " (it does not answer)"));
            last_warning = now;
          }
        } else if (listed->empty()) {
          // Forgotten by the controller and no accounting: a status file is all there is.
          for (auto& [k, status] : known) {
            if (is_final(status.state)) continue;
            status.state = TaskState::kFailed;
            status.slurm_state = "unknown (no longer listed by squeue or sacct)";
          }
          return known;
        } else {
          listed_once = true;
          update(known, *listed, ended_without_status, now);
          log_progress(id, known, logger, last_progress);
        }
      }
      std::size_t final = 0;
      for (const auto& [k, status] : known) final += is_final(status.state);
      if (final == jobs.size()) return known;
    }
  }

  // Takes what squeue says of each task into `known`, but for the tasks known finished by
  // their status, and for a task final without one before its grace period is over.
  static void update(std::map<std::size_t, TaskStatus>& known,
                     std::map<std::size_t, TaskStatus> listed,
                     std::map<std::size_t, Clock::time_point>& ended_without_status,
                     Clock::time_point now) {
    if (const auto whole = listed.find(kWholeArray); whole != listed.end()) {
      // The array as one record: what it says holds for every task not listed alone.
      for (const auto& [k, status] : known) listed.emplace(k, whole->second);
      listed.erase(kWholeArray);
    }
    for (const auto& [k, status] : listed) {
      const auto found = known.find(k);
      if (found == known.end()) continue;
      if (found->second.state == TaskState::kFinished) {
        found->second.node = status.node;
        found->second.slurm_state = status.slurm_state;
        continue;
      }
      if (!is_final(status.state)) {
        found->second = status;
        continue;
      }
      const Clock::time_point since = ended_without_status.emplace(k, now).first->second;
      const double grace = status.state == TaskState::kFinished ? 60.0 : 5.0;
      if (now - since >= std::chrono::duration<double>(grace)) found->second = status;
    }
  }

  static void log_progress(const std::string& id, const std::map<std::size_t, TaskStatus>& known,
                           Logger& logger, std::string& last_progress) {
    std::size_t pending = 0, running = 0, final = 0;
    for (const auto& [k, status] : known) {
      (is_final(status.state) ? final : status.state == TaskState::kPending ? pending : running)++;
    }
    const std::string progress =
        fmt::format("slurm: array job {}: {} pending, {} running, {} of {} done", id, pending,
                    running, final, known.size());
    if (progress != last_progress) logger.info(progress);
    last_progress = progress;
  }

  // The array's tasks as squeue lists them, or sacct when squeue no longer knows the job; empty
  // when neither knows it, nullopt when neither answers (the controller is down or busy).
  static std::optional<std::map<std::size_t, TaskStatus>> list_tasks(const std::string& id) {
    const ProcessResult squeue = run_process(
        {"squeue", "-h", "-r", "-t", "all", "-j", id, "-o", "%K|%T|%N"}, {"", 60.0, "", {}});
    if (squeue.succeeded()) {
      auto tasks = parse_task_listing(squeue.output);
      if (!tasks.empty()) return tasks;
    }
    const bool forgotten =
        squeue.succeeded() || squeue.output.find("Invalid job id") != std::string::npos;
    const ProcessResult sacct = run_process(
        {"sacct", "-n", "-P", "-X", "-j", id, "-o", "JobID,State,NodeList"}, {"", 60.0, "", {}});
    if (sacct.succeeded()) {
      auto tasks = parse_task_listing(sacct.output);
      if (!tasks.empty() || forgotten) return tasks;
    }
    if (forgotten) return std::map<std::size_t, TaskStatus>{};
    return std::nullopt;
  }

  // What task `task` of `array` gave. With its status: run.sh's exit status, timed out when
  // timeout(1) ended it (124, or 137 once its KILL was needed) or SLURM did; retried if timed
  // out or crashed (128 + signal, or 126/127: it could not run). Without one, it never ran its
  // job: retried unless it was cancelled (by a user or an administrator, whose word stands).
  static Attempt outcome_of(const Array& array, std::size_t task, const TaskStatus& status,
                            Clock::time_point start) {
    const Job& job = array.jobs[task];
    Attempt attempt;
    attempt.result.name = job.name;
    ProcessResult& p = attempt.result.process;
    p.output = read_if_present(job.directory + "/job.log");
    const std::string slurm_output =
        read_if_present(fmt::format("{}/task-{}.out", array.folder, task));
    if (const std::optional<TaskOutcome> outcome = read_outcome(job)) {
      p.exit_code = outcome->exit_code;
      p.seconds = outcome->seconds;
      p.timed_out = outcome->exit_code == 124 ||
                    (outcome->exit_code == 137 && job.timeout_seconds > 0.0 &&
                     outcome->seconds >= job.timeout_seconds) ||
                    status.state == TaskState::kTimedOut;
      if (!slurm_output.empty()) p.output += "\n[SLURM task output]\n" + slurm_output;
      attempt.retry = p.timed_out || p.exit_code >= 126;
      return attempt;
    }
    p.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    p.timed_out = status.state == TaskState::kTimedOut;
    attempt.retry = status.state != TaskState::kCancelled;
    p.output = fmt::format(
        "SLURM array job {} task {} ended {} ({}){} without running the job in {}.{}\n{}", array.id,
        task, to_string(status.state), status.slurm_state,
        status.node.empty() ? "" : " on node " + status.node, job.directory,
        status.state == TaskState::kTimedOut || status.state == TaskState::kCancelled
            ? ""
            : " If its node cannot see that folder, the --work directory must be on a file "
              "system the nodes share.",
        slurm_output.empty() ? "(no SLURM output in " + array.folder + ")" : slurm_output);
    return attempt;
  }

  SlurmOptions options_;
  bool work_checked_ = false;
  unsigned rounds_ = 0;  // names the rounds' arrays
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
