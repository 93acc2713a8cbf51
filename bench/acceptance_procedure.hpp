// A synthetic model of the acceptance procedure (tune, sign off on held-out rows, retry), shared
// by bench/acceptance_procedure.cpp, which prints its false sign-off rates, and the slow test
// tests/loop/acceptance_procedure_test.cpp, which asserts them.
//
// The model. A map's exceedance on a row (its output error above the target) is a fixed function
// of the map and the row; rows are drawn independently, so over rows a map's exceedances are
// independent Bernoulli(p) draws, p being the map's true exceedance rate. What no data tells us is
// how different maps' exceedances on the *same* row relate. Represent row i by a latent uniform
// u_i and map m by a set S_m of [0, 1) of measure p_m: m exceeds on row i when u_i is in S_m.
// Any joint law of the maps' indicators on one row can be written so (with u_i standing for the
// whole row), and three couplings span the cases:
//   - nested: S_m = [0, p_m). The same rows are hard for every map, and a shorter map exceeds
//     wherever a longer one does (the most positive dependence);
//   - independent: every (row, map) pair draws its own uniform, as if the maps' errors on a row
//     were unrelated;
//   - disjoint: S_m is a window of width p_m placed after the previous map's, so that successive
//     maps exceed on different rows (the most negative dependence the sets allow).
// The sign-off test is the library's: pass when the Clopper-Pearson upper bound at 1 - alpha on
// k / n is at most delta. The bound grows with k, so it is applied once per (n, alpha) to find the
// most exceedances that pass, and a procedure compares its counts with that.
// Random numbers: std::mt19937_64, whose output the standard fixes, turned into uniforms by
// taking its top 53 bits, so a seed gives the same numbers with every compiler.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "scprec/loop/acceptance.hpp"

