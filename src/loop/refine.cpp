// The refinement. Because the software model is bit-exact with the RTL (and every RTL run
// checks it), a candidate change is screened on the software model first, which costs
// milliseconds, and an RTL build and run is spent only on a candidate the screen passes: the
// RTL confirms every change that is kept, and no change is kept without it.
#include "scprec/loop/refine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <utility>

namespace scprec::loop {
namespace {

constexpr const char* kTuning = "tuning";

// Judgements are counted against max_steps.
class Budget {
 public:
  Budget(const JudgeMap& judge, std::size_t max_steps) : judge_(judge), max_steps_(max_steps) {}
  bool left() const { return used_ < max_steps_; }
  Judgement operator()(const model::PrecisionMap& map, bool rtl) {
    ++used_;
    return judge_(map, rtl);
  }

 private:
  const JudgeMap& judge_;
  std::size_t max_steps_;
  std::size_t used_ = 0;
};

// A passing map: halve the layers with the most slack first, each screened on the software
// model and kept only when the RTL confirms. Returns whether a halving was kept (or the RTL
// found something about a candidate that must be reported).
bool try_halving(const assign::LengthPredictions& predictions, Refinement& r,
                 std::set<std::pair<std::size_t, std::size_t>>& rejected, Budget& judge) {
  std::vector<std::size_t> order(r.map.layers.size());
  for (std::size_t l = 0; l < order.size(); ++l) order[l] = l;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return r.judgement.layers[a].prediction.looseness > r.judgement.layers[b].prediction.looseness;
  });
  for (std::size_t l : order) {
    const std::string& name = r.map.layers[l].name;
    const std::size_t shorter = r.map.layers[l].length / 2;
    if (rejected.count({l, shorter}) != 0 || !judge.left()) continue;
    const auto candidate = with_length(predictions, r.map, l, shorter);
    if (!candidate) continue;
    const Judgement screen = judge(*candidate, false);
    if (!on_aim(screen)) {
      rejected.insert({l, shorter});
      r.steps.push_back(record_step(*candidate, screen, kTuning,
                                    fmt::format("{} at {} {} the software screen: kept {}", name,
                                                shorter,
                                                screen.pass() ? "is short of the aim on" : "fails",
                                                r.map.layers[l].length)));
      continue;
    }
    if (!judge.left()) return false;
    const Judgement confirmed = judge(*candidate, true);
    const bool kept = on_aim(confirmed);
    r.steps.push_back(
        record_step(*candidate, confirmed, kTuning,
                    kept ? fmt::format("{} shortened to {}: the RTL confirms", name, shorter)
                         : fmt::format("{} at {}: the RTL does not confirm", name, shorter)));
    if (!kept) rejected.insert({l, shorter});
    // A finding about the candidate's RTL (a failed simulation, a mismatch) is reported, not
    // its predecessor.
    if (kept || !confirmed.measured()) {
      r.map = *candidate;
      r.judgement = confirmed;
      return true;
    }
  }
  return false;
}

// A map short of the aim: lengthen the layer most over its budget that can still grow, on the
// software model until on aim, then measure on the RTL. Returns false when it cannot go on.
bool lengthen(const assign::LengthPredictions& predictions, Refinement& r, Budget& judge) {
  model::PrecisionMap candidate = r.map;
  Judgement screen = r.judgement;
  bool changed = false;
  while (!on_aim(screen) && judge.left()) {
    const auto l = worst_layer(screen, [&](std::size_t k) {
      return candidate.layers[k].length < predictions.lengths.back();
    });
    if (!l && screen.pass()) break;  // passes, short of the aim: the held-out rows will tell
    if (!l) {
      const EndToEndVerdict& e = screen.end_to_end;
      r.infeasible = fmt::format(
          "infeasible: every layer is at the longest length, {}, and the map still fails on the "
          "tuning rows (exceedance bound {:.3f}, allowed {:g}; top-1 flips {} of {}); layer {} is "
          "furthest over its budget",
          predictions.lengths.back(), e.upper_bound, e.delta, e.flips.events, e.flips.trials,
          candidate.layers[*worst_layer(screen)].name);
      return false;
    }
    changed = true;
    candidate = *with_length(predictions, candidate, *l, candidate.layers[*l].length * 2);
    screen = judge(candidate, false);
    r.steps.push_back(
        record_step(candidate, screen, kTuning,
                    fmt::format("{} lengthened to {} ({} on the software model)",
                                candidate.layers[*l].name, candidate.layers[*l].length,
                                on_aim(screen)  ? "meets the aim"
                                : screen.pass() ? "passes, short of the aim"
                                                : "still fails")));
  }
  if (!screen.pass() || !judge.left() || !changed) return false;
  r.map = candidate;
  r.judgement = judge(r.map, true);
  r.steps.push_back(record_step(r.map, r.judgement, kTuning, "measured on the RTL"));
  return true;
}

}  // namespace

bool on_aim(const Judgement& j) {
  return j.pass() && j.end_to_end.aim;
}

std::vector<std::size_t> lengths_of(const model::PrecisionMap& map) {
  std::vector<std::size_t> lengths;
  for (const model::LayerPrecision& layer : map.layers) lengths.push_back(layer.length);
  return lengths;
}

Step record_step(const model::PrecisionMap& map, const Judgement& j, std::string rows,
                 std::string action) {
  return {lengths_of(map),          j.rtl,           j.end_to_end.pass, j.end_to_end.quantile,
          j.end_to_end.upper_bound, std::move(rows), std::move(action)};
}

std::optional<model::PrecisionMap> with_length(const assign::LengthPredictions& p,
                                               const model::PrecisionMap& map, std::size_t l,
                                               std::size_t length) {
  const auto c = p.candidate(map.layers[l].generator, length);
  if (!c) return std::nullopt;
  model::PrecisionMap changed = map;
  changed.layers[l].length = length;
  changed.layers[l].predicted_error = p.layer_error[l][*c];
  changed.layers[l].contribution = p.contribution[l][*c];
  changed.predicted_output_error = assign::composed_output_error(changed);
  return changed;
}

Refinement refine(const model::PrecisionMap& start, const assign::LengthPredictions& predictions,
                  const JudgeMap& judge_map, std::size_t max_steps) {
  Budget judge(judge_map, std::max<std::size_t>(max_steps, 1));
  Refinement r;
  r.map = start;
  r.judgement = judge(r.map, true);
  r.steps.push_back(record_step(r.map, r.judgement, kTuning, "assigned; measured on the RTL"));
  std::set<std::pair<std::size_t, std::size_t>> rejected;  // (layer, length) shortenings
  while (judge.left() && r.judgement.measured()) {
    const bool go_on = on_aim(r.judgement) ? try_halving(predictions, r, rejected, judge)
                                           : lengthen(predictions, r, judge);
    if (!go_on) break;
  }
  return r;
}

}  // namespace scprec::loop
