// Subprocesses with fork/exec. The child gets its own process group so that a timeout kills
// everything it started (make, g++, cc1plus); output is read through one pipe with poll() so
// that a chatty tool cannot fill the pipe and stall. Being in their own groups, children do not
// get the terminal's Ctrl-C, so SIGINT and SIGTERM handlers kill every live group, then let the
// signal take its course.
// A SIGKILL cannot be handled, so the direct child is a small wrapper (a forked copy of scprec
// that does not exec) which asks the kernel to send it SIGTERM when its parent dies
// (PR_SET_PDEATHSIG) and then kills its own process group: the tool and the tool's children.
// The tool is the wrapper's child. Everything the children need (argv, the environment, the
// resolved program path, messages) is prepared before fork, because after fork a multi-threaded
// process may only make async-signal-safe calls.
#include "scprec/cosim/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
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

// The watchers of InterruptCommand: each a small shell, started when the command is
// registered, that reads one line from a socket and runs the command unless the line is "q".
// The handler only sends to the sockets (MSG_NOSIGNAL: a watcher gone is no SIGPIPE) and waits
// for the watchers, because fork is not safe in a handler (it takes malloc's locks, which the
// interrupted thread may hold). A socket slot holds fd + 1; 0 is free.
constexpr std::size_t kCommandSlots = 64;
std::atomic<int> command_sockets[kCommandSlots];
std::atomic<pid_t> command_watchers[kCommandSlots];
std::atomic<bool> interrupting{false};
constexpr long kInterruptCommandSeconds = 10;

void on_interrupt(int signal) {
  interrupting.store(true);
  for (std::atomic<pid_t>& group : live_groups) {
    const pid_t pid = group.load();
    if (pid > 0) ::kill(-pid, SIGKILL);
  }
  for (std::atomic<int>& socket : command_sockets) {
    if (const int fd = socket.load() - 1; fd >= 0) (void)!::send(fd, "x\n", 2, MSG_NOSIGNAL);
  }
  // Wait for the commands (a scheduler that does not answer must not hold Ctrl-C up for long).
  const timespec tick{0, 50'000'000};
  for (long k = 0; k < kInterruptCommandSeconds * 20; ++k) {
    bool running = false;
    for (std::atomic<pid_t>& watcher : command_watchers) {
      const pid_t pid = watcher.load();
      running = running || (pid > 0 && ::waitpid(pid, nullptr, WNOHANG) == 0);
    }
    if (!running) break;
    ::nanosleep(&tick, nullptr);
  }
  // Then whatever the program did before: by default, terminate by this signal.
  ::sigaction(signal, signal == SIGINT ? &previous_int : &previous_term, nullptr);
  ::raise(signal);
}

// A signal scprec was started with ignored (SIGINT for a background job of a shell script)
// stays ignored: it is no request to stop.
void install_interrupt_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    ::sigemptyset(&action.sa_mask);
    for (const auto& [signal, previous] :
         {std::pair{SIGINT, &previous_int}, std::pair{SIGTERM, &previous_term}}) {
      ::sigaction(signal, nullptr, previous);
      if (previous->sa_handler != SIG_IGN) ::sigaction(signal, &action, nullptr);
    }
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

