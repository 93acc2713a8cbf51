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
      scprec::loop::judge(measurement(100, 0.05, 0, 0.01, 0.01), map, 0.1, 0.95, 0.05);
  CHECK(pass.end_to_end.pass);
  CHECK(pass.pass());
  CHECK(pass.end_to_end.upper_bound == Approx(0.0295).margin(1e-3));
  // 3 of 100 above target: upper bound 0.0757 > 0.05.
  const auto fail =
      scprec::loop::judge(measurement(100, 0.06, 3, 0.01, 0.01), map, 0.1, 0.95, 0.05);
  CHECK_FALSE(fail.end_to_end.pass);
  CHECK(fail.end_to_end.exceedances == 3);
  auto not_exact = measurement(100, 0.05, 0, 0.01, 0.01);
  not_exact.mismatches = 1;
  CHECK_FALSE(scprec::loop::judge(not_exact, map, 0.1, 0.95, 0.05).pass());
}

TEST_CASE("loop: the cross-check says holds, loose or violated", "[loop]") {
  // Layer a measured at 0.04 against a prediction of 0.1: loose by 2.5x. Layer b at 0.2
  // against 0.1: every trial exceeds, violated.
  const auto j = scprec::loop::judge(measurement(60, 0.01, 0, 0.04, 0.2), two_layer_map(0.1, 0.1),
                                     0.1, 0.95, 0.05);
  CHECK(j.layers[0].prediction.check == CrossCheck::kLoose);
  CHECK_THAT(j.layers[0].prediction.describe(), Catch::StartsWith("loose by 2."));
  CHECK(j.layers[1].prediction.check == CrossCheck::kViolated);
  CHECK_THAT(j.layers[1].prediction.describe(), Catch::Contains("2.00x over"));
  CHECK(j.layers[0].level == Approx(0.975));
  // One exceedance in 60 against an allowed 1/40 is no evidence of a violation.
  auto borderline = measurement(60, 0.01, 0, 0.09, 0.05);
  borderline.layer_errors[0][0] = 0.2;
  const auto k = scprec::loop::judge(borderline, two_layer_map(0.1, 0.06), 0.1, 0.95, 0.05);
  CHECK(k.layers[0].prediction.exceedances == 1);
  CHECK(k.layers[0].prediction.check == CrossCheck::kHolds);
  CHECK(
      scprec::loop::judge(measurement(10, 0.01, 0, 0.1, 0.1), two_layer_map(0, 0), 0.1, 0.95, 0.05)
          .layers[0]
          .prediction.check == CrossCheck::kNoPrediction);
}

TEST_CASE("loop: an analytic bound is cross-checked like the map's prediction", "[loop]") {
  auto j = scprec::loop::judge(measurement(60, 0.01, 0, 0.04, 0.2), two_layer_map(0.1, 0.1), 0.1,
                               0.95, 0.05);
  CHECK(j.layers[0].bound.check == CrossCheck::kNoPrediction);  // until bounds are given
  scprec::loop::cross_check_bounds(j, {0.05, 0.1}, 0.05);
  // Layer a: errors 0.04 .. 0.0424 under a bound of 0.05, less than 2x: holds.
  CHECK(j.layers[0].bound.check == CrossCheck::kHolds);
  CHECK(j.layers[0].bound.predicted == 0.05);
  CHECK(j.layers[0].bound.exceedances == 0);
  // Layer b: every trial at 0.2 above a bound of 0.1: violated, as its prediction is.
  CHECK(j.layers[1].bound.check == CrossCheck::kViolated);
  CHECK(j.layers[1].bound.exceedances == 60);
  CHECK(j.layers[1].prediction.check == CrossCheck::kViolated);
  // Nothing measured (every simulation failed): neither check can say anything.
  scprec::loop::Measurement none;
  none.layer_errors.resize(2);
  auto n = scprec::loop::judge(none, two_layer_map(0.1, 0.1), 0.1, 0.95, 0.05);
  scprec::loop::cross_check_bounds(n, {0.05, 0.1}, 0.05);
  CHECK(n.layers[0].prediction.check == CrossCheck::kNotMeasured);
  CHECK(n.layers[1].bound.describe() == "not measured");
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
      const auto j = scprec::loop::judge(b.m, b.map, target, confidence, alpha);
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
      const auto j = scprec::loop::judge(b.m, b.map, 1.0, confidence, alpha);
      for (const auto& v : j.layers) {
        CHECK(v.level == Approx(1.0 - allowed));
        CHECK(v.allowed_rate == Approx(allowed));
        CHECK(v.prediction.exceedances == k);
        CHECK((v.prediction.check == CrossCheck::kViolated) == (k == first_violation));
      }
    }
  }
}
