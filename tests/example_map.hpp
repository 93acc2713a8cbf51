// A precision map of the bundled example for sign-off tests, with every layer at one length.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "fixture_path.hpp"
#include "run_command.hpp"
#include "scprec/io/precision_map_io.hpp"

namespace scprec::test {

/// Writes DIR/map.json, the example assigned for target 0.3 at confidence 0.75 with every layer
/// at `length`, and returns its path.
inline std::string example_map_with_length(const std::string& dir, std::size_t length) {
  const std::string path = dir + "/map.json";
  const CommandRun assigned = run_command({"assign", "--model", example_file("model.npz"), "--data",
                                           example_file("data.npz"), "--method", "bernstein",
                                           "--gain", "analytic", "--generator", "lfsr", "--budget",
                                           "3072", "--confidence", "0.75", "-q", "-o", path});
  REQUIRE(assigned.code == 0);
  auto map = io::read_precision_map(path);
  map.targets.error = 0.3;
  map.targets.budget.reset();
  for (auto& layer : map.layers) layer.length = length;
  io::write_precision_map(map, path);
  return path;
}

}  // namespace scprec::test
