// The SLURM executor. Without a cluster: squeue's states and listings, and the array script run
// by sh as a task would run it. On the single-node cluster of scripts/slurm-local (label
// `slurm`, CTest fixture slurm_cluster, SLURM_CONF set by CTest): simulate and signoff give the
// local executor's results and verdict; a crashed or timed-out task is retried once, then
// reported with its log, while a job that ran (exit 1) is not retried; an interrupt scancels the
// array; a node that cannot see the work directory is named in the error.
#include "scprec/cosim/slurm.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "../fixture_path.hpp"
#include "../recording_logger.hpp"
#include "../run_command.hpp"
#include "../signoff_twice.hpp"
#include "../temp_dir.hpp"
#include "scprec/core/logger.hpp"
#include "scprec/cosim/executor.hpp"
#include "scprec/cosim/process.hpp"
#include "scprec/io/files.hpp"

namespace fs = std::filesystem;
using scprec::cosim::TaskState;
using scprec::test::CommandRun;
using scprec::test::npz_fixture;
using scprec::test::TempDir;

namespace {

scprec::cosim::Job job_in(const std::string& folder, const std::string& name,
                          const std::string& script, double timeout = 60.0) {
  const std::string directory = folder + "/" + name;
  fs::create_directories(directory);
  scprec::io::write_file_atomically(directory + "/run.sh", script);
  return {name, directory, timeout};
}

// Runs the array script of `jobs` as SLURM would run task `task`.
scprec::cosim::ProcessResult run_task(const std::vector<scprec::cosim::Job>& jobs, std::size_t task,
                                      const std::string& folder) {
  scprec::io::write_file_atomically(folder + "/array.sh", scprec::cosim::slurm_array_script(jobs));
  return scprec::cosim::run_process(
      {"sh", folder + "/array.sh"},
      {folder, 60.0, "", {"SLURM_ARRAY_TASK_ID=" + std::to_string(task)}});
}

std::string status_of(const scprec::cosim::Job& job) {
  return scprec::io::read_file(job.directory + "/" + scprec::cosim::kTaskStatusFile);
}

}  // namespace

TEST_CASE("cosim: squeue's states map to scprec's, and its listings parse", "[cosim]") {
  CHECK(scprec::cosim::slurm_task_state("PENDING") == TaskState::kPending);
  CHECK(scprec::cosim::slurm_task_state("RUNNING") == TaskState::kRunning);
  CHECK(scprec::cosim::slurm_task_state("COMPLETING") == TaskState::kRunning);
  CHECK(scprec::cosim::slurm_task_state("COMPLETED") == TaskState::kFinished);
  CHECK(scprec::cosim::slurm_task_state("FAILED") == TaskState::kFailed);
  CHECK(scprec::cosim::slurm_task_state("NODE_FAIL") == TaskState::kFailed);
  CHECK(scprec::cosim::slurm_task_state("TIMEOUT") == TaskState::kTimedOut);
  CHECK(scprec::cosim::slurm_task_state("CANCELLED by 0") == TaskState::kCancelled);
  CHECK(scprec::cosim::slurm_task_state("SOMETHING_NEW") == TaskState::kRunning);
  CHECK_FALSE(scprec::cosim::is_final(TaskState::kRunning));
  CHECK(scprec::cosim::is_final(TaskState::kTimedOut));
  CHECK(std::string(to_string(TaskState::kTimedOut)) == "timed out");

  // As squeue -r -t all printed them on the slurm-local cluster (unsorted), and sacct's form.
  const auto tasks = scprec::cosim::parse_task_listing(
      "4|PENDING|\n3|RUNNING|vm\n0|COMPLETED|vm\n2|TIMEOUT|vm\n1|FAILED|vm\n"
      "12_[5-7]|PENDING|\n12_6|CANCELLED by 0|None assigned\ngarbage\n");
  REQUIRE(tasks.size() == 6);
  const auto whole = scprec::cosim::parse_task_listing("N/A|CANCELLED|\n");
  REQUIRE(whole.size() == 1);
  CHECK(whole.at(scprec::cosim::kWholeArray).state == TaskState::kCancelled);
  CHECK(tasks.at(0).state == TaskState::kFinished);
  CHECK(tasks.at(0).node == "vm");
  CHECK(tasks.at(2).state == TaskState::kTimedOut);
  CHECK(tasks.at(4).state == TaskState::kPending);
  CHECK(tasks.at(4).node.empty());
  CHECK(tasks.at(6).state == TaskState::kCancelled);
  CHECK(tasks.at(6).node.empty());
}

