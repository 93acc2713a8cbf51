// How a layer's error reaches the network output: analytic gains.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "scprec/model/network.hpp"

namespace scprec::assign {

/// Analytic gains: an error of e (infinity norm, real units) at layer l's output changes the
/// network's output by at most G_l * e, with G_l the product of the infinity-norm operator
/// norms (largest absolute row sum) of the weights of the layers after l, ReLU being
/// 1-Lipschitz. The last layer's gain is 1. Rounding between layers is not included.
std::vector<double> analytic_gains(const model::Network& network);

}  // namespace scprec::assign
