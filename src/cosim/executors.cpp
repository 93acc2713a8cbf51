// The registry of executors. Each executor's file defines make_<name>_executor(); adding one is
// its file (in the CMake source list) and its name in the list below.
#include <fmt/format.h>

#include "scprec/core/error.hpp"
#include "scprec/cosim/executor.hpp"

#define SCPREC_EXECUTORS(X) \
  X(local)                  \
  X(slurm)

namespace scprec::cosim {

#define SCPREC_DECLARE_EXECUTOR(name) \
  std::unique_ptr<Executor> make_##name##_executor(const ExecutorOptions& options);
SCPREC_EXECUTORS(SCPREC_DECLARE_EXECUTOR)
#undef SCPREC_DECLARE_EXECUTOR

namespace {

struct ExecutorEntry {
  const char* name;
  std::unique_ptr<Executor> (*make)(const ExecutorOptions&);
};

const std::vector<ExecutorEntry>& executors() {
#define SCPREC_EXECUTOR_ENTRY(name) {#name, make_##name##_executor},
  static const std::vector<ExecutorEntry> table = {SCPREC_EXECUTORS(SCPREC_EXECUTOR_ENTRY)};
#undef SCPREC_EXECUTOR_ENTRY
  return table;
}

}  // namespace

std::unique_ptr<Executor> make_executor(const std::string& name, const ExecutorOptions& options) {
  for (const ExecutorEntry& entry : executors()) {
    if (name == entry.name) return entry.make(options);
  }
  throw_bad_input("", "executor", fmt::format("no executor '{}'", name),
                  fmt::format("Give one of: {}", fmt::join(executor_names(), ", ")));
}

std::vector<std::string> executor_names() {
  std::vector<std::string> names;
  for (const ExecutorEntry& entry : executors()) names.emplace_back(entry.name);
  return names;
}

}  // namespace scprec::cosim
