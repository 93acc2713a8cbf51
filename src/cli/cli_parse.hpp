// Runs a CLI11 parser over a command's arguments, with help and usage errors on our streams.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace scprec::cli {

/// Parses `args` with `app`. Returns an exit code to return at once (0 after --help, 2 after a
/// usage error, both printed), or nothing when the command should go on.
inline std::optional<int> parse_args(CLI::App& app, const std::vector<std::string>& args,
                                     std::ostream& out, std::ostream& err) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 wants them reversed
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    err << "scprec " << app.get_name() << ": error: " << e.what() << "\n"
        << "Run 'scprec " << app.get_name() << " --help' for the options.\n";
    return 2;
  }
  return std::nullopt;
}

}  // namespace scprec::cli
