// The testbench of sim/, embedded in the binary at build time.
#pragma once

#include <vector>

#include "scprec/core/embedded_file.hpp"

namespace scprec::cosim {

/// Every sim/*.h and sim/*.cpp file, by name, in alphabetical order.
const std::vector<EmbeddedFile>& testbench_sources();

}  // namespace scprec::cosim
