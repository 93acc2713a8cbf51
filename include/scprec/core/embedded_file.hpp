// A file compiled into the binary (the hand-written Verilog of rtl/, the testbench of sim/).
#pragma once

#include <vector>

namespace scprec {

struct EmbeddedFile {
  const char* name;     ///< file name, without directory
  const char* content;  ///< the whole text
};

}  // namespace scprec