// The path of the executable `program` as execvp would find it on `path` (a name with a slash is
// taken as it is), or "" if there is none.
std::string find_program(const std::string& program, const char* path) {
  if (program.find('/') != std::string::npos) {
    return ::access(program.c_str(), X_OK) == 0 ? program : "";
  }
  if (path == nullptr) return "";
  std::stringstream directories(path);
  std::string directory;
  while (std::getline(directories, directory, ':')) {
    const std::string candidate = (directory.empty() ? "." : directory) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// Everything the child needs, made before fork: after fork, a multi-threaded process may only
// make async-signal-safe calls (no allocation: another thread may have held malloc's lock).
struct ChildPlan {
  std::vector<std::string> storage;  // the strings the pointers below point into
  std::vector<char*> argv;
  std::vector<char*> envp;
  std::string program;    // the resolved path of argv[0]
  std::string directory;  // "" : stay
  std::string cannot_enter;
  std::string cannot_run;
  pid_t parent = 0;
};

ChildPlan plan_child(const std::vector<std::string>& argv, const ProcessOptions& options) {
  ChildPlan plan;
  std::vector<std::string> environment;
  for (char** variable = environ; *variable != nullptr; ++variable) {
    environment.emplace_back(*variable);
  }
  const char* path = std::getenv("PATH");
  for (const std::string& variable : options.environment) {
    const std::string name = variable.substr(0, variable.find('=') + 1);
    environment.erase(std::remove_if(environment.begin(), environment.end(),
                                     [&](const std::string& v) { return v.rfind(name, 0) == 0; }),
                      environment.end());
    environment.push_back(variable);
  }
  for (const std::string& variable : environment) {
    if (variable.rfind("PATH=", 0) == 0) path = variable.c_str() + 5;
  }
  plan.program = find_program(argv[0], path);
  if (plan.program.empty()) plan.program = argv[0];  // execve fails; the child says so
  plan.storage = argv;
  plan.storage.insert(plan.storage.end(), environment.begin(), environment.end());
  for (std::size_t k = 0; k < plan.storage.size(); ++k) {
    (k < argv.size() ? plan.argv : plan.envp).push_back(plan.storage[k].data());
  }
  plan.argv.push_back(nullptr);
  plan.envp.push_back(nullptr);
  plan.directory = options.directory;
  plan.cannot_enter = "cannot enter " + options.directory + "\n";
  plan.cannot_run = "cannot run " + argv[0] + ": not found, or not executable\n";
  plan.parent = ::getpid();
  return plan;
}

// The wrapper (the direct child) kills its whole process group when its parent dies: the tool
// and everything the tool started (make's g++, cc1plus) unless they left the group.
void on_parent_death(int) {
  ::kill(0, SIGKILL);
}

// The tool, in the wrapper's process group: only async-signal-safe calls.
[[noreturn]] void exec_tool(const ChildPlan& plan) {
  struct sigaction fallback {};
  fallback.sa_handler = SIG_DFL;
  ::sigaction(SIGTERM, &fallback, nullptr);
  if (!plan.directory.empty() && ::chdir(plan.directory.c_str()) != 0) {
    (void)!::write(STDERR_FILENO, plan.cannot_enter.data(), plan.cannot_enter.size());
    ::_exit(127);
  }
  ::execve(plan.program.c_str(), plan.argv.data(), plan.envp.data());
  (void)!::write(STDERR_FILENO, plan.cannot_run.data(), plan.cannot_run.size());
  ::_exit(127);
}

// The direct child: a wrapper that does not exec. It leads a new process group, asks the kernel
// for SIGTERM when the thread that forked it dies (PR_SET_PDEATHSIG; exits at once if the parent
// is already gone), runs the tool as its own child and exits with the tool's status (128 +
// signal if a signal ended it). It starts the tool only on the parent's go-ahead, once the
// parent has registered the group for its interrupt handler. Only async-signal-safe calls.
[[noreturn]] void child_main(const ChildPlan& plan, int write_end, const int go[2]) {
  ::setpgid(0, 0);
  struct sigaction action {};
  action.sa_handler = on_parent_death;
  ::sigemptyset(&action.sa_mask);
  ::sigaction(SIGTERM, &action, nullptr);
  struct sigaction fallback {};
  fallback.sa_handler = SIG_DFL;
  ::sigaction(SIGINT, &fallback, nullptr);  // scprec's handler is no business of the child's
  sigset_t unblock;
  ::sigemptyset(&unblock);
  ::sigaddset(&unblock, SIGTERM);
  ::sigprocmask(SIG_UNBLOCK, &unblock, nullptr);
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != plan.parent) ::_exit(127);  // the parent died before prctl took effect
  // Wait until the parent has registered this group for its interrupt handler: a Ctrl-C before
  // then must not leave a tool running that nobody would kill.
  ::close(go[1]);
  char byte = 0;
  ssize_t got = 0;
  while ((got = ::read(go[0], &byte, 1)) < 0 && errno == EINTR) {
  }
  if (got != 1) ::_exit(127);  // the parent died first
  ::dup2(write_end, STDOUT_FILENO);
  ::dup2(write_end, STDERR_FILENO);
  // The wrapper never execs, so close-on-exec does not close what it inherited: other threads'
  // pipes (whose readers would wait for it) and the cache's flock descriptors (which would stay
  // locked for as long as it lives). It needs none of them; nor does the tool.
  if (::close_range(3, ~0U, 0) != 0) {
    for (int fd = 3; fd < 4096; ++fd) ::close(fd);
  }
  const pid_t tool = ::fork();
  if (tool < 0) ::_exit(127);
  if (tool == 0) exec_tool(plan);
  int status = 0;
  while (::waitpid(tool, &status, 0) < 0 && errno == EINTR) {
  }
  ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

// An InterruptCommand's watcher, in the child: in a process group of its own (so that the
// terminal's Ctrl-C reaches scprec, not it), with every signal unblocked, the socket as its
// standard input and no other descriptor of scprec's, it becomes the shell of `plan` at once (so
// it holds no copy of scprec's memory). Only async-signal-safe calls.
[[noreturn]] void watcher_main(const ChildPlan& plan, int socket, int other_end) {
  ::close(other_end);
  ::setpgid(0, 0);
  struct sigaction fallback {};
  fallback.sa_handler = SIG_DFL;
  ::sigaction(SIGINT, &fallback, nullptr);
  ::sigaction(SIGTERM, &fallback, nullptr);
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (socket == STDIN_FILENO) {
    ::fcntl(socket, F_SETFD, 0);  // dup2 onto itself would keep close-on-exec
  } else {
    ::dup2(socket, STDIN_FILENO);
  }
  if (::close_range(3, ~0U, 0) != 0) {
    for (int fd = 3; fd < 4096; ++fd) ::close(fd);
  }
  ::execve(plan.program.c_str(), plan.argv.data(), plan.envp.data());
  (void)!::write(STDERR_FILENO, plan.cannot_run.data(), plan.cannot_run.size());
  ::_exit(127);
}

}  // namespace

InterruptCommand::InterruptCommand(const std::vector<std::string>& argv) {
  SCPREC_ASSERT(!argv.empty(), "a command needs a program");
  install_interrupt_handlers();
  // The watcher: one line in; the command, unless the line is "q" (an end of input, scprec's
  // death, runs it too).
  std::vector<std::string> watcher = {"/bin/sh", "-c",
                                      "read -r line; [ \"$line\" = q ] || exec \"$@\"", "sh"};
  watcher.insert(watcher.end(), argv.begin(), argv.end());
  const ChildPlan plan = plan_child(watcher, {});
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
    throw Error(ErrorKind::kEnvironment, argv[0], "", "cannot create a socket pair",
                "Check system limits");
  }
  std::size_t k = 0;
  for (int free = 0; k < kCommandSlots; ++k, free = 0) {
    if (command_sockets[k].compare_exchange_strong(free, ends[1] + 1)) break;
  }
  if (k == kCommandSlots) {
    ::close(ends[0]);
    ::close(ends[1]);
    throw Error(ErrorKind::kInternal, argv[0], "", "too many commands to run on an interrupt",
                "Report this as a bug in scprec");
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    command_sockets[k].store(0);
    ::close(ends[0]);
    ::close(ends[1]);
    throw Error(ErrorKind::kEnvironment, argv[0], "", "cannot start a process",
                "Check system limits");
  }
  if (pid == 0) watcher_main(plan, ends[0], ends[1]);
  ::close(ends[0]);
  command_watchers[k].store(pid);
  slot_ = static_cast<int>(k);
}

