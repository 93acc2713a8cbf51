// In-process tests of option checking: out-of-range numbers are usage errors (exit 2) whose
// message names the option and the value, for every command, before any work is done.
#include <catch2/catch.hpp>
#include <regex>
#include <sstream>

#include "../fixture_path.hpp"
#include "../temp_dir.hpp"
#include "commands.hpp"

using scprec::test::npz_fixture;
using scprec::test::TempDir;

namespace {

// Where the commands below would write: they are refused before they write anything there.
const TempDir& scratch() {
  static const TempDir dir("cli-options");
  return dir;
}

// A command line of `command` on the tiny fixtures, with `extra` appended.
std::vector<std::string> tiny(const std::string& command, std::vector<std::string> extra) {
  std::vector<std::string> args = {command, "--model", npz_fixture("tiny_model.npz")};
  if (command != "rtl") args.insert(args.end(), {"--data", npz_fixture("data_ok.npz")});
  if (command == "simulate" || command == "signoff" || command == "rtl") {
    args.insert(args.end(), {"--map", npz_fixture("no-such-map.json")});
  }
  args.insert(args.end(), extra.begin(), extra.end());
  if (command == "verify" || command == "signoff") {
    args.insert(args.end(), {"--out", scratch().file("out")});
  } else {
    args.insert(args.end(), {"-o", scratch().file("out.json")});
  }
  return args;
}

}  // namespace

TEST_CASE("cli: out-of-range numbers are usage errors naming the option", "[cli]") {
  using Case = std::pair<std::string, std::vector<std::string>>;
  const Case c = GENERATE(values<Case>({
      {"assign", {"--confidence", "0"}},
      {"assign", {"--confidence", "1"}},
      {"assign", {"--target-error", "inf"}},
      {"assign", {"--target-error", "-1"}},
      {"assign", {"--budget", "0"}},
      {"assign", {"--seed", "-1"}},
      {"assign", {"--seed", "18446744073709551616"}},
      {"assign", {"--seed", "99999999999999999999999"}},
      {"assign", {"--bits", "0"}},
      {"assign", {"--generator-width", "40"}},
      {"assign", {"--trials", "-5"}},
      {"assign", {"--min-length", "-32"}},
      {"analyze", {"--quantile", "1.5"}},
      {"verify", {"--alpha", "0"}},
      {"verify", {"--alpha", "1"}},
      {"verify", {"--alpha", "2"}},
      {"verify", {"--confidence", "0"}},
      {"verify", {"--target-error", "inf"}},
      {"verify", {"--target-error", "nan"}},
      {"verify", {"--timeout", "-5"}},
      {"verify", {"--jobs", "-1"}},
      {"signoff", {"--target-error", "-1"}},
      {"signoff", {"--confidence", "1"}},
      {"simulate", {"--timeout", "-5"}},
      {"simulate", {"--timeout", "nan"}},
      {"simulate", {"--trials", "-1"}},
      {"eval", {"--length", "-1"}},
      {"rtl", {"--inputs-per-cycle", "-3"}},
  }));
  std::vector<std::string> args = tiny(c.first, c.second);
  if (c.first == "eval") args.resize(args.size() - 2);  // eval writes nothing
  INFO(c.first << " " << c.second[0] << " " << c.second[1]);
  std::ostringstream out;
  std::ostringstream err;
  CHECK(scprec::cli::run_cli(args, out, err) == 2);
  CHECK_THAT(err.str(), Catch::Contains(c.second[0]) && Catch::Contains("'" + c.second[1] + "'"));
  // No number but the user's runs to dozens of digits (CLI11's ranges print DBL_MAX in full).
  if (c.second[1].size() < 20) CHECK_FALSE(std::regex_search(err.str(), std::regex("[0-9]{20}")));
}

TEST_CASE("cli: values a run cannot use are refused before any work", "[cli]") {
  using Case = std::pair<std::vector<std::string>, std::string>;
  const Case c = GENERATE(values<Case>({
      {{"eval", "--model", npz_fixture("tiny_model.npz"), "--data", npz_fixture("data_ok.npz"),
        "--length", "0"},
       "--length: 0 is not a power of two"},
      {{"eval", "--model", npz_fixture("tiny_model.npz"), "--data", npz_fixture("data_ok.npz"),
        "--length", "3"},
       "--length: 3 is not a power of two"},
      {{"analyze", "--model", npz_fixture("tiny_model.npz"), "--data", npz_fixture("data_ok.npz"),
        "--lengths", "32,-64", "-o", scratch().file("sensitivity.json")},
       "'-64' is not a length"},
  }));
  std::ostringstream out;
  std::ostringstream err;
  CHECK(scprec::cli::run_cli(c.first, out, err) == 2);
  CHECK_THAT(err.str(), Catch::Contains(c.second));
}
