// The closed loop's refinement: from a first map, lengthen what fails and halve what has slack,
// every decision taken on the tuning rows. Measurement is behind a function, so that tests can
// drive the refinement without Verilator.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "scprec/assign/assigner.hpp"
#include "scprec/loop/judgement.hpp"
#include "scprec/model/precision_map.hpp"

namespace scprec::loop {

/// One step of the loop.
struct Step {
  std::vector<std::size_t> lengths;
  bool rtl = false;          ///< measured on the RTL (else screened on the software model)
  bool pass = false;         ///< the end-to-end test passed
  double quantile = 0.0;     ///< output-error quantile at the confidence
  double upper_bound = 0.0;  ///< exceedance upper bound
  std::size_t flips = 0;     ///< trials whose top-1 class differs from the integer network's
  std::size_t flip_trials = 0;  ///< trials those flips are out of
  std::string rows;          ///< which rows: "tuning" or "held-out"
  std::string action;        ///< what the loop did with it
};

/// Whether the loop keeps a judged map as it is: it passes, and within the tuning aim
/// (EndToEndVerdict::aim), so that it has a fair chance on the held-out rows.
bool on_aim(const Judgement& judgement);

/// The map's lengths, layer by layer.
std::vector<std::size_t> lengths_of(const model::PrecisionMap& map);

/// A step's record of a judged map.
Step record_step(const model::PrecisionMap& map, const Judgement& judgement, std::string rows,
                 std::string action);

/// Judges a map on the tuning rows, measured on the RTL (`rtl`) or on the bit-exact software
/// model.
using JudgeMap = std::function<Judgement(const model::PrecisionMap& map, bool rtl)>;

struct Refinement {
  model::PrecisionMap map;  ///< the last map the RTL measured and the loop kept
  Judgement judgement;      ///< its RTL judgement on the tuning rows
  std::vector<Step> steps;
  /// When every layer that fails is at the longest length: why the map is infeasible.
  std::string infeasible;
};

/// The map with layer l at `length`, its predictions (layer error, contribution, composed output
/// error) taken from `predictions`; nullopt when `length` is not a candidate.
std::optional<model::PrecisionMap> with_length(const assign::LengthPredictions& predictions,
                                               const model::PrecisionMap& map, std::size_t l,
                                               std::size_t length);

/// Refines `start`: it is judged on the RTL; a map short of the aim (on_aim) lengthens the layer
/// most over its budget (doubling, on the software model, until on aim), then the RTL confirms;
/// a map on aim tries halving layers with slack, most slack first, screened on the software
/// model and kept only if the RTL confirms it on aim. Stops when no halving survives, when every
/// layer is at the longest candidate length (infeasible if the map still fails; a passing map
/// short of the aim is left to the held-out rows), when an RTL judgement is not measured (a
/// failed simulation, a mismatch), or after `max_steps` judgements.
Refinement refine(const model::PrecisionMap& start, const assign::LengthPredictions& predictions,
                  const JudgeMap& judge, std::size_t max_steps);

}  // namespace scprec::loop
