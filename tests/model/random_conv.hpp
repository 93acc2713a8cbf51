// A random conv layer for tests: any kernel up to 4x4, stride up to 3, padding less than the
// kernel, up to 4 channels, and often pooling (maximum or mean, 2x2 or 3x3).
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <random>
#include <string>

#include "scprec/model/network.hpp"

namespace scprec::test {

// A random conv layer reading `input`, with weights and bias in [-1, 1].
inline model::Layer random_conv(std::mt19937_64& rng, const model::MapShape& input,
                                const std::string& name) {
  auto pick = [&rng](std::size_t low, std::size_t high) {
    return std::uniform_int_distribution<std::size_t>(low, high)(rng);
  };
  model::ConvGeometry g;
  g.input = input;
  g.pad_h = pick(0, 2);  // less than the kernel, which fits the padded map
  g.pad_w = pick(0, 2);
  g.kernel_h = pick(g.pad_h + 1, std::min<std::size_t>(4, input.height + 2 * g.pad_h));
  g.kernel_w = pick(g.pad_w + 1, std::min<std::size_t>(4, input.width + 2 * g.pad_w));
  g.stride_h = pick(1, 3);
  g.stride_w = pick(1, 3);
  model::Layer layer;
  layer.name = name;
  layer.conv = g;
  const std::size_t channels = pick(1, 4);
  std::uniform_real_distribution<double> value(-1.0, 1.0);
  layer.weight = Eigen::MatrixXd::NullaryExpr(static_cast<Eigen::Index>(channels),
                                              static_cast<Eigen::Index>(g.window()),
                                              [&] { return value(rng); });
  layer.bias =
      Eigen::VectorXd::NullaryExpr(static_cast<Eigen::Index>(channels), [&] { return value(rng); });
  layer.activation = pick(0, 3) == 0 ? model::Activation::kIdentity : model::Activation::kRelu;
  const model::MapShape out = layer.output_shape();
  const std::size_t most = std::min(out.height, out.width);
  if (most >= 2 && pick(0, 2) > 0) {
    layer.pool.kind = pick(0, 1) == 0 ? model::PoolKind::kMax : model::PoolKind::kAverage;
    layer.pool.size = pick(2, std::min<std::size_t>(3, most));
  }
  return layer;
}

}  // namespace scprec::test
