// The tiny fixture network (tests/fixtures/npz/tiny_model.npz, 4-3-2) with a manual LFSR map,
// its RTL generated and written: the smallest real design the co-simulation tests build.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "../fixture_path.hpp"
#include "scprec/cosim/simulate.hpp"
#include "scprec/io/model_io.hpp"
#include "scprec/model/precision_map.hpp"
#include "scprec/rtl/generator.hpp"

namespace scprec::test {

struct TinyDesign {
  model::Network network;
  io::Dataset data;  ///< the calibration split of data_ok.npz
  model::PrecisionMap map;
  rtl::RtlDesign design;
  std::string rtl_dir;
};

/// The tiny design at `lengths`, on LFSR lanes `width` bits wide from base seed `seed`, its
/// RTL written to `rtl_dir`.
inline TinyDesign written_tiny_design(const std::vector<std::size_t>& lengths, int width,
                                      std::uint64_t seed, const std::string& rtl_dir) {
  auto network = io::read_model(npz_fixture("tiny_model.npz"));
  auto data = io::read_dataset(npz_fixture("data_ok.npz"), io::Split::kCalibration);
  const auto quantized = model::quantize(network, data.x, {});
  auto map = model::manual_map(quantized, io::network_hash(network), lengths,
                               core::GeneratorKind::kLfsr, width, seed);
  auto design = rtl::generate_rtl(quantized, map, {});
  cosim::write_design(design, rtl_dir);
  return {std::move(network), std::move(data), std::move(map), std::move(design), rtl_dir};
}

}  // namespace scprec::test
