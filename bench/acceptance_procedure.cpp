// Simulates the whole acceptance procedure on synthetic exceedance processes and prints its false
// sign-off rates as Markdown tables for docs/BENCHMARKS.md.
//
// Three scenarios (the model and its couplings: acceptance_procedure.hpp):
//   a. one held-out test of a map at a known rate: the false sign-off rate against alpha, and the
//      power at delta / 4 that loop::acceptance_trials promises;
//   b. tune, then hold out: a synthetic loop walks a ladder of candidate maps on n tuning rows and
//      keeps the shortest that passes there (selection), then the held-out test judges it once on
//      n fresh rows. Shows that the tuning rows' pass cannot sign off, and that the held-out one
//      can;
//   c. retries on the same held-out rows: bad maps judged in turn at loop::attempt_alpha, against
//      loop::family_alpha, next to every attempt at the full alpha.
// Each rate comes with a 95% Clopper-Pearson interval over the simulated procedures.
// Usage: bench_acceptance_procedure [procedures per scenario, default 20000] [seed, default 2026]
#include "acceptance_procedure.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "scprec/loop/acceptance.hpp"

namespace {

using scprec::bench::Coupling;
using scprec::bench::Ladder;
using scprec::bench::SignOffTest;
using scprec::bench::Tally;

constexpr double kAlpha = 0.05;
constexpr double kDeltas[] = {0.05, 0.01};
constexpr double kInterval = 0.025;  // each side of a 95% interval

void print_rate(const Tally& tally) {
  std::printf("%.4f [%.4f, %.4f]", tally.rate(), tally.lower(kInterval), tally.upper(kInterval));
}

void single_held_out_test(std::size_t procedures, std::mt19937_64& rng) {
  std::printf(
      "\n### a. One held-out test\n\n"
      "| delta | n | passes with at most | true rate | exact P(pass) | simulated P(pass) [95%%] "
      "| allowed |\n|---|---|---|---|---|---|---|\n");
  for (double delta : kDeltas) {
    const auto test =
        scprec::bench::make_test(scprec::loop::acceptance_trials(delta, kAlpha), delta, kAlpha);
    for (double factor : {0.25, 1.0, 1.25, 2.0}) {
      const double p = factor * delta;
      std::printf("| %g | %zu | %ld | %g delta | %.5f | ", delta, test.trials, test.allowed, factor,
                  scprec::bench::binomial_cdf(test.allowed, test.trials, p));
      print_rate(scprec::bench::single_test(test, p, procedures, rng));
      std::printf(factor < 1 ? " | power >= 0.8 |\n" : " | <= %g |\n", kAlpha);
    }
  }
}

std::vector<Ladder> ladders() {
  return {
      {"ratio 2, from 0.31 delta", {0.15625, 0.3125, 0.625, 1.25, 2.5, 5}, 1, 1},
      {"ratio 1.25, 3 halvings a level", {0.5, 0.625, 0.78125, 0.977, 1.22, 1.53, 1.91}, 0, 3},
      {"creeping past delta, 3 a level", {0.25, 0.5, 0.9, 1.02, 1.04, 1.06, 1.08, 1.1}, 1, 3},
      {"cliff just past delta, 8 a level", {0.25, 1.05, 1.1, 1.2}, 0, 8},
  };
}

void tune_then_hold_out(std::size_t procedures, std::mt19937_64& rng) {
  std::printf(
      "\n### b. Tune on n rows, sign off on n fresh rows\n\n"
      "| delta | ladder | coupling | bad map chosen = false sign-off on tuning rows [95%%] "
      "| held-out: P(signed off and bad) [95%%] | held-out: P(signed off given bad) [95%%] "
      "| signed off | allowed |\n|---|---|---|---|---|---|---|---|\n");
  for (double delta : kDeltas) {
    const auto test =
        scprec::bench::make_test(scprec::loop::acceptance_trials(delta, kAlpha), delta, kAlpha);
    for (const Ladder& ladder : ladders()) {
      for (Coupling coupling : {Coupling::kNested, Coupling::kIndependent, Coupling::kDisjoint}) {
        const auto outcome =
            scprec::bench::tune_then_hold_out(ladder, test, coupling, procedures, rng);
        std::printf("| %g | %s | %s | ", delta, ladder.name.c_str(),
                    scprec::bench::coupling_name(coupling));
        print_rate(outcome.chosen_bad);
        std::printf(" | ");
        print_rate(outcome.false_sign_off);
        std::printf(" | ");
        print_rate(outcome.bad_passes);
        std::printf(" (%zu bad) | %.3f | <= %g |\n", outcome.bad_passes.trials,
                    outcome.signed_off.rate(), kAlpha);
      }
    }
  }
}

void attempt_costs() {
  std::printf(
      "\n### c. What each attempt's alpha costs at the first attempt's n\n\n"
      "| delta | n | attempt | alpha_k | passes with at most | P(pass) at delta / 4 "
      "| P(pass) at delta |\n|---|---|---|---|---|---|---|\n");
  for (double delta : kDeltas) {
    const std::size_t n = scprec::loop::acceptance_trials(delta, kAlpha);
    for (std::size_t k = 1; k <= 10; ++k) {
      const double alpha_k = scprec::loop::attempt_alpha(kAlpha, k);
      const auto test = scprec::bench::make_test(n, delta, alpha_k);
      std::printf("| %g | %zu | %zu | %.6f | %ld | %.4f | %.4f |\n", delta, n, k, alpha_k,
                  test.allowed, scprec::bench::binomial_cdf(test.allowed, n, delta / 4),
                  scprec::bench::binomial_cdf(test.allowed, n, delta));
    }
  }
}

void retries(std::size_t procedures, std::mt19937_64& rng) {
  constexpr std::size_t kAttempts[] = {1, 2, 5, 20};
  std::printf(
      "\n### c. Retries on the same held-out rows, every map at rate delta\n\n"
      "| delta | coupling | attempts K | alpha spent: P(any signs off) [95%%] | family_alpha(K) "
      "| full alpha each: P(any signs off) [95%%] | 1 - (1 - alpha)^K |\n"
      "|---|---|---|---|---|---|---|\n");
  for (double delta : kDeltas) {
    const std::size_t n = scprec::loop::acceptance_trials(delta, kAlpha);
    for (Coupling coupling : {Coupling::kNested, Coupling::kIndependent, Coupling::kDisjoint}) {
      const auto outcome =
          scprec::bench::retry_on_same_rows(n, delta, kAlpha, delta, 20, coupling, procedures, rng);
      for (std::size_t attempts : kAttempts) {
        std::printf("| %g | %s | %zu | ", delta, scprec::bench::coupling_name(coupling), attempts);
        print_rate(outcome.adjusted[attempts - 1]);
        std::printf(" | %.4f | ", scprec::loop::family_alpha(kAlpha, attempts));
        print_rate(outcome.unadjusted[attempts - 1]);
        std::printf(" | %.4f |\n", 1 - std::pow(1 - kAlpha, static_cast<double>(attempts)));
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t procedures = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20000;
  const std::uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 2026;
  std::mt19937_64 rng(seed);
  std::printf(
      "Acceptance procedure by simulation: %zu procedures per row, std::mt19937_64 seed %llu, "
      "alpha = %g.\nn = loop::acceptance_trials(delta, alpha) rows for tuning and for hold-out "
      "each. A map is bad when its true exceedance rate is at least delta.\n",
      procedures, static_cast<unsigned long long>(seed), kAlpha);
  single_held_out_test(procedures, rng);
  tune_then_hold_out(procedures, rng);
  attempt_costs();
  retries(procedures, rng);
  return 0;
}