namespace scprec::bench {

/// A uniform draw in [0, 1) from the top 53 bits of the generator's output.
inline double uniform01(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

/// The acceptance test at `trials` rows: delta, alpha, and the most exceedances that still pass
/// (-1 when none does, as for fewer rows than loop::minimum_trials).
struct SignOffTest {
  std::size_t trials = 0;
  double delta = 0;
  double alpha = 0;
  long allowed = -1;

  bool passes(std::size_t exceedances) const { return static_cast<long>(exceedances) <= allowed; }
};

inline SignOffTest make_test(std::size_t trials, double delta, double alpha) {
  SignOffTest test{trials, delta, alpha, -1};
  while (test.allowed + 1 < static_cast<long>(trials) &&
         loop::exceedance_upper_bound(static_cast<std::size_t>(test.allowed + 1), trials, alpha) <=
             delta) {
    ++test.allowed;
  }
  return test;
}

/// P(Binomial(n, p) <= k): the exact pass probability of a map at rate p on fresh rows.
inline double binomial_cdf(long k, std::size_t n, double p) {
  double sum = 0;
  const double nn = static_cast<double>(n);
  for (long i = 0; i <= k && i <= static_cast<long>(n); ++i) {
    const double x = static_cast<double>(i);
    sum += std::exp(std::lgamma(nn + 1) - std::lgamma(x + 1) - std::lgamma(nn - x + 1) +
                    x * std::log(p) + (nn - x) * std::log1p(-p));
  }
  return std::min(sum, 1.0);
}

/// Events out of trials, with one-sided Clopper-Pearson bounds on their rate at `level` each
/// (together an interval at 1 - 2 level).
struct Tally {
  std::size_t events = 0;
  std::size_t trials = 0;

  void add(bool event) {
    events += event ? 1 : 0;
    ++trials;
  }
  double rate() const { return trials ? static_cast<double>(events) / trials : 0.0; }
  double lower(double level) const {
    return trials ? loop::exceedance_lower_bound(events, trials, level) : 0.0;
  }
  double upper(double level) const {
    return trials ? loop::exceedance_upper_bound(events, trials, level) : 1.0;
  }
};

/// How maps' exceedances on the same rows relate (the model above).
enum class Coupling { kNested, kIndependent, kDisjoint };

inline const char* coupling_name(Coupling coupling) {
  switch (coupling) {
    case Coupling::kNested:
      return "nested";
    case Coupling::kIndependent:
      return "independent";
    case Coupling::kDisjoint:
      return "disjoint";
  }
  return "?";
}

/// A sample of rows, fixed for as long as it is reused: each row's latent uniform.
class Rows {
 public:
  Rows(std::size_t count, std::mt19937_64& rng) : u_(count) {
    for (double& u : u_) u = uniform01(rng);
  }

  /// The exceedances on these rows of a map at rate p whose window starts at `offset` (disjoint
  /// coupling; ignored by the others). Independent coupling draws fresh uniforms from rng.
  std::size_t exceedances(double p, Coupling coupling, double offset, std::mt19937_64& rng) const {
    std::size_t count = 0;
    for (double u : u_) {
      switch (coupling) {
        case Coupling::kNested:
          count += u < p ? 1 : 0;
          break;
        case Coupling::kIndependent:
          count += uniform01(rng) < p ? 1 : 0;
          break;
        case Coupling::kDisjoint: {
          const double shifted = u - offset;
          count += shifted - std::floor(shifted) < p ? 1 : 0;
          break;
        }
      }
    }
    return count;
  }

 private:
  std::vector<double> u_;
};

/// Scenario a: one map at rate p judged once on fresh rows. Returns how often it passes.
inline Tally single_test(const SignOffTest& test, double p, std::size_t procedures,
                         std::mt19937_64& rng) {
  Tally passed;
  for (std::size_t r = 0; r < procedures; ++r) {
    passed.add(test.passes(Rows(test.trials, rng).exceedances(p, Coupling::kNested, 0, rng)));
  }
  return passed;
}

/// A synthetic tuning loop's candidates: levels of true exceedance rates (multiples of delta),
/// from the longest map to the shortest. The loop starts at `start`; from a passing level it
/// tries up to `width` maps of the next level (halving one layer or another, all at that level's
/// rate) and moves to the first that passes; from a failing one it lengthens a level at a time.
struct Ladder {
  std::string name;
  std::vector<double> rates;
  std::size_t start = 0;
  std::size_t width = 1;
};

/// Scenario b's outcome over many procedures. A map is bad when its true rate is at least delta.
struct TuneOutcome {
  Tally chosen_bad;      ///< a bad map chosen: the false sign-off rate if tuning rows signed off
  Tally signed_off;      ///< the held-out test passed (good or bad map)
  Tally false_sign_off;  ///< the held-out test passed a bad map: P(signed off and bad)
  Tally bad_passes;      ///< among bad chosen maps, how many the held-out test passed
};

/// Walks the ladder on one sample of tuning rows; returns the chosen level, or -1 if none passed.
inline long tune(const Ladder& ladder, const SignOffTest& test, const Rows& tuning,
                 Coupling coupling, std::mt19937_64& rng) {
  // Each map is measured once on the tuning rows; a second look at the same map and rows reuses
  // its count, as the loop would. Under disjoint coupling every map gets its own window, one
  // after another (they overlap only once the rates sum past 1).
  std::vector<std::vector<long>> counts(ladder.rates.size(), std::vector<long>(ladder.width, -1));
  std::vector<std::vector<double>> offsets(ladder.rates.size(), std::vector<double>(ladder.width));
  double next_offset = 0;
  for (std::size_t level = 0; level < ladder.rates.size(); ++level) {
    for (double& offset : offsets[level]) {
      offset = next_offset;
      next_offset += ladder.rates[level] * test.delta;
    }
  }
  auto passes = [&](std::size_t level, std::size_t map) {
    long& count = counts[level][map];
    if (count < 0) {
      count = static_cast<long>(
          tuning.exceedances(ladder.rates[level] * test.delta, coupling, offsets[level][map], rng));
    }
    return test.passes(static_cast<std::size_t>(count));
  };
  std::size_t level = ladder.start;
  while (!passes(level, 0)) {
    if (level == 0) return -1;
    --level;
  }
  while (level + 1 < ladder.rates.size()) {
    bool moved = false;
    for (std::size_t map = 0; map < ladder.width && !moved; ++map) moved = passes(level + 1, map);
    if (!moved) break;
    ++level;
  }
  return static_cast<long>(level);
}

/// Scenario b: tune on n rows, then judge the chosen map once on n fresh held-out rows.
inline TuneOutcome tune_then_hold_out(const Ladder& ladder, const SignOffTest& test,
                                      Coupling coupling, std::size_t procedures,
                                      std::mt19937_64& rng) {
  TuneOutcome outcome;
  for (std::size_t r = 0; r < procedures; ++r) {
    const Rows tuning(test.trials, rng);
    const long level = tune(ladder, test, tuning, coupling, rng);
    if (level < 0) {  // even the longest map failed on the tuning rows: nothing to sign off
      outcome.chosen_bad.add(false);
      outcome.signed_off.add(false);
      outcome.false_sign_off.add(false);
      continue;
    }
    const double p = ladder.rates[static_cast<std::size_t>(level)] * test.delta;
    const bool bad = p >= test.delta;
    const bool passed = test.passes(Rows(test.trials, rng).exceedances(p, coupling, 0, rng));
    outcome.chosen_bad.add(bad);
    outcome.signed_off.add(passed);
    outcome.false_sign_off.add(passed && bad);
    if (bad) outcome.bad_passes.add(passed);
  }
  return outcome;
}

/// Scenario c's outcome: for each number of attempts K, how often any of the first K bad maps
/// signed off, with alpha spent per attempt and with every attempt at the full alpha.
struct RetryOutcome {
  std::vector<Tally> adjusted;    ///< index K - 1
  std::vector<Tally> unadjusted;  ///< index K - 1
};

/// Scenario c: one held-out sample of n rows, reused by `attempts` bad maps in turn, each at rate
/// p (p >= delta; p = delta is the worst case for every attempt). The maps are fixed in advance:
/// attempt k's map depends on the earlier attempts only through their failing.
inline RetryOutcome retry_on_same_rows(std::size_t trials, double delta, double alpha, double p,
                                       std::size_t attempts, Coupling coupling,
                                       std::size_t procedures, std::mt19937_64& rng) {
  std::vector<SignOffTest> spent;
  for (std::size_t k = 1; k <= attempts; ++k) {
    spent.push_back(make_test(trials, delta, loop::attempt_alpha(alpha, k)));
  }
  const SignOffTest full = make_test(trials, delta, alpha);
  RetryOutcome outcome{std::vector<Tally>(attempts), std::vector<Tally>(attempts)};
  for (std::size_t r = 0; r < procedures; ++r) {
    const Rows held_out(trials, rng);
    bool adjusted_passed = false;
    bool unadjusted_passed = false;
    for (std::size_t k = 0; k < attempts; ++k) {
      const std::size_t count = held_out.exceedances(p, coupling, static_cast<double>(k) * p, rng);
      adjusted_passed = adjusted_passed || spent[k].passes(count);
      unadjusted_passed = unadjusted_passed || full.passes(count);
      outcome.adjusted[k].add(adjusted_passed);
      outcome.unadjusted[k].add(unadjusted_passed);
    }
  }
  return outcome;
}

}  // namespace scprec::bench
