// JUnit XML: the format CI systems read. One test case per layer (failing when the output error
// missed its target and the layer is the one furthest over its budget), one for the end-to-end
// target and one for bit-exactness (both errors, not failures, when a simulation failed, since
// they could not be checked); failure messages carry measured against target.
#include <fmt/format.h>

#include "reproduce.hpp"
#include "scprec/report/report.hpp"
#include "text.hpp"

namespace scprec::report {
namespace {

// A test case; `failure` (a check that failed) or `error` (a check that could not run) when
// not empty.
std::string test_case(const std::string& classname, const std::string& name,
                      const std::string& failure, const std::string& output,
                      const std::string& error = "") {
  std::string xml =
      fmt::format("    <testcase classname=\"{}\" name=\"{}\">\n", escape(classname), escape(name));
  if (!failure.empty()) {
    xml += fmt::format("      <failure message=\"{}\">{}</failure>\n", escape(failure),
                       escape(failure));
  }
  if (!error.empty()) {
    xml += fmt::format("      <error message=\"{}\">{}</error>\n", escape(error), escape(error));
  }
  xml += fmt::format("      <system-out>{}</system-out>\n    </testcase>\n", escape(output));
  return xml;
}

// The XML document around `cases`, its suite carrying `properties`.
std::string junit_document(const std::string& cases, std::size_t tests, std::size_t failures,
                           std::size_t errors, const Provenance& provenance,
                           const Properties& properties) {
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"scprec\" tests=\"{tests}\" failures=\"{failures}\" "
      "errors=\"{errors}\">\n"
      "  <testsuite name=\"scprec {command}: {model}\" tests=\"{tests}\" failures=\"{failures}\" "
      "errors=\"{errors}\">\n"
      "{properties}{cases}  </testsuite>\n</testsuites>\n",
      fmt::arg("tests", tests), fmt::arg("failures", failures), fmt::arg("errors", errors),
      fmt::arg("command", escape(provenance.command)),
      fmt::arg("model", escape(provenance.model_path)), fmt::arg("cases", cases),
      fmt::arg("properties", junit_properties(properties)));
}

}  // namespace

std::string junit_error_xml(const std::string& message, const Provenance& provenance) {
  return junit_document(
      test_case("scprec.run", "scprec " + provenance.command + " ran to a verdict", "", "",
                message),
      1, 0, 1, provenance, reproduction_properties(provenance));
}

std::string junit_xml(const loop::VerifyResult& result, const Provenance& provenance) {
  const loop::Judgement& j = result.judgement;
  const loop::EndToEndVerdict& e = j.end_to_end;
  std::string cases;
  std::size_t failures = 0;
  const std::vector<std::string> names = check_names(j);
  for (std::size_t l = 0; l < j.layers.size(); ++l) {
    const loop::LayerVerdict& v = j.layers[l];
    const bool failed = result.map.layers[l].status == model::LayerStatus::kFailed;
    const std::string failure =
        failed ? fmt::format(
                     "the output error misses its target, and layer {} at L={} is the furthest "
                     "over its budget: measured error {:.4g} {} budget {:.4g} (its {:.4g} "
                     "quantile over {} trials)",
                     v.name, v.length, v.measured,
                     v.measured > v.prediction.predicted ? ">" : "<=", v.prediction.predicted,
                     v.level, e.trials)
               : "";
    failures += failed ? 1 : 0;
    cases += test_case("scprec.layers", fmt::format("{} at L={}", v.name, v.length), failure, [&] {
      std::string text = fmt::format("measured {:.4g} (quantile {:.4g});", v.measured, v.level);
      const std::vector<const loop::PredictionCheck*> checks = layer_checks(v, names);
      for (std::size_t c = 0; c < names.size(); ++c) {
        if (checks[c] == nullptr) continue;
        text +=
            fmt::format(" {} {:.4g}: {};", names[c], checks[c]->predicted, checks[c]->describe());
      }
      return text;
    }());
  }
  // With failed simulations the measurement is incomplete: the end-to-end and bit-exactness
  // checks could not run, which is an error, not a failure.
  std::string not_run;
  for (const std::string& problem : j.problems) {
    not_run += (not_run.empty() ? "simulation failed: " : "; ") + problem;
  }
  std::string e2e_failure;
  const bool e2e_failed = not_run.empty() && !e.pass;
  if (e2e_failed && e.upper_bound > e.delta) {
    e2e_failure = fmt::format(
        "output error above {:g} in {} of {} trials: exceedance upper bound {:.4f} > {:g} "
        "(quantile {:.4g})",
        e.target, e.exceedances, e.trials, e.upper_bound, e.delta, e.quantile);
  }
  if (e2e_failed && !e.range.pass()) {
    e2e_failure += (e2e_failure.empty() ? "" : "; ") + range_text(e);
  }
  if (e2e_failed && !e.flips.pass()) {
    e2e_failure += (e2e_failure.empty() ? "" : "; ") + flips_text(e);
  }
  if (e2e_failed && e2e_failure.empty()) e2e_failure = "no trial was measured";
  failures += e2e_failure.empty() ? 0 : 1;
  cases += test_case("scprec.end_to_end",
                     fmt::format("output error <= {:g} at confidence {:g}", e.target, 1 - e.delta),
                     e2e_failure,
                     fmt::format("{} of {} trials above target; upper bound {:.4f} at alpha {:g}; "
                                 "composed prediction {:.4g}: {}; {}; {}",
                                 e.exceedances, e.trials, e.upper_bound, e.alpha,
                                 e.prediction.predicted, e.prediction.describe(), range_text(e),
                                 flips_text(e)),
                     not_run);
  const std::string exact_failure =
      j.bit_exact
          ? ""
          : "the RTL's counters, outputs or timing differ from the software model: " + j.difference;
  failures += j.bit_exact ? 0 : 1;
  const std::size_t errors = not_run.empty() ? 0 : 2;
  cases += test_case("scprec.bit_exact", "RTL equals the software model bit for bit", exact_failure,
                     fmt::format("{} trials on the network top", e.trials), not_run);
  // The verdict itself: whatever the checks above found, a map that is not signed off (too few
  // held-out rows, an infeasible map, a failure on the held-out rows) fails this case, so that
  // JUnit and the exit code always agree.
  const std::string verdict_failure =
      result.signed_off || !not_run.empty() ? "" : "not signed off: " + result.verdict;
  failures += verdict_failure.empty() ? 0 : 1;
  cases += test_case("scprec.signoff", "signed off on held-out rows", verdict_failure,
                     rows_text(result.rows), not_run.empty() ? "" : not_run);
  return junit_document(cases, j.layers.size() + 3, failures, errors + (not_run.empty() ? 0 : 1),
                        provenance, reproduction_properties(result, provenance));
}

}  // namespace scprec::report
