// Paths of committed test fixtures and of the bundled example.
#pragma once

#include <string>

namespace scprec::test {

/// tests/fixtures/npz/<name> in the source tree.
inline std::string npz_fixture(const std::string& name) {
  return std::string(SCPREC_SOURCE_DIR) + "/tests/fixtures/npz/" + name;
}

/// examples/fashion_mlp/<name> in the source tree.
inline std::string example_file(const std::string& name) {
  return std::string(SCPREC_SOURCE_DIR) + "/examples/fashion_mlp/" + name;
}

}  // namespace scprec::test
