// In-process test of `scprec simulate` (label `sim`): a map of the tiny network assigned by
// `scprec assign`, simulated bit-exactly, with results JSON and exit status 0.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "../fixture_path.hpp"
#include "../run_command.hpp"
#include "commands.hpp"
#include "scprec/io/files.hpp"

using scprec::test::npz_fixture;

namespace {

// A map of the tiny network, assigned by `scprec assign` under a 128-cycle budget.
void assign_tiny_map(const std::string& path) {
  REQUIRE(scprec::test::run_command({"assign", "--model", npz_fixture("tiny_model.npz"), "--data",
                                     npz_fixture("data_ok.npz"), "--method", "bernstein", "--gain",
                                     "analytic", "--budget", "128", "--min-length", "16", "-q",
                                     "-o", path})
              .code == 0);
}

}  // namespace

// The map is assigned from tiny_model.npz and simulated on its ONNX twin: one network, one hash.
TEST_CASE("cli: simulate reports a bit-exact map with exit 0", "[.sim][cli]") {
  const std::string work = std::string(SCPREC_TEST_WORK_DIR) + "/cli_simulate";
  assign_tiny_map(work + "/map.json");
  std::ostringstream out;
  std::ostringstream err;
  const std::string onnx_twin =
      std::string(SCPREC_SOURCE_DIR) + "/tests/fixtures/onnx/tiny_model.onnx";
  const int code =
      scprec::cli::run_cli({"simulate", "--model", onnx_twin, "--data", npz_fixture("data_ok.npz"),
                            "--split", "test", "--map", work + "/map.json", "--trials", "3",
                            "--cache", SCPREC_TEST_CACHE_DIR, "-q", "-o", work + "/results.json"},
                           out, err);
  INFO(out.str() << err.str());
  REQUIRE(code == 0);
  CHECK_THAT(out.str(), Catch::Contains("bit-exact") && Catch::Contains("accuracy: RTL"));
  const auto json = nlohmann::json::parse(scprec::io::read_file(work + "/results.json"));
  CHECK(json["schema"] == "scprec.simulation/1");
  CHECK(json["bit_exact"] == true);
  CHECK(json["duts"].size() == 3);  // fc1, fc2, top
  CHECK(json["duts"][2]["name"] == "top");
}

TEST_CASE("cli: simulate claims nothing it did not measure when every job times out",
          "[.sim][cli]") {
  const std::string work = std::string(SCPREC_TEST_WORK_DIR) + "/cli_simulate_timeout";
  assign_tiny_map(work + "/map.json");
  std::ostringstream out;
  std::ostringstream err;
  const int code = scprec::cli::run_cli(
      {"simulate", "--model", npz_fixture("tiny_model.npz"), "--data", npz_fixture("data_ok.npz"),
       "--map", work + "/map.json", "--timeout", "0.001", "--cache", SCPREC_TEST_CACHE_DIR, "-q",
       "-o", work + "/results.json"},
      out, err);
  INFO(out.str() << err.str());
  CHECK(code == 3);
  // No --trials: the default runs what the split has (5 rows), not a refusal.
  CHECK_THAT(out.str(), Catch::Contains("bit-exactness unknown") && Catch::Contains("0/5") &&
                            !Catch::Contains("NOT bit-exact") && Catch::Contains("timed out"));
  const auto json = nlohmann::json::parse(scprec::io::read_file(work + "/results.json"));
  CHECK(json["bit_exact"].is_null());
  for (const auto& dut : json["duts"]) {
    CHECK(dut["completed"] == 0);
    CHECK(dut["error_vs_integer"].is_null());
  }
}

TEST_CASE("cli: an unknown simulator or executor, or jobs of 0 trials, are refused with exit 2",
          "[cli]") {
  const std::string work = std::string(SCPREC_TEST_WORK_DIR) + "/cli_simulate_refused";
  const auto [option, value, message] = GENERATE(
      std::tuple<std::string, std::string, std::string>{"--simulator", "modelsim",
                                                        "modelsim not in {verilator,icarus}"},
      std::tuple<std::string, std::string, std::string>{"--executor", "lsf",
                                                        "lsf not in {local,slurm}"},
      std::tuple<std::string, std::string, std::string>{"--trials-per-job", "0",
                                                        "Give 1 or more trials per job"});
  INFO(option << " " << value);
  assign_tiny_map(work + "/map.json");
  const auto run = scprec::test::run_command(
      {"simulate", "--model", npz_fixture("tiny_model.npz"), "--data", npz_fixture("data_ok.npz"),
       "--map", work + "/map.json", option, value, "-q", "-o", work + "/results.json"});
  INFO(run.out << run.err);
  CHECK(run.code == 2);
  CHECK_THAT(run.err, Catch::Contains(message));
}
