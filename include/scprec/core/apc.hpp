// The accumulative parallel counter (APC): a neuron's running count of product ones.
#pragma once

#include <cstddef>
#include <cstdint>

namespace scprec::core {

/// Each clock cycle adds the number of ones among its parallel inputs to a running total; at
/// the end of a run of L cycles the total is the neuron's accumulator value. This is the
/// cycle-by-cycle form; and_popcount / xnor_popcount below are the same count, 64 cycles at a
/// time, for one input.
class ParallelCounter {
 public:
  /// Adds one cycle's ones.
  void add_cycle(std::uint64_t ones) { total_ += ones; }
  std::uint64_t total() const { return total_; }
  void reset() { total_ = 0; }

 private:
  std::uint64_t total_ = 0;
};

/// Ones of (a AND b) over `words` words.
inline std::uint64_t and_popcount(const std::uint64_t* a, const std::uint64_t* b,
                                  std::size_t words) {
  std::uint64_t ones = 0;
  for (std::size_t w = 0; w < words; ++w) {
    ones += static_cast<std::uint64_t>(__builtin_popcountll(a[w] & b[w]));
  }
  return ones;
}

/// Ones of (a XNOR b) over the first `length` bits.
std::uint64_t xnor_popcount(const std::uint64_t* a, const std::uint64_t* b, std::size_t length);

}  // namespace scprec::core
