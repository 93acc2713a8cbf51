// Tests for the design-space sweep: every point's counts equal a whole-network run of its map on
// the ordinary SC model (measure_map; the tree evaluation shares prefixes, it does not), every
// combination within the cycle limit is there once, and the frontier is the non-dominated set.
#include "scprec/assign/explore.hpp"

#include <catch2/catch.hpp>
#include <set>

#include "../example_data.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/model_io.hpp"

using scprec::assign::DesignPoint;
using scprec::assign::ExploreConfig;
using scprec::core::GeneratorKind;

namespace {

struct Example {
  const scprec::model::Network& network = scprec::test::example_data().network;
  const scprec::io::Dataset& calibration = scprec::test::example_data().calibration;
  const scprec::io::Dataset& test = scprec::test::example_data().test;
  Eigen::MatrixXd rows = test.x.topRows(150);
  std::vector<int> labels{test.labels.begin(), test.labels.begin() + 150};
};

const Example& example() {
  static const Example instance;
  return instance;
}

ExploreConfig small_config() {
  ExploreConfig config;
  config.scale_quantiles = {1.0, 0.95};
  config.lengths = {32, 64};
  config.max_cycles = 160;
  return config;
}

}  // namespace

TEST_CASE("explore: every point's counts are its map's, run whole on the SC model", "[assign]") {
  const Example& e = example();
  const ExploreConfig config = small_config();
  const auto exploration =
      scprec::assign::explore_design_space(e.network, e.calibration.x, e.rows, e.labels, config);
  // 4 choices a layer (2 generators x 2 lengths); within 160 cycles at most two layers at 64:
  // 2^3 generator choices for each of 1 + 3 + 3 length patterns, at each of the 2 rules.
  REQUIRE(exploration.points.size() == 2 * 8 * (1 + 3 + 3));
  CHECK(scprec::assign::points_per_rule({1, 1, 1}, config) == 8 * (1 + 3 + 3));
  std::set<std::string> seen;
  for (std::size_t i = 0; i < exploration.points.size(); i += 7) {  // a spread of the points
    const DesignPoint& p = exploration.points[i];
    const auto map = scprec::assign::point_map(e.network, e.calibration.x, p, config);
    const DesignPoint whole = scprec::assign::measure_map(e.network, map, e.rows, e.labels);
    INFO("point " << i << ": quantile " << p.scale_quantile << ", " << map.generators_text());
    CHECK(whole.layers == p.layers);
    CHECK(whole.scale_quantile == p.scale_quantile);
    CHECK(whole.correct == p.correct);
    CHECK(whole.flips == p.flips);
    CHECK(whole.synapse_cycles == p.synapse_cycles);
    CHECK(p.cycles == map.total_cycles());
  }
  for (const DesignPoint& p : exploration.points) {
    std::string key = std::to_string(p.scale_quantile);
    for (const auto& layer : p.layers) {
      key += "/" + scprec::core::to_string(layer.generator) + std::to_string(layer.length);
    }
    CHECK(seen.insert(key).second);  // each combination once
    CHECK(p.cycles <= 160);
  }
  CHECK(exploration.integer_correct.size() == 2);
  CHECK(exploration.float_correct > 100);
}

TEST_CASE("explore: the frontier is exactly the points nothing dominates", "[assign]") {
  std::vector<DesignPoint> points(5);
  const std::pair<std::uint64_t, std::size_t> at[] = {
      {96, 80}, {128, 80}, {128, 85}, {160, 84}, {192, 90}};
  for (std::size_t i = 0; i < points.size(); ++i) {
    points[i].cycles = at[i].first;
    points[i].correct = at[i].second;
  }
  scprec::assign::mark_frontier(points);
  CHECK(points[0].frontier);
  CHECK_FALSE(points[1].frontier);  // as accurate as 96 cycles, but longer
  CHECK(points[2].frontier);
  CHECK_FALSE(points[3].frontier);  // longer and less accurate than 128/85
  CHECK(points[4].frontier);
}

