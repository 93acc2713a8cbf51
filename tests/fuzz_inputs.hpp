// The committed fuzz inputs, which the readers' unit tests replay on every run.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace scprec::test {

/// Every file in fuzz/corpus/<target>/ and fuzz/regressions/<target>/ of the source tree, sorted:
/// the seed inputs and the inputs that once made a reader fail.
inline std::vector<std::string> fuzz_inputs(const std::string& target) {
  std::vector<std::string> files;
  for (const char* kind : {"corpus", "regressions"}) {
    const std::filesystem::path dir =
        std::filesystem::path(SCPREC_SOURCE_DIR) / "fuzz" / kind / target;
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.is_regular_file()) files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace scprec::test
