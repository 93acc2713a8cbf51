// What a verify or signoff run leaves in its output folder before its verdict, and when it
// stops without one: the previous verdict marked superseded, and the error that stopped it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scprec/io/output_dir.hpp"
#include "scprec/report/report.hpp"

namespace scprec::cli {

/// Marks the previous verdict in `dir` superseded, if it holds one: DIR/junit.xml becomes an
/// error saying so and DIR/SUPERSEDED explains. Called first, under the folder's lock.
void supersede_previous(const io::OutputDir& dir, const report::Provenance& provenance);

/// Records `message`, the error that stopped a run, in DIR/junit.xml, so that CI never reads an
/// earlier pass: through `dir` when the run holds it, otherwise only where nothing is lost or
/// clobbered (DIR is new or empty, or its junit.xml is scprec's; not while another run holds
/// DIR's lock; never over an input). Best effort: it never throws, the run's error is the one
/// to report.
void record_run_error(const std::string& out, const io::OutputDir* dir, const std::string& message,
                      const report::Provenance& provenance,
                      const std::vector<io::NamedPath>& inputs);

/// The value of option `name` in raw command-line arguments ("--out DIR" or "--out=DIR"), for a
/// run whose arguments did not parse.
std::optional<std::string> raw_option(const std::vector<std::string>& args,
                                      const std::string& name);

}  // namespace scprec::cli
