// In-process tests of what commands do to files on bad paths and failed runs: an output that
// would overwrite an input is refused before any work, the inputs untouched; a folder where a
// file goes, or a file where a folder goes, is bad input; a locked --out is refused; a run that
// stops with an error marks the previous verdict superseded instead of leaving its pass.
#include <catch2/catch.hpp>
#include <filesystem>

#include "../fixture_path.hpp"
#include "../run_command.hpp"
#include "../temp_dir.hpp"
#include "commands.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/output_dir.hpp"

using scprec::test::npz_fixture;
using scprec::test::TempDir;
namespace fs = std::filesystem;

namespace {

using Run = scprec::test::CommandRun;
constexpr auto run = scprec::test::run_command;

// A scratch folder holding copies of the tiny model and data, and a map assigned for them.
struct Inputs {
  TempDir tmp{"cli-outputs"};
  std::string model = tmp.file("model.npz");
  std::string data = tmp.file("data.npz");
  std::string map = tmp.file("map.json");
  Inputs() {
    fs::copy_file(npz_fixture("tiny_model.npz"), model);
    fs::copy_file(npz_fixture("data_ok.npz"), data);
    const Run assigned = run({"assign", "--model", model, "--data", data, "--method", "bernstein",
                              "--gain", "analytic", "--budget", "96", "--min-length", "16", "-q",
                              "-o", map});
    REQUIRE(assigned.code == 0);
  }
  std::string bytes(const std::string& path) const { return scprec::io::read_file(path); }
};

}  // namespace

TEST_CASE("cli: an output that is one of the inputs is refused, the input untouched", "[cli]") {
  const Inputs in;
  const std::string model = in.bytes(in.model);
  const std::string data = in.bytes(in.data);
  const std::string map = in.bytes(in.map);
  const std::vector<std::vector<std::string>> runs = {
      {"assign", "--model", in.model, "--data", in.data, "--budget", "96", "-o", in.model},
      {"assign", "--model", in.model, "--data", in.data, "--budget", "96", "-o", in.data},
      {"analyze", "--model", in.model, "--data", in.data, "-o", in.data},
      {"simulate", "--model", in.model, "--data", in.data, "--map", in.map, "-o", in.map},
      {"rtl", "--model", in.model, "--map", in.map, "-o", in.tmp.path().string()},
      {"verify", "--model", in.model, "--data", in.data, "--out", in.tmp.path().string()},
      {"signoff", "--model", in.model, "--data", in.data, "--map", in.map, "--out",
       in.tmp.path().string()},
  };
  for (const std::vector<std::string>& args : runs) {
    INFO(args[0] << " " << args.back());
    const Run r = run(args);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("the run would overwrite it"));
    CHECK(in.bytes(in.model) == model);
    CHECK(in.bytes(in.data) == data);
    CHECK(in.bytes(in.map) == map);
  }
}

TEST_CASE("cli: a folder where a file goes, or a file where a folder goes, is bad input",
          "[cli]") {
  const Inputs in;
  fs::create_directories(in.tmp.file("a-folder"));
  const std::vector<std::vector<std::string>> runs = {
      {"assign", "--model", in.model, "--data", in.data, "--budget", "96", "-o",
       in.tmp.file("a-folder")},
      {"analyze", "--model", in.model, "--data", in.data, "-o", in.tmp.file("a-folder")},
      {"simulate", "--model", in.model, "--data", in.data, "--map", in.map, "-o",
       in.tmp.file("a-folder")},
      {"rtl", "--model", in.model, "--map", in.map, "-o", in.tmp.file("model.npz.d")},
      {"verify", "--model", in.model, "--data", in.data, "--out", in.tmp.file("model.npz.d")},
  };
  scprec::io::write_file_atomically(in.tmp.file("model.npz.d"), "a file");
  for (const std::vector<std::string>& args : runs) {
    INFO(args[0]);
    const Run r = run(args);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("folder"));
  }
}

TEST_CASE("cli: verify on an output folder another run holds is refused, the folder untouched",
          "[cli]") {
  const Inputs in;
  const std::string out = in.tmp.file("out");
  scprec::io::write_file_atomically(out + "/junit.xml", "the other run's");
  const scprec::io::OutputDir holder({out, {"junit.xml"}, {}, {}});
  const Run r = run({"verify", "--model", in.model, "--data", in.data, "--out", out});
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Catch::Contains("another scprec run") && Catch::Contains("another output"));
  CHECK(in.bytes(out + "/junit.xml") == "the other run's");
  CHECK_FALSE(fs::exists(out + "/SUPERSEDED"));
}