TEST_CASE("cosim: the SLURM array script runs a task's job and leaves its status", "[cosim]") {
  const TempDir dir("slurm-script");
  const std::vector<scprec::cosim::Job> jobs = {
      job_in(dir.path(), "passes", "echo fine\n"),
      job_in(dir.path(), "mismatch", "echo 'one differs' >&2\nexit 1\n"),
      job_in(dir.path(), "hangs", "sleep 30\n", 1.0),
      job_in(dir.path(), "it's quoted", "exit 0\n"),
  };
  CHECK(run_task(jobs, 0, dir.path()).exit_code == 0);
  CHECK_THAT(scprec::io::read_file(jobs[0].directory + "/job.log"), Catch::Contains("fine"));
  CHECK_THAT(status_of(jobs[0]), Catch::StartsWith("0 "));
  CHECK(run_task(jobs, 1, dir.path()).exit_code == 1);
  CHECK_THAT(scprec::io::read_file(jobs[1].directory + "/job.log"), Catch::Contains("one differs"));
  CHECK_THAT(status_of(jobs[1]), Catch::StartsWith("1 "));
  const auto hung = run_task(jobs, 2, dir.path());
  CHECK(hung.exit_code == 124);  // timeout's status: the job's own limit acted
  CHECK(hung.seconds < 20.0);
  CHECK_THAT(status_of(jobs[2]), Catch::StartsWith("124 "));
  CHECK(run_task(jobs, 3, dir.path()).exit_code == 0);
  CHECK(run_task(jobs, 4, dir.path()).exit_code == 96);  // no such task

  // A node that cannot enter the job folder says so and leaves no status.
  fs::remove_all(jobs[0].directory);
  const auto unseen = run_task(jobs, 0, dir.path());
  CHECK(unseen.exit_code == scprec::cosim::kExitNoJobFolder);
  CHECK_THAT(unseen.output, Catch::Contains("cannot enter the job folder " + jobs[0].directory) &&
                                Catch::Contains("on a file system the nodes share"));
}

TEST_CASE("cosim: an unknown executor or simulator is refused, naming the ones there are",
          "[cosim]") {
  CHECK_THROWS_WITH(scprec::cosim::make_executor("lsf", {}),
                    Catch::Contains("no executor 'lsf'") && Catch::Contains("local, slurm"));
  CHECK(scprec::cosim::executor_names() == std::vector<std::string>{"local", "slurm"});
}

// On the cluster.

namespace {

std::string cluster_work(const std::string& name) {
  return std::string(SCPREC_TEST_WORK_DIR) + "/slurm_" + name;
}

// `simulate` of the tiny network's map DIR/map.json on `executor`, work and results in
// DIR/<executor>.
CommandRun simulate_on(const std::string& executor, const std::string& dir,
                       std::vector<std::string> extra = {}) {
  const std::string out = dir + "/" + executor;
  std::vector<std::string> args = {"simulate",
                                   "--model",
                                   npz_fixture("tiny_model.npz"),
                                   "--data",
                                   npz_fixture("data_ok.npz"),
                                   "--map",
                                   dir + "/map.json",
                                   "--trials",
                                   "5",
                                   "--cache",
                                   SCPREC_TEST_CACHE_DIR,
                                   "--executor",
                                   executor,
                                   "--work",
                                   out + "/work",
                                   "-o",
                                   out + "/results.json"};
  args.insert(args.end(), extra.begin(), extra.end());
  return scprec::test::run_command(args);
}

void assign_tiny_map(const std::string& dir) {
  fs::create_directories(dir);
  const CommandRun assigned = scprec::test::run_command(
      {"assign", "--model", npz_fixture("tiny_model.npz"), "--data", npz_fixture("data_ok.npz"),
       "--method", "bernstein", "--gain", "analytic", "--budget", "96", "--min-length", "16", "-q",
       "-o", dir + "/map.json"});
  REQUIRE(assigned.code == 0);
}

// The results JSON without what differs between two runs of the same simulations.
nlohmann::json measured(const std::string& path) {
  auto json = nlohmann::json::parse(scprec::io::read_file(path));
  for (auto& dut : json["duts"]) dut.erase("problems");
  return json;
}

}  // namespace

