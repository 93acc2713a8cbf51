// The exploration's pages: a Markdown summary, two SVG charts and the JSON of every point.
#include "scprec/report/explore.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "scprec/loop/acceptance.hpp"
#include "svg.hpp"
#include "text.hpp"

namespace scprec::report {
namespace {

using assign::DesignPoint;
using assign::Exploration;

constexpr double kIntervalAlpha = 0.05;  // two-sided, 95%

double accuracy(const DesignPoint& p, std::size_t rows) {
  return rows == 0 ? 0.0 : 100.0 * static_cast<double>(p.correct) / static_cast<double>(rows);
}

// The 95% Clopper-Pearson interval of a point's accuracy, in percent.
std::pair<double, double> interval(const DesignPoint& p, std::size_t rows) {
  if (rows == 0) return {0.0, 0.0};
  return {100.0 * loop::exceedance_lower_bound(p.correct, rows, kIntervalAlpha / 2),
          100.0 * loop::exceedance_upper_bound(p.correct, rows, kIntervalAlpha / 2)};
}

// "sobol 32 / sobol 32 / lfsr 64".
std::string layers_text(const DesignPoint& p) {
  std::vector<std::string> parts;
  for (const assign::LayerChoice& c : p.layers) {
    parts.push_back(fmt::format("{} {}", core::to_string(c.generator), c.length));
  }
  return fmt::format("{}", fmt::join(parts, " / "));
}

// The uniform baselines of one generator.
std::vector<const DesignPoint*> uniform_points(const Exploration& e, core::GeneratorKind kind) {
  std::vector<const DesignPoint*> points;
  for (const DesignPoint& p : e.baselines) {
    if (p.layers.front().generator == kind) points.push_back(&p);
  }
  return points;
}

std::vector<core::GeneratorKind> explored_generators(const Exploration& e) {
  std::vector<core::GeneratorKind> kinds;
  for (const DesignPoint& p : e.points) {
    for (const assign::LayerChoice& c : p.layers) {
      if (std::find(kinds.begin(), kinds.end(), c.generator) == kinds.end()) {
        kinds.push_back(c.generator);
      }
    }
  }
  return kinds;
}

std::string point_row(const DesignPoint& p, std::size_t rows, const std::string& what) {
  const auto [low, high] = interval(p, rows);
  return fmt::format("| {}{} | {:.2f}% [{:.2f}, {:.2f}] | {:.2f}% | {} | {} | {:g} |\n", what,
                     p.cycles, accuracy(p, rows), low, high,
                     rows == 0 ? 0.0 : 100.0 * static_cast<double>(p.flips) / rows,
                     p.synapse_cycles, layers_text(p), p.scale_quantile);
}

constexpr const char* kTableHead =
    "| cycles | accuracy [95% interval] | top-1 flips | synapse-cycles | layers | scale "
    "quantile |\n|---|---|---|---|---|---|\n";

const char* colour(core::GeneratorKind kind) {
  switch (kind) {
    case core::GeneratorKind::kSobol:
      return "#8e44ad";
    case core::GeneratorKind::kSharedLfsr:
      return "#2a9d8f";
    case core::GeneratorKind::kLfsr:
      break;
  }
  return "#e08a1e";
}

// The series both charts share: the frontier, the uniform baselines and the given map, each
// point's y from `y` (and its interval from `range`, when given).
template <typename Y, typename R>
std::vector<Series> marked_series(const Exploration& e, const ExploreContext& c, Y y, R range) {
  std::vector<Series> series;
  Series frontier{"Pareto frontier", "#1f5fbf", {}, true, false, true, 3.5};
  for (const DesignPoint& p : e.points) {
    if (!p.frontier) continue;
    const auto [low, high] = range(p);
    frontier.points.push_back({static_cast<double>(p.cycles), y(p), low, high});
  }
  series.push_back(frontier);
  for (core::GeneratorKind kind : explored_generators(e)) {
    Series uniform{fmt::format("uniform {}, scale quantile {:g}", core::to_string(kind),
                               e.scale_quantiles.front()),
                   colour(kind),
                   {},
                   true,
                   true,
                   true,
                   3.0};
    for (const DesignPoint* p : uniform_points(e, kind)) {
      uniform.points.push_back({static_cast<double>(p->cycles), y(*p)});
    }
    series.push_back(uniform);
  }
  if (c.map_point) {
    series.push_back({"the map given",
                      "#d62728",
                      {{static_cast<double>(c.map_point->cycles), y(*c.map_point)}},
                      false,
                      false,
                      true,
                      6.0});
  }
  return series;
}

}  // namespace

std::string explore_markdown(const Exploration& e, const ExploreContext& c) {
  std::string md = fmt::format(
      "# Design space\n\n{} points (generator and length per layer, at {} scale rule(s)), run on "
      "the bit-exact software model over {} in {:.1f} s. Accuracy intervals: 95% "
      "Clopper-Pearson. Top-1 flips: the SC network's class differs from the exact integer "
      "network's at the same rule. Cycles: the sum of the layers' lengths, a conv layer's times "
      "its positions.\n\n"
      "Float network: {}.\n\n| scale quantile | integer network |\n|---|---|\n",
      e.points.size(), e.scale_quantiles.size(), c.rows_text, c.seconds,
      percent(e.float_correct, e.rows));
  for (std::size_t q = 0; q < e.scale_quantiles.size(); ++q) {
    md +=
        fmt::format("| {:g} | {} |\n", e.scale_quantiles[q], percent(e.integer_correct[q], e.rows));
  }
  md += fmt::format(
      "\n## Pareto frontier: accuracy against cycles\n\nNo other point is at least as accurate "
      "in at most as many cycles.\n\n{}",
      kTableHead);
  for (const DesignPoint& p : e.points) {
    if (p.frontier) md += point_row(p, e.rows, "");
  }
  if (!c.areas.empty()) {
    md +=
        "\n### Area of the frontier points\n\nYosys `synth`, generic cells, ROMs excluded, "
        "summed over the layers; RTL cycles: the network top's start to done per input.\n\n"
        "| cycles | layers | scale quantile | cells | flip-flops | RTL cycles | cells x RTL "
        "cycles |\n|---|---|---|---|---|---|---|\n";
    for (const auto& [index, area] : c.areas) {
      const DesignPoint& p = e.points[index];
      md += fmt::format("| {} | {} | {:g} | {} | {} | {} | {:.3g} |\n", p.cycles, layers_text(p),
                        p.scale_quantile, area.cells, area.flip_flops, area.rtl_cycles,
                        static_cast<double>(area.cells) * static_cast<double>(area.rtl_cycles));
    }
  }
  md += fmt::format("\n## Uniform lengths, scale quantile {:g}\n\n{}", e.scale_quantiles.front(),
                    kTableHead);
  for (core::GeneratorKind kind : explored_generators(e)) {
    for (const DesignPoint* p : uniform_points(e, kind)) md += point_row(*p, e.rows, "");
  }
  if (c.map_point) {
    md += fmt::format("\n## The map given: {}\n\n{}", c.map_path, kTableHead);
    md += point_row(*c.map_point, e.rows, "");
  }
  return md +
         "\n## Charts\n\n![accuracy against cycles](accuracy.svg)\n\n"
         "![top-1 flips against cycles](flips.svg)\n" +
         (c.areas.empty() ? "" : "\n![accuracy against area x latency](area.svg)\n");
}

std::string explore_accuracy_svg(const Exploration& e, const ExploreContext& c) {
  std::vector<Series> series;
  Series all{"every point", "#bbbbbb", {}, false, false, true, 2.0};
  for (const DesignPoint& p : e.points) {
    all.points.push_back({static_cast<double>(p.cycles), accuracy(p, e.rows)});
  }
  series.push_back(all);
  for (Series& s : marked_series(
           e, c, [&](const DesignPoint& p) { return accuracy(p, e.rows); },
           [&](const DesignPoint& p) { return interval(p, e.rows); })) {
    series.push_back(std::move(s));
  }
  const double float_accuracy =
      e.rows == 0 ? NAN : 100.0 * static_cast<double>(e.float_correct) / e.rows;
  return chart("Accuracy against cycles", {"cycles (sum of lengths)", Scale::kLog2},
               {"accuracy (%)", Scale::kLinear}, series, float_accuracy, "float network");
}

std::string explore_flips_svg(const Exploration& e, const ExploreContext& c) {
  const auto flip_rate = [&](const DesignPoint& p) {
    return e.rows == 0 ? 0.0 : 100.0 * static_cast<double>(p.flips) / e.rows;
  };
  return chart("Top-1 flips against cycles", {"cycles (sum of lengths)", Scale::kLog2},
               {"flips against the integer network (%)", Scale::kLinear},
               marked_series(e, c, flip_rate, [](const DesignPoint&) {
                 return std::pair<double, double>{0, 0};
               }));
}

std::string explore_area_svg(const Exploration& e, const ExploreContext& c) {
  if (c.areas.empty()) return "";
  Series frontier{
      "Pareto frontier (accuracy against cycles)", "#1f5fbf", {}, false, false, true, 3.5};
  for (const auto& [index, area] : c.areas) {
    const DesignPoint& p = e.points[index];
    const auto [low, high] = interval(p, e.rows);
    frontier.points.push_back(
        {static_cast<double>(area.cells) * static_cast<double>(area.rtl_cycles),
         accuracy(p, e.rows), low, high});
  }
  return chart("Accuracy against area x latency", {"cells x RTL cycles per input", Scale::kLog10},
               {"accuracy (%)", Scale::kLinear}, {frontier});
}

std::string explore_json(const Exploration& e, const ExploreContext& c) {
  const auto point_json = [](const DesignPoint& p) {
    nlohmann::ordered_json layers = nlohmann::ordered_json::array();
    for (const assign::LayerChoice& choice : p.layers) {
      layers.push_back(
          {{"generator", core::to_string(choice.generator)}, {"length", choice.length}});
    }
    return nlohmann::ordered_json{{"scale_quantile", p.scale_quantile},
                                  {"layers", layers},
                                  {"cycles", p.cycles},
                                  {"synapse_cycles", p.synapse_cycles},
                                  {"correct", p.correct},
                                  {"flips", p.flips},
                                  {"frontier", p.frontier}};
  };
  nlohmann::ordered_json rules = nlohmann::ordered_json::array();
  for (std::size_t q = 0; q < e.scale_quantiles.size(); ++q) {
    rules.push_back(
        {{"scale_quantile", e.scale_quantiles[q]}, {"integer_correct", e.integer_correct[q]}});
  }
  nlohmann::ordered_json points = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < e.points.size(); ++i) {
    nlohmann::ordered_json point = point_json(e.points[i]);
    const auto area = c.areas.find(i);
    if (area != c.areas.end()) {
      point["area"] = {{"cells", area->second.cells},
                       {"flip_flops", area->second.flip_flops},
                       {"rtl_cycles", area->second.rtl_cycles}};
    }
    points.push_back(point);
  }
  nlohmann::ordered_json json = {{"schema", "scprec.explore/1"}, {"rows", e.rows},
                                 {"evaluated_on", c.rows_text},  {"float_correct", e.float_correct},
                                 {"scale_rules", rules},         {"points", points}};
  if (c.map_point) json["map"] = {{"path", c.map_path}, {"point", point_json(*c.map_point)}};
  return json.dump(2) + "\n";
}

}  // namespace scprec::report
