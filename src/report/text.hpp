// Text helpers shared by the report writers.
#pragma once

#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

#include "scprec/loop/verify.hpp"
#include "scprec/report/report.hpp"

namespace scprec::report {

/// `text` as XML and HTML character data: &, <, >, " and ' escaped, and every byte sequence
/// that is not valid UTF-8, or is a character XML 1.0 forbids (control characters other than
/// tab, newline and carriage return), replaced by U+FFFD, so that the document stays
/// well-formed whatever an error message quotes.
std::string escape(const std::string& text);

/// "86.85% (1737/2000)".
inline std::string percent(std::size_t correct, std::size_t total) {
  if (total == 0) return "n/a";
  return fmt::format("{:.2f}% ({}/{})", 100.0 * static_cast<double>(correct) / total, correct,
                     total);
}

/// What the RTL's bit-exactness check found: yes, no, or unknown when simulations failed.
inline std::string bit_exact_text(const loop::Judgement& j) {
  if (!j.problems.empty()) {
    return fmt::format("UNKNOWN: {} simulation(s) failed, see below", j.problems.size());
  }
  return j.bit_exact ? "yes: every counter of every trial matched the software model, cycle for "
                       "cycle"
                     : "NO: the RTL differs from the software model: " + j.difference;
}

/// The RTL's accuracy, or why there is none.
inline std::string rtl_accuracy_text(const loop::Accuracy& a) {
  return a.rtl_problems.empty() ? percent(a.rtl_correct, a.rtl_images)
                                : "unavailable: " + a.rtl_problems.front();
}

/// The predictions the layers' measurements are checked against, in the order the reports show
/// them: every analytic bound any layer has (Hoeffding first), then the map's own (its budget).
std::vector<std::string> check_names(const loop::Judgement& j);

/// Layer v's check of each of `names`, or nullptr for a bound that does not model its lanes (the
/// binomial bound on Sobol lanes).
std::vector<const loop::PredictionCheck*> layer_checks(const loop::LayerVerdict& v,
                                                       const std::vector<std::string>& names);

}  // namespace scprec::report
