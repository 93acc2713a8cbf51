// Runs a CLI11 parser over a command's arguments, with help and usage errors on our streams.
#pragma once

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "scprec/core/error.hpp"

namespace scprec::cli {

/// The items of a comma-separated list, empty ones included ("a,,b" gives "a", "", "b").
inline std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::size_t begin = 0;
  while (true) {
    const std::size_t comma = std::min(text.find(',', begin), text.size());
    items.push_back(text.substr(begin, comma - begin));
    if (comma == text.size()) return items;
    begin = comma + 1;
  }
}

/// The lengths of a comma-separated list (--lengths); throws Error (kBadInput) naming --lengths
/// for an item that is not a whole number. Whether each is a usable length is the caller's check.
inline std::vector<std::size_t> parse_lengths(const std::string& text) {
  std::vector<std::size_t> lengths;
  for (const std::string& item : split_list(text)) {
    try {
      std::size_t used = 0;
      // stoul reads "-64" as 2^64 - 64; a length is digits only.
      if (item.empty() || !std::isdigit(static_cast<unsigned char>(item[0]))) {
        throw std::invalid_argument(item);
      }
      lengths.push_back(std::stoul(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw_bad_input("--lengths", "", "'" + item + "' is not a length",
                      "Give comma-separated powers of two, e.g. 32,64,128");
    }
  }
  return lengths;
}

/// Validators for numeric options, checked on the text before CLI11 converts it (CLI11 reads
/// "-1" into an unsigned option as 2^64 - 1, and its range messages print the largest double
/// in full).
namespace check {

namespace detail {
inline bool as_double(const std::string& text, double& value) {
  return CLI::detail::lexical_cast(text, value) && std::isfinite(value);
}
}  // namespace detail

/// A whole number >= 0, in decimal digits, at most 2^64 - 1.
inline const CLI::Validator kCount(
    [](std::string& text) {
      const std::string problem = "must be a whole number from 0 to 2^64 - 1, not '" + text + "'";
      if (text.empty() || text.size() > 20) return problem;
      for (char c : text) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return problem;
      }
      // 20 digits may still pass 2^64 - 1 = 18446744073709551615.
      return text.size() == 20 && text > "18446744073709551615" ? problem : std::string();
    },
    "COUNT");

/// A whole number from `low` to `high`.
inline CLI::Validator range(long low, long high) {
  return CLI::Validator(
      [low, high](std::string& text) {
        const std::string problem =
            fmt::format("must be a whole number from {} to {}, not '{}'", low, high, text);
        if (text.empty() || text.size() > 9) return problem;
        for (char c : text) {
          if (!std::isdigit(static_cast<unsigned char>(c))) return problem;
        }
        const long value = std::stol(text);
        return value < low || value > high ? problem : std::string();
      },
      fmt::format("{}-{}", low, high));
}

/// A finite number > 0.
inline const CLI::Validator kPositive(
    [](std::string& text) {
      double value = 0.0;
      return detail::as_double(text, value) && value > 0.0
                 ? std::string()
                 : "must be a positive finite number, not '" + text + "'";
    },
    "POSITIVE");

/// A number strictly between 0 and 1.
inline const CLI::Validator kFraction(
    [](std::string& text) {
      double value = 0.0;
      return detail::as_double(text, value) && value > 0.0 && value < 1.0
                 ? std::string()
                 : "must be a number strictly between 0 and 1, not '" + text + "'";
    },
    "FRACTION");

/// A number in (0, 1]: a quantile level, where 1 is the maximum.
inline const CLI::Validator kQuantile(
    [](std::string& text) {
      double value = 0.0;
      return detail::as_double(text, value) && value > 0.0 && value <= 1.0
                 ? std::string()
                 : "must be a number in (0, 1], not '" + text + "'";
    },
    "QUANTILE");

/// Quantile levels in (0, 1], comma-separated, each once.
inline const CLI::Validator kQuantileList(
    [](std::string& text) {
      std::vector<double> seen;
      for (const std::string& item : split_list(text)) {
        double value = 0.0;
        if (!detail::as_double(item, value) || !(value > 0.0 && value <= 1.0)) {
          return "must be numbers in (0, 1], comma-separated, not '" + text + "'";
        }
        if (std::find(seen.begin(), seen.end(), value) != seen.end()) {
          return "lists " + item + " twice; list each quantile once";
        }
        seen.push_back(value);
      }
      return std::string();
    },
    "QUANTILES");

/// 0 (meaning "none") or a number strictly between 0 and 1.
inline const CLI::Validator kFractionOrZero(
    [](std::string& text) {
      double value = 0.0;
      return detail::as_double(text, value) && value >= 0.0 && value < 1.0
                 ? std::string()
                 : "must be 0 or a number strictly between 0 and 1, not '" + text + "'";
    },
    "FRACTION");

}  // namespace check

/// Parses `args` with `app`. Returns an exit code to return at once (0 after --help, 2 after a
/// usage error, both printed, the error also in `*problem` when given), or nothing when the
/// command should go on.
inline std::optional<int> parse_args(CLI::App& app, const std::vector<std::string>& args,
                                     std::ostream& out, std::ostream& err,
                                     std::string* problem = nullptr) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 wants them reversed
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    if (problem != nullptr) *problem = e.what();
    err << "scprec " << app.get_name() << ": error: " << e.what() << "\n"
        << "Run 'scprec " << app.get_name() << " --help' for the options.\n";
    return 2;
  }
  return std::nullopt;
}

}  // namespace scprec::cli
