// Fibonacci LFSRs. The tap table is Xilinx XAPP052 (Alfke, "Efficient Shift Registers, LFSR
// Counters, and Long Pseudo-Random Sequence Generators", table 3); tests/core/lfsr_test.cpp
// proves every entry maximal by computing the order of the shift matrix over GF(2).
#include "scprec/core/lfsr.hpp"

#include <array>
#include <initializer_list>
#include <string>

#include "scprec/core/error.hpp"

namespace scprec::core {
namespace {

constexpr std::uint32_t taps_mask(std::initializer_list<int> taps) {
  std::uint32_t mask = 0;
  for (int tap : taps) mask |= std::uint32_t{1} << (tap - 1);
  return mask;
}

// Index: width - kMinLfsrWidth.
constexpr std::array<std::uint32_t, kMaxLfsrWidth - kMinLfsrWidth + 1> kTapTable = {
    taps_mask({4, 3}),          taps_mask({5, 3}),         taps_mask({6, 5}),
    taps_mask({7, 6}),          taps_mask({8, 6, 5, 4}),   taps_mask({9, 5}),
    taps_mask({10, 7}),         taps_mask({11, 9}),        taps_mask({12, 6, 4, 1}),
    taps_mask({13, 4, 3, 1}),   taps_mask({14, 5, 3, 1}),  taps_mask({15, 14}),
    taps_mask({16, 15, 13, 4}), taps_mask({17, 14}),       taps_mask({18, 11}),
    taps_mask({19, 6, 2, 1}),   taps_mask({20, 17}),       taps_mask({21, 19}),
    taps_mask({22, 21}),        taps_mask({23, 18}),       taps_mask({24, 23, 22, 17}),
    taps_mask({25, 22}),        taps_mask({26, 6, 2, 1}),  taps_mask({27, 5, 2, 1}),
    taps_mask({28, 25}),        taps_mask({29, 27}),       taps_mask({30, 6, 4, 1}),
    taps_mask({31, 28}),        taps_mask({32, 22, 2, 1}),
};

}  // namespace

std::uint32_t lfsr_taps(int width) {
  if (width < kMinLfsrWidth || width > kMaxLfsrWidth) {
    throw_bad_input("", "LFSR width", "width " + std::to_string(width) + " is not supported",
                    "Use a width from 4 to 32 bits");
  }
  return kTapTable[static_cast<std::size_t>(width - kMinLfsrWidth)];
}

Lfsr::Lfsr(int width, std::uint32_t seed)
    : width_(width), taps_(lfsr_taps(width)), mask_(low_bits_mask(width)), state_(seed & mask_) {
  if (state_ == 0) {
    throw_bad_input("", "LFSR seed",
                    "seed " + std::to_string(seed) + " is 0 in the low " + std::to_string(width) +
                        " bits, a state the LFSR never leaves",
                    "Use a seed with at least one of its low bits set");
  }
}

Gf2Matrix lfsr_shift_matrix(int width) {
  const std::uint32_t taps = lfsr_taps(width);
  const std::uint32_t mask = low_bits_mask(width);
  return Gf2Matrix::from_linear_map(width, [&](std::uint64_t state) {
    return lfsr_shift(static_cast<std::uint32_t>(state), taps, mask);
  });
}

}  // namespace scprec::core
