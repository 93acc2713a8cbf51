// In-process tests of the command table and `scprec eval`.
#include <catch2/catch.hpp>

#include "../fixture_path.hpp"
#include "../run_command.hpp"
#include "commands.hpp"

using scprec::test::npz_fixture;

namespace {

using Result = scprec::test::CommandRun;
constexpr auto run = scprec::test::run_command;

}  // namespace

TEST_CASE("cli: eval prints float, integer and SC accuracy", "[cli]") {
  const Result r = run({"eval", "--model", npz_fixture("tiny_model.npz"), "--data",
                        npz_fixture("data_ok.npz"), "--length", "64", "--threads", "1"});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("4-3-2 (2 layers)") &&
                        Catch::Contains("test split: 3 samples") && Catch::Contains("float") &&
                        Catch::Contains("integer") &&
                        Catch::Contains("lfsr generator, every layer at L = 64"));
}

TEST_CASE("cli: usage errors and bad files exit 2 with a message", "[cli]") {
  CHECK(run({}).code == 2);
  CHECK(run({"--help"}).code == 0);
  const Result unknown = run({"frobnicate"});
  CHECK(unknown.code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("unknown command 'frobnicate'"));
  const Result missing_option = run({"eval", "--data", npz_fixture("data_ok.npz")});
  CHECK(missing_option.code == 2);
  CHECK_THAT(missing_option.err, Catch::Contains("--model"));
  const Result missing_file =
      run({"eval", "--model", "/nonexistent/m.npz", "--data", npz_fixture("data_ok.npz")});
  CHECK(missing_file.code == 2);
  CHECK_THAT(missing_file.err, Catch::Contains("/nonexistent/m.npz"));
  const Result bad_length = run({"eval", "--model", npz_fixture("tiny_model.npz"), "--data",
                                 npz_fixture("data_ok.npz"), "--length", "100"});
  CHECK(bad_length.code == 2);
  CHECK_THAT(bad_length.err, Catch::Contains("power of two"));
  const Result help = run({"eval", "--help"});
  CHECK(help.code == 0);
  CHECK_THAT(help.out, Catch::Contains("--generator"));
}
