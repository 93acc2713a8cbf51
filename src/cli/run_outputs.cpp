// A run's output folder before and without its verdict (run_outputs.hpp).
#include "run_outputs.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "scprec/io/files.hpp"

namespace scprec::cli {
namespace {

namespace fs = std::filesystem;

// Whether DIR/junit.xml may be replaced by a run that does not hold DIR: DIR is new or empty,
// or its junit.xml is one scprec wrote.
bool junit_replaceable(const std::string& out) {
  std::error_code ec;
  const std::string target = io::resolve_output_folder(out);
  if (!fs::exists(target, ec) || fs::is_empty(target, ec)) return true;
  const std::string junit = target + "/junit.xml";
  if (!fs::is_regular_file(junit, ec)) return false;
  return io::read_file(junit).find("<testsuites name=\"scprec\"") != std::string::npos;
}

}  // namespace

void supersede_previous(const io::OutputDir& dir, const report::Provenance& provenance) {
  if (!dir.had_previous()) return;
  const std::string note = fmt::format(
      "superseded: a later run of scprec {} (pid {}) started on these outputs and has not "
      "published its own; the files here other than junit.xml are from the run before it",
      provenance.command, ::getpid());
  dir.write_in_place(io::kSupersededNote, note + "\n");
  dir.write_in_place("junit.xml", report::junit_error_xml(note, provenance));
}

void record_run_error(const std::string& out, const io::OutputDir* dir, const std::string& message,
                      const report::Provenance& provenance,
                      const std::vector<io::NamedPath>& inputs) {
  try {
    const std::string junit = report::junit_error_xml(message, provenance);
    if (dir != nullptr) {
      dir->write_in_place("junit.xml", junit);
      return;
    }
    io::refuse_overwriting_inputs(inputs, {{"--out", out + "/junit.xml"}});
    if (junit_replaceable(out)) io::write_unless_locked(out, "junit.xml", junit);
  } catch (const std::exception&) {
    // The folder cannot take it, or must not; the run's own error is reported either way.
  }
}

std::optional<std::string> raw_option(const std::vector<std::string>& args,
                                      const std::string& name) {
  std::optional<std::string> value;
  for (std::size_t k = 0; k < args.size(); ++k) {
    if (args[k] == name && k + 1 < args.size()) value = args[k + 1];
    if (args[k].rfind(name + "=", 0) == 0) value = args[k].substr(name.size() + 1);
  }
  return value;
}

}  // namespace scprec::cli
