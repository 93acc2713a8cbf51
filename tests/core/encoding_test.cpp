// Tests for the value <-> threshold encoders.
#include "scprec/core/encoding.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "scprec/core/error.hpp"

namespace sc = scprec::core;

TEST_CASE("core: unipolar thresholds round and clamp", "[core][encoding]") {
  CHECK(sc::encode_unipolar(0.0, 8) == 0);
  CHECK(sc::encode_unipolar(0.5, 8) == 128);
  CHECK(sc::encode_unipolar(1.0, 8) == 255);
  CHECK(sc::encode_unipolar(-0.3, 8) == 0);
  CHECK(sc::encode_unipolar(std::nan(""), 8) == 0);
  CHECK(sc::decode_unipolar(64, 8) == 0.25);
  for (std::uint32_t code = 0; code < 256; ++code) {
    CHECK(sc::encode_unipolar(sc::decode_unipolar(code, 8), 8) == code);
  }
}

TEST_CASE("core: bipolar and sign-magnitude thresholds", "[core][encoding]") {
  CHECK(sc::encode_bipolar(0.0, 8) == 128);
  CHECK(sc::encode_bipolar(-1.0, 8) == 0);
  CHECK(sc::decode_bipolar(192, 8) == 0.5);
  const sc::SignMagnitude code = sc::encode_sign_magnitude(-0.25, 8);
  CHECK(code.negative);
  CHECK(code.magnitude == 64);
  CHECK(sc::decode_sign_magnitude(code, 8) == -0.25);
  CHECK(sc::parse_encoding("bipolar", "x") == sc::Encoding::kBipolar);
  CHECK(sc::to_string(sc::Encoding::kSignMagnitude) == "sign-magnitude");
  CHECK_THROWS_AS(sc::parse_encoding("unipolar", "--encoding"), scprec::Error);
}
