// Small SVG charts for the HTML report, written by hand: no plotting library, no scripts.
#pragma once

#include <cmath>
#include <string>
#include <vector>

namespace scprec::report {

struct CurvePoint {
  double x = 0.0;
  double y = 0.0;
  /// An interval drawn as an error bar, when low < high.
  double low = 0.0;
  double high = 0.0;
};

/// One series of a chart.
struct Series {
  std::string label;
  std::string colour;
  std::vector<CurvePoint> points;
  bool line = true;  ///< join the points
  bool dashed = false;
  bool markers = true;
  double marker_radius = 3.5;
};

/// How an axis maps its values: linearly, or by log2 or log10 (ticks at whole powers).
enum class Scale { kLinear, kLog2, kLog10 };
struct Axis {
  std::string label;
  Scale scale = Scale::kLinear;
};

/// A chart of the series with a legend; on a log axis, points at or below 0 are left out.
/// `reference` draws a horizontal line when given (a finite value; positive on a log axis).
std::string chart(const std::string& title, const Axis& x, const Axis& y,
                  const std::vector<Series>& series, double reference = NAN,
                  const std::string& reference_label = "");

/// A chart of error (log scale) against length (log2 scale) with a legend; points with y <= 0
/// are left out. `reference` draws a horizontal line (the budget) when positive.
std::string error_chart(const std::string& title, const std::vector<Series>& series,
                        double reference, const std::string& reference_label);

/// Horizontal bars, one per label, with the value written at the end of each.
std::string bar_chart(const std::string& title, const std::vector<std::string>& labels,
                      const std::vector<double>& values, const std::string& unit,
                      double full_scale);

}  // namespace scprec::report
