// In-process tests of `scprec signoff` refusing inputs that never end: exit 2, at once, with the
// error in junit.xml; and of a run that stops before its verdict recording in junit.xml what
// reproduces it (the runs that simulate are in tests/loop/verify_test.cpp).
#include <catch2/catch.hpp>
#include <chrono>
#include <sstream>

#include "../fixture_path.hpp"
#include "../temp_dir.hpp"
#include "commands.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/sha256.hpp"

using scprec::test::npz_fixture;
using scprec::test::TempDir;

TEST_CASE("cli: signoff refuses a map or manifest that never ends with exit 2", "[cli]") {
  const TempDir dir("cli-signoff-zero");
  std::vector<std::string> args = {"signoff",
                                   "--model",
                                   npz_fixture("tiny_model.npz"),
                                   "--data",
                                   npz_fixture("data_ok.npz"),
                                   "--out",
                                   dir.file("out"),
                                   "-q"};
  const std::string option = GENERATE("--map", "--manifest");
  args.insert(args.end(), {option, "/dev/zero"});
  if (option == "--manifest") args.insert(args.end(), {"--map", dir.file("missing.json")});
  std::ostringstream out;
  std::ostringstream err;
  const auto start = std::chrono::steady_clock::now();
  const int code = scprec::cli::run_cli(args, out, err);
  INFO(option << ": " << err.str());
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  CHECK(code == 2);
  const std::string limit = option == "--map" ? "16 MiB" : "1 MiB";
  CHECK_THAT(err.str(), Catch::Contains("/dev/zero") && Catch::Contains("larger than " + limit));
  CHECK_THAT(scprec::io::read_file(dir.file("out/junit.xml")), Catch::Contains("/dev/zero"));
}

TEST_CASE("cli: a run stopped before its verdict records its command line and input hashes",
          "[cli]") {
  const TempDir dir("cli-verify-provenance");
  const std::string model = npz_fixture("tiny_model.npz");
  const std::string data = npz_fixture("data_ok.npz");
  const std::string out = dir.file("it's out");
  std::ostringstream sink;
  // Refused by the loop after the inputs are read: too few trials to ever sign off.
  const int code = scprec::cli::run_cli(
      {"verify", "--model", model, "--data", data, "--trials", "58", "-q", "--out", out}, sink,
      sink);
  INFO(sink.str());
  REQUIRE(code == 2);
  const std::string junit = scprec::io::read_file(out + "/junit.xml");
  const std::string quoted_out = "&apos;" + dir.file("it") + "&apos;\\&apos;&apos;s out&apos;";
  CHECK_THAT(junit, Catch::Contains(
                        "<property name=\"command_line\" value=\"scprec verify --model " + model +
                        " --data " + data + " --trials 58 -q --out " + quoted_out + "\"/>"));
  CHECK_THAT(junit, Catch::Contains("<property name=\"rerun\" value=\"cd "));
  CHECK_THAT(junit, Catch::Contains("<property name=\"data.sha256\" value=\"" +
                                    scprec::io::sha256_hex(scprec::io::read_file(data)) + "\"/>"));
  CHECK_THAT(junit, Catch::Contains("<property name=\"model.sha256\" value=\"" +
                                    scprec::io::sha256_hex(scprec::io::read_file(model)) + "\"/>"));
  CHECK_THAT(junit, Catch::Contains("<property name=\"verilator.version\" value=\""));
  // No map was written, so there is no map to name or to sign off.
  CHECK_THAT(junit, !Catch::Contains("map.sha256") && !Catch::Contains("rerun.signoff"));
}

TEST_CASE("cli: demo --example takes a bundled example's name or a directory with a model",
          "[cli]") {
  const TempDir dir("cli-demo-example");
  // Neither: exit 2 at once, with the error in junit.xml.
  std::ostringstream out;
  std::ostringstream err;
  const int code = scprec::cli::run_cli(
      {"demo", "--example", dir.file("nowhere"), "--out", dir.file("out"), "-q"}, out, err);
  CHECK(code == 2);
  CHECK_THAT(err.str(), Catch::Contains("is neither a bundled example (fashion_mlp, fashion_cnn) "
                                        "nor a directory with a model.npz"));
  CHECK_THAT(scprec::io::read_file(dir.file("out/junit.xml")), Catch::Contains("--example"));
}
