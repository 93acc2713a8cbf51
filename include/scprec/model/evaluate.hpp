// Batch evaluation of the integer and SC models: logits for many samples, in parallel.
#pragma once

#include <Eigen/Dense>
#include <functional>

#include "scprec/model/quantize.hpp"

namespace scprec::model {

/// A code-level forward pass: binary_forward, or ScNetworkModel::run.
using CodeForward = std::function<NetworkRun(const Codes& input)>;

/// The real-valued logits (integer logits times the network's logit_scale()) of every row of
/// `inputs` (values in [0, 1]), one row each, computed on `threads` threads (0: all).
/// `forward` must be safe to call concurrently.
Eigen::MatrixXd logits_of(const QuantizedNetwork& network, const Eigen::MatrixXd& inputs,
                          const CodeForward& forward, unsigned threads = 0);

}  // namespace scprec::model
