// Tests for analyze_sensitivity on the bundled example.
#include "scprec/assign/sensitivity.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../fixture_path.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/model_io.hpp"

using scprec::test::example_file;

TEST_CASE("assign: sensitivity errors fall with length for every layer", "[assign][sensitivity]") {
  const auto network = scprec::io::read_model(example_file("model.npz"));
  const auto calibration =
      scprec::io::read_dataset(example_file("data.npz"), scprec::io::Split::kCalibration);
  const auto quantized = scprec::model::quantize(network, calibration.x, {});
  scprec::assign::SensitivityConfig config;
  config.lengths = {32, 512};
  config.n_trials = 60;
  const auto report =
      scprec::assign::analyze_sensitivity(network, quantized, calibration.x, config);
  REQUIRE(report.layers.size() == 3);
  CHECK(report.trials == 60);
  CHECK(report.integer_vs_float.quantile < 0.05);
  for (const auto& layer : report.layers) {
    INFO(layer.name);
    REQUIRE(layer.points.size() == 2);
    const auto& short_run = layer.points[0];
    const auto& long_run = layer.points[1];
    CHECK(long_run.output_vs_integer.quantile < short_run.output_vs_integer.quantile);
    CHECK(long_run.layer_error.quantile < short_run.layer_error.quantile);
    CHECK(short_run.output_vs_integer.mean <= short_run.output_vs_integer.quantile);
    CHECK(short_run.output_vs_integer.quantile <= short_run.output_vs_integer.max);
    CHECK(short_run.gain > 0.0);
    CHECK(layer.score > 0.0);
  }
  // The last layer's outputs are the logits: its gain is 1 up to the two full scales' ratio.
  CHECK(report.layers[2].points[0].gain == Approx(1.0));
  const auto json = nlohmann::json::parse(scprec::assign::sensitivity_json(report));
  CHECK(json["schema"] == "scprec.sensitivity/1");
  CHECK(json["layers"][1]["points"][1]["length"] == 512);

  config.n_trials = 5000;
  CHECK_THROWS_WITH(scprec::assign::analyze_sensitivity(network, quantized, calibration.x, config),
                    Catch::Contains("1000 calibration inputs available"));
}

TEST_CASE("assign: summaries use the empirical quantile", "[assign][sensitivity]") {
  const auto s = scprec::assign::summarize({5, 1, 4, 2, 3}, 0.8);
  CHECK(s.mean == 3.0);
  CHECK(s.quantile == 4.0);
  CHECK(s.max == 5.0);
  CHECK(scprec::assign::summarize({5, 1, 4, 2, 3}, 0.81).quantile == 5.0);
  CHECK(scprec::assign::summarize({}, 0.9).max == 0.0);
}
