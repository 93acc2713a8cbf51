// Tests for the disjoint row ranges: calibration, tuning and sign-off never overlap; a sign-off
// uses only rows after every row that chose the map; too few rows, an unknown provenance and
// other data are each named.
#include "scprec/loop/splits.hpp"

#include <catch2/catch.hpp>

#include "scprec/core/error.hpp"

using scprec::loop::held_out_rows;
using scprec::loop::plan_splits;
using scprec::model::MapProvenance;
using scprec::model::RowRange;

TEST_CASE("loop: calibration, tuning and sign-off rows are disjoint and cover the data", "[loop]") {
  for (const auto& [rows, trials] :
       {std::pair<std::size_t, std::size_t>{1000, 153}, {406, 153}, {300, 59}, {159, 59}}) {
    INFO(rows << " rows, " << trials << " trials");
    const auto s = plan_splits(rows, trials);
    CHECK(s.calibration.begin == 0);
    CHECK(s.calibration.count >= scprec::loop::kMinCalibrationRows);
    CHECK(s.tuning.begin == s.calibration.end());
    CHECK(s.tuning.count == trials);
    CHECK(s.signoff.begin == s.tuning.end());
    CHECK(s.signoff.end() <= rows);
    CHECK_FALSE(s.calibration.overlaps(s.tuning));
    CHECK_FALSE(s.tuning.overlaps(s.signoff));
    CHECK_FALSE(s.calibration.overlaps(s.signoff));
  }
  const auto full = plan_splits(1000, 153);
  CHECK(full.calibration.text() == "rows 0-693");
  CHECK(full.signoff.text() == "rows 847-999");
  // Room for calibration and tuning, not for a full sign-off: the sign-off gets what is left.
  const auto short_signoff = plan_splits(300, 153);
  CHECK(short_signoff.signoff.count == 47);
  CHECK_THROWS_AS(plan_splits(252, 153), scprec::Error);
  CHECK(scprec::loop::assignment_rows(1000, 153).count == 694);
  CHECK(scprec::loop::assignment_rows(40, 153).count == 40);  // tiny data: all of it
}

TEST_CASE("loop: a sign-off's rows are the last rows that chose nothing", "[loop]") {
  MapProvenance verified{"hash", 1000, {0, 694}, {694, 153}, RowRange{847, 153}, 1};
  SECTION("a map from verify: its own held-out rows, which chose nothing") {
    const auto h = held_out_rows(verified, "hash", 1000, 153);
    CHECK(h.problem.empty());
    CHECK(h.rows == RowRange{847, 153});
  }
  SECTION("a map assigned on rows 0-693: the last 153 rows after them") {
    const MapProvenance assigned{"hash", 1000, {0, 694}, {}, std::nullopt, 0};
    CHECK(held_out_rows(assigned, "hash", 1000, 153).rows == RowRange{847, 153});
    // More trials than rows after the calibration rows: never the calibration rows.
    const auto h = held_out_rows(assigned, "hash", 1000, 400);
    CHECK(h.rows.empty());
    CHECK_THAT(h.problem, Catch::StartsWith("too few held-out rows (need 400, have 306): nothing "
                                            "signs off on rows that chose the map"));
  }
  SECTION("a map tuned on every row: nothing is held out") {
    const MapProvenance everything{"hash", 1000, {0, 847}, {847, 153}, std::nullopt, 0};
    CHECK_THAT(held_out_rows(everything, "hash", 1000, 153).problem,
               Catch::StartsWith("too few held-out rows (need 153, have 0)"));
  }
  SECTION("no provenance: no row is known to be held out") {
    const auto h = held_out_rows(std::nullopt, "hash", 1000, 153);
    CHECK(h.rows.empty());
    CHECK_THAT(h.problem, Catch::Contains("does not record which calibration rows chose it"));
  }
  SECTION("chosen on other data: every row is a candidate, and the report says so") {
    const auto h = held_out_rows(verified, "other", 1000, 153);
    CHECK(h.rows == RowRange{847, 153});
    CHECK_THAT(h.note, Catch::Contains("chosen on other data"));
  }
  SECTION("chosen on no data (a hand-made map): every row is held out") {
    const MapProvenance none{"", 0, {}, {}, std::nullopt, 0};
    CHECK(held_out_rows(none, "hash", 200, 153).rows == RowRange{47, 153});
  }
}
