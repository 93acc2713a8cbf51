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
  const auto shown = [](const loop::PredictionCheck& p) {
    return p.check == loop::CrossCheck::kViolated ? "**" + p.describe() + "**" : p.describe();
  };
  std::string md = fmt::format(
      "# scprec {command} report\n\n"
      "**{status}: {verdict}**\n\n"
      "| | |\n|---|---|\n"
      "| model | `{model}` (network hash {hash}) |\n"
      "| data | `{data}` (calibration inputs hash {data_hash}), {trials} trials per measurement |\n"
      "| rows | {rows} |\n"
      "| target | output error <= {target:g} of full scale ({scale:.4g}) with exceedance <= "
      "{delta:g}{flip_target}, tested at alpha {alpha:g} |\n"
      "| arithmetic | {arithmetic}, {generator} lanes ({width}-bit), seed {seed} |\n"
      "| lengths | {lengths}: {cycles} cycles per input |\n"
      "| measured on | {rtl} |\n"
      "| bit-exact | {exact} |\n"
      "| scprec | {version} |\n\n",
      fmt::arg("command", provenance.command), fmt::arg("verdict", result.verdict),
      fmt::arg("status", result.signed_off ? "Signed off" : "Not signed off"),
      fmt::arg("model", provenance.model_path), fmt::arg("hash", map.model_hash.substr(0, 16)),
      fmt::arg("data", provenance.data_path), fmt::arg("trials", result.trials),
      fmt::arg("target", e.target), fmt::arg("scale", map.output_full_scale),
      fmt::arg("delta", e.delta), fmt::arg("alpha", e.alpha),
      fmt::arg("arithmetic", map.arithmetic_text()), fmt::arg("generator", map.generators_text()),
      fmt::arg("width", map.generator_width), fmt::arg("seed", map.seed),
      fmt::arg("cycles", map.total_cycles()),
      fmt::arg("lengths",
               [&] {
                 std::string text;
                 for (const auto& layer : map.layers) {
                   text +=
                       fmt::format("{}{}={}", text.empty() ? "" : ", ", layer.name, layer.length);
                 }
                 return text;
               }()),
      fmt::arg("rtl", result.rtl), fmt::arg("exact", bit_exact_text(j)),
      fmt::arg("rows", rows_text(result.rows)),
      fmt::arg("data_hash", result.rows.data_hash.substr(0, 16)),
      fmt::arg("flip_target",
               e.flips.limit ? fmt::format(", top-1 flip rate <= {:g}", *e.flips.limit) : ""),
      fmt::arg("version", kVersion));
  if (!j.problems.empty()) {
    md += "## Simulation failures\n\n";
    for (const std::string& problem : j.problems) md += "- " + problem + "\n";
    md += "\n";
  }
  md += population_text(result) + "\n\n";
  md += fmt::format(
      "## End to end (RTL network)\n\n"
      "{} of {} trials above the target (rate {:.3f}); Clopper-Pearson upper bound {:.4f} "
      "against the allowed {:g}: **{}**. Measured output-error quantile at {:g}: {:.4g}; the "
      "map's composed prediction {:.4g}: {}.\n\nPer input: {}.\n\nAgreement: {}.\n\n",
      e.exceedances, e.trials, e.rate, e.upper_bound, e.delta, e.pass ? "pass" : "fail",
      1 - e.delta, e.quantile, e.prediction.predicted, shown(e.prediction), range_text(e), flips_text(e));
  if (!result.failing_rows.empty()) {
    md += fmt::format(
        "Failing trials (output error above the target{}{}, or not bit-exact): rows {}. {}\n\n",
        e.flips.limit ? ", top-1 flipped" : "", e.range.limit ? ", above the range target" : "",
        fmt::join(result.failing_rows, ", "),
        result.waves.empty()
            ? "`scprec signoff --rerun-failing --trace` reruns them with FST waves."
            : "Waves: " + waves_text(result) + ".");
  }
  md += fmt::format(
      "## Layers: every prediction against the measurement\n\n"
      "Errors are fractions of each layer's full scale at the quantile level {:.4f} the "
      "predictions are made at, measured on the RTL network. Each prediction claims that at most "
      "a fraction {:.4f} of trials exceed it; one-sided tests at alpha {:g} on the exceedance "
      "rate say it holds (upper bound within), is violated (lower bound above), or that the "
      "trials cannot tell (inconclusive).\n\n",
      j.layers.empty() ? 0.0 : j.layers.front().level,
      j.layers.empty() ? 0.0 : j.layers.front().allowed_rate, e.alpha);
  const std::vector<std::string> names = check_names(j);
  if (!j.layers.empty()) {
    md += "| layer | L | measured |";
    std::string rule = "|---|---|---|";
    for (const std::string& name : names) {
      md += " " + name + " |";
      rule += "---|";
    }
    md += " status |\n" + rule + "---|\n";
  }
  for (std::size_t l = 0; l < j.layers.size(); ++l) {
    const loop::LayerVerdict& v = j.layers[l];
    md += fmt::format("| {} | {} | {:.4g} |", v.name, v.length, v.measured);
    for (const loop::PredictionCheck* check : layer_checks(v, names)) {
      md += check != nullptr ? fmt::format(" {:.4g}: {} |", check->predicted, shown(*check))
                             : std::string(" does not model these lanes |");
    }
    md += " " + model::to_string(map.layers[l].status) + " |\n";
  }
  if (result.accuracy) {
    const loop::Accuracy& a = *result.accuracy;
    md += fmt::format(
        "\n## Accuracy\n\n| model | accuracy | SC's change |\n|---|---|---|\n"
        "| float | {} | {} |\n| exact integer | {} | {} |\n"
        "| software SC (bit-exact model), whole test split | {} | |\n| RTL network | {} | |\n",
        percent(a.float_correct, a.float_images), drop_text(a.vs_float, result.alpha),
        percent(a.integer_correct, a.software_images), drop_text(a.vs_integer, result.alpha),
        percent(a.software_correct, a.software_images), rtl_accuracy_text(a));
  }
  md +=
      "\n## Steps\n\n| # | lengths | measured on | rows | output error quantile | exceedance "
      "bound | top-1 flips | action |\n|---|---|---|---|---|---|---|---|\n";
  for (std::size_t s = 0; s < result.steps.size(); ++s) {
    const loop::Step& step = result.steps[s];
    md += fmt::format("| {} | {} | {} | {} | {:.4g} | {:.4f} | {}/{} | {} |\n", s + 1,
                      fmt::join(step.lengths, "/"), step.rtl ? "RTL" : "software model", step.rows,
                      step.quantile, step.upper_bound, step.flips, step.flip_trials, step.action);
  }
  return md + markdown_reproduction(reproduction_properties(result, provenance));
}

}  // namespace scprec::report
