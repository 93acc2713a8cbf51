// The command table of the scprec command line; each command is testable in-process.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace scprec::cli {

/// Exit codes (DESIGN.md): 0 success, 1 a check failed, 2 bad input or usage, 3 a tool or
/// environment problem.
enum ExitCode : int { kExitOk = 0, kExitCheckFailed = 1, kExitBadInput = 2, kExitEnvironment = 3 };

/// A subcommand: its arguments (without the program and command names) and the streams it
/// writes results and diagnostics to. Returns the exit code.
using CommandFunction = int (*)(const std::vector<std::string>& args, std::ostream& out,
                                std::ostream& err);

struct Command {
  const char* name;
  const char* summary;
  CommandFunction run;
};

/// Every command, in the order `scprec --help` lists them.
const std::vector<Command>& commands();

/// The whole command line without the program name: dispatches to a command, turns library
/// errors into messages on `err` and exit codes.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

int run_eval(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int run_assign(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int run_analyze(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int run_explore(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int run_rtl(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int run_simulate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int run_verify(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int run_signoff(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int run_cache(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int run_demo(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace scprec::cli
