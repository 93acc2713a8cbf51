// The registry of simulator backends. Each backend's file defines make_<name>_backend(); adding
// one is its file (in the CMake source list) and its name in the list below.
#include <fmt/format.h>

#include "scprec/core/error.hpp"
#include "scprec/cosim/backend.hpp"

#define SCPREC_SIMULATOR_BACKENDS(X) \
  X(verilator)                       \
  X(icarus)

namespace scprec::cosim {

#define SCPREC_DECLARE_BACKEND(name) std::unique_ptr<SimulatorBackend> make_##name##_backend();
SCPREC_SIMULATOR_BACKENDS(SCPREC_DECLARE_BACKEND)
#undef SCPREC_DECLARE_BACKEND

namespace {

struct BackendEntry {
  const char* name;
  std::unique_ptr<SimulatorBackend> (*make)();
};

const std::vector<BackendEntry>& backends() {
#define SCPREC_BACKEND_ENTRY(name) {#name, make_##name##_backend},
  static const std::vector<BackendEntry> table = {SCPREC_SIMULATOR_BACKENDS(SCPREC_BACKEND_ENTRY)};
#undef SCPREC_BACKEND_ENTRY
  return table;
}

}  // namespace

std::unique_ptr<SimulatorBackend> make_simulator_backend(const std::string& name) {
  for (const BackendEntry& entry : backends()) {
    if (name == entry.name) return entry.make();
  }
  throw_bad_input("", "simulator", fmt::format("no simulator backend '{}'", name),
                  fmt::format("Give one of: {}", fmt::join(simulator_backend_names(), ", ")));
}

std::vector<std::string> simulator_backend_names() {
  std::vector<std::string> names;
  for (const BackendEntry& entry : backends()) names.emplace_back(entry.name);
  return names;
}

}  // namespace scprec::cosim
