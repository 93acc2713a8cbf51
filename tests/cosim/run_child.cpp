// A helper for the interrupt test: runs its arguments as one child with cosim::run_process, as
// scprec runs its tools, so that the test can interrupt a process that has a live child.
#include <string>
#include <vector>

#include "scprec/cosim/process.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> command(argv + 1, argv + argc);
  return command.empty() ? 2 : scprec::cosim::run_process(command, {}).exit_code;
}
