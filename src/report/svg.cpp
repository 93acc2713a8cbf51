// SVG charts. Coordinates: a plot area inside margins; each axis linear, log2 or log10.
#include "svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "text.hpp"

namespace scprec::report {
namespace {

constexpr double kWidth = 540, kHeight = 280, kLeft = 60, kRight = 230, kTop = 30, kBottom = 40;

}  // namespace

namespace {

double transform(Scale scale, double v) {
  switch (scale) {
    case Scale::kLog2:
      return std::log2(v);
    case Scale::kLog10:
      return std::log10(v);
    case Scale::kLinear:
      break;
  }
  return v;
}

bool plottable(Scale scale, double v) {
  return std::isfinite(v) && (scale == Scale::kLinear || v > 0);
}

// Tick positions, in transformed units, over [low, high] (already widened to whole steps).
std::vector<double> ticks(double low, double high, double step) {
  std::vector<double> at;
  for (double t = low; t <= high + step * 1e-9; t += step) at.push_back(t);
  return at;
}

std::string tick_label(Scale scale, double t) {
  switch (scale) {
    case Scale::kLog2:
      return std::to_string(std::lround(std::exp2(t)));
    case Scale::kLog10:
      return fmt::format("1e{}", static_cast<int>(std::lround(t)));
    case Scale::kLinear:
      break;
  }
  return fmt::format("{:g}", t);
}

// A range widened to whole ticks: powers on a log axis, about five round steps on a linear one.
struct Range {
  double low = 0.0;
  double high = 1.0;
  double step = 1.0;
};
Range axis_range(Scale scale, double low, double high) {
  if (scale != Scale::kLinear) {
    low = std::floor(low);
    high = std::max(std::ceil(high), low + 1);
    return {low, high, 1.0};
  }
  if (high - low <= 0) high = low + 1;
  const double raw = (high - low) / 5;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (double m : {2.0, 5.0, 10.0}) {
    if (step < raw) step = power * m;
  }
  return {std::floor(low / step) * step, std::ceil(high / step) * step, step};
}

}  // namespace

std::string chart(const std::string& title, const Axis& x_axis, const Axis& y_axis,
                  const std::vector<Series>& series, double reference,
                  const std::string& reference_label) {
  double x_low = INFINITY, x_high = -INFINITY, y_low = INFINITY, y_high = -INFINITY;
  const auto include_y = [&](double y) {
    if (!plottable(y_axis.scale, y)) return;
    y_low = std::min(y_low, transform(y_axis.scale, y));
    y_high = std::max(y_high, transform(y_axis.scale, y));
  };
  for (const Series& s : series) {
    for (const CurvePoint& p : s.points) {
      if (!plottable(x_axis.scale, p.x) || !plottable(y_axis.scale, p.y)) continue;
      x_low = std::min(x_low, transform(x_axis.scale, p.x));
      x_high = std::max(x_high, transform(x_axis.scale, p.x));
      include_y(p.y);
      if (p.low < p.high) {
        include_y(p.low);
        include_y(p.high);
      }
    }
  }
  const bool with_reference = plottable(y_axis.scale, reference);
  if (with_reference) include_y(reference);
  if (!std::isfinite(x_low)) return "<p>(no data to plot)</p>";
  const Range xr = axis_range(x_axis.scale, x_low, x_high);
  const Range yr = axis_range(y_axis.scale, y_low, y_high);
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const auto px = [&](double x) {
    return kLeft + (transform(x_axis.scale, x) - xr.low) / (xr.high - xr.low) * plot_w;
  };
  const auto py = [&](double y) {
    return kTop + plot_h - (transform(y_axis.scale, y) - yr.low) / (yr.high - yr.low) * plot_h;
  };
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n"
      "<text x=\"{}\" y=\"18\" font-weight=\"bold\">{}</text>\n"
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888\"/>\n",
      kWidth, kHeight, kLeft, escape(title), kLeft, kTop, plot_w, plot_h);
  for (double t : ticks(xr.low, xr.high, xr.step)) {
    const double x = kLeft + (t - xr.low) / (xr.high - xr.low) * plot_w;
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", x,
                       kTop + plot_h + 15, tick_label(x_axis.scale, t));
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                     kLeft + plot_w / 2, kHeight - 6, escape(x_axis.label));
  for (double t : ticks(yr.low, yr.high, yr.step)) {
    const double y = kTop + plot_h - (t - yr.low) / (yr.high - yr.low) * plot_h;
    svg += fmt::format(
        "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>"
        "<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
        kLeft, y, kLeft + plot_w, y, kLeft - 4, y + 4, tick_label(y_axis.scale, t));
  }
  if (!y_axis.label.empty()) {
    svg += fmt::format(
        "<text x=\"12\" y=\"{:.1f}\" text-anchor=\"middle\" "
        "transform=\"rotate(-90 12 {:.1f})\">{}</text>\n",
        kTop + plot_h / 2, kTop + plot_h / 2, escape(y_axis.label));
  }
  double legend_y = kTop + 10;
  const auto legend = [&](const std::string& colour, const std::string& label, bool dashed) {
    svg += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\"{}/>"
        "<text x=\"{}\" y=\"{}\">{}</text>\n",
        kWidth - kRight + 10, legend_y, kWidth - kRight + 28, legend_y, colour,
        dashed ? " stroke-dasharray=\"4 3\"" : "", kWidth - kRight + 32, legend_y + 4,
        escape(label));
    legend_y += 16;
  };
  if (with_reference) {
    svg += fmt::format(
        "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#2a2\" "
        "stroke-dasharray=\"6 3\"/>\n",
        kLeft, py(reference), kLeft + plot_w, py(reference));
    legend("#2a2", reference_label, true);
  }
  for (const Series& s : series) {
    std::string path;
    for (const CurvePoint& p : s.points) {
      if (!plottable(x_axis.scale, p.x) || !plottable(y_axis.scale, p.y)) continue;
      path += fmt::format("{}{:.1f},{:.1f}", path.empty() ? "" : " ", px(p.x), py(p.y));
      if (p.low < p.high && plottable(y_axis.scale, p.low)) {
        svg += fmt::format(
            "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
            "stroke-width=\"1\"/>\n",
            px(p.x), py(p.low), px(p.x), py(p.high), s.colour);
      }
      if (s.markers) {
        svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\"/>\n", px(p.x),
                           py(p.y), s.marker_radius, s.colour);
      }
    }
    if (s.line && !path.empty()) {
      svg += fmt::format(
          "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"{}/>\n", path,
          s.colour, s.dashed ? " stroke-dasharray=\"4 3\"" : "");
    }
    legend(s.colour, s.label, s.dashed);
  }
  return svg + "</svg>\n";
}