TEST_CASE("slurm: simulate through SLURM gives the local executor's results", "[.slurm][cosim]") {
  const std::string dir = cluster_work("simulate");
  fs::remove_all(dir);
  assign_tiny_map(dir);
  const CommandRun slurm = simulate_on("slurm", dir, {"--trials-per-job", "2"});
  INFO(slurm.out << slurm.err);
  REQUIRE(slurm.code == 0);
  CHECK_THAT(slurm.err, Catch::Contains("slurm: submitted 9 tasks as array job"));
  const CommandRun local = simulate_on("local", dir, {"--trials-per-job", "2"});
  REQUIRE(local.code == 0);
  CHECK(measured(dir + "/slurm/results.json") == measured(dir + "/local/results.json"));
  // Each task's log is in its job folder.
  std::size_t logs = 0;
  for (const auto& job : fs::directory_iterator(dir + "/slurm/work/jobs")) {
    if (job.path().filename().string().rfind("check-", 0) == 0) continue;  // the first task
    logs += fs::exists(job.path() / "job.log") && fs::exists(job.path() / "slurm.status");
  }
  CHECK(logs == 9);
}

TEST_CASE("slurm: a crashed or timed-out task is retried once, then reported, but not one that ran",
          "[.slurm][cosim]") {
  const std::string dir = cluster_work("retries");
  fs::remove_all(dir);
  const std::string count = "echo run >> runs.txt\n";
  const std::vector<scprec::cosim::Job> jobs = {
      job_in(dir, "crashes_once",
             count + "if [ $(wc -l < runs.txt) -eq 1 ]; then kill -SEGV $$; fi\necho recovered\n"),
      job_in(dir, "crashes", count + "echo 'about to crash'\nkill -SEGV $$\n"),
      job_in(dir, "mismatch", count + "exit 1\n"),
      job_in(dir, "hangs", count + "sleep 60\n", 2.0),
  };
  scprec::test::RecordingLogger logger;
  const auto results = scprec::cosim::make_executor("slurm", {})->run(jobs, logger);
  REQUIRE(results.size() == 4);
  const auto runs = [&](std::size_t k) {
    const std::string text = scprec::io::read_file(jobs[k].directory + "/runs.txt");
    return std::count(text.begin(), text.end(), '\n');
  };
  CHECK(results[0].process.exit_code == 0);
  CHECK(runs(0) == 2);
  CHECK(results[1].process.exit_code == 128 + 11);
  CHECK_THAT(results[1].process.output, Catch::Contains("about to crash"));
  CHECK(runs(1) == 2);
  CHECK(results[2].process.exit_code == 1);
  CHECK(runs(2) == 1);
  CHECK(results[3].process.timed_out);
  CHECK(runs(3) == 2);
  CHECK_THAT(logger.text(),
             Catch::Contains("slurm: 3 of 4 tasks failed or timed out; retrying them once"));
}

