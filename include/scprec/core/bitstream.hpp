// Packed stochastic bitstreams: bit t of a length-L stream is bit (t % 64) of word t / 64.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace scprec::core {

/// Number of 64-bit words that hold `length` bits.
constexpr std::size_t words_for_length(std::size_t length) {
  return (length + 63) / 64;
}

/// Mask of the bits of the last word that belong to a stream of `length` bits
/// (all ones when length is a multiple of 64, including 0).
constexpr std::uint64_t tail_mask(std::size_t length) {
  return length % 64 == 0 ? ~std::uint64_t{0} : (std::uint64_t{1} << (length % 64)) - 1;
}

/// A bitstream of fixed length, packed 64 bits per word. Bits past the length are always 0,
/// so whole-word popcounts are exact.
class Bitstream {
 public:
  Bitstream() = default;
  /// A stream of `length` zeros.
  explicit Bitstream(std::size_t length);

  std::size_t length() const { return length_; }
  std::size_t word_count() const { return words_.size(); }
  const std::uint64_t* words() const { return words_.data(); }
  /// Writable words; the caller must keep the bits past length() at 0 (see clear_tail()).
  std::uint64_t* words() { return words_.data(); }

  /// Bit t; t must be < length().
  bool bit(std::size_t t) const { return (words_[t / 64] >> (t % 64)) & 1U; }
  void set_bit(std::size_t t, bool value);
  /// Zeroes the bits of the last word past length().
  void clear_tail();

  /// Number of ones.
  std::uint64_t count_ones() const;
  /// Unipolar value: ones / length (0 for an empty stream).
  double unipolar_value() const;
  /// Bipolar value: 2 * ones / length - 1 (0 for an empty stream).
  double bipolar_value() const;

  friend bool operator==(const Bitstream& a, const Bitstream& b) {
    return a.length_ == b.length_ && a.words_ == b.words_;
  }
  friend bool operator!=(const Bitstream& a, const Bitstream& b) { return !(a == b); }

 private:
  std::size_t length_ = 0;
  std::vector<std::uint64_t> words_;
};

/// Unipolar multiplication: bitwise AND. Throws Error (kInternal) if lengths differ.
Bitstream and_multiply(const Bitstream& a, const Bitstream& b);
/// Bipolar multiplication: bitwise XNOR (bits past the length stay 0).
Bitstream xnor_multiply(const Bitstream& a, const Bitstream& b);

}  // namespace scprec::core
