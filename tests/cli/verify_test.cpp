// In-process tests of `scprec signoff` refusing inputs that never end: exit 2, at once, with the
// error in junit.xml (the runs that simulate are in tests/loop/verify_test.cpp).
#include <catch2/catch.hpp>
#include <chrono>
#include <sstream>

#include "../fixture_path.hpp"
#include "../temp_dir.hpp"
#include "commands.hpp"
#include "scprec/io/files.hpp"

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
