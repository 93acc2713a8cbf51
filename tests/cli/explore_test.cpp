// In-process tests of `scprec explore` on the bundled example: what it writes, that the JSON
// holds every point and the frontier the Markdown shows, and the refusals.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "../fixture_path.hpp"
#include "../run_command.hpp"
#include "../temp_dir.hpp"
#include "commands.hpp"
#include "scprec/io/files.hpp"

using scprec::test::example_file;
using scprec::test::TempDir;

namespace {

constexpr auto run = scprec::test::run_command;

// The example with a small grid; `changed` options replace the defaults or are added.
std::vector<std::string> explore_args(
    const std::string& out, const std::vector<std::pair<std::string, std::string>>& changed) {
  std::vector<std::pair<std::string, std::string>> options = {
      {"--model", example_file("model.npz")},
      {"--data", example_file("data.npz")},
      {"--lengths", "32,64"},
      {"--max-cycles", "160"},
      {"--scale-quantile", "1,0.95"},
      {"-o", out}};
  for (const auto& [name, value] : changed) {
    const auto same = std::find_if(options.begin(), options.end(),
                                   [&](const auto& option) { return option.first == name; });
    if (same == options.end()) {
      options.emplace_back(name, value);
    } else {
      same->second = value;
    }
  }
  std::vector<std::string> args = {"explore", "-q"};
  for (const auto& [name, value] : options) {
    args.push_back(name);
    args.push_back(value);
  }
  return args;
}

}  // namespace

TEST_CASE("cli: explore writes the frontier, charts and every point", "[cli]") {
  const TempDir dir("cli-explore");
  const std::string out = dir.file("explore");
  // A map to mark: one of the grid's own points, so that its numbers must reappear.
  const auto assigned = run({"assign", "--model", example_file("model.npz"), "--data",
                             example_file("data.npz"), "--generator", "sobol", "--scale-quantile",
                             "0.95", "--max-length", "64", "-q", "-o", dir.file("map.json")});
  REQUIRE(assigned.code == 0);
  const auto r = run(explore_args(out, {{"--map", dir.file("map.json")}}));
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("## Pareto frontier") && Catch::Contains("wrote"));
  const std::string md = scprec::io::read_file(out + "/pareto.md");
  CHECK_THAT(md, Catch::Contains("the 2000 rows of the test split") &&
                     Catch::Contains("## Uniform lengths, scale quantile 1") &&
                     Catch::Contains("## The map given") && Catch::Contains("accuracy.svg"));
  for (const char* chart : {"/accuracy.svg", "/flips.svg"}) {
    CHECK_THAT(scprec::io::read_file(out + chart), Catch::StartsWith("<svg") &&
                                                       Catch::Contains("Pareto frontier") &&
                                                       Catch::Contains("the map given"));
  }
  const auto json = nlohmann::json::parse(scprec::io::read_file(out + "/explore.json"));
  CHECK(json["schema"] == "scprec.explore/1");
  // 2 rules x 2^3 generator choices x (1 + 3 + 3) length patterns within 160 cycles.
  REQUIRE(json["points"].size() == 112);
  // 2 generators x 2 lengths of uniform baselines, and every frontier point in the Markdown.
  std::size_t frontier = 0;
  for (const auto& p : json["points"]) {
    CHECK(p["cycles"].get<int>() <= 160);
    if (!p["frontier"].get<bool>()) continue;
    ++frontier;
    CHECK_THAT(md, Catch::Contains(fmt::format("| {} | {:.2f}% [", p["cycles"].get<int>(),
                                               p["correct"].get<double>() / 20.0)));
  }
  CHECK(frontier >= 1);
  // The map's point is the grid's point with the same rule, generators and lengths.
  const auto& mine = json["map"]["point"];
  bool found = false;
  for (const auto& p : json["points"]) {
    if (p["layers"] == mine["layers"] && p["scale_quantile"] == mine["scale_quantile"]) {
      found = true;
      CHECK(p["correct"] == mine["correct"]);
      CHECK(p["flips"] == mine["flips"]);
    }
  }
  CHECK(found);
}

