// --adjustable and --max-length.
#include "rtl_options.hpp"

#include "cli_parse.hpp"
#include "scprec/assign/assigner.hpp"
#include "scprec/core/error.hpp"
#include "scprec/rtl/generator.hpp"

namespace scprec::cli {

void add_adjustable_options(CLI::App& app, AdjustableOptions& options) {
  app.add_flag("--adjustable", options.adjustable,
               "adjustable-length RTL: each layer's L (a power of two) is set at run time "
               "through the top's <layer>_log2_length ports (docs/rtl-architecture.md)");
  app.add_option("--max-length", options.max_length,
                 "with --adjustable: the largest L, which the counters are sized for (default: "
                 "assign's default --max-length, 1024, or less when the arithmetic or Sobol "
                 "lanes cannot run it; the map's longest length if longer)")
      ->check(check::kCount);
}

std::size_t adjustable_max_length(const AdjustableOptions& options,
                                  const model::PrecisionMap& map) {
  if (!options.adjustable) {
    if (options.max_length != 0) {
      throw_bad_input("", "--max-length", "is only for adjustable-length RTL", "Add --adjustable");
    }
    return 0;
  }
  return options.max_length != 0 ? options.max_length
                                 : rtl::max_length_for(map, assign::AssignConfig{}.max_length);
}

}  // namespace scprec::cli
