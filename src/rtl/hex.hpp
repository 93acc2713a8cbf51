// Bit-level helpers for ROM images: widths, hex words, and rows assembled from fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace scprec::rtl {

/// Bits needed to write `value` in binary (1 for 0).
inline int bit_width(std::uint64_t value) {
  int bits = 1;
  while (bits < 64 && (value >> bits) != 0) ++bits;
  return bits;
}

/// The low `bits` bits of `value` as ceil(bits / 4) hex digits, most significant first.
inline std::string hex_digits(std::uint64_t value, int bits) {
  static const char kHex[] = "0123456789abcdef";
  std::string text;
  for (int nibble = (bits + 3) / 4 - 1; nibble >= 0; --nibble) {
    text += kHex[(value >> (4 * nibble)) & 0xFU];
  }
  return text;
}

/// A row of `size` bits built from fields, printed as one $readmemh hex word.
class BitRow {
 public:
  explicit BitRow(std::size_t size) : size_(size), words_((size + 63) / 64, 0) {}

  /// Writes the low `width` bits of `value` (two's complement for negatives) at bit `offset`.
  void put(std::size_t offset, std::uint64_t value, int width) {
    for (int b = 0; b < width; ++b) {
      if ((value >> b) & 1U) words_[(offset + b) / 64] |= std::uint64_t{1} << ((offset + b) % 64);
    }
  }

  /// ceil(size / 4) hex digits, most significant first.
  std::string hex() const {
    static const char kHex[] = "0123456789abcdef";
    std::string text;
    for (std::size_t nibble = (size_ + 3) / 4; nibble-- > 0;) {
      const std::size_t bit = nibble * 4;
      text += kHex[(words_[bit / 64] >> (bit % 64)) & 0xFU];
    }
    return text;
  }

 private:
  std::size_t size_;
  std::vector<std::uint64_t> words_;
};

}  // namespace scprec::rtl
