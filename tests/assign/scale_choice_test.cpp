// Tests for choose_scale_rule on the bundled example: the rule with the fewest top-1 differences
// from the float network wins, counted again here through the public model; candidates that
// cannot meet the target are passed over, and bad lists are refused.
#include "scprec/assign/scale_choice.hpp"

#include <catch2/catch.hpp>

#include "../example_data.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/model_io.hpp"
#include "scprec/model/evaluate.hpp"
#include "scprec/model/sc_network.hpp"

using scprec::assign::AssignConfig;
using scprec::assign::choose_scale_rule;

namespace {

struct Example {
  const scprec::model::Network& network = scprec::test::example_data().network;
  // The first 300 rows: enough to tell the rules apart, quick to run at every one.
  Eigen::MatrixXd rows = scprec::test::example_data().calibration.x.topRows(300);
};

const Example& example() {
  static const Example instance;
  return instance;
}

AssignConfig sobol_config() {
  AssignConfig config;
  config.method = scprec::assign::Method::kSensitivity;
  config.target_error = 0.2;
  config.generators = {scprec::core::GeneratorKind::kSobol};
  config.analysis.n_trials = 60;
  return config;
}

// The rows where `map`'s SC network and the float network disagree, counted independently.
std::size_t float_differences(const scprec::model::PrecisionMap& map) {
  const Example& e = example();
  const scprec::model::QuantizedNetwork quantized = scprec::model::quantize_for_map(e.network, map);
  const scprec::model::ScNetworkModel sc(quantized, map.sc_configs());
  const auto sc_classes = scprec::model::top1_classes(scprec::model::logits_of(
      quantized, e.rows, [&](const scprec::model::Codes& codes) { return sc.run(codes); }));
  const auto float_classes = scprec::model::top1_classes(e.network.forward(e.rows));
  std::size_t count = 0;
  for (std::size_t r = 0; r < sc_classes.size(); ++r) count += sc_classes[r] != float_classes[r];
  return count;
}

}  // namespace

TEST_CASE("assign: the scale rule with the fewest top-1 differences from float is chosen",
          "[assign]") {
  const std::vector<double> quantiles = {1.0, 0.99, 0.95};
  const auto choice =
      choose_scale_rule(example().network, example().rows, {}, quantiles, sobol_config());
  REQUIRE(choice.candidates.size() == quantiles.size());
  std::size_t fewest = choice.candidates.front().disagreements;
  for (std::size_t i = 0; i < quantiles.size(); ++i) {
    const auto& candidate = choice.candidates[i];
    INFO("quantile " << candidate.quantile << ": " << candidate.disagreements << " differences");
    CHECK(candidate.quantile == quantiles[i]);
    REQUIRE(candidate.assigned);
    CHECK(candidate.rows == 300);
    // Each candidate's own map, rebuilt from its rule, disagrees where the count says.
    scprec::model::QuantConfig quant;
    quant.scale_quantile = candidate.quantile;
    const auto map = scprec::assign::assign_lengths(
        example().network, scprec::model::quantize(example().network, example().rows, quant),
        example().rows, sobol_config());
    CHECK(map.total_cycles() == candidate.cycles);
    CHECK(float_differences(map) == candidate.disagreements);
    fewest = std::min(fewest, candidate.disagreements);
  }
  // The first candidate with the fewest wins, and its map is the one returned.
  std::size_t winner = 0;
  while (choice.candidates[winner].disagreements != fewest) ++winner;
  CHECK(choice.quantized.config.scale_quantile == quantiles[winner]);
  CHECK(choice.map.quant.scale_quantile == quantiles[winner]);
  CHECK(choice.map.total_cycles() == choice.candidates[winner].cycles);
  CHECK(float_differences(choice.map) == fewest);
  // On this network clipping the few largest activations pays: the maximum is not the best.
  CHECK(choice.candidates.front().disagreements > fewest);
}

TEST_CASE("assign: one scale rule is an ordinary assignment", "[assign]") {
  const auto choice =
      choose_scale_rule(example().network, example().rows, {}, {0.99}, sobol_config());
  scprec::model::QuantConfig quant;
  quant.scale_quantile = 0.99;
  const auto map = scprec::assign::assign_lengths(
      example().network, scprec::model::quantize(example().network, example().rows, quant),
      example().rows, sobol_config());
  CHECK(choice.map.activation_scales == map.activation_scales);
  CHECK(choice.map.total_cycles() == map.total_cycles());
}

TEST_CASE("assign: scale rules that cannot meet the target are passed over, and none is refused",
          "[assign]") {
  AssignConfig config = sobol_config();
  config.max_length = 32;
  config.min_length = 32;
  // At 32 cycles a layer, a target just above what the clipped rules predict but below what
  // the maximum does: only clipping meets it.
  const auto at = [&](double quantile) {
    scprec::model::QuantConfig quant;
    quant.scale_quantile = quantile;
    AssignConfig loose = config;
    loose.target_error = 10.0;
    return scprec::assign::assign_lengths(
               example().network, scprec::model::quantize(example().network, example().rows, quant),
               example().rows, loose)
        .predicted_output_error;
  };
  const double maximum = at(1.0);
  const double clipped = at(0.95);
  REQUIRE(clipped < maximum);
  config.target_error = (clipped + maximum) / 2;
  const auto choice = choose_scale_rule(example().network, example().rows, {}, {1.0, 0.95}, config);
  CHECK_FALSE(choice.candidates[0].assigned);
  CHECK_THAT(choice.candidates[0].problem, Catch::Contains("target"));
  CHECK(choice.candidates[1].assigned);
  CHECK(choice.map.quant.scale_quantile == 0.95);

  config.target_error = clipped / 2;
  CHECK_THROWS_WITH(choose_scale_rule(example().network, example().rows, {}, {1.0, 0.95}, config),
                    Catch::Contains("target"));
}

TEST_CASE("assign: bad scale quantile lists are refused", "[assign]") {
  const auto refused = [](const std::vector<double>& quantiles, const std::string& problem) {
    INFO(problem);
    CHECK_THROWS_WITH(
        choose_scale_rule(example().network, example().rows, {}, quantiles, sobol_config()),
        Catch::Contains(problem));
  };
  refused({}, "none given");
  refused({0.0}, "outside (0, 1]");
  refused({1.5}, "outside (0, 1]");
  refused({0.99, 0.99}, "given twice");
}
