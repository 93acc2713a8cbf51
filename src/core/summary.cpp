// Error summaries; the quantile is the "higher" empirical quantile, never an interpolation, so
// that "quantile <= target" means at least that fraction of trials met the target.
#include "scprec/core/summary.hpp"

#include <algorithm>
#include <cmath>

namespace scprec::core {

ErrorSummary summarize(std::vector<double> values, double level) {
  ErrorSummary summary;
  if (values.empty()) return summary;
  std::sort(values.begin(), values.end());
  double sum = 0.0;
  for (double v : values) sum += v;
  summary.mean = sum / static_cast<double>(values.size());
  const auto rank = static_cast<std::size_t>(std::ceil(level * static_cast<double>(values.size())));
  summary.quantile = values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
  summary.max = values.back();
  return summary;
}

}  // namespace scprec::core
