// Tests for parallel_for.
#include "scprec/core/parallel.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <vector>

TEST_CASE("core: parallel_for visits every index exactly once", "[core]") {
  const unsigned threads = GENERATE(0U, 1U, 2U, 7U);
  std::vector<std::atomic<int>> visits(1000);
  scprec::core::parallel_for(visits.size(), threads, [&](std::size_t k) { ++visits[k]; });
  for (const auto& v : visits) REQUIRE(v == 1);
  scprec::core::parallel_for(0, threads, [](std::size_t) { FAIL("no index to visit"); });
}

TEST_CASE("core: parallel_for rethrows the first exception", "[core]") {
  CHECK_THROWS_WITH(scprec::core::parallel_for(100, 2,
                                               [](std::size_t k) {
                                                 if (k == 42) throw std::runtime_error("bad 42");
                                               }),
                    "bad 42");
}
