// Subprocesses with fork/exec. The child gets its own process group so that a timeout kills
// everything it started (make, g++, cc1plus); output is read through one pipe with poll() so
// that a chatty tool cannot fill the pipe and stall. Being in their own groups, children do not
// get the terminal's Ctrl-C, so SIGINT and SIGTERM handlers kill every live group, then let the
// signal take its course.
#include "scprec/cosim/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <cstring>
#include <fstream>
#include <sstream>

#include "scprec/core/error.hpp"

namespace scprec::cosim {
namespace {

using Clock = std::chrono::steady_clock;

// The process groups of live children, for the signal handler: a fixed table of atomics, which
// a handler may read. 0 is a free slot. More children than slots are still run; they are only
// not killed on an interrupt.
constexpr std::size_t kSlots = 256;
std::atomic<pid_t> live_groups[kSlots];
struct sigaction previous_int;
struct sigaction previous_term;

void on_interrupt(int signal) {
  for (std::atomic<pid_t>& group : live_groups) {
    const pid_t pid = group.load();
    if (pid > 0) ::kill(-pid, SIGKILL);
  }
  // Then whatever the program did before: by default, terminate by this signal.
  ::sigaction(signal, signal == SIGINT ? &previous_int : &previous_term, nullptr);
  ::raise(signal);
}

void install_interrupt_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    ::sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &previous_int);
    ::sigaction(SIGTERM, &action, &previous_term);
  });
}

// Registers a child's group for the handler for as long as it lives.
class LiveGroup {
 public:
  explicit LiveGroup(pid_t pid) {
    for (std::atomic<pid_t>& group : live_groups) {
      pid_t free = 0;
      if (group.compare_exchange_strong(free, pid)) {
        slot_ = &group;
        return;
      }
    }
  }
  ~LiveGroup() {
    if (slot_ != nullptr) slot_->store(0);
  }
  LiveGroup(const LiveGroup&) = delete;
  LiveGroup& operator=(const LiveGroup&) = delete;

 private:
  std::atomic<pid_t>* slot_ = nullptr;
};

[[noreturn]] void child_exec(const std::vector<std::string>& argv, const ProcessOptions& options,
                             int write_end) {
  ::setpgid(0, 0);
  for (const std::string& variable : options.environment) {
    const std::size_t equals = variable.find('=');
    ::setenv(variable.substr(0, equals).c_str(), variable.substr(equals + 1).c_str(), 1);
  }
  ::dup2(write_end, STDOUT_FILENO);
  ::dup2(write_end, STDERR_FILENO);
  ::close(write_end);
  if (!options.directory.empty() && ::chdir(options.directory.c_str()) != 0) {
    const std::string message = "cannot enter " + options.directory + "\n";
    (void)!::write(STDERR_FILENO, message.c_str(), message.size());
    ::_exit(127);
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  const std::string message = "cannot run " + argv[0] + ": " + std::strerror(errno) + "\n";
  (void)!::write(STDERR_FILENO, message.c_str(), message.size());
  ::_exit(127);
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  SCPREC_ASSERT(!argv.empty(), "a process needs a program");
  install_interrupt_handlers();
  int pipe_ends[2];
  if (::pipe2(pipe_ends, O_CLOEXEC) != 0) {
    throw Error(ErrorKind::kEnvironment, argv[0], "", "cannot create a pipe",
                "Check system limits");
  }
  const auto start = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    throw Error(ErrorKind::kEnvironment, argv[0], "", "cannot start a process",
                "Check system limits");
  }
  if (pid == 0) {
    ::close(pipe_ends[0]);
    child_exec(argv, options, pipe_ends[1]);
  }
  ::setpgid(pid, pid);
  const LiveGroup live(pid);
  ::close(pipe_ends[1]);
  ProcessResult result;
  char buffer[65536];
  bool open = true;
  while (open) {
    int wait_ms = -1;
    if (options.timeout_seconds > 0) {
      const double left =
          options.timeout_seconds - std::chrono::duration<double>(Clock::now() - start).count();
      if (left <= 0) {
        result.timed_out = true;
        ::kill(-pid, SIGKILL);
        break;
      }
      wait_ms = static_cast<int>(left * 1000) + 1;
    }
    pollfd fd{pipe_ends[0], POLLIN, 0};
    const int ready = ::poll(&fd, 1, wait_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // timed out: the check above kills
    const ssize_t n = ::read(pipe_ends[0], buffer, sizeof buffer);
    if (n > 0) {
      result.output.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      open = false;
    }
  }
  ::close(pipe_ends[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ::kill(-pid, SIGKILL);  // anything the tool left running in its group
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!options.log_path.empty()) {
    std::ofstream log(options.log_path, std::ios::binary);
    log << result.output;
    if (result.timed_out) log << "\n[scprec: killed after " << options.timeout_seconds << " s]\n";
  }
  return result;
}

bool program_available(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::stringstream directories(path);
  std::string directory;
  while (std::getline(directories, directory, ':')) {
    const std::string candidate = (directory.empty() ? "." : directory) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return true;
  }
  return false;
}

std::string error_excerpt(const std::string& text, std::size_t lines) {
  std::vector<std::string> all;
  std::vector<std::string> errors;
  std::stringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) {
    if (line.find("error") != std::string::npos || line.find("Error") != std::string::npos ||
        line.find("ERROR") != std::string::npos || line.find("%Warning") != std::string::npos ||
        line.find("warning:") != std::string::npos) {
      errors.push_back(line);
    }
    all.push_back(line);
  }
  const std::vector<std::string>& source = errors.empty() ? all : errors;
  std::string excerpt;
  for (std::size_t k = source.size() > lines ? source.size() - lines : 0; k < source.size(); ++k) {
    excerpt += source[k] + "\n";
  }
  return excerpt;
}

}  // namespace scprec::cosim
