// The reproduction section as each report writer renders it (reproduce.cpp).
#pragma once

#include <string>

#include "scprec/report/report.hpp"

namespace scprec::report {

/// "## Reproduce" and a two-column table, each value in a code span; "" for no properties.
std::string markdown_reproduction(const Properties& properties);

/// "<h2>Reproduce</h2>" and a table, escaped; "" for no properties.
std::string html_reproduction(const Properties& properties);

/// JUnit's `<properties>` element for a `<testsuite>`, indented for it, attribute values
/// escaped (tabs and newlines as character references, so XML readers keep them); "" for no
/// properties.
std::string junit_properties(const Properties& properties);

}  // namespace scprec::report
