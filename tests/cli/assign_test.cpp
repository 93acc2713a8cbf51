// In-process tests of `scprec assign` and `scprec analyze` on the bundled example.
#include <catch2/catch.hpp>
#include <sstream>

#include "../fixture_path.hpp"
#include "commands.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/model_io.hpp"
#include "scprec/io/precision_map_io.hpp"

using scprec::test::example_file;

namespace {

int run(const std::vector<std::string>& args, std::string* out_text = nullptr,
        std::string* err_text = nullptr) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = scprec::cli::run_cli(args, out, err);
  if (out_text) *out_text = out.str();
  if (err_text) *err_text = err.str();
  return code;
}

std::vector<std::string> example_args(const std::string& command) {
  return {command, "--model", example_file("model.npz"), "--data", example_file("data.npz")};
}

}  // namespace

TEST_CASE("cli: assign writes a valid map on the example for every method", "[cli][assign]") {
  const std::string method =
      GENERATE("hoeffding", "chebyshev", "bernstein", "binomial", "sensitivity");
  const std::string path = "/tmp/scprec_cli_assign_" + method + ".json";
  auto args = example_args("assign");
  args.insert(args.end(), {"--method", method, "--budget", "1500", "--trials", "50", "-o", path});
  std::string out;
  std::string err;
  INFO(method);
  REQUIRE(run(args, &out, &err) == 0);
  CHECK_THAT(out, Catch::Contains("fc1") && Catch::Contains("wrote " + path));
  CHECK_THAT(err, Catch::Contains("assign:"));  // progress
  const auto map = scprec::io::read_precision_map(path);
  CHECK(map.method == method);
  CHECK(map.total_cycles() <= 1500);
  const auto network = scprec::io::read_model(example_file("model.npz"));
  CHECK(map.model_hash == scprec::io::network_hash(network));
}

TEST_CASE("cli: assign in target mode, quietly", "[cli][assign]") {
  auto args = example_args("assign");
  args.insert(args.end(), {"--method", "sensitivity", "--target-error", "0.4", "--trials", "50",
                           "--quiet", "-o", "/tmp/scprec_cli_target.json"});
  std::string out;
  std::string err;
  REQUIRE(run(args, &out, &err) == 0);
  CHECK(err.empty());
  CHECK_THAT(out, Catch::Contains("(target 0.4)"));
}

TEST_CASE("cli: assign and analyze reject bad options with exit 2", "[cli][assign]") {
  auto args = example_args("assign");
  args.insert(args.end(), {"--method", "guess", "-o", "/tmp/x.json"});
  std::string err;
  CHECK(run(args, nullptr, &err) == 2);
  CHECK_THAT(err, Catch::Contains("--method") && Catch::Contains("unknown method 'guess'"));
  args = example_args("analyze");
  args.insert(args.end(), {"--lengths", "32,sixty", "-o", "/tmp/x.json"});
  CHECK(run(args, nullptr, &err) == 2);
  CHECK_THAT(err, Catch::Contains("'sixty' is not a length"));
}

TEST_CASE("cli: analyze prints and writes the curves", "[cli][assign]") {
  auto args = example_args("analyze");
  args.insert(args.end(), {"--lengths", "32,128", "--trials", "30", "-q", "-o",
                           "/tmp/scprec_cli_sensitivity.json"});
  std::string out;
  REQUIRE(run(args, &out) == 0);
  CHECK_THAT(out, Catch::Contains("L=32") && Catch::Contains("L=128") && Catch::Contains("fc3"));
  CHECK_THAT(scprec::io::read_file("/tmp/scprec_cli_sensitivity.json"),
             Catch::Contains("scprec.sensitivity/1"));
}
