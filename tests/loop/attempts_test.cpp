// Tests for the ledger of sign-off attempts: a rerun of the same map on the same rows keeps its
// attempt number; another map on overlapping rows is a further attempt; other data or disjoint
// rows are not; a file that is not a ledger is refused.
#include "scprec/loop/attempts.hpp"

#include <catch2/catch.hpp>

#include "../temp_dir.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/files.hpp"
#include "scprec/loop/acceptance.hpp"

using scprec::loop::AttemptLedger;
using scprec::model::RowRange;

TEST_CASE("loop: the ledger counts distinct maps judged on the same held-out rows", "[loop]") {
  const scprec::test::TempDir dir("ledger");
  const AttemptLedger ledger((dir.path() / "signoff-attempts.json").string());
  const RowRange rows{847, 153};
  CHECK(ledger.attempt_number("data", rows, "map-a") == 1);
  ledger.record({"data", rows, "map-a", 1, false});
  CHECK(ledger.attempt_number("data", rows, "map-a") == 1);  // a rerun reproduces attempt 1
  CHECK(ledger.attempt_number("data", rows, "map-b") == 2);
  CHECK(ledger.attempt_number("data", {900, 100}, "map-b") == 2);  // overlapping rows
  CHECK(ledger.attempt_number("data", {0, 153}, "map-b") == 1);    // disjoint rows
  CHECK(ledger.attempt_number("other data", rows, "map-b") == 1);
  ledger.record({"data", rows, "map-b", 2, true});
  ledger.record({"data", rows, "map-b", 2, true});  // recorded once
  CHECK(ledger.attempt_number("data", rows, "map-c") == 3);
  CHECK(ledger.attempt_number("data", rows, "map-b") == 2);
  // The significance halves with each further attempt; the family stays below 2 alpha.
  CHECK(scprec::loop::attempt_alpha(0.05, 1) == 0.05);
  CHECK(scprec::loop::attempt_alpha(0.05, 3) == Approx(0.0125));
  // An empty path records nothing: every attempt is the first.
  const AttemptLedger none("");
  none.record({"data", rows, "map-a", 1, false});
  CHECK(none.attempt_number("data", rows, "map-b") == 1);
}

TEST_CASE("loop: a file that is not a ledger is refused, not overwritten", "[loop]") {
  const scprec::test::TempDir dir("ledger-bad");
  const std::string path = (dir.path() / "signoff-attempts.json").string();
  scprec::io::write_file_atomically(path, "{\"not\": \"a ledger\"}");
  const AttemptLedger ledger(path);
  CHECK_THROWS_AS(ledger.attempt_number("data", {0, 10}, "map"), scprec::Error);
  CHECK_THROWS_AS(ledger.record({"data", {0, 10}, "map", 1, true}), scprec::Error);
  CHECK(scprec::io::read_file(path) == "{\"not\": \"a ledger\"}");
}

TEST_CASE("loop: a map's identity is what fixes its verdict, not its measurements", "[loop]") {
  scprec::model::PrecisionMap map;
  map.model_hash = "m";
  map.layers.resize(2);
  map.layers[0].name = "fc1";
  map.layers[1].name = "fc2";
  map.layers[0].length = map.layers[1].length = 64;
  const std::string id = scprec::loop::map_identity(map);
  auto measured = map;
  measured.layers[0].measured_error = 0.1;
  measured.provenance = scprec::model::MapProvenance{};
  CHECK(scprec::loop::map_identity(measured) == id);
  auto shorter = map;
  shorter.layers[1].length = 32;
  CHECK(scprec::loop::map_identity(shorter) != id);
  auto reseeded = map;
  reseeded.seed = 7;
  CHECK(scprec::loop::map_identity(reseeded) != id);
}
