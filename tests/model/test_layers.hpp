// Random quantized layers for the model tests.
#pragma once

#include <random>

#include "scprec/model/quantize.hpp"

namespace scprec::test {

/// A layer of the given shape with uniformly random weight codes for `quant` and small biases.
inline model::QuantLayer random_layer(std::size_t inputs, std::size_t outputs,
                                      const model::QuantConfig& quant, std::mt19937_64& rng) {
  const bool bipolar = quant.encoding == core::Encoding::kBipolar;
  const std::int32_t top = bipolar ? (1 << (quant.bits - 1)) - 1 : (1 << quant.bits) - 1;
  std::uniform_int_distribution<std::int32_t> code(-top, top);
  model::QuantLayer layer;
  layer.name = "random";
  layer.inputs = inputs;
  layer.outputs = outputs;
  for (std::size_t k = 0; k < inputs * outputs; ++k) {
    // A quarter of the weights are zero, as in pruned or small-weight layers.
    layer.weight.push_back(rng() % 4 == 0 ? 0 : code(rng));
  }
  for (std::size_t j = 0; j < outputs; ++j) layer.bias.push_back(code(rng));
  layer.is_output = true;
  layer.activation = model::Activation::kIdentity;
  return layer;
}

/// Random input codes, a fifth of them zero.
inline model::Codes random_codes(std::size_t inputs, int bits, std::mt19937_64& rng) {
  model::Codes codes(inputs);
  for (auto& c : codes) c = rng() % 5 == 0 ? 0 : static_cast<std::uint16_t>(rng() % (1U << bits));
  return codes;
}

}  // namespace scprec::test
