// Value <-> comparator-threshold conversions for the three SC encodings.
#include "scprec/core/encoding.hpp"

#include <cmath>

#include "scprec/core/enum_names.hpp"
#include "scprec/core/error.hpp"

namespace scprec::core {

namespace {
constexpr EnumName<Encoding> kEncodingNames[] = {{Encoding::kSignMagnitude, "sign-magnitude"},
                                                 {Encoding::kBipolar, "bipolar"}};
}  // namespace

std::string to_string(Encoding encoding) {
  return enum_name(kEncodingNames, encoding);
}

Encoding parse_encoding(const std::string& text, const std::string& field) {
  return parse_enum_name(kEncodingNames, text, "encoding", field);
}

std::uint32_t encode_unipolar(double probability, int bits) {
  SCPREC_ASSERT(bits >= 1 && bits <= 16, "threshold precision must be in [1, 16] bits");
  const double scale = std::ldexp(1.0, bits);
  const double level = std::floor(probability * scale + 0.5);
  if (!(level > 0.0)) return 0;  // also NaN
  return level >= scale - 1.0 ? static_cast<std::uint32_t>(scale - 1.0)
                              : static_cast<std::uint32_t>(level);
}

double decode_unipolar(std::uint32_t threshold, int bits) {
  return std::ldexp(static_cast<double>(threshold), -bits);
}

std::uint32_t encode_bipolar(double value, int bits) {
  return encode_unipolar((value + 1.0) / 2.0, bits);
}

double decode_bipolar(std::uint32_t threshold, int bits) {
  return 2.0 * decode_unipolar(threshold, bits) - 1.0;
}

SignMagnitude encode_sign_magnitude(double value, int bits) {
  return SignMagnitude{value < 0.0, encode_unipolar(std::fabs(value), bits)};
}

double decode_sign_magnitude(SignMagnitude code, int bits) {
  const double magnitude = decode_unipolar(code.magnitude, bits);
  return code.negative ? -magnitude : magnitude;
}

}  // namespace scprec::core
