// Tests for judging measurements: the end-to-end acceptance test and the per-layer cross-check.
#include "scprec/loop/judgement.hpp"

#include <catch2/catch.hpp>
#include <cmath>

using scprec::loop::CrossCheck;

namespace {

scprec::model::PrecisionMap two_layer_map(double predicted0, double predicted1) {
  scprec::model::PrecisionMap map;
  for (std::size_t l = 0; l < 2; ++l) {
    scprec::model::LayerPrecision row;
    row.index = l;
    row.name = l == 0 ? "a" : "b";
    row.length = 64;
    row.predicted_error = l == 0 ? predicted0 : predicted1;
    map.layers.push_back(row);
  }
  return map;
}

scprec::loop::Measurement measurement(std::size_t trials, double output, std::size_t high_outputs,
                                      double layer0, double layer1) {
  scprec::loop::Measurement m;
  m.trials = trials;
  m.layer_errors.resize(2);
  for (std::size_t t = 0; t < trials; ++t) {
    m.output_errors.push_back(t < high_outputs ? 2 * output : output);
    m.layer_errors[0].push_back(layer0 * (1.0 + 0.001 * t));
    m.layer_errors[1].push_back(layer1);
  }
  return m;
}

scprec::loop::Targets targets(double error, double confidence, double alpha,
                              std::optional<double> max_flip_rate = std::nullopt,
                              std::optional<double> range_error = std::nullopt) {
  scprec::loop::Targets t;
  t.error = error;
  t.confidence = confidence;
  t.alpha = alpha;
  t.max_flip_rate = max_flip_rate;
  t.range_error = range_error;
  return t;
}

// P(Binomial(n, p) <= k), summed term by term: the reference the boundaries are derived from.
double binomial_cdf(std::size_t k, std::size_t n, double p) {
  double sum = 0;
  for (std::size_t i = 0; i <= k && i <= n; ++i) {
    sum += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) +
                    i * std::log(p) + (n - i) * std::log1p(-p));
  }
  return sum;
}

// A map of `layers` layers, each predicting `predicted`, and a measurement of `trials` trials in
// which the first `high` output errors are above `target` (the rest exactly at it, which is not
// above) and, in every layer, the first `high_layer` errors are above the prediction.
struct Boundary {
  scprec::model::PrecisionMap map;
  scprec::loop::Measurement m;
  Boundary(std::size_t layers, std::size_t trials, double target, std::size_t high,
           double predicted, std::size_t high_layer) {
    m.trials = trials;
    m.layer_errors.resize(layers);
    for (std::size_t l = 0; l < layers; ++l) {
      scprec::model::LayerPrecision row;
      row.index = l;
      row.name = "l" + std::to_string(l);
      row.predicted_error = predicted;
      map.layers.push_back(row);
    }
    for (std::size_t t = 0; t < trials; ++t) {
      m.output_errors.push_back(t < high ? std::nextafter(target, 1.0) : target);
      for (auto& errors : m.layer_errors) {
        errors.push_back(t < high_layer ? std::nextafter(predicted, 1.0) : predicted);
      }
    }
  }
};

}  // namespace

TEST_CASE("loop: the end-to-end test bounds the exceedance rate", "[loop]") {
  const auto map = two_layer_map(0.1, 0.1);
  // 100 trials, none above 0.1: upper bound 0.0295 <= 0.05.
  const auto pass =
      scprec::loop::judge(measurement(100, 0.05, 0, 0.01, 0.01), map, targets(0.1, 0.95, 0.05));
  CHECK(pass.end_to_end.pass);
  CHECK(pass.pass());
  CHECK(pass.end_to_end.upper_bound == Approx(0.0295).margin(1e-3));
  // 3 of 100 above target: upper bound 0.0757 > 0.05.
  const auto fail =
      scprec::loop::judge(measurement(100, 0.06, 3, 0.01, 0.01), map, targets(0.1, 0.95, 0.05));
  CHECK_FALSE(fail.end_to_end.pass);
  CHECK(fail.end_to_end.exceedances == 3);
  auto not_exact = measurement(100, 0.05, 0, 0.01, 0.01);
  not_exact.mismatches = 1;
  CHECK_FALSE(scprec::loop::judge(not_exact, map, targets(0.1, 0.95, 0.05)).pass());
}

