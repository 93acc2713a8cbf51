// Disjoint row ranges for calibration, tuning and sign-off.
#include "scprec/loop/splits.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "scprec/core/error.hpp"

namespace scprec::loop {
namespace {

std::string too_few(std::size_t needed, std::size_t have) {
  return fmt::format("too few held-out rows (need {}, have {})", needed, have);
}

}  // namespace

model::RowRange assignment_rows(std::size_t rows, std::size_t trials) {
  const std::size_t count = rows >= kMinCalibrationRows + 2 * trials
                                ? rows - 2 * trials
                                : std::min(rows, kMinCalibrationRows);
  return {0, count};
}

Splits plan_splits(std::size_t rows, std::size_t trials) {
  SCPREC_ASSERT(trials > 0, "a measurement has trials");
  Splits s;
  s.trials = trials;
  const std::size_t calibration = assignment_rows(rows, trials).count;
  if (rows < kMinCalibrationRows + trials) {
    throw_bad_input("", "trials",
                    fmt::format("{} calibration rows cannot hold the {} rows a map is assigned "
                                "from and the {} a tuning measurement needs",
                                rows, kMinCalibrationRows, trials),
                    fmt::format("Give at least {} calibration rows ({} for a held-out sign-off "
                                "too), fewer --trials, or a larger --confidence gap",
                                kMinCalibrationRows + trials, kMinCalibrationRows + 2 * trials));
  }
  s.calibration = {0, calibration};
  s.tuning = {calibration, trials};
  s.signoff = {s.tuning.end(), std::min(trials, rows - s.tuning.end())};
  return s;
}

HeldOut held_out_rows(const std::optional<model::MapProvenance>& provenance,
                      const std::string& data_hash, std::size_t rows, std::size_t trials) {
  HeldOut h;
  if (!provenance) {
    h.problem =
        "the map does not record which calibration rows chose it (it was written by hand or by "
        "an older scprec), so no row is known to be held out; assign it again with this "
        "scprec, or add its provenance";
    return h;
  }
  std::size_t first = 0;  // the first row that chose nothing
  if (!provenance->data_hash.empty() && provenance->data_hash != data_hash) {
    h.note = fmt::format(
        "the map was chosen on other data (sha256 {}), so these rows are taken as independent "
        "of it",
        provenance->data_hash.substr(0, 12));
  } else {
    first = std::min(rows, provenance->chosen_end());
  }
  if (rows - first < trials) {
    h.problem = too_few(trials, rows - first) +
                ": nothing signs off on rows that chose the map; give data with more rows after "
                "them, or fewer --trials";
    return h;
  }
  h.rows = {rows - trials, trials};
  return h;
}

}  // namespace scprec::loop
