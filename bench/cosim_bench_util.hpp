// Shared by the co-simulation benchmarks: running a tool that must succeed, the peak memory of
// finished child processes, and a job folder a simulator can run in.
#pragma once

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "scprec/cosim/process.hpp"
#include "scprec/cosim/trials.hpp"
#include "scprec/io/files.hpp"

namespace scprec::bench {

/// Runs argv in dir; exits the benchmark with the tool's output if it fails.
inline cosim::ProcessResult must(const std::vector<std::string>& argv, const std::string& dir) {
  const auto result = cosim::run_process(argv, {dir, 0.0, "", {}});
  if (!result.succeeded()) {
    std::fprintf(stderr, "failed: %s\n%s\n", argv[0].c_str(), result.output.c_str());
    std::exit(1);
  }
  return result;
}

/// The largest resident set of any finished child process so far (the compilers, Verilator,
/// simulators), in MB.
inline double peak_child_megabytes() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

/// Makes folder `job` ready for a simulator: the first `trials` trials of `set` as
/// stimulus.txt and expected.txt, and the ROM images of `rtl_dir` (read relative to it).
inline void write_job(const std::string& job, const std::string& rtl_dir,
                      const cosim::TrialSet& set, std::size_t trials) {
  namespace fs = std::filesystem;
  fs::create_directories(job);
  io::write_file_atomically(job + "/stimulus.txt", cosim::stimulus_text(set, 0, trials));
  io::write_file_atomically(job + "/expected.txt", cosim::expected_text(set, 0, trials));
  for (const auto& entry : fs::directory_iterator(rtl_dir)) {
    if (entry.path().extension() == ".hex") {
      fs::copy_file(entry.path(), job + "/" + entry.path().filename().string(),
                    fs::copy_options::overwrite_existing);
    }
  }
}

}  // namespace scprec::bench
