// Shared by the benchmarks: the bundled example loaded and quantized, timing, medians.
#pragma once

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "scprec/io/model_io.hpp"
#include "scprec/model/quantize.hpp"

namespace scprec::bench {

struct Example {
  model::Network network;
  io::Dataset calibration;
  io::Dataset test;
  model::QuantizedNetwork quantized;
};

/// The example in `dir` (examples/fashion_mlp by default; its manifest.json too, if it has
/// one), quantized with default settings.
inline Example load_example(const std::string& dir) {
  const std::string manifest = dir + "/manifest.json";
  model::Network network =
      io::read_model(dir + "/model.npz", std::filesystem::exists(manifest) ? manifest : "");
  io::Dataset calibration = io::read_dataset(dir + "/data.npz", io::Split::kCalibration, network);
  io::Dataset test = io::read_dataset(dir + "/data.npz", io::Split::kTest, network);
  model::QuantizedNetwork quantized = model::quantize(network, calibration.x, {});
  return {std::move(network), std::move(calibration), std::move(test), std::move(quantized)};
}

/// The example directory: argv[1] if given.
inline std::string example_dir(int argc, char** argv) {
  return argc > 1 ? argv[1] : "examples/fashion_mlp";
}

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

inline double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace scprec::bench
