// Worst-case gains from operator norms.
#include "scprec/assign/propagation.hpp"

namespace scprec::assign {

std::vector<double> analytic_gains(const model::Network& network) {
  const std::vector<model::Layer>& layers = network.layers();
  std::vector<double> gains(layers.size(), 1.0);
  for (std::size_t l = layers.size() - 1; l-- > 0;) {
    const double norm = layers[l + 1].weight.cwiseAbs().rowwise().sum().maxCoeff();
    gains[l] = gains[l + 1] * norm;
  }
  return gains;
}

}  // namespace scprec::assign
