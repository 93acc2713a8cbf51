// Text helpers shared by the report writers.
#pragma once

#include <fmt/format.h>

#include <string>

namespace scprec::report {

/// Escapes &, <, >, " and ' for XML and HTML.
inline std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// "86.85% (1737/2000)".
inline std::string percent(std::size_t correct, std::size_t total) {
  if (total == 0) return "n/a";
  return fmt::format("{:.2f}% ({}/{})", 100.0 * static_cast<double>(correct) / total, correct,
                     total);
}

}  // namespace scprec::report
