// Full scales from the float network, and worst-case gains from operator norms.
#include "scprec/assign/propagation.hpp"

namespace scprec::assign {

std::vector<double> layer_full_scales(const model::Network& network,
                                      const Eigen::MatrixXd& calibration) {
  std::vector<double> scales;
  for (const Eigen::MatrixXd& z : network.forward_preactivations(calibration)) {
    const double peak = z.size() == 0 ? 0.0 : z.cwiseAbs().maxCoeff();
    scales.push_back(peak > 0.0 ? peak : 1.0);
  }
  return scales;
}

std::vector<double> analytic_gains(const model::Network& network) {
  const std::vector<model::DenseLayer>& layers = network.layers();
  std::vector<double> gains(layers.size(), 1.0);
  for (std::size_t l = layers.size() - 1; l-- > 0;) {
    const double norm = layers[l + 1].weight.cwiseAbs().rowwise().sum().maxCoeff();
    gains[l] = gains[l + 1] * norm;
  }
  return gains;
}

}  // namespace scprec::assign
