// In-process tests of `scprec assign` and `scprec analyze` on the bundled example.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "../fixture_path.hpp"
#include "../temp_dir.hpp"
#include "commands.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/model_io.hpp"
#include "scprec/io/precision_map_io.hpp"

using scprec::test::example_file;
using scprec::test::TempDir;

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
  const TempDir dir("cli-assign");
  const std::string path = dir.file(method + ".json");
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
  const TempDir dir("cli-assign-target");
  auto args = example_args("assign");
  args.insert(args.end(), {"--method", "sensitivity", "--target-error", "0.4", "--trials", "50",
                           "--quiet", "-o", dir.file("map.json")});
  std::string out;
  std::string err;
  REQUIRE(run(args, &out, &err) == 0);
  CHECK(err.empty());
  CHECK_THAT(out, Catch::Contains("(target 0.4)"));
  // The default rss composition is an estimate, not a bound, and says so.
  CHECK_THAT(out,
             Catch::Contains("predicted output error (rss estimate)") && !Catch::Contains("bound"));
  args.insert(args.end() - 2, {"--compose", "union"});
  REQUIRE(run(args, &out, &err) == 0);
  CHECK_THAT(out, Catch::Contains("predicted output error (union bound)"));
}

TEST_CASE("cli: assign takes a positive budget or a target, not both", "[cli][assign]") {
  const TempDir dir("cli-assign-budget");
  const std::string map = dir.file("map.json");
  for (const std::vector<std::string>& options : {std::vector<std::string>{"--budget", "-5"},
                                                  {"--budget", "0"},
                                                  {"--budget", "many"},
                                                  {"--budget", "600", "--target-error", "0.2"},
                                                  {"--target-error", "0"},
                                                  {"--target-error", "-0.1"}}) {
    auto args = example_args("assign");
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), {"-q", "-o", map});
    std::string err;
    INFO(options[0] << " " << options[1]);
    CHECK(run(args, nullptr, &err) == 2);
    CHECK_THAT(err, Catch::Contains(options[0]) ||
                        Catch::Contains(options[0] == "--budget" ? "--target-error" : "--budget"));
    CHECK_FALSE(std::filesystem::exists(map));
  }
  auto args = example_args("assign");
  args.insert(args.end(), {"--budget", "600", "--trials", "20", "-q", "-o", map});
  std::string out;
  REQUIRE(run(args, &out) == 0);
  CHECK_THAT(out, Catch::Contains("(budget 600 cycles)"));
  CHECK(scprec::io::read_precision_map(map).targets.budget == 600U);
}

TEST_CASE("cli: assign and analyze reject bad options with exit 2", "[cli][assign]") {
  const TempDir dir("cli-assign-bad");
  auto args = example_args("assign");
  args.insert(args.end(), {"--method", "guess", "-o", dir.file("x.json")});
  std::string err;
  CHECK(run(args, nullptr, &err) == 2);
  CHECK_THAT(err, Catch::Contains("--method") && Catch::Contains("unknown method 'guess'"));
  args = example_args("analyze");
  args.insert(args.end(), {"--lengths", "32,sixty", "-o", dir.file("x.json")});
  CHECK(run(args, nullptr, &err) == 2);
  CHECK_THAT(err, Catch::Contains("'sixty' is not a length"));
  args = example_args("assign");
  args.insert(args.end(), {"--budget", "1000", "--max-length", "131072", "-o", dir.file("x.json")});
  CHECK(run(args, nullptr, &err) == 2);
  CHECK_THAT(err, Catch::Contains("--max-length 65536 or less"));
}

TEST_CASE(
    "cli: assign searches generators per layer and records the scale rule, and eval runs the "
    "map",
    "[cli][assign]") {
  const TempDir dir("cli-assign-generators");
  const std::string path = dir.file("map.json");
  auto args = example_args("assign");
  args.insert(args.end(), {"--generator", "lfsr,sobol", "--scale-quantile", "0.99", "--trials",
                           "50", "-o", path});
  std::string out;
  std::string err;
  REQUIRE(run(args, &out, &err) == 0);
  CHECK_THAT(out, Catch::Contains("generator"));
  const auto map = scprec::io::read_precision_map(path);
  CHECK(map.quant.scale_quantile == 0.99);
  // The 0.99 quantile of the activations is below their maximum: smaller scales than the default.
  args = example_args("assign");
  args.insert(args.end(), {"--generator", "sobol", "--scale-quantile", "1", "--trials", "50", "-o",
                           dir.file("max.json")});
  REQUIRE(run(args, &out, &err) == 0);
  const auto max_map = scprec::io::read_precision_map(dir.file("max.json"));
  for (std::size_t k = 0; k < map.activation_scales.size(); ++k) {
    CHECK(map.activation_scales[k] < max_map.activation_scales[k]);
  }

  args = example_args("eval");
  args.insert(args.end(), {"--map", path});
  REQUIRE(run(args, &out, &err) == 0);
  CHECK_THAT(out, Catch::Contains("the map's scales") &&
                      Catch::Contains(fmt::format("{} cycles", map.total_cycles())) &&
                      Catch::Contains("flips"));
  args.insert(args.end(), {"--length", "64"});
  CHECK(run(args, &out, &err) == 2);
  CHECK_THAT(err, Catch::Contains("excludes"));
}