InterruptCommand::~InterruptCommand() {
  if (slot_ < 0) return;
  const int fd = command_sockets[slot_].exchange(0) - 1;
  const pid_t pid = command_watchers[slot_].exchange(0);
  // A handler (on any thread) may be sending to the socket or waiting for the watcher: leave
  // both to it; the process is ending.
  if (interrupting.load()) return;
  (void)!::send(fd, "q\n", 2, MSG_NOSIGNAL);
  ::close(fd);
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  SCPREC_ASSERT(!argv.empty(), "a process needs a program");
  install_interrupt_handlers();
  int pipe_ends[2];
  if (::pipe2(pipe_ends, O_CLOEXEC) != 0) {
    throw Error(ErrorKind::kEnvironment, argv[0], "", "cannot create a pipe",
                "Check system limits");
  }
  int go[2];  // the parent's go-ahead, once the child's group is registered
  if (::pipe2(go, O_CLOEXEC) != 0) {
    ::close(pipe_ends[0]);
    ::close(pipe_ends[1]);
    throw Error(ErrorKind::kEnvironment, argv[0], "", "cannot create a pipe",
                "Check system limits");
  }
  const ChildPlan plan = plan_child(argv, options);
  const auto start = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    for (int fd : {pipe_ends[0], pipe_ends[1], go[0], go[1]}) ::close(fd);
    throw Error(ErrorKind::kEnvironment, argv[0], "", "cannot start a process",
                "Check system limits");
  }
  if (pid == 0) {
    ::close(pipe_ends[0]);
    child_main(plan, pipe_ends[1], go);
  }
  ::setpgid(pid, pid);
  const LiveGroup live(pid);
  ::close(go[0]);
  (void)!::write(go[1], "g", 1);
  ::close(go[1]);
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
  return !find_program(program, std::getenv("PATH")).empty();
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
