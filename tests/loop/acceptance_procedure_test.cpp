// Slow tests of the whole acceptance procedure by simulation (the model of
// bench/acceptance_procedure.hpp): a held-out test, tuning then hold-out, and retries on the same
// held-out rows keep their false sign-off rates within the allowed ones.
//
// A check fails only when the simulation shows, beyond doubt, that a rate is above what is
// allowed: when the one-sided Clopper-Pearson lower bound on the simulated rate at level
// kDoubt = 1e-4 is above it. A correct procedure fails one of these checks by chance with
// probability at most 1e-4 each (about 0.005 over the file), whatever the seed; a procedure that
// spends alpha twice over, or not at all on retries, fails them. The demonstrations (tuning rows
// cannot sign off, unadjusted retries inflate the rate) are checked the other way round, with the
// upper bound.
#include "../../bench/acceptance_procedure.hpp"

#include <catch2/catch.hpp>
#include <random>

#include "../test_seed.hpp"
#include "scprec/loop/acceptance.hpp"

using scprec::bench::Coupling;
using scprec::bench::Tally;

namespace {

constexpr double kAlpha = 0.05;
constexpr double kDoubt = 1e-4;
constexpr std::size_t kProcedures = 10000;
constexpr Coupling kCouplings[] = {Coupling::kNested, Coupling::kIndependent, Coupling::kDisjoint};

// Within `allowed` unless the simulation shows otherwise beyond doubt.
bool within(const Tally& tally, double allowed) {
  return tally.lower(kDoubt) <= allowed;
}

std::string describe(const Tally& tally) {
  return std::to_string(tally.events) + " of " + std::to_string(tally.trials) + " (" +
         std::to_string(tally.rate()) + ", lower bound " + std::to_string(tally.lower(kDoubt)) +
         ", upper bound " + std::to_string(tally.upper(kDoubt)) + ")";
}

}  // namespace

TEST_CASE(
    "loop: one held-out test signs off a bad map at most alpha of the time, a good one "
    "mostly",
    "[loop][.slow]") {
  const std::uint64_t seed = scprec::test::test_seed(20261210);
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const double delta = GENERATE(0.05, 0.01);
  const auto test =
      scprec::bench::make_test(scprec::loop::acceptance_trials(delta, kAlpha), delta, kAlpha);
  for (double factor : {0.25, 1.0, 1.25, 2.0}) {
    const double p = factor * delta;
    const Tally passed = scprec::bench::single_test(test, p, kProcedures, rng);
    const double exact = scprec::bench::binomial_cdf(test.allowed, test.trials, p);
    INFO("delta " << delta << ", true rate " << p << ": passed " << describe(passed) << ", exact "
                  << exact);
    // The simulation agrees with the exact binomial probability it estimates.
    CHECK(passed.lower(kDoubt) <= exact);
    CHECK(passed.upper(kDoubt) >= exact);
    if (factor < 1) {
      CHECK(passed.upper(kDoubt) >= 0.8);
    } else {
      CHECK(within(passed, kAlpha));
    }
  }
}

TEST_CASE("loop: tuning rows cannot sign off the map they chose, fresh held-out rows can",
          "[loop][.slow]") {
  const std::uint64_t seed = scprec::test::test_seed(20261211);
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const double delta = 0.05;
  const auto test =
      scprec::bench::make_test(scprec::loop::acceptance_trials(delta, kAlpha), delta, kAlpha);
  const scprec::bench::Ladder coarse{"ratio 2", {0.15625, 0.3125, 0.625, 1.25, 2.5, 5}, 1, 1};
  const scprec::bench::Ladder cliff{"cliff", {0.25, 1.05, 1.1, 1.2}, 0, 8};
  for (const auto& ladder : {coarse, cliff}) {
    for (Coupling coupling : kCouplings) {
      const auto outcome =
          scprec::bench::tune_then_hold_out(ladder, test, coupling, kProcedures, rng);
      INFO(ladder.name << ", " << scprec::bench::coupling_name(coupling) << ": bad map chosen "
                       << describe(outcome.chosen_bad) << "; held-out false sign-off "
                       << describe(outcome.false_sign_off) << "; bad maps passed "
                       << describe(outcome.bad_passes));
      CHECK(within(outcome.false_sign_off, kAlpha));
      CHECK(within(outcome.bad_passes, kAlpha));
      // Eight looks at maps just past delta: the tuning rows' pass is no sign-off.
      if (ladder.name == "cliff" && coupling != Coupling::kNested) {
        CHECK(outcome.chosen_bad.upper(kDoubt) > kAlpha);
      }
    }
  }
}

TEST_CASE("loop: retries on the same held-out rows stay within the family-wise alpha",
          "[loop][.slow]") {
  const std::uint64_t seed = scprec::test::test_seed(20261212);
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const double delta = 0.05;
  const std::size_t n = scprec::loop::acceptance_trials(delta, kAlpha);
  for (Coupling coupling : kCouplings) {
    const auto outcome =
        scprec::bench::retry_on_same_rows(n, delta, kAlpha, delta, 20, coupling, kProcedures, rng);
    for (std::size_t attempts : {1, 2, 5, 20}) {
      const Tally& adjusted = outcome.adjusted[attempts - 1];
      INFO(scprec::bench::coupling_name(coupling)
           << ", " << attempts << " attempts: spent " << describe(adjusted) << ", unadjusted "
           << describe(outcome.unadjusted[attempts - 1]));
      CHECK(within(adjusted, scprec::loop::family_alpha(kAlpha, attempts)));
    }
    // Without spending, twenty attempts on rows that do not tie the maps together sign off a
    // bad map far more often than the family-wise bound allows.
    if (coupling != Coupling::kNested) {
      CHECK(outcome.unadjusted[19].upper(kDoubt) > scprec::loop::family_alpha(kAlpha, 20));
    }
  }
}
