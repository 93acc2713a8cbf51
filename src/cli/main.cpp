// The scprec executable: hands its arguments and standard streams to the command table.
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return scprec::cli::run_cli(args, std::cout, std::cerr);
}
