// Network-level SC forward pass: per layer, SC counts -> dot estimate -> bias, ReLU, requantize.
#include "scprec/model/sc_network.hpp"

#include "scprec/core/error.hpp"

namespace scprec::model {

ScNetworkModel::ScNetworkModel(const QuantizedNetwork& network,
                               const std::vector<std::optional<ScLayerConfig>>& layers)
    : network_(network) {
  SCPREC_ASSERT(layers.size() == network_.layers.size(), "one SC setting per layer");
  for (std::size_t l = 0; l < layers.size(); ++l) {
    models_.push_back(
        layers[l] ? std::make_unique<ScLayerModel>(network_.layers[l], network_.config, *layers[l])
                  : nullptr);
  }
}

NetworkRun ScNetworkModel::run(const Codes& input) const {
  return forward_codes(network_, input, [&](std::size_t l, const Codes& codes) {
    const QuantLayer& layer = network_.layers[l];
    if (!models_[l]) return exact_dot(layer, codes);
    return sc_dot(layer, network_.config, models_[l]->length(), models_[l]->run(codes));
  });
}

}  // namespace scprec::model
