// Error measures of a co-simulation, shared by the RTL scoring and the software screening.
#include "scprec/cosim/scoring.hpp"

#include <algorithm>
#include <cmath>

#include "scprec/model/sc_layer.hpp"

namespace scprec::cosim {
namespace {

// max over k of |logits[k] - exact[k]|.
double largest_difference(const std::vector<std::int64_t>& logits,
                          const std::vector<std::int64_t>& exact) {
  double worst = 0.0;
  for (std::size_t k = 0; k < logits.size(); ++k) {
    worst = std::max(worst, std::fabs(static_cast<double>(logits[k] - exact[k])));
  }
  return worst;
}

}  // namespace

double layer_error(std::size_t l, const std::vector<std::int64_t>& positive,
                   const std::vector<std::int64_t>& negative, std::size_t trial,
                   const model::QuantizedNetwork& quantized, const model::PrecisionMap& map,
                   const SoftwareRun& software, const std::vector<double>& full_scales) {
  const model::QuantLayer& layer = quantized.layers[l];
  const std::vector<std::int64_t>& exact = software.exact_dots[l][trial];
  double worst = 0.0;
  for (std::size_t first = 0; first < positive.size(); first += layer.outputs) {  // positions
    const auto from = static_cast<std::ptrdiff_t>(first);
    const auto to = from + static_cast<std::ptrdiff_t>(layer.outputs);
    model::ScCounts counts;
    counts.positive.assign(positive.begin() + from, positive.begin() + to);
    counts.negative.assign(negative.begin() + from, negative.begin() + to);
    const std::vector<std::int64_t> dot =
        sc_dot(layer, quantized.config, map.layers[l].length, counts);
    for (std::size_t j = 0; j < dot.size(); ++j) {
      worst = std::max(worst, std::fabs(static_cast<double>(dot[j] - exact[first + j])));
    }
  }
  return worst * layer.weight_scale * layer.input_scale / full_scales[l];
}

double output_error(const std::vector<std::int64_t>& logits, std::size_t trial,
                    const model::QuantizedNetwork& quantized, const SoftwareRun& software,
                    const std::vector<double>& full_scales) {
  return largest_difference(logits, software.integer_logits[trial]) * quantized.logit_scale() /
         full_scales.back();
}

double range_error(const std::vector<std::int64_t>& logits, std::size_t trial,
                   const SoftwareRun& software) {
  const std::vector<std::int64_t>& exact = software.integer_logits[trial];
  const auto [low, high] = std::minmax_element(exact.begin(), exact.end());
  const double worst = largest_difference(logits, exact);
  if (worst == 0.0) return 0.0;
  const double range = static_cast<double>(*high - *low);
  return range > 0.0 ? worst / range : INFINITY;
}

bool top1_flipped(const std::vector<std::int64_t>& logits, std::size_t trial,
                  const SoftwareRun& software) {
  return top1(logits) != top1(software.integer_logits[trial]);
}

std::size_t top1(const std::vector<std::int64_t>& logits) {
  return static_cast<std::size_t>(std::max_element(logits.begin(), logits.end()) -
                                  logits.begin());  // the first of equal maxima
}

}  // namespace scprec::cosim
