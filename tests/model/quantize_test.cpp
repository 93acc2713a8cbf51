// Tests for quantization and the exact integer reference.
#include "scprec/model/quantize.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "scprec/core/error.hpp"

using scprec::core::Encoding;
using scprec::model::Activation;
using scprec::model::Layer;
using scprec::model::Network;
using scprec::model::QuantConfig;

namespace {

// A 4-6-3 network with weights of both signs and a spread of magnitudes.
Network small_network() {
  Eigen::MatrixXd w1(6, 4);
  Eigen::MatrixXd w2(3, 6);
  for (int r = 0; r < 6; ++r) {
    for (int c = 0; c < 4; ++c) w1(r, c) = std::sin(1.0 + r * 4 + c);
  }
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 6; ++c) w2(r, c) = 0.5 * std::cos(2.0 + r * 6 + c);
  }
  Eigen::VectorXd b1(6);
  b1 << 0.1, -0.2, 0.05, 0.3, -0.1, 0.0;
  return Network(
      {Layer{"fc1", w1, b1, Activation::kRelu, {}, {}},
       Layer{"fc2", w2, Eigen::Vector3d(0.2, -0.1, 0.0), Activation::kIdentity, {}, {}}});
}

Eigen::MatrixXd grid_inputs() {
  Eigen::MatrixXd x(16, 4);
  for (int r = 0; r < 16; ++r) {
    for (int c = 0; c < 4; ++c) x(r, c) = ((r * 7 + c * 3) % 11) / 10.0;
  }
  return x;
}

}  // namespace

TEST_CASE("model: requantization rounds, clamps to B bits and zeroes negatives", "[model]") {
  const scprec::model::Requantizer r{3, 2};  // y * 3 / 4, rounded half up
  CHECK(r.apply(-5, 8) == 0);
  CHECK(r.apply(0, 8) == 0);
  CHECK(r.apply(1, 8) == 1);   // 0.75 -> 1
  CHECK(r.apply(2, 8) == 2);   // 1.5 -> 2
  CHECK(r.apply(10, 8) == 8);  // 7.5 -> 8
  CHECK(r.apply(1000, 8) == 255);
}

TEST_CASE("model: quantized weights use the full code range of each encoding", "[model]") {
  const Network network = small_network();
  for (Encoding encoding : {Encoding::kSignMagnitude, Encoding::kBipolar}) {
    const auto q = scprec::model::quantize(network, grid_inputs(), QuantConfig{8, encoding});
    const std::int32_t top = encoding == Encoding::kBipolar ? 127 : 255;
    for (const auto& layer : q.layers) {
      std::int32_t largest = 0;
      for (std::int32_t code : layer.weight) largest = std::max(largest, std::abs(code));
      CHECK(largest == top);
      for (std::size_t j = 0; j < layer.outputs; ++j) {
        for (std::size_t i = 0; i < layer.inputs; ++i) {
          CHECK(layer.weight_threshold(j, i, q.config) < 256U);
        }
      }
    }
    CHECK(q.layers[0].input_scale == Approx(1.0 / 255.0));
    CHECK(q.layers[1].input_scale == q.layers[0].output_scale);
    CHECK_FALSE(q.layers[0].is_output);
    CHECK(q.layers[1].is_output);
  }
}

TEST_CASE("model: the integer reference tracks the float network", "[model]") {
  const Network network = small_network();
  const Eigen::MatrixXd x = grid_inputs();
  const Eigen::MatrixXd expected = network.forward(x);
  const auto q = scprec::model::quantize(network, x, QuantConfig{10, Encoding::kSignMagnitude});
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    const Eigen::VectorXd row = x.row(r).transpose();
    const auto run = scprec::model::binary_forward(q, q.quantize_input(row.data()));
    REQUIRE(run.layer_inputs.size() == 2);
    for (std::size_t k = 0; k < run.logits.size(); ++k) {
      CHECK(static_cast<double>(run.logits[k]) * q.logit_scale() ==
            Approx(expected(r, static_cast<Eigen::Index>(k))).margin(0.02));
    }
  }
}

