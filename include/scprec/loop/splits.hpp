// Which calibration rows do what. A sign-off's statistics hold only on rows that chose nothing,
// so the calibration split is cut into three disjoint ranges: calibration rows fix the scales,
// the sensitivities and the bounds; tuning rows take the closed loop's decisions; sign-off rows
// are held out and judge the final map once.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "scprec/model/precision_map.hpp"

namespace scprec::loop {

/// The fewest calibration rows a map is assigned from (the sensitivity analysis's default).
inline constexpr std::size_t kMinCalibrationRows = 100;

struct Splits {
  model::RowRange calibration;
  model::RowRange tuning;
  model::RowRange signoff;  ///< may hold fewer than `trials` rows: then nothing can sign off
  std::size_t trials = 0;   ///< rows a tuning or sign-off measurement wants
};

/// The rows a map is assigned from, leaving 2 `trials` rows for tuning and sign-off: the first
/// rows - 2 trials, but at least kMinCalibrationRows (all rows when there are fewer).
model::RowRange assignment_rows(std::size_t rows, std::size_t trials);

/// The split of `rows` calibration rows for measurements of `trials` rows each: the last
/// `trials` rows are the sign-off's, the `trials` before them the tuning's, and the rest (from
/// row 0) the calibration's. When that leaves fewer than kMinCalibrationRows, calibration keeps
/// kMinCalibrationRows and the sign-off gets what is left, possibly too few. Throws Error
/// (kBadInput, field "trials") when the rows cannot hold calibration and tuning.
Splits plan_splits(std::size_t rows, std::size_t trials);

/// The rows a sign-off of a map may judge it on: the last `trials` rows of those after every row
/// that chose the map (its provenance), within the calibration split `data_hash` names.
struct HeldOut {
  model::RowRange rows;  ///< empty when `problem` is set
  std::string problem;   ///< why nothing can sign off: too few held-out rows, unknown provenance
  std::string note;      ///< what a reader must know about the rows (chosen on other data)
};
HeldOut held_out_rows(const std::optional<model::MapProvenance>& provenance,
                      const std::string& data_hash, std::size_t rows, std::size_t trials);

}  // namespace scprec::loop
