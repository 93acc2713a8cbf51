// End-to-end checks on the bundled Fashion-MNIST example: the float model reproduces the
// training script's accuracy exactly, and the integer and SC models stay close to it.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../fixture_path.hpp"
#include "scprec/io/model_io.hpp"
#include "scprec/model/evaluate.hpp"
#include "scprec/model/quantize.hpp"
#include "scprec/model/sc_network.hpp"

using scprec::test::example_file;

namespace {

nlohmann::json expected_results() {
  std::ifstream file(example_file("expected.json"));
  REQUIRE(file);
  return nlohmann::json::parse(file);
}

}  // namespace

TEST_CASE("model: the float example reproduces the training script's accuracy exactly",
          "[model][example]") {
  const nlohmann::json expected = expected_results();
  const auto network = scprec::io::read_model(example_file("model.npz"));
  for (const auto& [split, key] : {std::pair{scprec::io::Split::kCalibration, "calibration"},
                                   std::pair{scprec::io::Split::kTest, "test"}}) {
    const auto data = scprec::io::read_dataset(example_file("data.npz"), split, 784, 10);
    INFO(key);
    CHECK(data.size() == expected[key]["num_samples"].get<std::size_t>());
    CHECK(scprec::model::count_correct(network.forward(data.x), data.labels) ==
          expected[key]["num_correct"].get<std::size_t>());
  }
  CHECK(expected["float_accuracy_full_test"].get<double>() >= 0.85);
}

TEST_CASE("model: on the example the integer and SC models keep most of the float accuracy",
          "[model][example][sc]") {
  const auto network = scprec::io::read_model(example_file("model.npz"));
  const auto calibration =
      scprec::io::read_dataset(example_file("data.npz"), scprec::io::Split::kCalibration);
  const auto test = scprec::io::read_dataset(example_file("data.npz"), scprec::io::Split::kTest);
  const auto quantized = scprec::model::quantize(network, calibration.x, {});
  const double samples = static_cast<double>(test.size());
  const auto integer_logits = scprec::model::logits_of(
      quantized, test.x, [&](const auto& codes) { return binary_forward(quantized, codes); });
  const double float_accuracy =
      static_cast<double>(scprec::model::count_correct(network.forward(test.x), test.labels)) /
      samples;
  const double integer_accuracy =
      static_cast<double>(scprec::model::count_correct(integer_logits, test.labels)) / samples;
  CHECK(integer_accuracy > float_accuracy - 0.01);

  scprec::model::ScLayerConfig config;
  config.length = 1024;
  const scprec::model::ScNetworkModel sc(quantized, {config, config, config});
  const auto sc_logits =
      scprec::model::logits_of(quantized, test.x, [&](const auto& codes) { return sc.run(codes); });
  const double sc_accuracy =
      static_cast<double>(scprec::model::count_correct(sc_logits, test.labels)) / samples;
  INFO("float " << float_accuracy << " integer " << integer_accuracy << " SC " << sc_accuracy);
  CHECK(sc_accuracy > integer_accuracy - 0.02);
}
