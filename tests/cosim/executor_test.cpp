// Tests for subprocesses and the local executor: exit codes, output capture, time limits, an
// interrupt reaching the children, and jobs that crash or hang being reported without stopping
// the others.
#include "scprec/cosim/executor.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "../process_probe.hpp"
#include "scprec/core/logger.hpp"
#include "scprec/cosim/process.hpp"
#include "scprec/io/files.hpp"

namespace fs = std::filesystem;
using scprec::cosim::run_process;

namespace {

scprec::cosim::Job job(const std::string& name, const std::string& script) {
  const std::string directory = std::string(SCPREC_TEST_WORK_DIR) + "/executor/" + name;
  fs::create_directories(directory);
  scprec::io::write_file_atomically(directory + "/run.sh", script);
  return {name, directory, 2.0};
}

// Starts SCPREC_RUN_CHILD with `args` in a child process, with `ignored` (a signal, or 0)
// ignored as a shell's background job has SIGINT ignored; returns its pid.
pid_t start_run_child(const std::vector<std::string>& args, int ignored = 0) {
  std::vector<std::string> argv = {SCPREC_RUN_CHILD};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> pointers;
  for (std::string& arg : argv) pointers.push_back(arg.data());
  pointers.push_back(nullptr);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (ignored != 0) ::signal(ignored, SIG_IGN);
    ::execv(SCPREC_RUN_CHILD, pointers.data());
    ::_exit(127);
  }
  return pid;
}

// Waits up to 20 s for `path` to exist; whether it does.
bool wait_for_file(const std::string& path) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!fs::exists(path) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return fs::exists(path);
}

}  // namespace

TEST_CASE("cosim: processes report exit codes, output, environment and time limits", "[cosim]") {
  const auto ok = run_process({"sh", "-c", "echo out; echo err >&2; echo $SCPREC_X"},
                              {"", 0.0, "", {"SCPREC_X=42"}});
  CHECK(ok.succeeded());
  CHECK_THAT(ok.output, Catch::Contains("out") && Catch::Contains("err") && Catch::Contains("42"));
  CHECK(run_process({"sh", "-c", "exit 3"}, {}).exit_code == 3);
  const auto slow = run_process({"sh", "-c", "sleep 30"}, {"", 0.3, "", {}});
  CHECK(slow.timed_out);
  CHECK(slow.seconds < 5.0);
  CHECK(run_process({"sh", "-c", "kill -SEGV $$"}, {}).exit_code == 128 + 11);
  CHECK(run_process({"scprec-no-such-program"}, {}).exit_code == 127);
  CHECK(scprec::cosim::program_available("sh"));
  CHECK_FALSE(scprec::cosim::program_available("scprec-no-such-program"));
}

TEST_CASE("cosim: the local executor reports failed, crashed and hung jobs and runs the rest",
          "[cosim]") {
  const std::vector<scprec::cosim::Job> jobs = {
      job("passes", "echo fine > result.txt\n"),
      job("fails", "echo 'error: bad thing' >&2\nexit 1\n"),
      job("crashes", "kill -SEGV $$\n"),
      job("hangs", "sleep 60\n"),
      job("passes_too", "echo fine > result.txt\n"),
  };
  scprec::cosim::LocalExecutor executor(2);
  const auto results = executor.run(jobs, scprec::null_logger());
  REQUIRE(results.size() == 5);
  CHECK(results[0].process.succeeded());
  CHECK(results[1].process.exit_code == 1);
  CHECK_THAT(scprec::io::read_file(jobs[1].directory + "/job.log"), Catch::Contains("bad thing"));
  CHECK(results[2].process.exit_code == 128 + 11);
  CHECK(results[3].process.timed_out);
  CHECK(results[4].process.succeeded());
  CHECK(fs::exists(jobs[4].directory + "/result.txt"));
  CHECK(scprec::cosim::error_excerpt("ok\nerror: one\nfine\n") == "error: one\n");
}

using scprec::test::running;

TEST_CASE("cosim: an interrupt kills the tools a process is running, then the process",
          "[cosim]") {
  const std::string pid_file = std::string(SCPREC_TEST_WORK_DIR) + "/interrupt.pid";
  fs::create_directories(SCPREC_TEST_WORK_DIR);
  fs::remove(pid_file);
  // A process running one tool (a minute's sleep in its own process group), as scprec does.
  const std::string script = "echo $$ > " + pid_file + ".tmp && mv " + pid_file + ".tmp " +
                             pid_file + " && exec sleep 60";
  const pid_t parent = start_run_child({"sh", "-c", script});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  REQUIRE(wait_for_file(pid_file));
  pid_t tool = 0;
  std::ifstream(pid_file) >> tool;
  REQUIRE(running(tool));

  ::kill(parent, SIGINT);  // what Ctrl-C sends; the tool, in its own group, gets nothing
  int status = 0;
  REQUIRE(::waitpid(parent, &status, 0) == parent);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGINT);
  while (running(tool) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK_FALSE(running(tool));
  if (running(tool)) ::kill(tool, SIGKILL);
}

TEST_CASE("cosim: an interrupt command runs on SIGTERM or SIGKILL, and not on a normal end",
          "[cosim]") {
  const std::string dir = std::string(SCPREC_TEST_WORK_DIR) + "/interrupt_command";
  fs::create_directories(dir);
  const std::string mark = dir + "/ran";
  const std::string started = dir + "/started";
  const int signal = GENERATE(SIGTERM, SIGKILL, 0);
  INFO("signal " << signal);
  fs::remove(mark);
  fs::remove(started);
  // SCPREC_RUN_CHILD holding `touch MARK` as its interrupt command while it runs a command.
  const pid_t pid =
      start_run_child({"--on-interrupt", "touch", mark, "--", "sh", "-c",
                       signal == 0 ? "true" : "touch " + started + " && exec sleep 60"});
  if (signal != 0) {
    REQUIRE(wait_for_file(started));
    ::kill(pid, signal);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  if (signal == 0) {
    CHECK(WIFEXITED(status));
    // The process waited for its watcher to end on "q"; had it not, the watcher would run the
    // command once the process was gone.
    std::this_thread::sleep_for(std::chrono::seconds(1));
    CHECK_FALSE(fs::exists(mark));
  } else {
    CHECK(WTERMSIG(status) == signal);
    if (signal == SIGTERM) CHECK(fs::exists(mark));  // the handler waited for it
    CHECK(wait_for_file(mark));  // after SIGKILL, by the watcher alone, a moment later
  }
}

TEST_CASE("cosim: a SIGINT the process was started with ignored stays ignored", "[cosim]") {
  const std::string dir = std::string(SCPREC_TEST_WORK_DIR) + "/ignored_interrupt";
  fs::create_directories(dir);
  const std::string started = dir + "/started";
  fs::remove(started);
  // A shell script's background job: SIGINT ignored, then a process running a tool.
  const pid_t pid = start_run_child({"sh", "-c", "touch " + started + " && sleep 2"}, SIGINT);
  REQUIRE(wait_for_file(started));
  ::kill(pid, SIGINT);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));  // the tool ran to its end
  CHECK(WEXITSTATUS(status) == 0);
}