TEST_CASE("loop: the cross-check says holds, loose, violated or inconclusive", "[loop]") {
  // 200 trials, allowed rate 1/40. Layer a measured at 0.04 * (1 + 0.001 t), at most 0.048,
  // against a prediction of 0.1: no exceedance, upper bound 0.0149 <= 0.025, and 2x or more
  // above the quantile's whole interval: loose. Layer b at 0.2
  // against 0.1: every trial exceeds, violated.
  const auto j = scprec::loop::judge(measurement(200, 0.01, 0, 0.04, 0.2), two_layer_map(0.1, 0.1),
                                     targets(0.1, 0.95, 0.05));
  CHECK(j.layers[0].prediction.check == CrossCheck::kLoose);
  CHECK(j.layers[0].prediction.exceedance_upper == Approx(0.0149).margin(1e-4));
  CHECK_THAT(j.layers[0].prediction.describe(),
             Catch::StartsWith("loose by 2.") && Catch::Contains("-2."));
  CHECK(j.layers[1].prediction.check == CrossCheck::kViolated);
  CHECK_THAT(j.layers[1].prediction.describe(), Catch::Contains("200/200 above"));
  CHECK(j.layers[0].level == Approx(0.975));
  // Within 2x of the measured quantile: holds.
  CHECK(scprec::loop::judge(measurement(200, 0.01, 0, 0.04, 0.01), two_layer_map(0.06, 0.1),
                            targets(0.1, 0.95, 0.05))
            .layers[0]
            .prediction.check == CrossCheck::kHolds);
  // 60 trials with no exceedance cannot show a rate of at most 1/40 (the upper bound is 0.049),
  // nor one exceedance a violation: inconclusive, never "holds" without evidence.
  auto few = measurement(60, 0.01, 0, 0.09, 0.05);
  few.layer_errors[0][0] = 0.2;
  const auto k = scprec::loop::judge(few, two_layer_map(0.1, 0.06), targets(0.1, 0.95, 0.05));
  CHECK(k.layers[0].prediction.exceedances == 1);
  CHECK(k.layers[0].prediction.check == CrossCheck::kInconclusive);
  CHECK(k.layers[1].prediction.check == CrossCheck::kInconclusive);
  CHECK(k.layers[1].prediction.describe() == "inconclusive: 0/60 above, cannot show <= 2.5%");
  CHECK(scprec::loop::judge(measurement(10, 0.01, 0, 0.1, 0.1), two_layer_map(0, 0),
                            targets(0.1, 0.95, 0.05))
            .layers[0]
            .prediction.check == CrossCheck::kNoPrediction);
}

TEST_CASE("loop: every analytic bound is cross-checked like the map's prediction", "[loop]") {
  auto j = scprec::loop::judge(measurement(200, 0.01, 0, 0.04, 0.2), two_layer_map(0.1, 0.1),
                               targets(0.1, 0.95, 0.05));
  CHECK(j.layers[0].bounds.empty());  // until bounds are given
  scprec::loop::cross_check_bounds(
      j, {{{"hoeffding", 0.05}, {"bernstein", 0.3}}, {{"hoeffding", 0.1}, {"bernstein", 0.3}}},
      0.05);
  REQUIRE(j.layers[0].bounds.size() == 2);
  CHECK(j.layers[0].bounds[0].bound == "hoeffding");
  // Layer a: errors up to 0.048 under a bound of 0.05, less than 2x: holds.
  CHECK(j.layers[0].bounds[0].check.check == CrossCheck::kHolds);
  CHECK(j.layers[0].bounds[0].check.predicted == 0.05);
  CHECK(j.layers[0].bounds[0].check.exceedances == 0);
  CHECK(j.layers[0].bounds[1].check.check == CrossCheck::kLoose);
  // Layer b: every trial at 0.2 above a bound of 0.1: violated, as its prediction is.
  CHECK(j.layers[1].bounds[0].check.check == CrossCheck::kViolated);
  CHECK(j.layers[1].bounds[0].check.exceedances == 200);
  CHECK(j.layers[1].prediction.check == CrossCheck::kViolated);
  // Nothing measured (every simulation failed): no check can say anything.
  scprec::loop::Measurement none;
  none.layer_errors.resize(2);
  auto n = scprec::loop::judge(none, two_layer_map(0.1, 0.1), targets(0.1, 0.95, 0.05));
  scprec::loop::cross_check_bounds(n, {{{"hoeffding", 0.05}}, {{"hoeffding", 0.1}}}, 0.05);
  CHECK(n.layers[0].prediction.check == CrossCheck::kNotMeasured);
  CHECK(n.layers[1].bounds[0].check.describe() == "not measured");
  CHECK_FALSE(n.pass());
}

