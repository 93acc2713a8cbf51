// Running external tools (Verilator, the C++ compiler, Yosys, simulations): a subprocess with
// a working directory, a time limit, and its output captured.
#pragma once

#include <string>
#include <vector>

namespace scprec::cosim {

struct ProcessOptions {
  std::string directory;         ///< working directory ("" : the current one)
  double timeout_seconds = 0.0;  ///< 0: no limit; past it the process group is killed
  std::string log_path;          ///< if set, the output is also written here
  /// Variables set in the child's environment, "NAME=value" each.
  std::vector<std::string> environment;
};

struct ProcessResult {
  int exit_code = -1;  ///< the exit status, or 128 + signal if killed by one
  bool timed_out = false;
  std::string output;    ///< standard output and error, interleaved
  double seconds = 0.0;  ///< wall time
  bool succeeded() const { return exit_code == 0 && !timed_out; }
};

/// Runs argv[0] (found on PATH, the one in `options.environment` if it sets one) with the other
/// arguments, in its own process group, and waits. A program that cannot be run gives exit code
/// 127 and says why in the output. Throws Error (kEnvironment) if no process can be created. The
/// first call installs SIGINT and SIGTERM handlers that kill every running child's group before
/// the signal goes on to the handler that was there before (by default: the program ends), so
/// that Ctrl-C stops builds and simulations too; a signal the program was started with ignored
/// stays ignored. If the calling thread or process dies, even by SIGKILL, the kernel signals the
/// child's wrapper, which kills the group: the tool and what it started, unless they moved to a
/// process group of their own.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options);

/// While it lives, a SIGINT or SIGTERM runs `argv` (e.g. `scancel` of work submitted to a
/// scheduler) after killing the running children and before the signal takes its course, waiting
/// for it up to 10 s; so does scprec's death by any other means (even SIGKILL). The command runs
/// from a watcher (a small shell) started here, which waits on a socket. Throws Error
/// (kEnvironment) if the watcher cannot be started, (kInternal) if 64 are already registered.
class InterruptCommand {
 public:
  explicit InterruptCommand(const std::vector<std::string>& argv);
  /// Ends the watcher without running the command.
  ~InterruptCommand();
  InterruptCommand(const InterruptCommand&) = delete;
  InterruptCommand& operator=(const InterruptCommand&) = delete;

 private:
  int slot_ = -1;
};

/// True if `program` is an executable on PATH.
bool program_available(const std::string& program);

/// The last `lines` lines of `text` that report an error or a warning (as Verilator, g++,
/// make, Icarus and Yosys write them), or of the whole text if none do: what to show a user
/// when a tool fails.
std::string error_excerpt(const std::string& text, std::size_t lines = 20);

}  // namespace scprec::cosim