TEST_CASE("explore: settings no point can meet are refused", "[assign]") {
  const Example& e = example();
  ExploreConfig config = small_config();
  config.max_cycles = 95;
  CHECK_THROWS_WITH(
      scprec::assign::explore_design_space(e.network, e.calibration.x, e.rows, e.labels, config),
      Catch::Contains("max cycles") && Catch::Contains("Allow at least 96 cycles"));
  config = small_config();
  config.generators.clear();
  CHECK_THROWS_AS(
      scprec::assign::explore_design_space(e.network, e.calibration.x, e.rows, e.labels, config),
      scprec::Error);
  config = small_config();
  CHECK_THROWS_WITH(
      scprec::assign::explore_design_space(e.network, e.calibration.x, e.rows, {1, 2, 3}, config),
      Catch::Contains("3 labels for 150 rows"));
  config.lengths = {48};  // not a power of two
  CHECK_THROWS_AS(
      scprec::assign::explore_design_space(e.network, e.calibration.x, e.rows, e.labels, config),
      scprec::Error);
}

TEST_CASE("explore: the default cycle limit keeps the sweep near its point budget", "[assign]") {
  ExploreConfig config;
  config.lengths = {32, 64, 128, 256, 512, 1024};
  // The example's three layers: 184 points a rule at 288 cycles, 232 at 320.
  CHECK(scprec::assign::max_cycles_for({1, 1, 1}, config) == 288);
  config.max_cycles = 288;
  CHECK(scprec::assign::points_per_rule({1, 1, 1}, config) == 184);
  // Ten layers: 2^10 generator mixes at the shortest lengths already pass the budget, so the
  // limit stays at every layer at 32 cycles.
  CHECK(scprec::assign::max_cycles_for(std::vector<std::size_t>(10, 1), config) == 320);
  // One layer: every length fits.
  CHECK(scprec::assign::max_cycles_for({1}, config) == 1024);
}

// On a conv network (tests/fixtures/conv/cnn_b: a pointwise conv at 9 positions, then two
// linear layers) the sweep's layer-by-layer runs give every point the counts of its map run
// whole, and its cycles count the conv layer's positions.
TEST_CASE("explore: a conv network's points are their maps' and count positions x L", "[assign]") {
  const std::string dir = std::string(SCPREC_SOURCE_DIR) + "/tests/fixtures/conv/";
  const auto network = scprec::io::read_model(dir + "cnn_b.npz", dir + "cnn_b.manifest.json");
  const auto data =
      scprec::io::read_dataset(dir + "cnn_b_data4d.npz", scprec::io::Split::kCalibration, network);
  ExploreConfig config;
  config.scale_quantiles = {1.0};
  config.lengths = {16, 32};
  config.max_cycles = 0;
  const auto exploration =
      scprec::assign::explore_design_space(network, data.x, data.x, data.labels, config);
  REQUIRE(exploration.points.size() == 2 * 2 * 2 * 8);  // (2 generators x 2 lengths)^3
  CHECK(scprec::assign::points_per_rule({9, 1, 1}, config) == exploration.points.size());
  for (const DesignPoint& p : exploration.points) {
    CHECK(p.cycles == 9 * p.layers[0].length + p.layers[1].length + p.layers[2].length);
    const auto map = scprec::assign::point_map(network, data.x, p, config);
    CHECK(map.total_cycles() == p.cycles);
    const DesignPoint whole = scprec::assign::measure_map(network, map, data.x, data.labels);
    CHECK(whole.correct == p.correct);
    CHECK(whole.flips == p.flips);
    CHECK(whole.synapse_cycles == p.synapse_cycles);
  }
  // A limit between 9 x 16 + 2 x 16 = 176 and the next point up keeps only the shortest.
  config.max_cycles = 180;
  CHECK(scprec::assign::explore_design_space(network, data.x, data.x, data.labels, config)
            .points.size() == 8);
  config.max_cycles = 175;
  CHECK_THROWS_WITH(
      scprec::assign::explore_design_space(network, data.x, data.x, data.labels, config),
      Catch::Contains("Allow at least 176 cycles"));
}