TEST_CASE("loop: a map carries only measurements that were made", "[loop]") {
  scprec::model::PrecisionMap map;
  scprec::loop::Judgement j;
  for (std::size_t l = 0; l < 3; ++l) {
    map.layers.emplace_back();
    map.layers.back().status = scprec::model::LayerStatus::kPassed;  // from an earlier run
    map.layers.back().measured_error = 0.5;
    scprec::loop::LayerVerdict v;
    v.prediction.predicted = 0.1;
    v.measured = l == 1 ? 0.3 : 0.05;  // layer 1 is furthest over its budget
    j.layers.push_back(v);
  }
  j.end_to_end.pass = false;
  SECTION("a failed simulation: nothing measured, nothing claimed") {
    j.problems.push_back("job top[0..9] crashed");
    scprec::loop::record_measurements(j, false, map);
    for (const auto& layer : map.layers) {
      CHECK(layer.status == scprec::model::LayerStatus::kAssigned);
      CHECK_FALSE(layer.measured_error.has_value());
    }
  }
  SECTION("an RTL that is not bit-exact: its errors are not the model's") {
    j.bit_exact = false;
    scprec::loop::record_measurements(j, false, map);
    CHECK(map.layers[1].status == scprec::model::LayerStatus::kAssigned);
    CHECK_FALSE(map.layers[1].measured_error.has_value());
  }
  SECTION("a missed target: the worst layer fails, the others pass, all measured") {
    scprec::loop::record_measurements(j, false, map);
    CHECK(map.layers[0].status == scprec::model::LayerStatus::kPassed);
    CHECK(map.layers[1].status == scprec::model::LayerStatus::kFailed);
    CHECK(map.layers[1].measured_error == 0.3);
    CHECK(map.layers[2].measured_error == 0.05);
  }
  SECTION("signed off: every layer passes") {
    j.end_to_end.pass = true;
    scprec::loop::record_measurements(j, true, map);
    for (const auto& layer : map.layers) CHECK(layer.status == scprec::model::LayerStatus::kPassed);
  }
}

TEST_CASE("loop: the end-to-end verdict flips exactly at the exceedance count the bound allows",
          "[loop]") {
  // One-sided Clopper-Pearson at confidence 1 - alpha: k exceedances in n trials pass iff
  // P(Binomial(n, delta) <= k) <= alpha. A two-sided level (alpha / 2) moves the threshold.
  const double target = 0.2;
  for (const auto& [n, confidence, alpha] :
       {std::tuple<std::size_t, double, double>{153, 0.95, 0.05}, {59, 0.95, 0.05},
        {400, 0.99, 0.05}, {200, 0.9, 0.1}}) {
    const double delta = 1.0 - confidence;
    std::size_t allowed = 0;
    while (binomial_cdf(allowed + 1, n, delta) <= alpha) ++allowed;
    const bool any_allowed = binomial_cdf(0, n, delta) <= alpha;
    INFO(n << " trials, delta " << delta << ", alpha " << alpha << ": " << allowed
           << " exceedances allowed");
    for (std::size_t k : {allowed, allowed + 1}) {
      const Boundary b(2, n, target, k, 0.1, 0);
      const auto j = scprec::loop::judge(b.m, b.map, targets(target, confidence, alpha));
      CHECK(j.end_to_end.exceedances == k);  // errors equal to the target are not above it
      CHECK(j.end_to_end.pass == (any_allowed && k == allowed));
    }
  }
}

