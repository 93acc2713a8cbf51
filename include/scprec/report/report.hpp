// Sign-off reports: Markdown, a self-contained HTML page with SVG plots, and JUnit XML.
#pragma once

#include <string>

#include "scprec/loop/verify.hpp"

namespace scprec::report {

/// Where a result came from, for the reports' headers.
struct Provenance {
  std::string command;  ///< "verify" or "signoff"
  std::string model_path;
  std::string data_path;
};

/// The rows behind the verdict: "calibration rows 0-693, tuning rows 694-846, held-out rows
/// 847-999 of 1000 (attempt 1 on them, alpha 0.05)", with the provenance's note or problem.
std::string rows_text(const loop::RowUse& rows);

/// "top-1 differs from the exact integer network's on 3 of 153 trials (1.96%, 90% interval
/// 0.54-5.0%); allowed 5%: pass".
std::string flips_text(const loop::EndToEndVerdict& e);

/// "output error over the input's own logit range: quantile 0.21 at 0.95; 4 of 153 trials above
/// 0.25, bound 0.058 (allowed 0.05): fail" (the target part only when one is set).
std::string range_text(const loop::EndToEndVerdict& e);

/// "-0.85 points (95% interval -1.6 to -0.1)": SC's accuracy minus the reference's.
std::string drop_text(const loop::AccuracyDrop& d, double alpha);

/// The population the guarantee covers.
std::string population_text(const loop::VerifyResult& result);

/// report.md: verdict, targets, per-layer table with the cross-check, accuracy, the loop's
/// steps.
std::string markdown_report(const loop::VerifyResult& result, const Provenance& provenance);

/// report.html: the same, self-contained (inline CSS and SVG): per layer error against length
/// (the plotted bounds' curves, the software model's measurements, the RTL's measurement, the budget),
/// the lengths per layer, and accuracy float / software SC / RTL.
std::string html_report(const loop::VerifyResult& result, const Provenance& provenance);

/// junit.xml: one test case per layer, one end to end, one for bit-exactness, and one for the
/// verdict (failing whenever the map is not signed off). Failures carry the measured value and
/// the target.
std::string junit_xml(const loop::VerifyResult& result, const Provenance& provenance);

/// junit.xml for a run that stopped before it had a verdict (a missing tool, a failed build):
/// one test case carrying `message` as an error, so that CI never reads an earlier run's pass.
std::string junit_error_xml(const std::string& message, const Provenance& provenance);

}  // namespace scprec::report
