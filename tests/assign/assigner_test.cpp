// Tests for assign_lengths on the bundled example: budgets are never exceeded, targets are met
// by the prediction, and infeasible requests name what would work.
#include "scprec/assign/assigner.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "../fixture_path.hpp"
#include "scprec/assign/propagation.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/model_io.hpp"

using scprec::assign::AssignConfig;
using scprec::assign::Method;
using scprec::test::example_file;

namespace {

struct Example {
  scprec::model::Network network = scprec::io::read_model(example_file("model.npz"));
  scprec::io::Dataset calibration =
      scprec::io::read_dataset(example_file("data.npz"), scprec::io::Split::kCalibration);
  scprec::model::QuantizedNetwork quantized = scprec::model::quantize(network, calibration.x, {});
};

const Example& example() {
  static const Example instance;
  return instance;
}

scprec::model::PrecisionMap assign(const AssignConfig& config) {
  return scprec::assign::assign_lengths(example().network, example().quantized,
                                        example().calibration.x, config);
}

void check_well_formed(const scprec::model::PrecisionMap& map, const AssignConfig& config) {
  REQUIRE(map.layers.size() == 3);
  double sum = 0.0;
  double squares = 0.0;
  for (const auto& layer : map.layers) {
    CHECK(layer.length >= config.min_length);
    CHECK(layer.length <= config.max_length);
    CHECK((layer.length & (layer.length - 1)) == 0);
    CHECK(layer.seed == config.analysis.seed + layer.index);
    CHECK(layer.contribution > 0.0);
    sum += layer.contribution;
    squares += layer.contribution * layer.contribution;
  }
  const bool rss = config.composition == scprec::assign::Composition::kRootSumSquare;
  CHECK(map.predicted_output_error == Approx(rss ? std::sqrt(squares) : sum));
  CHECK(map.targets.composition == (rss ? "rss" : "union"));
  CHECK(map.activation_scales.size() == 2);
  CHECK(map.output_full_scale > 0.0);
}

}  // namespace

TEST_CASE("assign: every method keeps within a cycle budget", "[assign]") {
  const Method method = GENERATE(Method::kHoeffding, Method::kChebyshev, Method::kBernstein,
                                 Method::kBinomial, Method::kSensitivity);
  AssignConfig config;
  config.method = method;
  config.total_budget = 1000;
  config.analysis.n_trials = 60;
  const auto map = assign(config);
  INFO(to_string(method) << ": " << map.total_cycles() << " cycles");
  check_well_formed(map, config);
  CHECK(map.total_cycles() <= 1000);
  CHECK(map.method == to_string(method));
  // 1000 cycles fit 3 x 256 + nothing longer for all: the best spends at least 3 x 256 = 768.
  CHECK(map.total_cycles() >= 768);
}

TEST_CASE("assign: a target is met by the prediction at the least cost", "[assign]") {
  AssignConfig config;
  config.method = Method::kSensitivity;
  config.composition =
      GENERATE(scprec::assign::Composition::kRootSumSquare, scprec::assign::Composition::kUnion);
  config.target_error = 0.3;
  config.analysis.n_trials = 80;
  const auto map = assign(config);
  check_well_formed(map, config);
  CHECK(map.predicted_output_error <= 0.3);
  CHECK(map.targets.error == 0.3);
  // Totals are multiples of min_length, so any cheaper map costs at most total - min_length;
  // the least predicted error within that budget must miss the target.
  AssignConfig cheaper = config;
  cheaper.total_budget = map.total_cycles() - config.min_length;
  CHECK(assign(cheaper).predicted_output_error > 0.3);
}

TEST_CASE("assign: weighting cost by layer size shortens the widest layer", "[assign]") {
  AssignConfig config;
  config.method = Method::kSensitivity;
  config.target_error = 0.2;
  config.analysis.n_trials = 80;
  const auto cycles = assign(config);
  config.cost = scprec::assign::CostModel::kSynapseCycles;
  const auto weighted = assign(config);
  CHECK(weighted.layers[0].length <= cycles.layers[0].length);
  CHECK(weighted.targets.cost == "synapse-cycles");
}

TEST_CASE("assign: infeasible budgets and targets say what would work", "[assign]") {
  AssignConfig config;
  config.total_budget = 64;
  CHECK_THROWS_WITH(assign(config), Catch::Contains("smallest feasible budget is 96 cycles"));
  config.total_budget.reset();
  config.target_error = 1e-4;
  config.analysis.n_trials = 20;
  CHECK_THROWS_WITH(assign(config), Catch::Contains("even with every layer at 1024 cycles") &&
                                        Catch::Contains("alone contributes"));
  config.min_length = 100;
  config.max_length = 120;
  CHECK_THROWS_WITH(assign(config), Catch::Contains("holds no power of two"));
  config.min_length = 32;
  config.max_length = 1024;
  config.confidence = 1.0;
  CHECK_THROWS_AS(assign(config), scprec::Error);
}

TEST_CASE("assign: analytic gains are the products of later layers' norms", "[assign]") {
  const auto gains = scprec::assign::analytic_gains(example().network);
  REQUIRE(gains.size() == 3);
  CHECK(gains[2] == 1.0);
  const auto& w3 = example().network.layers()[2].weight;
  CHECK(gains[1] == Approx(w3.cwiseAbs().rowwise().sum().maxCoeff()));
  const auto& w2 = example().network.layers()[1].weight;
  CHECK(gains[0] == Approx(gains[1] * w2.cwiseAbs().rowwise().sum().maxCoeff()));
  AssignConfig config;
  config.gain = scprec::assign::GainModel::kAnalytic;
  config.total_budget = 600;
  const auto map = assign(config);
  CHECK(map.gain == "analytic");
  CHECK(map.layers[0].gain == Approx(gains[0]));
}
