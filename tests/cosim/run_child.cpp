// A helper for the interrupt tests: runs its arguments as one child with cosim::run_process, as
// scprec runs its tools, so that a test can interrupt a process that has a live child. With
// `--on-interrupt COMMAND... --` first, it holds an InterruptCommand of COMMAND meanwhile, as the
// SLURM executor holds its scancel.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "scprec/cosim/process.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> command(argv + 1, argv + argc);
  std::unique_ptr<scprec::cosim::InterruptCommand> on_interrupt;
  if (!command.empty() && command.front() == "--on-interrupt") {
    const auto end = std::find(command.begin(), command.end(), "--");
    if (end == command.end()) return 2;
    on_interrupt = std::make_unique<scprec::cosim::InterruptCommand>(
        std::vector<std::string>(command.begin() + 1, end));
    command.erase(command.begin(), end + 1);
  }
  return command.empty() ? 2 : scprec::cosim::run_process(command, {}).exit_code;
}
