// Packed bitstreams and the two SC multipliers (AND for unipolar, XNOR for bipolar).
#include "scprec/core/bitstream.hpp"

#include "scprec/core/error.hpp"

namespace scprec::core {

Bitstream::Bitstream(std::size_t length) : length_(length), words_(words_for_length(length), 0) {}

void Bitstream::set_bit(std::size_t t, bool value) {
  SCPREC_ASSERT(t < length_, "bit index past the stream's length");
  const std::uint64_t mask = std::uint64_t{1} << (t % 64);
  if (value) {
    words_[t / 64] |= mask;
  } else {
    words_[t / 64] &= ~mask;
  }
}

void Bitstream::clear_tail() {
  if (!words_.empty()) words_.back() &= tail_mask(length_);
}

std::uint64_t Bitstream::count_ones() const {
  std::uint64_t ones = 0;
  for (std::uint64_t word : words_) ones += static_cast<std::uint64_t>(__builtin_popcountll(word));
  return ones;
}

double Bitstream::unipolar_value() const {
  return length_ == 0 ? 0.0 : static_cast<double>(count_ones()) / static_cast<double>(length_);
}

double Bitstream::bipolar_value() const {
  return length_ == 0 ? 0.0 : 2.0 * unipolar_value() - 1.0;
}

Bitstream and_multiply(const Bitstream& a, const Bitstream& b) {
  SCPREC_ASSERT(a.length() == b.length(), "multiplied streams must have equal lengths");
  Bitstream product(a.length());
  for (std::size_t w = 0; w < a.word_count(); ++w) product.words()[w] = a.words()[w] & b.words()[w];
  return product;
}

Bitstream xnor_multiply(const Bitstream& a, const Bitstream& b) {
  SCPREC_ASSERT(a.length() == b.length(), "multiplied streams must have equal lengths");
  Bitstream product(a.length());
  for (std::size_t w = 0; w < a.word_count(); ++w) {
    product.words()[w] = ~(a.words()[w] ^ b.words()[w]);
  }
  product.clear_tail();
  return product;
}

}  // namespace scprec::core