namespace {

// The id of the array job of `tasks` tasks whose submission the log `log` reports, once it does
// (within a minute; "" if it does not).
std::string submitted_array(const std::string& log, std::size_t tasks) {
  const std::string line = fmt::format("slurm: submitted {} tasks as array job ", tasks);
  for (int wait = 0; wait < 600; ++wait) {
    const std::string text = fs::exists(log) ? scprec::io::read_file(log) : "";
    if (const std::size_t at = text.find(line); at != std::string::npos) {
      const std::string rest = text.substr(at + line.size());
      const std::string id = rest.substr(0, rest.find_first_not_of("0123456789"));
      if (!id.empty()) return id;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return "";
}

}  // namespace

TEST_CASE("slurm: an interrupt cancels the submitted array", "[.slurm][cosim]") {
  const std::string dir = cluster_work("interrupt");
  fs::remove_all(dir);
  assign_tiny_map(dir);
  // Every array is submitted held: the test releases the work directory check, then interrupts
  // scprec once the jobs' array is queued, its tasks pending whatever the machine's load.
  const std::string pid_file = dir + "/scprec.pid";
  std::thread simulate([&] {
    scprec::cosim::run_process(
        {"sh", "-c",
         fmt::format("{} simulate --model {} --data {} --map {}/map.json --trials 5 --cache {} "
                     "--executor slurm --slurm-extra=--hold --work {}/work "
                     "-o {}/results.json 2> {}/scprec.log & echo $! > {}; wait",
                     SCPREC_BINARY, npz_fixture("tiny_model.npz"), npz_fixture("data_ok.npz"), dir,
                     SCPREC_TEST_CACHE_DIR, dir, dir, dir, pid_file)},
        {dir, 300.0, "", {}});
  });
  const std::string check = submitted_array(dir + "/scprec.log", 1);
  if (!check.empty())
    scprec::cosim::run_process({"scontrol", "release", check}, {"", 30.0, "", {}});
  const std::string id = submitted_array(dir + "/scprec.log", 3);
  ::kill(std::stoi(scprec::io::read_file(pid_file)), id.empty() ? SIGKILL : SIGTERM);
  simulate.join();
  INFO(scprec::io::read_file(dir + "/scprec.log"));
  REQUIRE_FALSE(id.empty());
  const auto states = scprec::cosim::run_process(
      {"squeue", "-h", "-r", "-t", "all", "-j", id, "-o", "%K|%T|%N"}, {"", 30.0, "", {}});
  INFO(scprec::io::read_file(dir + "/scprec.log") << states.output);
  REQUIRE(states.succeeded());
  // The three tasks (fc1, fc2, top: 5 trials each, one job), or the array as one record (squeue
  // lists an array none of whose tasks started so), all cancelled.
  const auto tasks = scprec::cosim::parse_task_listing(states.output);
  REQUIRE_FALSE(tasks.empty());
  CHECK((tasks.size() == 3 || tasks.count(scprec::cosim::kWholeArray) == 1));
  for (const auto& [task, status] : tasks) CHECK(status.state == TaskState::kCancelled);
}

TEST_CASE("slurm: a node that cannot see the work directory is named, exit 3", "[.slurm][cosim]") {
  const std::string dir = cluster_work("unseen");
  fs::remove_all(dir);
  assign_tiny_map(dir);
  fs::create_directories(dir + "/private");
  // The work directory is a tmpfs mounted in a mount namespace of scprec's own: the node (this
  // machine's slurmd, outside it) sees an empty folder there.
  const auto run = scprec::cosim::run_process(
      {"unshare", "-m", "sh", "-c",
       fmt::format("mount -t tmpfs tmpfs {0}/private && {1} simulate --model {2} --data {3} "
                   "--map {0}/map.json --trials 5 --cache {4} --executor slurm "
                   "--work {0}/private/work -o {0}/results.json",
                   dir, SCPREC_BINARY, npz_fixture("tiny_model.npz"), npz_fixture("data_ok.npz"),
                   SCPREC_TEST_CACHE_DIR)},
      {dir, 300.0, "", {}});
  INFO(run.output);
  CHECK(run.exit_code == 3);
  // The check before the first round fails, naming the node; no job is submitted.
  const std::string node = scprec::cosim::run_process({"hostname", "-s"}, {}).output;
  CHECK_THAT(run.output, Catch::Contains("a SLURM task could not run in the work directory") &&
                             Catch::Contains("on node " + node.substr(0, node.find('\n'))) &&
                             Catch::Contains("on a file system the nodes share"));
  CHECK_THAT(run.output, !Catch::Contains("submitted 3 tasks"));
}

TEST_CASE("slurm: a sign-off through SLURM gives the local executor's verdict and measurements",
          "[.slurm][cosim]") {
  const std::string dir = cluster_work("signoff");
  fs::remove_all(dir);
  const scprec::test::SignoffPair runs =
      scprec::test::signoff_tiny_twice(dir, {"--executor", "local"}, {"--executor", "slurm"});
  INFO(runs.second.out << runs.second.err);
  CHECK(runs.second.code == 0);
  CHECK_THAT(runs.second.out, Catch::Contains("SIGNED OFF") && Catch::Contains("bit-exact"));
  CHECK(runs.first.code == runs.second.code);
  CHECK(runs.first.out == runs.second.out);
  CHECK(scprec::test::report_measurements(dir + "/second") ==
        scprec::test::report_measurements(dir + "/first"));
  CHECK_THAT(scprec::io::read_file(dir + "/second/junit.xml"),
             Catch::Contains("name=\"executor\" value=\"slurm\""));
}
