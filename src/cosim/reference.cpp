// The software reference of a co-simulation. Each layer is run with its own ScLayerModel (the
// bit-exact model) so that every layer's counters (a conv layer's at every position) are
// available, chained exactly as the network top chains the RTL layers.
#include "scprec/cosim/reference.hpp"

#include <memory>

#include "scprec/core/parallel.hpp"
#include "scprec/model/sc_layer.hpp"

namespace scprec::cosim {

SoftwareRun software_run(const model::Network& network, const model::QuantizedNetwork& quantized,
                         const model::PrecisionMap& map, const Eigen::MatrixXd& inputs,
                         unsigned threads) {
  const std::size_t layers = quantized.layers.size();
  const auto trials = static_cast<std::size_t>(inputs.rows());
  std::vector<std::unique_ptr<model::ScLayerModel>> models;
  for (std::size_t l = 0; l < layers; ++l) {
    models.push_back(std::make_unique<model::ScLayerModel>(quantized.layers[l], quantized.config,
                                                           map.layer_config(l)));
  }
  SoftwareRun run;
  run.layers.resize(layers);
  for (TrialSet& set : run.layers) {
    set.inputs.resize(trials);
    set.expected.resize(trials);
  }
  run.top.inputs.resize(trials);
  run.top.expected.resize(trials);
  run.exact_dots.assign(layers, std::vector<std::vector<std::int64_t>>(trials));
  run.integer_logits.resize(trials);
  run.float_logits = network.forward(inputs);

  core::parallel_for(trials, threads, [&](std::size_t t) {
    const Eigen::VectorXd x = inputs.row(static_cast<Eigen::Index>(t)).transpose();
    model::Codes codes = quantized.quantize_input(x.data());
    run.top.inputs[t] = codes;
    run.integer_logits[t] = binary_forward(quantized, codes).logits;
    GroupValues top_groups;
    for (std::size_t l = 0; l < layers; ++l) {
      const model::QuantLayer& layer = quantized.layers[l];
      // The counters and exact dot products of every position, one after the other (a dense
      // layer has one): run_layer calls the dot position by position, in order.
      std::vector<std::int64_t> positive, negative;
      std::vector<std::int64_t>& exact = run.exact_dots[l][t];
      const model::LayerOutput out =
          model::run_layer(layer, quantized.config, codes, [&](const model::Codes& window) {
            const model::ScCounts counts = models[l]->run(window);
            positive.insert(positive.end(), counts.positive.begin(), counts.positive.end());
            negative.insert(negative.end(), counts.negative.begin(), counts.negative.end());
            const std::vector<std::int64_t> dot = exact_dot(layer, window);
            exact.insert(exact.end(), dot.begin(), dot.end());
            return sc_dot(layer, quantized.config, models[l]->length(), counts);
          });
      std::vector<std::int64_t> result =
          layer.is_output ? out.accumulators
                          : std::vector<std::int64_t>(out.codes.begin(), out.codes.end());
      run.layers[l].inputs[t] = codes;
      run.layers[l].expected[t] = {result, positive, negative};
      top_groups.push_back(positive);
      top_groups.push_back(negative);
      if (layer.is_output) top_groups.push_back(result);
      codes = out.codes;
    }
    run.top.expected[t] = std::move(top_groups);
  });
  return run;
}

}  // namespace scprec::cosim
