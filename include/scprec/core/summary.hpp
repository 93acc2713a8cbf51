// Summaries of per-trial errors: mean, an empirical quantile and the maximum.
#pragma once

#include <vector>

namespace scprec::core {

struct ErrorSummary {
  double mean = 0.0;
  double quantile = 0.0;
  double max = 0.0;
};

/// The summary of `values` with the empirical quantile at `level` in (0, 1]: the smallest value
/// with at least a fraction `level` of the values at or below it. All zeros for no values.
ErrorSummary summarize(std::vector<double> values, double level);

}  // namespace scprec::core
