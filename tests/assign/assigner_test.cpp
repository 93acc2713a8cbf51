// Tests for assign_lengths on the bundled example: budgets are never exceeded, targets are met
// by the prediction, and infeasible requests name what would work.
#include "scprec/assign/assigner.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <utility>

#include "../example_data.hpp"
#include "scprec/assign/layer_bounds.hpp"
#include "scprec/assign/propagation.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/model_io.hpp"
#include "scprec/model/precision_map.hpp"

using scprec::assign::AssignConfig;
using scprec::assign::Method;

namespace {

struct Example {
  const scprec::model::Network& network = scprec::test::example_data().network;
  const scprec::io::Dataset& calibration = scprec::test::example_data().calibration;
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

TEST_CASE("assign: the sensitivity method chooses each layer's generator among those given",
          "[assign]") {
  using scprec::core::GeneratorKind;
  AssignConfig config;
  config.method = Method::kSensitivity;
  config.target_error = 0.2;
  config.analysis.n_trials = 60;
  config.generators = {GeneratorKind::kLfsr};
  const auto lfsr = assign(config);
  config.generators = {GeneratorKind::kSobol};
  const auto sobol = assign(config);
  config.generators = {GeneratorKind::kLfsr, GeneratorKind::kSobol};
  const auto both = assign(config);
  check_well_formed(both, config);
  INFO("lfsr " << lfsr.total_cycles() << ", sobol " << sobol.total_cycles() << ", both "
               << both.total_cycles() << " (" << both.generators_text() << ")");
  CHECK(lfsr.generator_kind() == "lfsr");
  CHECK(sobol.generator_kind() == "sobol");
  // The search holds both single-generator maps, and the optimum is exact: never dearer.
  CHECK(both.total_cycles() <= std::min(lfsr.total_cycles(), sobol.total_cycles()));
  CHECK(both.predicted_output_error <= 0.2);
  // Each row's prediction is what its generator's own sweep measured at its length.
  const auto prediction_of = [&](GeneratorKind generator, std::size_t l, std::size_t length) {
    AssignConfig one = config;
    one.generators = {generator};
    one.min_length = one.max_length = length;
    one.total_budget = 3 * length;  // the one candidate; a target could be out of its reach
    return assign(one).layers[l].contribution;
  };
  for (const auto& row : both.layers) {
    INFO(row.name << " at " << row.length << " on " << to_string(row.generator));
    CHECK(row.contribution == prediction_of(row.generator, row.index, row.length));
  }
}

TEST_CASE("assign: generators the method cannot model are refused", "[assign]") {
  using scprec::core::GeneratorKind;
  AssignConfig config;
  config.analysis.n_trials = 20;
  config.method = Method::kBinomial;
  for (const auto& generators :
       {std::vector<GeneratorKind>{GeneratorKind::kLfsr, GeneratorKind::kSobol},
        std::vector<GeneratorKind>{GeneratorKind::kSobol}}) {
    config.generators = generators;
    CHECK_THROWS_WITH(assign(config), Catch::Contains("generators") &&
                                          Catch::Contains("does not model Sobol lanes"));
  }
  config.method = Method::kSensitivity;
  config.generators = {GeneratorKind::kSobol, GeneratorKind::kSobol};
  CHECK_THROWS_WITH(assign(config), Catch::Contains("sobol is given twice"));
  config.generators = {};
  CHECK_THROWS_WITH(assign(config), Catch::Contains("generators: none given"));
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
  CHECK_THROWS_WITH(assign(config),
                    Catch::Contains("best achievable prediction, every layer at 1024 cycles") &&
                        Catch::Contains("(rss estimate)") && Catch::Contains("alone contributes"));
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

TEST_CASE("assign: the smallest feasible budget counts the shortest power-of-two candidate",
          "[assign]") {
  AssignConfig config;
  config.min_length = 33;  // candidates start at 64
  config.total_budget = 150;
  CHECK_THROWS_WITH(assign(config), Catch::Contains("3 layers of at least 64 cycles") &&
                                        Catch::Contains("smallest feasible budget is 192 cycles"));
  config.total_budget = 192;
  config.analysis.n_trials = 20;
  CHECK(assign(config).total_cycles() == 192);
}

TEST_CASE("assign: an unreachable target's advice depends on the method", "[assign]") {
  AssignConfig config;
  config.target_error = 1e-4;
  config.analysis.n_trials = 20;
  config.method = Method::kSensitivity;
  CHECK_THROWS_WITH(assign(config), !Catch::Contains("--method sensitivity") &&
                                        Catch::Contains("Raise --max-length"));
  config.composition = scprec::assign::Composition::kUnion;
  CHECK_THROWS_WITH(assign(config),
                    Catch::Contains("(union bound)") && Catch::Contains("--compose rss"));
  config.method = Method::kBernstein;
  CHECK_THROWS_WITH(assign(config), Catch::Contains("use --method sensitivity"));
}

TEST_CASE("assign: layer names must be the model's, and rows keep the model's names", "[assign]") {
  AssignConfig config;
  config.method = Method::kSensitivity;
  config.total_budget = 600;
  config.analysis.n_trials = 20;
  config.layer_names = {"fc1", "fc2", "fc3"};
  const auto map = assign(config);
  CHECK(map.layers[2].name == "fc3");
  CHECK_NOTHROW(scprec::model::check_map_matches(map, example().network, "", "map.json"));

  config.layer_names = {"fc1", "hidden", "fc3"};
  try {
    assign(config);
    FAIL("no error");
  } catch (const scprec::Error& e) {
    CHECK(e.field() == "layer names[1]");
    CHECK_THAT(e.problem(), Catch::Contains("'hidden' but the model's layer 1 is 'fc2'"));
  }
  config.layer_names = {"fc1", "fc2"};
  CHECK_THROWS_WITH(assign(config), Catch::Contains("2 names for 3 layers"));
}

TEST_CASE("assign: a max length beyond the arithmetic's longest names --max-length", "[assign]") {
  AssignConfig config;
  config.total_budget = 1000;
  config.max_length = 131072;  // 8-bit sign-magnitude scales at most 2^16
  try {
    assign(config);
    FAIL("no error");
  } catch (const scprec::Error& e) {
    CHECK(e.field() == "max length");
    CHECK_THAT(e.problem(), Catch::Contains("131072 is longer than 65536"));
    CHECK_THAT(e.remedy(), Catch::Contains("--max-length 65536 or less"));
  }
}

TEST_CASE("assign: empirical gains do not move with the length range", "[assign]") {
  AssignConfig config;
  config.method = Method::kBernstein;
  config.analysis.n_trials = 40;
  const auto predict = [&](std::size_t min_length, std::size_t max_length) {
    AssignConfig c = config;
    c.min_length = min_length;
    c.max_length = max_length;
    return scprec::assign::predict_lengths(example().network, example().quantized,
                                           example().calibration.x, c);
  };
  const auto base = predict(32, 1024);
  for (const auto& [low, high] : {std::pair<std::size_t, std::size_t>{33, 1024}, {256, 4096}}) {
    const auto moved = predict(low, high);
    INFO("range " << low << ".." << high);
    CHECK(moved.gains == base.gains);
    // The same candidate, predicted from the same gain, is the same contribution.
    const auto at_256 = [](const auto& p, std::size_t l) {
      const auto k = std::find(p.lengths.begin(), p.lengths.end(), 256) - p.lengths.begin();
      return p.contribution[l][static_cast<std::size_t>(k)];
    };
    for (std::size_t l = 0; l < 3; ++l) CHECK(at_256(moved, l) == at_256(base, l));
  }
  using Lengths = std::vector<std::size_t>;
  using scprec::core::Encoding;
  using scprec::core::GeneratorKind;
  const auto reference = [](scprec::model::QuantConfig quant, GeneratorKind kind, int width) {
    return scprec::assign::gain_reference_lengths(quant, kind, width);
  };
  CHECK(reference(example().quantized.config, GeneratorKind::kLfsr, 32) == Lengths{128, 256, 512});
  CHECK(reference({4, Encoding::kSignMagnitude}, GeneratorKind::kLfsr, 32) == Lengths{128, 256});
  CHECK(reference({3, Encoding::kSignMagnitude}, GeneratorKind::kLfsr, 32) == Lengths{64});
  CHECK(reference({8, Encoding::kSignMagnitude}, GeneratorKind::kSobol, 8) == Lengths{128, 256});
}

TEST_CASE("assign: a bound method's rows are its bound at the layer's length and delta / layers",
          "[assign]") {
  // Recomputed from the bound functions, not from the assigner: the confidence is split evenly
  // over the layers (docs/bounds.md), each layer's bound is a fraction of its full scale, and its
  // contribution carries it to the output through the analytic gain.
  using scprec::assign::Bound;
  const auto [method, bound] = GENERATE(std::pair{Method::kHoeffding, Bound::kHoeffding},
                                        std::pair{Method::kChebyshev, Bound::kChebyshev},
                                        std::pair{Method::kBernstein, Bound::kBernstein},
                                        std::pair{Method::kBinomial, Bound::kBinomial});
  AssignConfig config;
  config.method = method;
  config.gain = scprec::assign::GainModel::kAnalytic;
  config.confidence = 0.9;
  config.total_budget = 1536;
  const auto map = assign(config);
  const double layer_delta = (1.0 - 0.9) / 3.0;
  const auto& e = example();
  const auto inputs = scprec::assign::layer_inputs(e.quantized, e.calibration.x);
  const auto full_scales = scprec::model::layer_full_scales(e.network, e.calibration.x);
  const auto gains = scprec::assign::analytic_gains(e.network);
  for (std::size_t l = 0; l < 3; ++l) {
    INFO(scprec::assign::to_string(method) << ", layer " << l);
    const auto stats =
        scprec::assign::layer_statistics(e.quantized.layers[l], e.quantized.config, inputs[l]);
    const double error =
        scprec::assign::layer_error_bound(bound, stats, map.layers[l].length, layer_delta);
    CHECK(map.layers[l].predicted_error == Approx(error / full_scales[l]).epsilon(1e-12));
    CHECK(map.layers[l].contribution ==
          Approx(gains[l] * error / full_scales.back()).epsilon(1e-12));
  }
}

TEST_CASE("assign: bound methods bound Sobol lanes as shifted nets, falling like 1/L", "[assign]") {
  using scprec::core::GeneratorKind;
  AssignConfig config;
  config.method = Method::kBernstein;
  config.gain = scprec::assign::GainModel::kAnalytic;
  config.generators = {GeneratorKind::kLfsr, GeneratorKind::kSobol};
  config.min_length = 64;
  config.max_length = 1024;
  const auto& e = example();
  const auto p = scprec::assign::predict_lengths(e.network, e.quantized, e.calibration.x, config);
  for (std::size_t l = 0; l < 3; ++l) {
    const auto error = [&](GeneratorKind g, std::size_t length) {
      return p.layer_error[l][*p.candidate(g, length)];
    };
    INFO("layer " << l << ": LFSR " << error(GeneratorKind::kLfsr, 64) << " to "
                  << error(GeneratorKind::kLfsr, 1024) << ", Sobol "
                  << error(GeneratorKind::kSobol, 64) << " to "
                  << error(GeneratorKind::kSobol, 1024));
    for (std::size_t length : p.lengths) {
      CHECK(error(GeneratorKind::kSobol, length) < error(GeneratorKind::kLfsr, length));
    }
    // 16 times the length: random bits' bound falls 4 times, a net's nearer 16.
    CHECK(error(GeneratorKind::kLfsr, 64) / error(GeneratorKind::kLfsr, 1024) < 4.5);
    CHECK(error(GeneratorKind::kSobol, 64) / error(GeneratorKind::kSobol, 1024) > 8.0);
  }
  // The optimum chooses per layer among both.
  config.total_budget = 768;
  const auto map = assign(config);
  CHECK_THAT(map.generators_text(), Catch::Contains("sobol"));
}

TEST_CASE("assign: Sobol lanes the shifted-net model cannot table are never chosen by a bound",
          "[assign]") {
  using scprec::core::GeneratorKind;
  const auto& e = example();
  const auto wide = scprec::model::quantize(e.network, e.calibration.x,
                                            {11, scprec::core::Encoding::kSignMagnitude});
  AssignConfig config;
  config.method = Method::kBernstein;
  config.gain = scprec::assign::GainModel::kAnalytic;
  config.total_budget = 768;
  config.generators = {GeneratorKind::kLfsr, GeneratorKind::kSobol};
  const auto map = scprec::assign::assign_lengths(e.network, wide, e.calibration.x, config);
  for (const auto& layer : map.layers) CHECK(layer.generator == GeneratorKind::kLfsr);
  config.generators = {GeneratorKind::kSobol};
  CHECK_THROWS_WITH(scprec::assign::assign_lengths(e.network, wide, e.calibration.x, config),
                    Catch::Contains("no bound models Sobol lanes of 11-bit comparators") &&
                        Catch::Contains("--generator lfsr"));
}

// A conv layer runs its window at every position, so it costs positions x L cycles: a budget
// counts it so, and so does the map's total (tests/fixtures/conv/cnn_a: 81, 6 and 1 positions).
TEST_CASE("assign: a conv layer costs its positions x L cycles under a budget", "[assign]") {
  const std::string dir = std::string(SCPREC_SOURCE_DIR) + "/tests/fixtures/conv/";
  const scprec::model::Network network =
      scprec::io::read_model(dir + "cnn_a.npz", dir + "cnn_a.manifest.json");
  const scprec::io::Dataset data =
      scprec::io::read_dataset(dir + "cnn_a_data4d.npz", scprec::io::Split::kCalibration);
  const auto quantized = scprec::model::quantize(network, data.x, {});
  const Method method = GENERATE(Method::kHoeffding, Method::kBernstein, Method::kSensitivity);
  AssignConfig config;
  config.method = method;
  config.gain = scprec::assign::GainModel::kAnalytic;
  config.analysis.n_trials = 6;
  config.total_budget = 3000;
  const auto map = scprec::assign::assign_lengths(network, quantized, data.x, config);
  INFO(to_string(method) << ": " << map.total_cycles() << " cycles");
  REQUIRE(map.layers.size() == 3);
  CHECK(map.layers[0].positions == 81);
  CHECK(map.layers[1].positions == 6);
  CHECK(map.layers[2].positions == 1);
  std::uint64_t cycles = 0;
  for (const auto& layer : map.layers) cycles += layer.positions * layer.length;
  CHECK(map.total_cycles() == cycles);
  CHECK(map.total_cycles() <= 3000);
  // The shortest map, 32 cycles a run, already takes 88 x 32 = 2816 of the 3000.
  CHECK(map.total_cycles() >= 2816);
  config.total_budget = 2000;
  CHECK_THROWS_WITH(scprec::assign::assign_lengths(network, quantized, data.x, config),
                    Catch::Contains("88 runs of L cycles") &&
                        Catch::Contains("smallest feasible budget is 2816"));
}
