// Small SVG charts for the HTML report, written by hand: no plotting library, no scripts.
#pragma once

#include <string>
#include <vector>

namespace scprec::report {

struct CurvePoint {
  double x = 0.0;
  double y = 0.0;
};

/// One series of an error-against-length chart.
struct Series {
  std::string label;
  std::string colour;
  std::vector<CurvePoint> points;
  bool line = true;  ///< join the points
  bool dashed = false;
  bool markers = true;
};

/// A chart of error (log scale) against length (log2 scale) with a legend; points with y <= 0
/// are left out. `reference` draws a horizontal line (the budget) when positive.
std::string error_chart(const std::string& title, const std::vector<Series>& series,
                        double reference, const std::string& reference_label);

/// Horizontal bars, one per label, with the value written at the end of each.
std::string bar_chart(const std::string& title, const std::vector<std::string>& labels,
                      const std::vector<double>& values, const std::string& unit,
                      double full_scale);

}  // namespace scprec::report
