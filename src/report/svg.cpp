// SVG charts. Coordinates: a plot area inside margins; x is log2(length), y is log10(error).
#include "svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "text.hpp"

namespace scprec::report {
namespace {

constexpr double kWidth = 540, kHeight = 280, kLeft = 60, kRight = 230, kTop = 30, kBottom = 40;

}  // namespace

std::string error_chart(const std::string& title, const std::vector<Series>& series,
                        double reference, const std::string& reference_label) {
  double x_low = INFINITY, x_high = -INFINITY, y_low = INFINITY, y_high = -INFINITY;
  for (const Series& s : series) {
    for (const CurvePoint& p : s.points) {
      if (p.y <= 0) continue;
      x_low = std::min(x_low, std::log2(p.x));
      x_high = std::max(x_high, std::log2(p.x));
      y_low = std::min(y_low, std::log10(p.y));
      y_high = std::max(y_high, std::log10(p.y));
    }
  }
  if (reference > 0) {
    y_low = std::min(y_low, std::log10(reference));
    y_high = std::max(y_high, std::log10(reference));
  }
  if (!std::isfinite(x_low)) return "<p>(no data to plot)</p>";
  if (x_high - x_low < 1) x_high = x_low + 1;
  y_low = std::floor(y_low);
  y_high = std::max(std::ceil(y_high), y_low + 1);
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const auto px = [&](double x) {
    return kLeft + (std::log2(x) - x_low) / (x_high - x_low) * plot_w;
  };
  const auto py = [&](double y) {
    return kTop + plot_h - (std::log10(y) - y_low) / (y_high - y_low) * plot_h;
  };
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n"
      "<text x=\"{}\" y=\"18\" font-weight=\"bold\">{}</text>\n"
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888\"/>\n",
      kWidth, kHeight, kLeft, escape(title), kLeft, kTop, plot_w, plot_h);
  for (double e = x_low; e <= x_high + 1e-9; e += 1) {
    const double x = kLeft + (e - x_low) / (x_high - x_low) * plot_w;
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", x,
                       kTop + plot_h + 15, static_cast<long>(std::lround(std::exp2(e))));
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">length L</text>\n",
                     kLeft + plot_w / 2, kHeight - 6);
  for (double e = y_low; e <= y_high + 1e-9; e += 1) {
    const double y = kTop + plot_h - (e - y_low) / (y_high - y_low) * plot_h;
    svg += fmt::format(
        "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>"
        "<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">1e{}</text>\n",
        kLeft, y, kLeft + plot_w, y, kLeft - 4, y + 4, static_cast<int>(e));
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
  if (reference > 0) {
    svg += fmt::format(
        "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#2a2\" "
        "stroke-dasharray=\"6 3\"/>\n",
        kLeft, py(reference), kLeft + plot_w, py(reference));
    legend("#2a2", reference_label, true);
  }
  for (const Series& s : series) {
    std::string path;
    for (const CurvePoint& p : s.points) {
      if (p.y <= 0) continue;
      path += fmt::format("{}{:.1f},{:.1f}", path.empty() ? "" : " ", px(p.x), py(p.y));
      if (s.markers) {
        svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\"/>\n", px(p.x),
                           py(p.y), s.colour);
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
