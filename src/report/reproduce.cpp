// What reproduces a verdict, as one list of name/value pairs that every report renders
// (reproduction_properties), and the three renderings.
//
// The rerun commands start with `cd` into the working directory of the run, since the paths
// in a command line are often relative. Shell quoting: a word of only [A-Za-z0-9_@%+=:,./-]
// (not starting with '=', which zsh expands) stays bare; a word without control characters is
// single-quoted, the POSIX form in which only ' needs care ('\'' closes, escapes and reopens);
// a word with control characters uses $'...' (bash, zsh, ksh) so that the command stays on one
// line.
#include "reproduce.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "scprec/core/version.hpp"
#include "text.hpp"

namespace scprec::report {
namespace {

bool bare_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
}

bool control_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7F;
}

std::string shell_word(const std::string& word) {
  if (!word.empty() && word.front() != '=' && std::all_of(word.begin(), word.end(), bare_char)) {
    return word;
  }
  if (std::none_of(word.begin(), word.end(), control_char)) {
    std::string quoted = "'";
    for (const char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
  }
  std::string quoted = "$'";
  for (const char c : word) {
    switch (c) {
      case '\\':
        quoted += "\\\\";
        break;
      case '\'':
        quoted += "\\'";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\t':
        quoted += "\\t";
        break;
      case '\r':
        quoted += "\\r";
        break;
      default:
        quoted += control_char(c) ? fmt::format("\\x{:02x}", static_cast<unsigned char>(c))
                                  : std::string(1, c);
    }
  }
  return quoted + "'";
}

// `argv` run from `directory` (when known), as one line.
std::string rerun_line(const std::string& directory, const std::vector<std::string>& argv) {
  if (argv.empty()) return "";
  const std::string command = shell_command(argv);
  return directory.empty() ? command : "cd " + shell_word(directory) + " && " + command;
}

void add(Properties& properties, const std::string& name, const std::string& value) {
  if (!value.empty()) properties.emplace_back(name, value);
}

// Versions, the command line and the inputs with their hashes.
Properties run_properties(const Provenance& p) {
  Properties properties;
  add(properties, "scprec.version", kVersion);
  add(properties, "scprec.compiler", kCompiler);
  add(properties, "simulator", p.simulator);
  add(properties, "executor", p.executor);
  if (p.simulator == "icarus") {
    add(properties, "icarus.version", p.tools.icarus);
  } else {
    add(properties, "verilator.version", p.tools.verilator);
    add(properties, "systemc.version", p.tools.systemc);
    add(properties, "simulation.compiler", p.tools.compiler);
  }
  add(properties, "command_line", p.argv.empty() ? "" : shell_command(p.argv));
  add(properties, "working_directory", p.working_directory);
  add(properties, "model.path", p.model_path);
  add(properties, "model.sha256", p.model_sha256);
  add(properties, "model.network_hash", p.network_hash);
  add(properties, "manifest.path", p.manifest_path);
  add(properties, "manifest.sha256", p.manifest_sha256);
  add(properties, "data.path", p.data_path);
  add(properties, "data.sha256", p.data_sha256);
  add(properties, "map.path", p.map_path);
  add(properties, "map.sha256", p.map_sha256);
  return properties;
}

void add_reruns(Properties& properties, const Provenance& p) {
  add(properties, "rerun", rerun_line(p.working_directory, p.argv));
  add(properties, "rerun.signoff", rerun_line(p.working_directory, p.signoff));
}

// `value` as a Markdown code span inside a table cell: a fence longer than any run of
// backticks in it, pipes escaped (GFM splits cells on them even in code spans), line breaks
// shown as \n.
std::string markdown_code(const std::string& value) {
  std::size_t longest = 0;
  std::size_t run = 0;
  std::string text;
  for (const char c : value) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
    text += c == '|' ? std::string("\\|") : c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = !text.empty() && (text.front() == '`' || text.back() == '`');
  return fence + (pad ? " " : "") + text + (pad ? " " : "") + fence;
}

// `text` as an XML attribute value: escape(), and tab, newline and carriage return as
// character references, which attribute-value normalisation would otherwise turn into spaces.
std::string attribute(const std::string& text) {
  std::string out;
  for (const char c : escape(text)) {
    out += c == '\t'   ? std::string("&#9;")
           : c == '\n' ? std::string("&#10;")
           : c == '\r' ? std::string("&#13;")
                       : std::string(1, c);
  }
  return out;
}

}  // namespace

std::string shell_command(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& word : argv) line += (line.empty() ? "" : " ") + shell_word(word);
  return line;
}

std::string waves_text(const loop::VerifyResult& result) {
  if (result.waves.empty()) return "";
  std::vector<std::size_t> rows;
  for (const loop::Wave& wave : result.waves) rows.push_back(wave.row);
  return fmt::format("waves/trial-<row>.fst for rows {}", fmt::join(rows, ", "));
}

Properties reproduction_properties(const Provenance& provenance) {
  Properties properties = run_properties(provenance);
  add_reruns(properties, provenance);
  return properties;
}

Properties reproduction_properties(const loop::VerifyResult& result, const Provenance& provenance) {
  Properties properties = run_properties(provenance);
  add(properties, "map.seed", std::to_string(result.map.seed));
  add(properties, "map.generator",
      fmt::format("{} ({}-bit)", result.map.generators_text(), result.map.generator_width));
  const loop::RowUse& rows = result.rows;
  add(properties, "data.calibration_sha256", rows.data_hash);
  add(properties, "rows.calibration", rows.calibration.text());
  add(properties, "rows.tuning", rows.tuning.text());
  add(properties, "rows.held_out", rows.signoff.text());
  add(properties, "rtl.measured", result.rtl);
  add(properties, "rows.held_out_attempt",
      rows.signoff.empty() ? "" : fmt::format("{} (alpha {:g})", rows.attempt, rows.alpha));
  add(properties, "trials", std::to_string(result.trials));
  add(properties, "waves", waves_text(result));
  add_reruns(properties, provenance);
  return properties;
}

std::string markdown_reproduction(const Properties& properties) {
  if (properties.empty()) return "";
  std::string md = "\n## Reproduce\n\n| | |\n|---|---|\n";
  for (const auto& [name, value] : properties) {
    md += fmt::format("| {} | {} |\n", name, markdown_code(value));
  }
  return md;
}

std::string html_reproduction(const Properties& properties) {
  if (properties.empty()) return "";
  std::string html = "<h2>Reproduce</h2>\n<table>\n";
  for (const auto& [name, value] : properties) {
    html +=
        fmt::format("<tr><th>{}</th><td><code>{}</code></td></tr>\n", escape(name), escape(value));
  }
  return html + "</table>\n";
}

std::string junit_properties(const Properties& properties) {
  if (properties.empty()) return "";
  std::string xml = "    <properties>\n";
  for (const auto& [name, value] : properties) {
    xml += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", attribute(name),
                       attribute(value));
  }
  return xml + "    </properties>\n";
}

}  // namespace scprec::report
