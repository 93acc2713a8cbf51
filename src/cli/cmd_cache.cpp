// `scprec cache info|clean`: what the simulator build cache holds, and removing what nobody uses.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <ostream>

#include "cli_parse.hpp"
#include "commands.hpp"
#include "scprec/cosim/build.hpp"
#include "scprec/cosim/cache.hpp"
#include "stream_logger.hpp"

namespace scprec::cli {
namespace {

std::string megabytes(std::uintmax_t bytes) {
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
}

void print_info(const std::string& cache, std::ostream& out) {
  const std::vector<cosim::CacheEntry> entries = cosim::inspect_cache(cache);
  std::size_t counts[3] = {0, 0, 0};
  std::uintmax_t bytes = 0;
  for (const cosim::CacheEntry& entry : entries) {
    ++counts[static_cast<int>(entry.kind)];
    bytes += entry.bytes;
  }
  out << fmt::format("cache: {}\n{} simulators, {} runtimes, {} temporaries, {} in all\n", cache,
                     counts[0], counts[1], counts[2], megabytes(bytes));
  for (const cosim::CacheEntry& entry : entries) {
    out << fmt::format("  {:<11} {:>10}  {:<9}  {}{}\n", to_string(entry.state),
                       megabytes(entry.bytes), to_string(entry.kind), entry.path,
                       entry.problem.empty() ? "" : ": " + entry.problem);
  }
}

}  // namespace

int run_cache(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string cache = cosim::default_cache_dir();
  bool stale_only = false;
  bool quiet = false;
  CLI::App app("Shows or cleans the simulator build cache.", "cache");
  app.require_subcommand(1);
  CLI::App* info = app.add_subcommand(
      "info", "list the entries: simulators, runtimes, temporaries, each verified or not");
  CLI::App* clean = app.add_subcommand(
      "clean",
      "remove every entry no run is using (with --stale: only corrupt and abandoned ones)");
  for (CLI::App* command : {info, clean}) {
    command->add_option("--cache", cache, "build cache (default $SCPREC_CACHE or ~/.cache/scprec)")
        ->capture_default_str();
  }
  clean->add_flag("--stale", stale_only, "only corrupt entries and abandoned temporaries");
  clean->add_flag("-q,--quiet", quiet, "no progress output");
  if (const auto code = parse_args(app, args, out, err)) return *code;

  if (info->parsed()) {
    print_info(cache, out);
    return kExitOk;
  }
  StreamLogger logger(err, quiet ? LogLevel::kWarning : LogLevel::kInfo);
  const std::vector<cosim::CacheEntry> removed = cosim::clean_cache(
      cache, stale_only ? cosim::CleanScope::kStale : cosim::CleanScope::kAll, logger);
  std::uintmax_t bytes = 0;
  for (const cosim::CacheEntry& entry : removed) bytes += entry.bytes;
  out << fmt::format("removed {} entries ({}) from {}\n", removed.size(), megabytes(bytes), cache);
  return kExitOk;
}

}  // namespace scprec::cli