TEST_CASE("loop: a layer's prediction is violated exactly when the exceedance lower bound passes "
          "delta / layers",
          "[loop]") {
  // The confidence is split over the layers: each layer is allowed delta / layers. Violated iff
  // the one-sided lower bound on the exceedance rate is above that, i.e. iff
  // P(Binomial(n, delta / layers) >= k) < alpha.
  const std::size_t n = 153;
  const double confidence = 0.95;
  const double alpha = 0.05;
  for (std::size_t layers : {1, 3}) {
    const double allowed = (1.0 - confidence) / static_cast<double>(layers);
    std::size_t first_violation = 1;
    while (1.0 - binomial_cdf(first_violation - 1, n, allowed) >= alpha) ++first_violation;
    INFO(layers << " layers: violated from " << first_violation << " exceedances");
    for (std::size_t k : {first_violation - 1, first_violation}) {
      const Boundary b(layers, n, 1.0, 0, 0.1, k);
      const auto j = scprec::loop::judge(b.m, b.map, targets(1.0, confidence, alpha));
      for (const auto& v : j.layers) {
        CHECK(v.level == Approx(1.0 - allowed));
        CHECK(v.allowed_rate == Approx(allowed));
        CHECK(v.prediction.exceedances == k);
        CHECK((v.prediction.check == CrossCheck::kViolated) == (k == first_violation));
      }
    }
  }
}

TEST_CASE(
    "loop: a layer's prediction holds exactly when the exceedance upper bound is within "
    "delta / layers",
    "[loop]") {
  // Holds iff the one-sided upper bound is at most the allowed rate, i.e. iff
  // P(Binomial(n, delta / layers) <= k) <= alpha; with fewer trials it is inconclusive.
  const double confidence = 0.95;
  const double alpha = 0.05;
  for (const auto& [n, layers] : {std::pair<std::size_t, std::size_t>{153, 1}, {400, 3}}) {
    const double allowed = (1.0 - confidence) / static_cast<double>(layers);
    std::size_t last_hold = 0;
    while (binomial_cdf(last_hold + 1, n, allowed) <= alpha) ++last_hold;
    REQUIRE(binomial_cdf(0, n, allowed) <= alpha);
    INFO(n << " trials, " << layers << " layers: holds up to " << last_hold << " exceedances");
    for (std::size_t k : {last_hold, last_hold + 1}) {
      const Boundary b(layers, n, 1.0, 0, 0.1, k);
      const auto j = scprec::loop::judge(b.m, b.map, targets(1.0, confidence, alpha));
      for (const auto& v : j.layers) {
        CHECK(v.prediction.check ==
              (k == last_hold ? CrossCheck::kHolds : CrossCheck::kInconclusive));
      }
    }
  }
}

TEST_CASE("loop: the flip rate is tested like the exceedance rate when a limit is set", "[loop]") {
  auto m = measurement(153, 0.01, 0, 0.01, 0.01);
  m.flips.assign(153, false);
  for (std::size_t t = 0; t < 4; ++t) m.flips[t] = true;  // 4 flips: 3 pass at 153 trials
  const auto map = two_layer_map(0.1, 0.1);
  const auto reported = scprec::loop::judge(m, map, targets(0.1, 0.95, 0.05));
  CHECK(reported.end_to_end.flips.events == 4);
  CHECK_FALSE(reported.end_to_end.flips.limit.has_value());
  CHECK(reported.pass());  // no limit: reported, not tested
  const auto tested = scprec::loop::judge(m, map, targets(0.1, 0.95, 0.05, 0.05));
  CHECK(tested.end_to_end.flips.upper > 0.05);
  CHECK_FALSE(tested.pass());
  m.flips[3] = false;  // 3 flips
  CHECK(scprec::loop::judge(m, map, targets(0.1, 0.95, 0.05, 0.05)).pass());
}

