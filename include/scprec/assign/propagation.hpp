// How a layer's error reaches the network output: full scales and analytic gains.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "scprec/model/network.hpp"

namespace scprec::assign {

/// Each layer's full scale: the largest |float pre-activation| of its outputs over the rows of
/// `calibration`. The last entry is the output's full scale, the unit of relative output error.
/// A layer whose outputs are all 0 gets full scale 1.
std::vector<double> layer_full_scales(const model::Network& network,
                                      const Eigen::MatrixXd& calibration);

/// Analytic gains: an error of e (infinity norm, real units) at layer l's output changes the
/// network's output by at most G_l * e, with G_l the product of the infinity-norm operator
/// norms (largest absolute row sum) of the weights of the layers after l, ReLU being
/// 1-Lipschitz. The last layer's gain is 1. Rounding between layers is not included.
std::vector<double> analytic_gains(const model::Network& network);

}  // namespace scprec::assign
