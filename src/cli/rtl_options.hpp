// The options of the commands that generate RTL for a map (rtl, simulate): fixed-length RTL at
// the map's lengths, or adjustable-length RTL with a largest length.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>

#include "scprec/model/precision_map.hpp"

namespace scprec::cli {

struct AdjustableOptions {
  bool adjustable = false;
  std::size_t max_length = 0;  ///< 0: the default (adjustable_max_length)
};

/// Adds --adjustable and --max-length.
void add_adjustable_options(CLI::App& app, AdjustableOptions& options);

/// rtl::RtlConfig::adjustable_max_length for `map`: 0 without --adjustable; else --max-length,
/// or by default rtl::max_length_for(map, assign's default --max-length). Throws Error
/// (kBadInput) for --max-length without --adjustable.
std::size_t adjustable_max_length(const AdjustableOptions& options,
                                  const model::PrecisionMap& map);

}  // namespace scprec::cli
