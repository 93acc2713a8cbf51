// Convolution windows and pooling. A window element k = (c, i, j) of output position (y, x)
// reads input (c, y * stride_h - pad_h + i, x * stride_w - pad_w + j), zero outside the map
// (PyTorch's Conv2d with zero padding, dilation 1, groups 1). Pooling takes size x size windows
// with stride size and drops what fills no window (MaxPool2d / AvgPool2d with kernel = stride).
#include "scprec/model/conv.hpp"

#include <algorithm>

#include "scprec/core/error.hpp"

namespace scprec::model {

std::vector<std::int32_t> window_indices(const ConvGeometry& g) {
  const std::size_t window = g.window();
  std::vector<std::int32_t> indices(g.positions() * window, -1);
  const auto height = static_cast<std::ptrdiff_t>(g.input.height);
  const auto width = static_cast<std::ptrdiff_t>(g.input.width);
  for (std::size_t y = 0; y < g.out_height(); ++y) {
    for (std::size_t x = 0; x < g.out_width(); ++x) {
      const std::size_t p = y * g.out_width() + x;
      for (std::size_t k = 0; k < window; ++k) {
        const std::size_t c = k / (g.kernel_h * g.kernel_w);
        const auto row =
            static_cast<std::ptrdiff_t>(y * g.stride_h + (k / g.kernel_w) % g.kernel_h) -
            static_cast<std::ptrdiff_t>(g.pad_h);
        const auto col = static_cast<std::ptrdiff_t>(x * g.stride_w + k % g.kernel_w) -
                         static_cast<std::ptrdiff_t>(g.pad_w);
        if (row < 0 || row >= height || col < 0 || col >= width) continue;
        indices[p * window + k] = static_cast<std::int32_t>(
            (static_cast<std::ptrdiff_t>(c) * height + row) * width + col);
      }
    }
  }
  return indices;
}

namespace {

// Calls reduce(window's values) for every pooling window, in the pooled map's order.
template <typename T, typename Reduce>
std::vector<T> pool_map(const std::vector<T>& map, const MapShape& shape, std::size_t size,
                        Reduce reduce) {
  SCPREC_ASSERT(map.size() == shape.size() && size > 0, "pooling a map of the wrong size");
  const std::size_t height = shape.height / size;
  const std::size_t width = shape.width / size;
  std::vector<T> pooled;
  pooled.reserve(shape.channels * height * width);
  std::vector<T> window(size * size);
  for (std::size_t c = 0; c < shape.channels; ++c) {
    for (std::size_t y = 0; y < height; ++y) {
      for (std::size_t x = 0; x < width; ++x) {
        for (std::size_t i = 0; i < size; ++i) {
          for (std::size_t j = 0; j < size; ++j) {
            window[i * size + j] =
                map[(c * shape.height + y * size + i) * shape.width + x * size + j];
          }
        }
        pooled.push_back(reduce(window));
      }
    }
  }
  return pooled;
}

}  // namespace

std::vector<double> pool_values(const std::vector<double>& map, const MapShape& shape,
                                const Pooling& pool) {
  switch (pool.kind) {
    case PoolKind::kNone:
      return map;
    case PoolKind::kMax:
      return pool_map(map, shape, pool.size, [](const std::vector<double>& w) {
        return *std::max_element(w.begin(), w.end());
      });
    case PoolKind::kAverage:
      return pool_map(map, shape, pool.size, [](const std::vector<double>& w) {
        double sum = 0.0;
        for (double v : w) sum += v;
        return sum / static_cast<double>(w.size());
      });
  }
  SCPREC_ASSERT(false, "unknown pooling kind");
  return map;
}

std::vector<std::uint16_t> pool_codes(const std::vector<std::uint16_t>& map, const MapShape& shape,
                                      const Pooling& pool) {
  switch (pool.kind) {
    case PoolKind::kNone:
      return map;
    case PoolKind::kMax:
      return pool_map(map, shape, pool.size, [](const std::vector<std::uint16_t>& w) {
        return *std::max_element(w.begin(), w.end());
      });
    case PoolKind::kAverage:
      return pool_map(map, shape, pool.size, [](const std::vector<std::uint16_t>& w) {
        std::uint32_t sum = 0;
        for (std::uint16_t v : w) sum += v;
        const auto n = static_cast<std::uint32_t>(w.size());
        return static_cast<std::uint16_t>((sum + n / 2) / n);
      });
  }
  SCPREC_ASSERT(false, "unknown pooling kind");
  return map;
}

}  // namespace scprec::model