TEST_CASE("cli: explore on the calibration split sees only the rows assign uses", "[cli]") {
  // 1000 calibration rows: the last 2 x 153 are verify's tuning and held-out rows.
  const TempDir dir("cli-explore-calibration");
  const std::string out = dir.file("explore");
  const auto r = run(explore_args(out, {{"--split", "calibration"}, {"--lengths", "32"}}));
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto json = nlohmann::json::parse(scprec::io::read_file(out + "/explore.json"));
  CHECK(json["rows"] == 694);
  CHECK(json["evaluated_on"] == "calibration rows 0-693 (the rows `assign` uses)");
}

TEST_CASE("cli: explore refuses what it cannot run, and writes nothing", "[cli]") {
  const TempDir dir("cli-explore-bad");
  const std::string out = dir.file("explore");
  const auto refused = [&](const std::vector<std::pair<std::string, std::string>>& changed,
                           const std::string& problem) {
    const auto r = run(explore_args(out, changed));
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains(problem));
    CHECK_FALSE(std::filesystem::exists(out));
  };
  refused({{"--max-cycles", "64"}}, "Allow at least 96 cycles");
  refused({{"--lengths", "48"}}, "power of two");
  refused({{"--lengths", "32,x"}}, "'x' is not a length");
  refused({{"--lengths", "0,32"}}, "0 is not a power of two");
  refused({{"--lengths", "32,64,32"}}, "32 is given twice");
  refused({{"--scale-quantile", "0"}}, "--scale-quantile");
  refused({{"--generator", "halton"}}, "halton");
  refused({{"--split", "nonsense"}}, "nonsense");
  // A folder holding what scprec did not write is refused, and left as it was.
  std::filesystem::create_directories(out);
  scprec::io::write_file_atomically(out + "/notes.txt", "mine");
  const auto stray = run(explore_args(out, {}));
  CHECK(stray.code == 2);
  CHECK_THAT(stray.err, Catch::Contains("did not write"));
  CHECK(scprec::io::read_file(out + "/notes.txt") == "mine");
  // The output may not be an input.
  const auto r = run({"explore", "--model", example_file("model.npz"), "--data",
                      example_file("data.npz"), "-o", example_file("model.npz")});
  CHECK(r.code == 2);
}

TEST_CASE(
    "cli: explore --synth gives each frontier point's area, each layer choice synthesised once",
    "[.sim][cli]") {
  // The tiny 4-3-2 network: Yosys takes seconds. With 3 test rows many points tie, so the
  // frontier holds every generator mix at 64 cycles: 4 points, 2 layers, 2 choices a layer.
  const TempDir dir("cli-explore-synth");
  const std::string out = dir.file("explore");
  const auto r = run({"explore", "--model", scprec::test::npz_fixture("tiny_model.npz"), "--data",
                      scprec::test::npz_fixture("data_ok.npz"), "--lengths", "32", "--max-cycles",
                      "64", "--scale-quantile", "1", "--synth", "-q", "-o", out});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  const auto json = nlohmann::json::parse(scprec::io::read_file(out + "/explore.json"));
  std::size_t frontier = 0;
  for (const auto& p : json["points"]) {
    CHECK(p.contains("area") == p["frontier"].get<bool>());
    if (!p["frontier"].get<bool>()) continue;
    ++frontier;
    CHECK(p["area"]["cells"].get<int>() > 0);
    CHECK(p["area"]["flip_flops"].get<int>() > 0);
    CHECK(p["area"]["rtl_cycles"].get<int>() > 64);
  }
  CHECK(frontier == 4);
  CHECK_THAT(scprec::io::read_file(out + "/pareto.md"),
             Catch::Contains("### Area of the frontier"));
  CHECK_THAT(scprec::io::read_file(out + "/area.svg"), Catch::StartsWith("<svg"));
  // Yosys ran once per layer and choice: 2 layers x 2 generators, not 4 points x 2 layers.
  std::size_t scripts = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(
           std::filesystem::path(out).parent_path() / ".explore.scprec")) {
    const std::string name = entry.path().filename().string();
    scripts += entry.path().extension() == ".ys" && name.find("scprec_top") == std::string::npos;
  }
  CHECK(scripts == 4);
}
