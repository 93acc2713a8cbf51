// report.md: the sign-off in a form that reads well in a review tool or a terminal.
#include <fmt/format.h>

#include "reproduce.hpp"
#include "scprec/core/version.hpp"
#include "scprec/report/report.hpp"
#include "text.hpp"

namespace scprec::report {

std::string markdown_report(const loop::VerifyResult& result, const Provenance& provenance) {
  const loop::Judgement& j = result.judgement;
  const loop::EndToEndVerdict& e = j.end_to_end;
  const model::PrecisionMap& map = result.map;
  std::string md = fmt::format(
      "# scprec {command} report\n\n"
      "**{status}: {verdict}**\n\n"
      "| | |\n|---|---|\n"
      "| model | `{model}` (sha256 {hash}) |\n"
      "| data | `{data}`, {trials} calibration trials per measurement; the verdict is measured "
      "on {acceptance} |\n"
      "| target | output error <= {target:g} of full scale ({scale:.4g}) with exceedance <= "
      "{delta:g}, "
      "tested at alpha {alpha:g} |\n"
      "| arithmetic | {bits}-bit {encoding}, {generator} lanes ({width}-bit), seed {seed} |\n"
      "| lengths | {lengths}: {cycles} cycles per input |\n"
      "| bit-exact | {exact} |\n"
      "| scprec | {version} |\n\n",
      fmt::arg("command", provenance.command), fmt::arg("verdict", result.verdict),
      fmt::arg("status", result.signed_off ? "Signed off" : "Not signed off"),
      fmt::arg("model", provenance.model_path), fmt::arg("hash", map.model_hash.substr(0, 16)),
      fmt::arg("data", provenance.data_path), fmt::arg("trials", result.trials),
      fmt::arg("target", e.target), fmt::arg("scale", map.output_full_scale),
      fmt::arg("delta", e.delta), fmt::arg("alpha", e.alpha), fmt::arg("bits", map.quant.bits),
      fmt::arg("encoding", core::to_string(map.quant.encoding)),
      fmt::arg("generator", core::to_string(map.generator)), fmt::arg("width", map.generator_width),
      fmt::arg("seed", map.seed), fmt::arg("cycles", map.total_cycles()),
      fmt::arg("lengths",
               [&] {
                 std::string text;
                 for (const auto& layer : map.layers) {
                   text +=
                       fmt::format("{}{}={}", text.empty() ? "" : ", ", layer.name, layer.length);
                 }
                 return text;
               }()),
      fmt::arg("exact", bit_exact_text(j)), fmt::arg("acceptance", result.acceptance_trials),
      fmt::arg("version", kVersion));
  if (!j.problems.empty()) {
    md += "## Simulation failures\n\n";
    for (const std::string& problem : j.problems) md += "- " + problem + "\n";
    md += "\n";
  }
  md += fmt::format(
      "## End to end (RTL network)\n\n"
      "{} of {} trials above the target (rate {:.3f}); Clopper-Pearson upper bound {:.4f} "
      "against the allowed {:g}: **{}**. Measured output-error quantile at {:g}: {:.4g}.\n\n",
      e.exceedances, e.trials, e.rate, e.upper_bound, e.delta, e.pass ? "pass" : "fail",
      1 - e.delta, e.quantile);
  md += fmt::format(
      "## Layers: predicted against measured\n\n"
      "Errors are fractions of each layer's full scale, at the quantile level {:.4f} the map "
      "predicts at; measured on the RTL network. Each prediction is checked against the "
      "measurement: the map's own (the layer's budget) and the {} bound at the layer's length.\n\n"
      "| layer | L | predicted | measured | exceedance (allowed) | cross-check | {} bound | "
      "cross-check | status |\n"
      "|---|---|---|---|---|---|---|---|---|\n",
      j.layers.empty() ? 0.0 : j.layers.front().level, result.bound_name, result.bound_name);
  const auto shown = [](const loop::PredictionCheck& p) {
    return p.check == loop::CrossCheck::kViolated ? "**" + p.describe() + "**" : p.describe();
  };
  for (std::size_t l = 0; l < j.layers.size(); ++l) {
    const loop::LayerVerdict& v = j.layers[l];
    md += fmt::format("| {} | {} | {:.4g} | {:.4g} | {:.3f} ({:.4f}) | {} | {:.4g} | {} | {} |\n",
                      v.name, v.length, v.prediction.predicted, v.measured,
                      v.prediction.exceedance_rate, v.allowed_rate, shown(v.prediction),
                      v.bound.predicted, shown(v.bound), model::to_string(map.layers[l].status));
  }
  if (result.accuracy) {
    const loop::Accuracy& a = *result.accuracy;
    md += fmt::format(
        "\n## Accuracy\n\n| model | accuracy |\n|---|---|\n| float | {} |\n"
        "| software SC (bit-exact model), whole test split | {} |\n| RTL network | {} |\n",
        percent(a.float_correct, a.float_images), percent(a.software_correct, a.software_images),
        rtl_accuracy_text(a));
  }
  md +=
      "\n## Steps\n\n| # | lengths | measured on | output error quantile | exceedance bound | "
      "action |\n|---|---|---|---|---|---|\n";
  for (std::size_t s = 0; s < result.steps.size(); ++s) {
    const loop::Step& step = result.steps[s];
    md += fmt::format("| {} | {} | {} | {:.4g} | {:.4f} | {} |\n", s + 1,
                      fmt::join(step.lengths, "/"), step.rtl ? "RTL" : "software model",
                      step.quantile, step.upper_bound, step.action);
  }
  return md + markdown_reproduction(reproduction_properties(result, provenance));
}

}  // namespace scprec::report
