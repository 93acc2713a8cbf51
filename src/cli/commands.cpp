// Command dispatch and the mapping of library errors to exit codes.
#include "commands.hpp"

#include <CLI/CLI.hpp>
#include <ostream>

#include "scprec/core/error.hpp"
#include "scprec/core/version.hpp"

namespace scprec::cli {
namespace {

int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kBadInput:
      return kExitBadInput;
    case ErrorKind::kCheckFailed:
      return kExitCheckFailed;
    case ErrorKind::kEnvironment:
    case ErrorKind::kInternal:
      return kExitEnvironment;
  }
  return kExitEnvironment;
}

void print_usage(std::ostream& out) {
  out << "scprec " << kVersion
      << ": per-layer bitstream lengths for stochastic-computing networks\n\n"
         "usage: scprec <command> [options]   (scprec <command> --help for its options)\n\n"
         "commands:\n";
  for (const Command& command : commands()) {
    out << "  " << command.name << std::string(10 - std::string(command.name).size(), ' ')
        << command.summary << '\n';
  }
}

}  // namespace

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"demo", "verify on the bundled example, with its defaults", run_demo},
      {"verify", "assign, build, measure the RTL, refine until signed off", run_verify},
      {"signoff", "measure a given map's RTL against its targets; exit 0 pass, 1 fail",
       run_signoff},
      {"assign", "choose a bitstream length per layer, write a precision map", run_assign},
      {"analyze", "measure each layer's output error against length", run_analyze},
      {"rtl", "Verilog for every layer at its map's length, and the network top", run_rtl},
      {"simulate", "co-simulate the map's RTL, compare it bit for bit with the model",
       run_simulate},
      {"eval", "accuracy of the float, integer and SC models on a data split", run_eval},
      {"explore", "the design space on the software model: Pareto frontier and charts",
       run_explore},
      {"cache", "list the simulator build cache (info) or remove what no run uses (clean)",
       run_cache},
  };
  return table;
}

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    print_usage(args.empty() ? err : out);
    return args.empty() ? kExitBadInput : kExitOk;
  }
  if (args[0] == "--version") {
    out << "scprec " << kVersion << '\n';
    return kExitOk;
  }
  for (const Command& command : commands()) {
    if (args[0] != command.name) continue;
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    try {
      return command.run(rest, out, err);
    } catch (const Error& e) {
      err << "scprec " << command.name << ": error: " << e.what() << '\n';
      return exit_code(e.kind());
    } catch (const std::bad_alloc&) {
      err << "scprec " << command.name << ": error: out of memory\n";
      return kExitEnvironment;
    } catch (const std::exception& e) {
      // Every expected failure is an scprec::Error; anything else is a bug in scprec.
      err << "scprec " << command.name << ": internal error: " << e.what()
          << "\nPlease report this with the command line that caused it.\n";
      return kExitEnvironment;
    }
  }
  err << "scprec: unknown command '" << args[0] << "'\n\n";
  print_usage(err);
  return kExitBadInput;
}

}  // namespace scprec::cli
