// Batch evaluation: quantize each input row, run the forward pass, scale the logits.
#include "scprec/model/evaluate.hpp"

#include <vector>

#include "scprec/core/parallel.hpp"

namespace scprec::model {

Eigen::MatrixXd logits_of(const QuantizedNetwork& network, const Eigen::MatrixXd& inputs,
                          const CodeForward& forward, unsigned threads) {
  const auto samples = static_cast<std::size_t>(inputs.rows());
  Eigen::MatrixXd logits(inputs.rows(), static_cast<Eigen::Index>(network.output_size()));
  const double scale = network.logit_scale();
  core::parallel_for(samples, threads, [&](std::size_t s) {
    const auto row = static_cast<Eigen::Index>(s);
    const Eigen::VectorXd x = inputs.row(row).transpose();
    const NetworkRun run = forward(network.quantize_input(x.data()));
    for (std::size_t k = 0; k < run.logits.size(); ++k) {
      logits(row, static_cast<Eigen::Index>(k)) = static_cast<double>(run.logits[k]) * scale;
    }
  });
  return logits;
}

}  // namespace scprec::model