std::string error_chart(const std::string& title, const std::vector<Series>& series,
                        double reference, const std::string& reference_label) {
  return chart(title, {"length L", Scale::kLog2}, {"", Scale::kLog10}, series,
               reference > 0 ? reference : NAN, reference_label);
}

std::string bar_chart(const std::string& title, const std::vector<std::string>& labels,
                      const std::vector<double>& values, const std::string& unit,
                      double full_scale) {
  const double row = 24, left = 110, width = 260;
  const double height = 30 + row * static_cast<double>(labels.size()) + 10;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n"
      "<text x=\"0\" y=\"18\" font-weight=\"bold\">{}</text>\n",
      left + width + 120, height, escape(title));
  for (std::size_t k = 0; k < labels.size(); ++k) {
    const double y = 30 + row * static_cast<double>(k);
    const double w = full_scale > 0 ? std::max(1.0, values[k] / full_scale * width) : 1.0;
    svg += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>"
        "<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"16\" fill=\"#4a7bd0\"/>"
        "<text x=\"{:.1f}\" y=\"{}\">{:g}{}</text>\n",
        left - 6, y + 12, escape(labels[k]), left, y, w, left + w + 6, y + 12, values[k], unit);
  }
  return svg + "</svg>\n";
}

}  // namespace scprec::report
