// A whole network in SC: each layer at its own length and generator, or exact where chosen.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "scprec/model/quantize.hpp"
#include "scprec/model/sc_layer.hpp"

namespace scprec::model {

/// Runs samples through a quantized network where layer l is computed by its ScLayerModel
/// (when layers[l] has a config) or by exact integer arithmetic (when it is empty). Between
/// layers the hardware speaks binary: each layer's output is requantized to codes.
class ScNetworkModel {
 public:
  /// `layers` has one entry per layer of `network`. Builds every SC layer's model (see
  /// ScLayerModel for the memory this takes). Keeps a reference to `network`.
  ScNetworkModel(const QuantizedNetwork& network,
                 const std::vector<std::optional<ScLayerConfig>>& layers);

  /// One sample: every layer's input codes and the logits. Thread-safe.
  NetworkRun run(const Codes& input) const;

 private:
  const QuantizedNetwork& network_;
  std::vector<std::unique_ptr<ScLayerModel>> models_;
};

}  // namespace scprec::model