TEST_CASE("loop: the aim is a held-out pass chance of 0.9 over every tested rate", "[loop]") {
  // 153 trials: 0, 1 and 2 exceedances pass 153 fresh trials with chance 0.940, 0.817 and
  // 0.661; 0 to 4 flips (limit 10%) with 0.998, 0.991, 0.970, 0.932, 0.874.
  const auto map = two_layer_map(0.1, 0.1);
  const auto with_flips = [](std::size_t high, std::size_t flipped) {
    auto m = measurement(153, 0.01, high, 0.01, 0.01);  // high outputs at 0.02
    m.flips.assign(153, false);
    for (std::size_t t = 0; t < flipped; ++t) m.flips[152 - t] = true;
    return m;
  };
  const auto judged = [&](std::size_t high, std::size_t flipped) {
    return scprec::loop::judge(with_flips(high, flipped), map, targets(0.015, 0.95, 0.05, 0.1))
        .end_to_end;
  };
  CHECK(scprec::loop::kAimChance == 0.9);
  CHECK(judged(0, 2).aim);        // 0.940 x 0.970 = 0.912
  CHECK_FALSE(judged(0, 3).aim);  // 0.940 x 0.932 = 0.876
  CHECK_FALSE(judged(1, 0).aim);  // 0.817 x 0.998
  CHECK(judged(1, 2).pass_chance == Approx(0.817 * 0.970).margin(2e-3));
  // Passing is the held-out test's business: 3 exceedances and 8 flips still pass.
  CHECK(judged(3, 8).pass);
  // Without a flip limit, flips do not count.
  CHECK(scprec::loop::judge(with_flips(0, 40), map, targets(0.015, 0.95, 0.05)).end_to_end.aim);
}

TEST_CASE("loop: the per-input range error is reported always and tested when a target is set",
          "[loop]") {
  auto m = measurement(153, 0.01, 0, 0.01, 0.01);
  m.range_errors.assign(153, 0.1);
  for (std::size_t t = 0; t < 4; ++t) m.range_errors[t] = 0.5;  // 4 above 0.25: 3 pass
  const auto map = two_layer_map(0.1, 0.1);
  const auto reported = scprec::loop::judge(m, map, targets(0.1, 0.95, 0.05));
  CHECK(reported.end_to_end.range_quantile == Approx(0.1));
  CHECK(reported.pass());
  const auto tested = scprec::loop::judge(m, map, targets(0.1, 0.95, 0.05, std::nullopt, 0.25));
  CHECK(tested.end_to_end.range.events == 4);
  CHECK_FALSE(tested.pass());
  m.range_errors[3] = 0.25;  // at the target is not above it
  CHECK(scprec::loop::judge(m, map, targets(0.1, 0.95, 0.05, std::nullopt, 0.25)).pass());
}

TEST_CASE("loop: failing trials are those over a target or not bit-exact", "[loop]") {
  scprec::loop::Measurement m = measurement(6, 0.1, 2, 0.01, 0.01);  // trials 0, 1 at 0.2
  m.flips = {false, false, true, false, false, false};
  m.range_errors = {0.0, 0.0, 0.0, 0.5, 0.0, 0.0};
  m.inexact_trials = {5};
  using V = std::vector<std::size_t>;
  CHECK(scprec::loop::failing_trials(m, targets(0.15, 0.9, 0.05)) == V{0, 1, 5});
  CHECK(scprec::loop::failing_trials(m, targets(0.15, 0.9, 0.05, 0.1)) == V{0, 1, 2, 5});
  CHECK(scprec::loop::failing_trials(m, targets(0.15, 0.9, 0.05, 0.1, 0.25)) == V{0, 1, 2, 3, 5});
  CHECK(scprec::loop::failing_trials(m, targets(0.3, 0.9, 0.05)) == V{5});
}
