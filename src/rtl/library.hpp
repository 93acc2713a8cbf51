// The hand-written Verilog building blocks of rtl/, embedded in the binary at build time.
#pragma once

#include <string>
#include <vector>

namespace scprec::rtl {

struct EmbeddedFile {
  const char* name;
  const char* content;
};

/// Every rtl/*.v file, by name, in alphabetical order.
const std::vector<EmbeddedFile>& embedded_library();

}  // namespace scprec::rtl
