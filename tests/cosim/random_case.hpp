// Random co-simulation cases for the `sim` tests: small random networks and CNNs with random
// maps (lengths, precision, generators, inputs per cycle), and the simulation settings the tests
// share.
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "../model/random_conv.hpp"
#include "scprec/cosim/simulate.hpp"
#include "scprec/io/model_io.hpp"
#include "scprec/model/network.hpp"
#include "scprec/model/precision_map.hpp"
#include "scprec/model/quantize.hpp"

namespace scprec::test {

using core::Encoding;
using core::GeneratorKind;

struct Case {
  scprec::model::Network network;
  Eigen::MatrixXd data;
  scprec::model::PrecisionMap map;
  std::size_t inputs_per_cycle = 0;
};

inline scprec::model::Network random_network(std::mt19937_64& rng) {
  const std::size_t layers = 2 + rng() % 2;
  std::size_t inputs = 3 + rng() % 28;
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<scprec::model::Layer> dense;
  for (std::size_t l = 0; l < layers; ++l) {
    const std::size_t outputs = l + 1 == layers ? 2 + rng() % 5 : 2 + rng() % 9;
    scprec::model::Layer layer;
    layer.name = "layer" + std::to_string(l);
    layer.weight = Eigen::MatrixXd::NullaryExpr(static_cast<Eigen::Index>(outputs),
                                                static_cast<Eigen::Index>(inputs),
                                                [&] { return normal(rng) / std::sqrt(inputs); });
    layer.bias = Eigen::VectorXd::NullaryExpr(static_cast<Eigen::Index>(outputs),
                                              [&] { return 0.1 * normal(rng); });
    layer.activation =
        l + 1 == layers ? scprec::model::Activation::kIdentity : scprec::model::Activation::kRelu;
    dense.push_back(std::move(layer));
    inputs = outputs;
  }
  return scprec::model::Network(std::move(dense));
}

// A random CNN: one or two conv layers (ReLU; the first on 1 to 3 input channels) with any
// kernel, stride, padding and pooling random_conv gives, then a dense output layer.
inline scprec::model::Network random_conv_network(std::mt19937_64& rng) {
  const scprec::model::MapShape input{1 + rng() % 3, 3 + rng() % 7, 3 + rng() % 7};
  std::vector<scprec::model::Layer> layers;
  layers.push_back(random_conv(rng, input, "conv1"));
  if (rng() % 2 == 0) {
    layers.push_back(random_conv(rng, layers.back().pooled_shape(), "conv2"));
  }
  for (scprec::model::Layer& layer : layers) layer.activation = scprec::model::Activation::kRelu;
  std::normal_distribution<double> normal(0.0, 1.0);
  const auto inputs = static_cast<Eigen::Index>(layers.back().pooled_shape().size());
  scprec::model::Layer fc;
  fc.name = "fc";
  fc.weight = Eigen::MatrixXd::NullaryExpr(static_cast<Eigen::Index>(2 + rng() % 3), inputs,
                                           [&] { return normal(rng) / std::sqrt(inputs); });
  fc.bias = Eigen::VectorXd::NullaryExpr(fc.weight.rows(), [&] { return 0.1 * normal(rng); });
  fc.activation = scprec::model::Activation::kIdentity;
  layers.push_back(std::move(fc));
  return scprec::model::Network(std::move(layers));
}

// A map for `network`, which is random or a random CNN, with random lengths, precision and
// lane generators, and a random number of inputs per cycle.
inline Case random_case(scprec::model::Network network, Encoding encoding, GeneratorKind generator,
                        std::mt19937_64& rng) {
  Case c{std::move(network), {}, {}, 0};
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  c.data = Eigen::MatrixXd::NullaryExpr(16, static_cast<Eigen::Index>(c.network.input_size()),
                                        [&] { return unit(rng) < 0.3 ? 0.0 : unit(rng); });
  const scprec::model::QuantConfig quant{5 + static_cast<int>(rng() % 4), encoding};
  const auto quantized = scprec::model::quantize(c.network, c.data, quant);
  std::vector<std::size_t> lengths;
  for (std::size_t l = 0; l < quantized.layers.size(); ++l) {
    lengths.push_back(std::size_t{1} << (2 + rng() % 6));  // 4 .. 128
  }
  const int width = generator == GeneratorKind::kSobol ? 16 : 12 + static_cast<int>(rng() % 21);
  c.map = scprec::model::manual_map(quantized, scprec::io::network_hash(c.network), lengths,
                                    generator, width, rng());
  // Mixed maps (random networks have 2 or 3 layers), one layer chosen at random: the bipolar
  // Sobol case puts it on LFSR lanes, the sign-magnitude Sobol case and the bipolar LFSR case
  // on shared-LFSR lanes. The sign-magnitude LFSR case stays all LFSR.
  const bool bipolar = encoding == Encoding::kBipolar;
  if (generator == GeneratorKind::kSobol || bipolar) {
    c.map.layers[rng() % c.map.layers.size()].generator =
        generator == GeneratorKind::kSobol && bipolar ? GeneratorKind::kLfsr
                                                      : GeneratorKind::kSharedLfsr;
  }
  std::size_t fan_in = c.network.input_size();  // the inputs of the layer that reads the most
  for (const scprec::model::Layer& layer : c.network.layers())
    fan_in = std::max(fan_in, layer.inputs());
  c.inputs_per_cycle = 1 + rng() % fan_in;
  return c;
}

inline scprec::cosim::SimulateConfig sim_config(const std::string& name, std::size_t trials) {
  scprec::cosim::SimulateConfig config;
  config.trials = trials;
  config.work_dir = std::string(SCPREC_TEST_WORK_DIR) + "/" + name;
  config.build.cache_dir = SCPREC_TEST_CACHE_DIR;
  config.timeout_seconds = 300;
  return config;
}

}  // namespace scprec::test
