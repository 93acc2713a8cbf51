// The hand-written Verilog building blocks of rtl/, embedded in the binary at build time.
#pragma once

#include <vector>

#include "scprec/core/embedded_file.hpp"

namespace scprec::rtl {

/// Every rtl/*.v file, by name, in alphabetical order.
const std::vector<EmbeddedFile>& embedded_library();

}  // namespace scprec::rtl
