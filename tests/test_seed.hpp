// The seed of a randomised test: fixed, so that CI and every rerun see the same cases, unless
// SCPREC_TEST_SEED asks for another.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

namespace scprec::test {

/// `fixed`, or SCPREC_TEST_SEED when set: a number to rerun a printed seed, or "random" for a
/// fresh one to explore with. Tests print the seed they used with INFO, so that a failure shows
/// it.
inline std::uint64_t test_seed(std::uint64_t fixed) {
  const char* chosen = std::getenv("SCPREC_TEST_SEED");
  if (chosen == nullptr || *chosen == '\0') return fixed;
  if (std::string(chosen) == "random") return std::random_device{}();
  return std::stoull(chosen);
}

}  // namespace scprec::test