TEST_CASE("model: input codes round x * (2^B - 1) and exact_dot sums code products", "[model]") {
  const auto q = scprec::model::quantize(small_network(), grid_inputs(), QuantConfig{});
  const double x[4] = {0.0, 1.0, 0.5, 0.2};
  const scprec::model::Codes codes = q.quantize_input(x);
  CHECK(codes == scprec::model::Codes{0, 255, 128, 51});
  const std::vector<std::int64_t> dot = scprec::model::exact_dot(q.layers[0], codes);
  std::int64_t manual = 0;
  for (std::size_t i = 0; i < 4; ++i) manual += q.layers[0].weight_code(2, i) * codes[i];
  CHECK(dot[2] == manual);
}

TEST_CASE("model: a scale quantile below 1 scales to that quantile of the positive activations",
          "[model]") {
  const Network network = small_network();
  const Eigen::MatrixXd x = grid_inputs();
  const Eigen::MatrixXd hidden = network.forward_layers(x).front();
  std::vector<double> values;
  for (Eigen::Index i = 0; i < hidden.size(); ++i) {
    if (hidden.data()[i] > 0.0) values.push_back(hidden.data()[i]);
  }
  REQUIRE(values.size() < static_cast<std::size_t>(hidden.size()));  // ReLU zeros to leave out
  std::sort(values.begin(), values.end());
  const double top = 255.0;
  CHECK(scprec::model::calibrate_activation_scales(network, x, QuantConfig{})[0] ==
        values.back() / top);
  for (const double level : {0.5, 0.9, 0.99}) {
    INFO("quantile " << level);
    // The empirical quantile: the smallest value with at least that fraction at or below it.
    const auto rank =
        static_cast<std::size_t>(std::ceil(level * static_cast<double>(values.size())));
    QuantConfig config;
    config.scale_quantile = level;
    CHECK(scprec::model::calibrate_activation_scales(network, x, config)[0] ==
          values[rank - 1] / top);
  }
  // A layer that is almost always 0: zeros counted, its 0.9 quantile would be 0 and every
  // positive activation would saturate; left out, the scale is a quantile of the positive ones.
  std::vector<Layer> layers = network.layers();
  layers[0].bias.array() -= hidden.maxCoeff() * 0.9;
  const Network sparse(layers);
  const Eigen::MatrixXd sparse_hidden = sparse.forward_layers(x).front();
  const auto positive = (sparse_hidden.array() > 0.0).count();
  REQUIRE(positive > 0);
  REQUIRE(positive < sparse_hidden.size() / 10);
  QuantConfig config;
  config.scale_quantile = 0.9;
  const double scale = scprec::model::calibrate_activation_scales(sparse, x, config)[0];
  CHECK(scale > 0.0);
  CHECK(scale * top <= sparse_hidden.maxCoeff());
  CHECK(((sparse_hidden.array() > 0.0) && (sparse_hidden.array() <= scale * top)).count() >=
        static_cast<Eigen::Index>(std::ceil(0.9 * static_cast<double>(positive))));
  // A layer never positive keeps one code step at 1 / top.
  layers[0].bias.array() -= 1e6;
  CHECK(scprec::model::calibrate_activation_scales(Network(layers), x, config)[0] == 1.0 / top);
  for (const double bad : {0.0, -0.5, 1.5}) {
    QuantConfig config;
    config.scale_quantile = bad;
    CHECK_THROWS_WITH(scprec::model::quantize(network, x, config),
                      Catch::Contains("scale quantile") && Catch::Contains("outside (0, 1]"));
  }
}

TEST_CASE("model: quantization rejects non-ReLU hidden layers and bad precisions", "[model]") {
  Network network = small_network();
  std::vector<Layer> layers = network.layers();
  layers[0].activation = Activation::kIdentity;
  CHECK_THROWS_WITH(scprec::model::quantize(Network(layers), grid_inputs(), QuantConfig{}),
                    Catch::Contains("fc1") && Catch::Contains("not ReLU"));
  CHECK_THROWS_AS(scprec::model::quantize(network, grid_inputs(), QuantConfig{13}), scprec::Error);
  CHECK_THROWS_AS(scprec::model::quantize(network, Eigen::MatrixXd(0, 4), QuantConfig{}),
                  scprec::Error);
}

