// Convolution windows and pooling, shared by the float, integer and SC models so that all three
// read the same map elements in the same order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "scprec/model/network.hpp"

namespace scprec::model {

/// For every output position p (row-major over the output map) and window element k (in the
/// weight's order: channel, kernel row, kernel column), the index into the input map (flattened
/// channel, row, column) that it reads, or -1 where the window lies on the zero padding.
/// Element p * window() + k.
std::vector<std::int32_t> window_indices(const ConvGeometry& geometry);

/// The values a layer at `positions` output positions computes, from its per-position outputs
/// (`per_position[p * channels + c]`) to the map layout (`map[c * positions + p]`).
template <typename T>
std::vector<T> to_channel_major(const std::vector<T>& per_position, std::size_t positions,
                                std::size_t channels) {
  std::vector<T> map(per_position.size());
  for (std::size_t p = 0; p < positions; ++p) {
    for (std::size_t c = 0; c < channels; ++c)
      map[c * positions + p] = per_position[p * channels + c];
  }
  return map;
}

/// Pools a float map of `shape` (flattened channel, row, column): the maximum or the mean of
/// each size x size window. Returns the pooled map; `pool.kind` kNone returns `map` unchanged.
std::vector<double> pool_values(const std::vector<double>& map, const MapShape& shape,
                                const Pooling& pool);

/// Pools a map of activation codes the same way, exactly in integers: the maximum, or the mean
/// rounded half up, (sum + n / 2) / n for n = size^2 values.
std::vector<std::uint16_t> pool_codes(const std::vector<std::uint16_t>& map, const MapShape& shape,
                                      const Pooling& pool);

}  // namespace scprec::model