TEST_CASE("cli: assign refuses generator lists and scale rules it cannot use", "[cli][assign]") {
  const TempDir dir("cli-assign-generators-bad");
  const auto refused = [&](const std::vector<std::string>& extra, const std::string& problem) {
    auto args = example_args("assign");
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--trials", "20", "-o", dir.file("x.json")});
    std::string err;
    INFO(problem);
    CHECK(run(args, nullptr, &err) == 2);
    CHECK_THAT(err, Catch::Contains(problem));
    CHECK_FALSE(std::filesystem::exists(dir.file("x.json")));
  };
  refused({"--generator", "lfsr,lfsr"}, "lfsr is listed twice");
  refused({"--generator", "lfsr,"}, "--generator");
  refused({"--generator", "lfsr,halton"}, "halton");
  refused({"--generator", "lfsr,sobol", "--method", "binomial"}, "does not model Sobol lanes");
  refused({"--scale-quantile", "0"}, "--scale-quantile");
  refused({"--scale-quantile", "1.5"}, "--scale-quantile");
  refused({"--scale-quantile", "0.99,0.99"}, "twice");
  refused({"--scale-quantile", "0.99,"}, "--scale-quantile");
  refused({"--scale-quantile", "0.99,x"}, "--scale-quantile");
}

TEST_CASE("cli: assign chooses generators and the scale rule unless told, and eval takes one rule",
          "[cli][assign]") {
  const TempDir dir("cli-assign-defaults");
  auto args = example_args("assign");
  args.insert(args.end(), {"--trials", "50", "-o", dir.file("map.json")});
  std::string out;
  std::string err;
  REQUIRE(run(args, &out, &err) == 0);
  // Every default candidate rule was tried and logged, and the map records the one chosen.
  for (const char* quantile : {"1", "0.999", "0.99", "0.98", "0.95"}) {
    CHECK_THAT(err, Catch::Contains(fmt::format("scale quantile {}:", quantile)));
  }
  const auto map = scprec::io::read_precision_map(dir.file("map.json"));
  CHECK_THAT(err,
             Catch::Contains(fmt::format("scale quantile {:g} chosen", map.quant.scale_quantile)));
  CHECK_THAT(out, Catch::Contains("arithmetic: 8-bit sign-magnitude"));
  // Sobol lanes were a candidate without being asked for (on this network they win).
  CHECK_THAT(map.generators_text(), Catch::Contains("sobol"));
  // A bound method searches both too, bounding Sobol lanes as shifted nets, which on this
  // network are tighter; the binomial bound keeps the one generator it models, LFSR.
  args = example_args("assign");
  args.insert(args.end(),
              {"--method", "hoeffding", "--budget", "768", "-q", "-o", dir.file("h.json")});
  REQUIRE(run(args, &out, &err) == 0);
  CHECK_THAT(scprec::io::read_precision_map(dir.file("h.json")).generators_text(),
             Catch::Contains("sobol"));
  args = example_args("assign");
  args.insert(args.end(),
              {"--method", "binomial", "--budget", "768", "-q", "-o", dir.file("b.json")});
  REQUIRE(run(args, &out, &err) == 0);
  for (const auto& layer : scprec::io::read_precision_map(dir.file("b.json")).layers) {
    CHECK(layer.generator == scprec::core::GeneratorKind::kLfsr);
  }
  // eval runs one rule: a list is a usage error.
  args = example_args("eval");
  args.insert(args.end(), {"--length", "32", "--scale-quantile", "0.99,0.98"});
  CHECK(run(args, &out, &err) == 2);
  CHECK_THAT(err, Catch::Contains("--scale-quantile"));
}

TEST_CASE("cli: analyze prints and writes the curves", "[cli][assign]") {
  const TempDir dir("cli-analyze");
  const std::string path = dir.file("sensitivity.json");
  auto args = example_args("analyze");
  args.insert(args.end(), {"--lengths", "32,128", "--trials", "30", "-q", "-o", path});
  std::string out;
  REQUIRE(run(args, &out) == 0);
  CHECK_THAT(out, Catch::Contains("L=32") && Catch::Contains("L=128") && Catch::Contains("fc3"));
  CHECK_THAT(scprec::io::read_file(path), Catch::Contains("scprec.sensitivity/1"));
}
