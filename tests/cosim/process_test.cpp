// Tests for subprocesses beyond the executor's: a tool and the processes it started die with
// the process that ran them, even when that process is killed with SIGKILL.
#include "scprec/cosim/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "../process_probe.hpp"

namespace fs = std::filesystem;

using scprec::test::running;

TEST_CASE("cosim: a tool and its children die when the process running them is SIGKILLed",
          "[cosim]") {
  const std::string pid_file = std::string(SCPREC_TEST_WORK_DIR) + "/sigkill.pids";
  fs::create_directories(SCPREC_TEST_WORK_DIR);
  fs::remove(pid_file);
  // The tool (a shell) starts a child of its own (a minute's sleep), like make starting g++.
  const std::string script = "sleep 60 & echo $$ $! > " + pid_file + ".tmp && mv " + pid_file +
                             ".tmp " + pid_file + " && wait";
  const pid_t parent = ::fork();
  REQUIRE(parent >= 0);
  if (parent == 0) {
    ::execl(SCPREC_RUN_CHILD, SCPREC_RUN_CHILD, "sh", "-c", script.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!fs::exists(pid_file) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(fs::exists(pid_file));
  pid_t tool = 0;
  pid_t grandchild = 0;
  std::ifstream(pid_file) >> tool >> grandchild;
  REQUIRE(running(tool));
  REQUIRE(running(grandchild));

  ::kill(parent, SIGKILL);  // no handler runs: only the kernel can tell the children
  int status = 0;
  REQUIRE(::waitpid(parent, &status, 0) == parent);
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while ((running(tool) || running(grandchild)) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK_FALSE(running(tool));
  CHECK_FALSE(running(grandchild));
  for (const pid_t pid : {tool, grandchild}) {
    if (running(pid)) ::kill(pid, SIGKILL);
  }
}

TEST_CASE("cosim: a child gets the parent's environment with the given variables replaced",
          "[cosim]") {
  ::setenv("SCPREC_TEST_INHERITED", "kept", 1);
  ::setenv("SCPREC_TEST_REPLACED", "old", 1);
  const auto result =
      scprec::cosim::run_process({"sh", "-c", "echo $SCPREC_TEST_INHERITED $SCPREC_TEST_REPLACED"},
                                 {"", 0.0, "", {"SCPREC_TEST_REPLACED=new"}});
  CHECK(result.output == "kept new\n");
  const auto missing = scprec::cosim::run_process({"scprec-no-such-program"}, {});
  CHECK(missing.exit_code == 127);
  CHECK_THAT(missing.output, Catch::Contains("cannot run scprec-no-such-program"));
}

TEST_CASE("cosim: a running child keeps none of the parent's files open, so no lock outlives it",
          "[cosim]") {
  const std::string path = std::string(SCPREC_TEST_WORK_DIR) + "/child-fds.lock";
  fs::create_directories(SCPREC_TEST_WORK_DIR);
  const int held = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  REQUIRE(held >= 0);
  REQUIRE(::flock(held, LOCK_EX) == 0);
  std::thread tool([] { scprec::cosim::run_process({"sleep", "2"}, {}); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the child runs
  ::close(held);  // the parent lets go of the lock while the child still runs
  const int again = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  CHECK(::flock(again, LOCK_EX | LOCK_NB) == 0);
  ::close(again);
  tool.join();
}
