// SC number encodings: unipolar, bipolar and sign-magnitude (split-unipolar) thresholds.
#pragma once

#include <cstdint>
#include <string>

namespace scprec::core {

/// How a layer represents signed weights in bitstreams.
enum class Encoding {
  /// Sign-magnitude (split unipolar): a weight's magnitude drives an AND product whose ones
  /// go to the neuron's positive or negative counter by the weight's sign.
  kSignMagnitude,
  /// Bipolar: a stream with P(1) = (u + 1) / 2 encodes u in [-1, 1]; products are XNORs.
  kBipolar,
};

/// "sign-magnitude" / "bipolar".
std::string to_string(Encoding encoding);
/// Parses "sign-magnitude" or "bipolar"; throws Error (kBadInput) naming `field` otherwise.
Encoding parse_encoding(const std::string& text, const std::string& field);

/// A probability p in [0, 1] as a B-bit comparator threshold: round(p * 2^B), clamped to
/// [0, 2^B - 1] (a B-bit comparator cannot say "always"). NaN encodes as 0.
std::uint32_t encode_unipolar(double probability, int bits);
/// threshold / 2^B.
double decode_unipolar(std::uint32_t threshold, int bits);

/// A bipolar value u in [-1, 1] as the threshold of probability (u + 1) / 2.
std::uint32_t encode_bipolar(double value, int bits);
/// 2 * threshold / 2^B - 1.
double decode_bipolar(std::uint32_t threshold, int bits);

/// A value in [-1, 1] split into its sign and the unipolar threshold of its magnitude.
struct SignMagnitude {
  bool negative = false;
  std::uint32_t magnitude = 0;
};
SignMagnitude encode_sign_magnitude(double value, int bits);
double decode_sign_magnitude(SignMagnitude code, int bits);

}  // namespace scprec::core
