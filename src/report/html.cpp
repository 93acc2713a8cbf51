// report.html: one self-contained page (inline CSS and SVG, no scripts, no external files) that
// a hardware engineer can attach to a review.
#include <fmt/format.h>

#include "reproduce.hpp"
#include "scprec/core/version.hpp"
#include "scprec/report/report.hpp"
#include "svg.hpp"
#include "text.hpp"

namespace scprec::report {
namespace {

constexpr const char* kStyle = R"(
body { font-family: sans-serif; max-width: 1000px; margin: 2em auto; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; font-size: 0.92em; }
th { background: #f3f3f3; }
.verdict { padding: 0.8em 1em; border-radius: 4px; font-weight: bold; }
.pass { background: #e3f5e1; border: 1px solid #5a5; }
.fail { background: #fbe3e1; border: 1px solid #c55; }
.violated { color: #b00; font-weight: bold; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
)";

std::string layer_chart(const loop::VerifyResult& result, std::size_t l) {
  const loop::LayerCurve& curve = result.curves[l];
  const loop::LayerVerdict& v = result.judgement.layers[l];
  static constexpr const char* kBoundColours[] = {"#4a7bd0", "#2a9d8f", "#e9a23b", "#8a5cc2"};
  std::vector<Series> series;
  for (std::size_t b = 0; b < curve.bounds.size(); ++b) {
    Series bound{curve.bounds[b].first + " bound", kBoundColours[b % 4], {}, true, true, false};
    for (std::size_t k = 0; k < curve.lengths.size(); ++k) {
      bound.points.push_back({static_cast<double>(curve.lengths[k]), curve.bounds[b].second[k]});
    }
    series.push_back(std::move(bound));
  }
  Series software{"software model, layer alone", "#888", {}, true, false, true};
  for (std::size_t k = 0; k < curve.lengths.size(); ++k) {
    software.points.push_back({static_cast<double>(curve.lengths[k]), curve.software[k]});
  }
  Series rtl{"RTL, whole network",
             "#d33",
             {{static_cast<double>(v.length), v.measured}},
             false,
             false,
             true};
  series.push_back(std::move(software));
  series.push_back(std::move(rtl));
  return error_chart(fmt::format("{}: error against L (L = {})", v.name, v.length), series,
                     v.prediction.predicted, fmt::format("budget at L={}", v.length));
}

}  // namespace

std::string html_report(const loop::VerifyResult& result, const Provenance& provenance) {
  const loop::Judgement& j = result.judgement;
  const loop::EndToEndVerdict& e = j.end_to_end;
  const model::PrecisionMap& map = result.map;
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<title>scprec {command}: {model}</title>\n<style>{style}</style></head><body>\n"
      "<h1>scprec {command} report</h1>\n<div class=\"verdict {cls}\">{status}: {verdict}</div>\n"
      "<table>\n<tr><th>model</th><td><code>{model}</code> (network hash {hash})</td></tr>\n"
      "<tr><th>data</th><td><code>{data}</code> (calibration inputs hash {data_hash}), {trials} "
      "trials per "
      "measurement</td></tr>\n<tr><th>rows</th><td>{rows}</td></tr>\n"
      "<tr><th>target</th><td>output error &le; {target:g} of full scale with exceedance &le; "
      "{delta:g}{flip_target}, tested at &alpha; = {alpha:g}</td></tr>\n"
      "<tr><th>arithmetic</th><td>{arithmetic}, {generator} lanes ({width}-bit), seed "
      "{seed}</td></tr>\n<tr><th>cycles per input</th><td>{cycles}</td></tr>\n"
      "<tr><th>measured on</th><td>{rtl}</td></tr>\n"
      "<tr><th>bit-exact</th><td>{exact}</td></tr>\n<tr><th>scprec</th><td>{version}</td></tr>\n"
      "</table>\n",
      fmt::arg("command", escape(provenance.command)),
      fmt::arg("model", escape(provenance.model_path)), fmt::arg("style", kStyle),
      fmt::arg("cls", result.signed_off ? "pass" : "fail"),
      fmt::arg("verdict", escape(result.verdict)),
      fmt::arg("status", result.signed_off ? "Signed off" : "Not signed off"),
      fmt::arg("hash", map.model_hash.substr(0, 16)),
      fmt::arg("data", escape(provenance.data_path)), fmt::arg("trials", result.trials),
      fmt::arg("target", e.target), fmt::arg("delta", e.delta), fmt::arg("alpha", e.alpha),
      fmt::arg("arithmetic", escape(map.arithmetic_text())),
      fmt::arg("generator", map.generators_text()), fmt::arg("width", map.generator_width),
      fmt::arg("seed", map.seed), fmt::arg("cycles", map.total_cycles()),
      fmt::arg("rtl", escape(result.rtl)),
      fmt::arg("exact", j.bit_exact && j.problems.empty()
                            ? escape(bit_exact_text(j))
                            : "<b>" + escape(bit_exact_text(j)) + "</b>"),
      fmt::arg("rows", escape(rows_text(result.rows))),
      fmt::arg("data_hash", result.rows.data_hash.substr(0, 16)),
      fmt::arg("flip_target",
               e.flips.limit ? fmt::format(", top-1 flip rate &le; {:g}", *e.flips.limit) : ""),
      fmt::arg("version", kVersion));
  if (!j.problems.empty()) {
    html += "<h2>Simulation failures</h2>\n<ul>\n";
    for (const std::string& problem : j.problems) html += "<li>" + escape(problem) + "</li>\n";
    html += "</ul>\n";
  }
  const auto shown = [](const loop::PredictionCheck& p) {
    return fmt::format("<td{}>{:.4g}: {}</td>",
                       p.check == loop::CrossCheck::kViolated ? " class=\"violated\"" : "",
                       p.predicted, escape(p.describe()));
  };
  html += "<p>" + escape(population_text(result)) + "</p>\n";
  html += fmt::format(
      "<h2>End to end (RTL network)</h2>\n<p>{} of {} trials above the target (rate {:.3f}); "
      "Clopper-Pearson upper bound {:.4f} against the allowed {:g}: <b>{}</b>. Output-error "
      "quantile at {:g}: {:.4g}.</p>\n<table><tr><th>the map's composed prediction</th>{}</tr>"
      "</table>\n<p>Per input: {}.</p>\n<p>Agreement: {}.</p>\n",
      e.exceedances, e.trials, e.rate, e.upper_bound, e.delta, e.pass ? "pass" : "fail",
      1 - e.delta, e.quantile, shown(e.prediction), escape(range_text(e)), escape(flips_text(e)));
  html += fmt::format(
      "<h2>Layers: every prediction against the measurement</h2>\n<p>Each prediction claims "
      "that at most a fraction {:.4f} of trials exceed it; one-sided tests at &alpha; = {:g} on "
      "the exceedance rate say it holds (upper bound within), is violated (lower bound above), "
      "or that the trials cannot tell (inconclusive).</p>\n<table><tr><th>layer</th><th>L</th>"
      "<th>measured</th>",
      j.layers.empty() ? 0.0 : j.layers.front().allowed_rate, e.alpha);
  const std::vector<std::string> checks = check_names(j);
  if (!j.layers.empty()) {
    for (const std::string& name : checks) html += "<th>" + escape(name) + "</th>";
  }
  html += "<th>status</th></tr>\n";
  for (std::size_t l = 0; l < j.layers.size(); ++l) {
    const loop::LayerVerdict& v = j.layers[l];
    html += fmt::format("<tr><td>{}</td><td>{}</td><td>{:.4g}</td>", escape(v.name), v.length,
                        v.measured);
    for (const loop::PredictionCheck* check : layer_checks(v, checks)) {
      html += check != nullptr ? shown(*check) : "<td>does not model these lanes</td>";
    }
    html += "<td>" + model::to_string(map.layers[l].status) + "</td></tr>\n";
  }
  html +=
      "</table>\n<p>Errors: fractions of each layer's full scale at the quantile level the "
      "map predicts at.</p>\n<div class=\"charts\">\n";
  for (std::size_t l = 0; l < result.curves.size(); ++l) html += layer_chart(result, l);
  std::vector<std::string> names;
  std::vector<double> lengths;
  double longest = 0;
  for (const auto& layer : map.layers) {
    names.push_back(layer.name);
    lengths.push_back(static_cast<double>(layer.length));
    longest = std::max(longest, lengths.back());
  }
  html += bar_chart("Bitstream length per layer", names, lengths, " cycles", longest);
  if (result.accuracy) {
    const loop::Accuracy& a = *result.accuracy;
    const auto rate = [](std::size_t c, std::size_t n) {
      return n == 0 ? 0.0 : std::round(1000.0 * c / n) / 10.0;
    };
    std::vector<std::string> models = {"float", "software SC"};
    std::vector<double> rates = {rate(a.float_correct, a.float_images),
                                 rate(a.software_correct, a.software_images)};
    if (a.rtl_problems.empty()) {  // else the RTL's figure would be a partial count
      models.push_back("RTL");
      rates.push_back(rate(a.rtl_correct, a.rtl_images));
    }
    html += bar_chart(fmt::format("Accuracy (float and software SC: {} test images; RTL: {})",
                                  a.float_images, escape(rtl_accuracy_text(a))),
                      models, rates, "%", 100.0);
    html += fmt::format(
        "<p>Exact integer network {}. SC against the integer network: {}; against float: "
        "{}.</p>\n",
        percent(a.integer_correct, a.software_images), drop_text(a.vs_integer, result.alpha),
        drop_text(a.vs_float, result.alpha));
  }
  html +=
      "</div>\n<h2>Steps</h2>\n<table><tr><th>#</th><th>lengths</th><th>measured on</th>"
      "<th>rows</th><th>output error quantile</th><th>exceedance bound</th><th>top-1 flips</th>"
      "<th>action</th></tr>\n";
  for (std::size_t s = 0; s < result.steps.size(); ++s) {
    const loop::Step& step = result.steps[s];
    html += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.4g}</td><td>{:.4f}</td>"
        "<td>{}/{}</td><td>{}</td></tr>\n",
        s + 1, fmt::join(step.lengths, "/"), step.rtl ? "RTL" : "software model", step.rows,
        step.quantile, step.upper_bound, step.flips, step.flip_trials, escape(step.action));
  }
  return html + "</table>\n" + html_reproduction(reproduction_properties(result, provenance)) +
         "</body></html>\n";
}

}  // namespace scprec::report
