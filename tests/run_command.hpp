// Runs a scprec command line in-process, as the CLI tests do, capturing what it prints.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"

namespace scprec::test {

/// What a command returned and printed.
struct CommandRun {
  int code;
  std::string out;
  std::string err;
};

/// `args` (the command first) through cli::run_cli.
inline CommandRun run_command(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = cli::run_cli(args, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace scprec::test
