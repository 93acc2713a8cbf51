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

// The doubling of one layer, screened on the software model.
struct Doubling {
  std::size_t layer = 0;
  model::PrecisionMap map;
  Judgement screen;
};

// A map short of the aim: double, on the software model, every layer that can still grow, and
// keep the doubling that raises the held-out pass chance most per cycle added (the layer most
// over its budget when none raises it: the budget then points where the error is); repeat
// until on aim, then measure on the RTL. Screens take milliseconds, so trying every layer is
// cheap, and the flips that often decide are not what the budgets see. Returns false when it
// cannot go on.
bool lengthen(const assign::LengthPredictions& predictions, Refinement& r, Budget& judge) {
  model::PrecisionMap candidate = r.map;
  Judgement screen = r.judgement;
  bool changed = false;
  while (!on_aim(screen) && judge.left()) {
    const auto growable = [&](std::size_t k) {
      return candidate.layers[k].length < predictions.lengths.back();
    };
    const auto l = worst_layer(screen, growable);
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
    std::vector<Doubling> doublings;
    for (std::size_t k = 0; k < candidate.layers.size() && judge.left(); ++k) {
      if (!growable(k)) continue;
      model::PrecisionMap doubled =
          *with_length(predictions, candidate, k, candidate.layers[k].length * 2);
      Judgement judged = judge(doubled, false);
      doublings.push_back({k, std::move(doubled), std::move(judged)});
    }
    const auto gain = [&](const Doubling& d) {
      return (d.screen.end_to_end.pass_chance - screen.end_to_end.pass_chance) /
             static_cast<double>(candidate.layers[d.layer].length);
    };
    const auto best =
        std::max_element(doublings.begin(), doublings.end(),
                         [&](const Doubling& a, const Doubling& b) { return gain(a) < gain(b); });
    const auto budgeted = std::find_if(doublings.begin(), doublings.end(),
                                       [&](const Doubling& d) { return d.layer == *l; });
    const auto chosen = best != doublings.end() && gain(*best) > 0.0 ? best : budgeted;
    if (chosen == doublings.end()) break;  // the steps ran out before the layer was screened
    for (const Doubling& d : doublings) {
      const std::string& name = d.map.layers[d.layer].name;
      const std::string verdict = on_aim(d.screen)  ? "meets the aim"
                                  : d.screen.pass() ? "passes, short of the aim"
                                                    : "still fails";
      r.steps.push_back(
          record_step(d.map, d.screen, kTuning,
                      &d == &*chosen ? fmt::format("{} lengthened to {} ({} on the software model)",
                                                   name, d.map.layers[d.layer].length, verdict)
                                     : fmt::format("{} at {} {} on the software model: not chosen",
                                                   name, d.map.layers[d.layer].length, verdict)));
    }
    changed = true;
    candidate = chosen->map;
    screen = chosen->screen;
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
  return {lengths_of(map),           j.rtl,
          j.end_to_end.pass,         j.end_to_end.quantile,
          j.end_to_end.upper_bound,  j.end_to_end.flips.events,
          j.end_to_end.flips.trials, std::move(rows),
          std::move(action)};
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
