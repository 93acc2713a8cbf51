// Sign-off reports: Markdown, a self-contained HTML page with SVG plots, and JUnit XML.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "scprec/cosim/build.hpp"
#include "scprec/loop/verify.hpp"

namespace scprec::report {

/// Where a result came from, for the reports' headers, and what reproduces it (filled by the
/// CLI; a field left empty is left out of the reports).
struct Provenance {
  std::string command;  ///< "verify", "signoff" or "demo"
  std::string model_path;
  std::string data_path;
  std::vector<std::string> argv{};     ///< the command line as run: "scprec", command, arguments
  std::string working_directory{};     ///< where it ran; argv's relative paths start there
  std::vector<std::string> signoff{};  ///< verify and demo: the argv of a sign-off of their map
  std::string manifest_path{};         ///< --manifest, if given
  std::string map_path{};              ///< signoff: the map it read; verify: DIR/map.json
  std::string model_sha256{};          ///< SHA-256 of the model file's bytes
  std::string network_hash{};          ///< io::network_hash: the network, whatever its format
  std::string manifest_sha256{};       ///< of the manifest file
  std::string data_sha256{};           ///< of the data file
  std::string map_sha256{};            ///< signoff: of the map's bytes as read; verify: as written
  cosim::ToolVersions tools{};         ///< probed once per run (cosim::probe_tool_versions)
  std::string simulator{};             ///< the simulator backend that measured the RTL
  std::string executor{};              ///< where its jobs ran: "local" or "slurm"
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

/// "waves/trial-<row>.fst for rows 3, 17": the failing held-out trials traced (--trace), or "".
std::string waves_text(const loop::VerifyResult& result);

/// Name/value pairs in the order the reports show them.
using Properties = std::vector<std::pair<std::string, std::string>>;

/// What reproduces a run that has a result: scprec's version and compiler, the simulation
/// tools' versions, the command line, the inputs with their SHA-256s, the map's base seed and
/// generator (layer seeds are derived from them), the rows with waves (`waves`), and one-line
/// commands that rerun it
/// (`rerun`: this command again; `rerun.signoff`, for verify and demo: a sign-off of the map
/// written). Every report renders this one list: Markdown and HTML as a table, JUnit as
/// `<properties>`. Empty values are left out.
Properties reproduction_properties(const loop::VerifyResult& result, const Provenance& provenance);

/// The same for a run that stopped without a result: what `provenance` knows.
Properties reproduction_properties(const Provenance& provenance);

/// `argv` as one line that a POSIX shell splits back into exactly `argv`: plain words stay
/// bare, others are single-quoted (a ' inside as '\''); a word holding a control character
/// (a newline in a path) is written $'...' with escapes, which bash, zsh and ksh read but a
/// strictly POSIX sh does not.
std::string shell_command(const std::vector<std::string>& argv);

/// report.md: verdict, targets, per-layer table with the cross-check, accuracy, the loop's
/// steps, and the reproduction properties.
std::string markdown_report(const loop::VerifyResult& result, const Provenance& provenance);

/// report.html: the same, self-contained (inline CSS and SVG): per layer error against length
/// (the plotted bounds' curves, the software model's measurements, the RTL's measurement,
/// the budget), the lengths per layer, accuracy float / software SC / RTL, and the reproduction
/// properties.
std::string html_report(const loop::VerifyResult& result, const Provenance& provenance);

/// junit.xml: one test case per layer, one end to end, one for bit-exactness, and one for the
/// verdict (failing whenever the map is not signed off). Failures carry the measured value and
/// the target; the suite's `<properties>` the reproduction properties.
std::string junit_xml(const loop::VerifyResult& result, const Provenance& provenance);

/// junit.xml for a run that stopped before it had a verdict (a missing tool, a failed build):
/// one test case carrying `message` as an error, so that CI never reads an earlier run's pass;
/// the suite's `<properties>` what `provenance` knows.
std::string junit_error_xml(const std::string& message, const Provenance& provenance);

}  // namespace scprec::report