TEST_CASE("cli: a run that stops with an error supersedes the previous pass", "[cli]") {
  const Inputs in;
  const std::string out = in.tmp.file("out");
  const std::string pass = "<testsuites failures=\"0\" errors=\"0\"></testsuites>";
  scprec::io::write_file_atomically(out + "/junit.xml", pass);
  scprec::io::write_file_atomically(out + "/report.md", "SIGNED OFF");
  scprec::io::write_file_atomically(out + "/map.json", "the signed-off map");
  // The tiny data has far fewer calibration rows than the acceptance test needs: the loop stops
  // with an error once it has read them.
  const Run r = run({"verify", "--model", in.model, "--data", in.data, "--out", out, "-q"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("calibration rows cannot hold"));
  const std::string junit = in.bytes(out + "/junit.xml");
  CHECK_THAT(junit,
             Catch::Contains("errors=\"1\"") && Catch::Contains("calibration rows cannot hold"));
  CHECK_THAT(in.bytes(out + "/SUPERSEDED"), Catch::Contains("superseded: a later run"));
  // The rest of the previous set is intact, and marked.
  CHECK(in.bytes(out + "/map.json") == "the signed-off map");
  CHECK(in.bytes(out + "/report.md") == "SIGNED OFF");
}

TEST_CASE("cli: signoff may read the map it keeps in its own output folder", "[cli]") {
  const Inputs in;
  const std::string out = in.tmp.file("out");
  fs::create_directories(out);
  fs::copy_file(in.map, out + "/map.json");
  const std::string map = in.bytes(out + "/map.json");
  const Run r = run({"signoff", "--model", in.model, "--data", in.data, "--map", out + "/map.json",
                     "--target-error", "0.5", "--out", out, "-q"});
  CHECK(r.code == 2);  // the tiny data is too small to sign off, but the folder was accepted
  CHECK_THAT(r.err, !Catch::Contains("overwrite") && Catch::Contains("calibration inputs"));
  CHECK(in.bytes(out + "/map.json") == map);
}

TEST_CASE("cli: a run refused before it takes its folder still supersedes the previous pass",
          "[cli]") {
  const Inputs in;
  const std::string out = in.tmp.file("out");
  const std::string pass =
      "<testsuites name=\"scprec\" tests=\"5\" failures=\"0\" errors=\"0\"></testsuites>";
  const std::vector<std::pair<std::vector<std::string>, std::string>> refusals = {
      {{"--confidence", "0"}, "usage error"},        // arguments that do not parse
      {{"--map", out + "/report.md"}, "overwrite"},  // an input the set would replace
      {{"--cache", out + "/cache"}, "overwrite"},    // a cache the set would replace
  };
  for (const auto& [extra, why] : refusals) {
    INFO(extra[0]);
    scprec::io::write_file_atomically(out + "/junit.xml", pass);
    scprec::io::write_file_atomically(out + "/report.md", "SIGNED OFF");
    std::vector<std::string> args = {extra[0] == "--map" ? "signoff" : "verify",
                                     "--model",
                                     in.model,
                                     "--data",
                                     in.data,
                                     "--out",
                                     out};
    args.insert(args.end(), extra.begin(), extra.end());
    const Run r = run(args);
    CHECK(r.code == 2);
    const std::string junit = in.bytes(out + "/junit.xml");
    CHECK_THAT(junit, Catch::Contains("errors=\"1\"") && Catch::Contains(why));
    CHECK(in.bytes(out + "/report.md") == "SIGNED OFF");
  }
  // A junit.xml scprec did not write is left alone, in a folder scprec refuses as not its own.
  scprec::io::write_file_atomically(out + "/junit.xml", "<testsuites name=\"pytest\"/>");
  scprec::io::write_file_atomically(out + "/notes.txt", "mine");
  CHECK(run({"verify", "--model", in.model, "--data", in.data, "--out", out}).code == 2);
  CHECK(in.bytes(out + "/junit.xml") == "<testsuites name=\"pytest\"/>");
}

TEST_CASE("cli: an output that is a device or FIFO is refused, an output link written through",
          "[cli]") {
  const Inputs in;
  const Run device = run({"assign", "--model", in.model, "--data", in.data, "--budget", "96",
                          "--min-length", "16", "-o", "/dev/null"});
  CHECK(device.code == 2);
  CHECK_THAT(device.err, Catch::Contains("not a regular file"));
  CHECK(fs::is_character_file("/dev/null"));
  fs::create_symlink("real-map.json", in.tmp.file("map-link.json"));
  CHECK(run({"assign", "--model", in.model, "--data", in.data, "--method", "bernstein", "--gain",
             "analytic", "--budget", "96", "--min-length", "16", "-q", "-o",
             in.tmp.file("map-link.json")})
            .code == 0);
  CHECK(fs::is_symlink(in.tmp.file("map-link.json")));
  CHECK(fs::is_regular_file(in.tmp.file("real-map.json")));
}
