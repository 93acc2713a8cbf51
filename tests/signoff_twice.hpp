// The same sign-off of the tiny model run twice with different options (another simulator,
// another executor), for tests that both give one verdict and one set of measurements.
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "fixture_path.hpp"
#include "run_command.hpp"
#include "scprec/io/files.hpp"

namespace scprec::test {

/// The two runs, first and second.
using SignoffPair = std::pair<CommandRun, CommandRun>;

/// Assigns the tiny model a map (Hoeffding, target 0.2) on data_signoff.npz into DIR/map.json,
/// then signs it off with `first` and then `second` added to the command line, into DIR/first
/// and DIR/second, each with a ledger of its own (so that neither run counts as a second attempt
/// on the held-out rows). What each prints has DIR/first or DIR/second replaced by OUT.
inline SignoffPair signoff_tiny_twice(const std::string& dir, const std::vector<std::string>& first,
                                      const std::vector<std::string>& second) {
  std::filesystem::create_directories(dir);
  const std::string data = npz_fixture("data_signoff.npz");
  const CommandRun assigned =
      run_command({"assign", "--model", npz_fixture("tiny_model.npz"), "--data", data, "--method",
                   "hoeffding", "--target-error", "0.2", "-q", "-o", dir + "/map.json"});
  REQUIRE(assigned.code == 0);
  const auto signoff = [&](const std::string& name, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"signoff",
                                     "--model",
                                     npz_fixture("tiny_model.npz"),
                                     "--data",
                                     data,
                                     "--map",
                                     dir + "/map.json",
                                     "--cache",
                                     SCPREC_TEST_CACHE_DIR,
                                     "--attempts",
                                     dir + "/attempts-" + name + ".json",
                                     "-q",
                                     "--out",
                                     dir + "/" + name};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandRun run = run_command(args);
    for (std::size_t at; (at = run.out.find(dir + "/" + name)) != std::string::npos;) {
      run.out.replace(at, dir.size() + 1 + name.size(), "OUT");
    }
    return run;
  };
  CommandRun one = signoff("first", first);
  CommandRun two = signoff("second", second);
  return {std::move(one), std::move(two)};
}

/// DIR/report.md up to its Reproduce section: every measurement and the verdict, without the
/// provenance (command line, tools, executor) that differs between the two runs.
inline std::string report_measurements(const std::string& dir) {
  const std::string report = io::read_file(dir + "/report.md");
  return report.substr(0, report.find("\n## Reproduce"));
}

}  // namespace scprec::test