TEST_CASE("model: quantization errors name the layer and print scales readably", "[model]") {
  const Network network = small_network();
  const QuantConfig quant{};
  // fc1's accumulator unit over an enormous output scale rounds to a zero multiplier.
  try {
    scprec::model::quantize_with_scales(network, quant, {1e300});
    FAIL("no error");
  } catch (const scprec::Error& e) {
    CHECK(e.kind() == scprec::ErrorKind::kBadInput);
    CHECK(e.field() == "fc1.output_scale");
    CHECK_THAT(e.problem(), Catch::Contains("layer fc1: cannot rescale its accumulators by") &&
                                Catch::Contains("e-30") && !Catch::Contains("0.000000"));
  }
  // An output scale so small that the ratio overflows to infinity is bad input, not a crash.
  CHECK_THROWS_WITH(scprec::model::quantize_with_scales(network, quant, {1e-320}),
                    Catch::Contains("layer fc1: cannot rescale"));
}

TEST_CASE("model: a bias too large for 64-bit accumulators is rejected naming the layer",
          "[model]") {
  std::vector<Layer> layers = small_network().layers();
  // With 8-bit codes the accumulator unit is about max|w| / 255 / 255; 1e300 is far past 2^62.
  layers[0].bias(3) = 1e300;
  try {
    scprec::model::quantize(Network(layers), grid_inputs(), QuantConfig{});
    FAIL("no error");
  } catch (const scprec::Error& e) {
    CHECK(e.kind() == scprec::ErrorKind::kBadInput);
    CHECK(e.field() == "fc1.bias[3]");
    CHECK_THAT(e.problem(),
               Catch::Contains("layer fc1: bias 1e+300") && Catch::Contains("2^62 or more"));
  }
  layers[0].bias(3) = -1e300;
  CHECK_THROWS_WITH(scprec::model::quantize(Network(layers), grid_inputs(), QuantConfig{}),
                    Catch::Contains("fc1.bias[3]"));
}

TEST_CASE("model: biases round to the nearest accumulator unit, ties to even", "[model]") {
  // One output layer; each bias is a chosen number of accumulator units (s_w * a_in), checked to
  // be exactly that many in floating point before rounding is asserted, so ties are real ties.
  const std::vector<double> units = {2.5, 3.5, -2.5, -3.5, 0.5, -0.5, 2.3, 2.7, -2.3, -2.7};
  const std::vector<std::int64_t> expected = {2, 4, -2, -4, 0, 0, 2, 3, -2, -3};
  scprec::model::Layer dense;
  dense.name = "fc1";
  dense.weight = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(units.size()), 2, 0.5);
  dense.bias = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(units.size()));
  dense.activation = scprec::model::Activation::kIdentity;
  const Eigen::MatrixXd calibration = Eigen::MatrixXd::Constant(1, 2, 1.0);
  // The unit the quantizer will use, taken from a first pass with zero biases.
  const double unit = [&] {
    const auto q = scprec::model::quantize(scprec::model::Network({dense}), calibration, {});
    return q.layers[0].weight_scale * q.layers[0].input_scale;
  }();
  for (std::size_t j = 0; j < units.size(); ++j) {
    dense.bias(static_cast<Eigen::Index>(j)) = units[j] * unit;
    REQUIRE(dense.bias(static_cast<Eigen::Index>(j)) / unit == units[j]);
  }
  const auto q = scprec::model::quantize(scprec::model::Network({dense}), calibration, {});
  REQUIRE(q.layers[0].weight_scale * q.layers[0].input_scale == unit);
  CHECK(q.layers[0].bias == expected);
}

TEST_CASE("model: ReLU clamps every negative accumulator to 0, -1 included, output layer too",
          "[model]") {
  // A hidden layer's requantizer maps every y <= 0 to code 0, so only an output layer with a
  // ReLU (a manifest can ask for one) shows its accumulators: the logits.
  for (const bool output : {false, true}) {
    scprec::model::QuantLayer layer;
    layer.outputs = 4;
    layer.bias = {0, 0, 0, 0};
    layer.activation = scprec::model::Activation::kRelu;
    layer.is_output = output;
    const auto out = scprec::model::finish_layer(layer, {8, scprec::core::Encoding::kSignMagnitude},
                                                 {-1, -2, 0, 3});
    CHECK(out.accumulators == std::vector<std::int64_t>{0, 0, 0, 3});
  }
  scprec::model::QuantLayer identity;
  identity.outputs = 2;
  identity.bias = {0, 0};
  identity.activation = scprec::model::Activation::kIdentity;
  identity.is_output = true;
  CHECK(scprec::model::finish_layer(identity, {8, scprec::core::Encoding::kSignMagnitude}, {-1, 2})
            .accumulators == std::vector<std::int64_t>{-1, 2});
}
