// The bundled example read once per test process: its network and both data splits.
#pragma once

#include "fixture_path.hpp"
#include "scprec/io/model_io.hpp"
#include "scprec/model/network.hpp"

namespace scprec::test {

struct ExampleData {
  model::Network network;
  io::Dataset calibration;
  io::Dataset test;
};

inline const ExampleData& example_data() {
  static const ExampleData data{io::read_model(example_file("model.npz")),
                                io::read_dataset(example_file("data.npz"), io::Split::kCalibration),
                                io::read_dataset(example_file("data.npz"), io::Split::kTest)};
  return data;
}

}  // namespace scprec::test
