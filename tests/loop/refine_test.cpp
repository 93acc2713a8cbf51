// Tests for the refinement without Verilator: a judge function stands in for the measurements.
// The stand-in network passes when layer a is at least `need_a` and layer b at least `need_b`
// long; its layer errors fall as 1 / sqrt(L). The refinement must end at the shortest passing
// map, keep no change the "RTL" did not confirm, respect max_steps, report an infeasible map,
// and stop at a failed simulation.
#include "scprec/loop/refine.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

namespace {

const std::vector<std::size_t> kLengths = {16, 32, 64, 128, 256};

// Predictions: layer l's budget at length L is 1 / sqrt(L).
scprec::assign::LengthPredictions predictions() {
  scprec::assign::LengthPredictions p;
  p.lengths = kLengths;
  p.layer_error.resize(2);
  p.contribution.resize(2);
  for (std::size_t l = 0; l < 2; ++l) {
    for (std::size_t length : kLengths) {
      p.layer_error[l].push_back(1.0 / std::sqrt(static_cast<double>(length)));
      p.contribution[l].push_back(0.1 / std::sqrt(static_cast<double>(length)));
    }
  }
  return p;
}

scprec::model::PrecisionMap map_at(std::size_t a, std::size_t b) {
  scprec::model::PrecisionMap map;
  for (std::size_t l = 0; l < 2; ++l) {
    scprec::model::LayerPrecision row;
    row.index = l;
    row.name = l == 0 ? "a" : "b";
    row.length = l == 0 ? a : b;
    row.predicted_error = 1.0 / std::sqrt(static_cast<double>(row.length));
    map.layers.push_back(row);
  }
  return map;
}

struct StandIn {
  std::size_t need_a = 64, need_b = 32;
  bool fail_rtl = false;  // every RTL run fails as a crashed simulation would
  // Below this length of layer b, the map passes but its flips leave it a held-out pass chance
  // of 0.5, whatever the budgets say: the flips come from b.
  std::size_t flips_below_b = 0;
  std::vector<std::pair<std::vector<std::size_t>, bool>> calls;  // lengths, rtl

  scprec::loop::Judgement operator()(const scprec::model::PrecisionMap& map, bool rtl) {
    calls.push_back({{map.layers[0].length, map.layers[1].length}, rtl});
    scprec::loop::Judgement j;
    j.rtl = rtl;
    const std::size_t need[2] = {need_a, need_b};
    bool pass = true;
    for (std::size_t l = 0; l < 2; ++l) {
      scprec::loop::LayerVerdict v;
      v.name = map.layers[l].name;
      v.length = map.layers[l].length;
      // Measured error: the budget times need / L, so over budget exactly when too short.
      v.prediction.predicted = map.layers[l].predicted_error;
      v.measured = v.prediction.predicted * static_cast<double>(need[l]) / v.length;
      v.prediction.looseness = v.prediction.predicted / v.measured;
      pass = pass && v.length >= need[l];
      j.layers.push_back(v);
    }
    j.end_to_end.pass_chance = map.layers[1].length < flips_below_b ? 0.5 : 0.9;
    j.end_to_end.pass = pass;
    j.end_to_end.aim = pass && j.end_to_end.pass_chance >= scprec::loop::kAimChance;
    j.end_to_end.delta = 0.05;
    j.end_to_end.upper_bound = pass ? 0.03 : 0.2;
    if (rtl && fail_rtl) j.problems.push_back("job top[0..9] crashed");
    return j;
  }
};

}  // namespace

TEST_CASE("loop: refinement halves a passing map to the shortest that passes", "[loop]") {
  StandIn judge;
  const auto r = scprec::loop::refine(map_at(256, 256), predictions(), std::ref(judge), 40);
  CHECK(r.map.layers[0].length == 64);
  CHECK(r.map.layers[1].length == 32);
  CHECK(r.judgement.rtl);
  CHECK(r.judgement.pass());
  CHECK(r.infeasible.empty());
  // The map's predictions follow its lengths, the composed one too.
  CHECK(r.map.layers[1].predicted_error == Approx(1.0 / std::sqrt(32.0)));
  CHECK(r.map.predicted_output_error == Approx(std::sqrt(0.01 / 64 + 0.01 / 32)));
  // No change is kept without an RTL run of exactly that map.
  for (std::size_t k = 1; k < r.steps.size(); ++k) {
    if (r.steps[k].action.find("shortened") != std::string::npos) CHECK(r.steps[k].rtl);
  }
  const auto last_rtl = std::find_if(judge.calls.rbegin(), judge.calls.rend(),
                                     [](const auto& call) { return call.second; });
  REQUIRE(last_rtl != judge.calls.rend());
  CHECK(last_rtl->first == std::vector<std::size_t>{64, 32});
}

TEST_CASE("loop: refinement lengthens the layer most over its budget", "[loop]") {
  StandIn judge;
  judge.need_a = 128;
  const auto r = scprec::loop::refine(map_at(16, 32), predictions(), std::ref(judge), 40);
  CHECK(r.map.layers[0].length == 128);
  CHECK(r.map.layers[1].length == 32);
  CHECK(r.judgement.pass());
  // Lengthening is screened on the software model, then measured on the RTL.
  CHECK_FALSE(judge.calls[1].second);
}

TEST_CASE("loop: refinement lengthens the layer whose doubling raises the pass chance most",
          "[loop]") {
  // The budgets point at layer a (measured at its budget, b at half of its), but the flips
  // that keep the map off its aim go only when b doubles.
  StandIn judge;
  judge.need_a = 16;
  judge.need_b = 16;
  judge.flips_below_b = 64;
  const auto r = scprec::loop::refine(map_at(16, 32), predictions(), std::ref(judge), 40);
  CHECK(r.map.layers[0].length == 16);
  CHECK(r.map.layers[1].length == 64);
  CHECK(r.judgement.rtl);
  CHECK(r.judgement.end_to_end.aim);
  // Both doublings were screened; the one not taken is recorded as such.
  const auto said = [&](const std::string& text) {
    return std::any_of(r.steps.begin(), r.steps.end(),
                       [&](const auto& step) { return step.action == text; });
  };
  CHECK(said("a at 32 passes, short of the aim on the software model: not chosen"));
  CHECK(said("b lengthened to 64 (meets the aim on the software model)"));
}

TEST_CASE(
    "loop: refinement names an infeasible map, respects max_steps, and stops at a failed "
    "simulation",
    "[loop]") {
  SECTION("infeasible") {
    StandIn judge;
    judge.need_a = 512;  // beyond the longest candidate
    const auto r = scprec::loop::refine(map_at(64, 64), predictions(), std::ref(judge), 40);
    CHECK_THAT(r.infeasible, Catch::StartsWith("infeasible: every layer is at the longest "
                                               "length, 256") &&
                                 Catch::Contains("layer a is furthest over its budget"));
    CHECK_FALSE(r.judgement.pass());
  }
  SECTION("max_steps") {
    for (std::size_t steps : {1, 2, 3, 5}) {
      StandIn judge;
      scprec::loop::refine(map_at(256, 256), predictions(), std::ref(judge), steps);
      CHECK(judge.calls.size() <= steps);
    }
  }
  SECTION("a failed simulation") {
    StandIn judge;
    judge.fail_rtl = true;
    const auto r = scprec::loop::refine(map_at(256, 256), predictions(), std::ref(judge), 40);
    CHECK(judge.calls.size() == 1);
    CHECK_FALSE(r.judgement.measured());
  }
}
