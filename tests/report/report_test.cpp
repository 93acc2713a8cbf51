// Tests for the report writers on a constructed result: JUnit structure and failures, Markdown
// tables, HTML with inline SVG charts and escaping.
#include "scprec/report/report.hpp"

#include <catch2/catch.hpp>

namespace {

scprec::loop::VerifyResult result(bool signed_off) {
  scprec::loop::VerifyResult r;
  r.signed_off = signed_off;
  r.verdict = signed_off ? "signed off" : "failed: layer <b> is over";
  r.trials = 100;
  r.rows.data_hash = "abc123";
  r.rows.rows = 1000;
  r.rows.calibration = {0, 694};
  r.rows.tuning = {694, 153};
  r.rows.signoff = {847, 153};
  for (std::size_t l = 0; l < 2; ++l) {
    scprec::model::LayerPrecision row;
    row.index = l;
    row.name = l == 0 ? "fc1" : "<b>";
    row.length = 128;
    row.predicted_error = 0.1;
    row.status = !signed_off && l == 1 ? scprec::model::LayerStatus::kFailed
                                       : scprec::model::LayerStatus::kPassed;
    r.map.layers.push_back(row);
    scprec::loop::LayerVerdict v;
    v.name = row.name;
    v.length = 128;
    v.prediction.predicted = 0.1;
    v.measured = l == 0 ? 0.05 : 0.3;
    v.level = 0.975;
    v.prediction.check =
        l == 0 ? scprec::loop::CrossCheck::kLoose : scprec::loop::CrossCheck::kViolated;
    v.prediction.looseness = 0.1 / v.measured;
    scprec::loop::PredictionCheck hoeffding;
    hoeffding.predicted = 0.4;
    hoeffding.looseness = hoeffding.looseness_low = hoeffding.looseness_high = 0.4 / v.measured;
    hoeffding.check = scprec::loop::CrossCheck::kLoose;
    v.bounds = {{"hoeffding", hoeffding}};
    r.judgement.layers.push_back(v);
    r.curves.push_back({{32, 64, 128}, {0.3, 0.2, 0.1}, {{"bernstein", {0.5, 0.35, 0.25}}}});
  }
  auto& e = r.judgement.end_to_end;
  e.target = 0.2;
  e.delta = e.alpha = 0.05;
  e.trials = 100;
  e.exceedances = signed_off ? 0 : 9;
  e.rate = 0.09;
  e.upper_bound = 0.15;
  e.quantile = 0.25;
  e.pass = signed_off;
  e.flips = scprec::loop::test_rate(2, 100, std::nullopt, 0.05);
  r.accuracy = scprec::loop::Accuracy{};
  r.accuracy->rtl_correct = 170;
  r.accuracy->rtl_images = 200;
  r.accuracy->software_correct = 1700;
  r.accuracy->software_images = r.accuracy->float_images = 2000;
  r.accuracy->float_correct = 1770;
  r.accuracy->integer_correct = 1750;
  return r;
}

const scprec::report::Provenance kProvenance{"signoff", "m.npz", "d.npz"};

}  // namespace

TEST_CASE("report: JUnit has a case per layer, end to end and bit-exactness", "[report]") {
  const std::string pass = scprec::report::junit_xml(result(true), kProvenance);
  CHECK_THAT(pass, Catch::Contains("tests=\"5\" failures=\"0\""));
  CHECK_THAT(pass, Catch::Contains("held-out rows 847-999 of 1000"));
  CHECK_THAT(pass, Catch::Contains("name=\"fc1 at L=128\""));
  const std::string fail = scprec::report::junit_xml(result(false), kProvenance);
  CHECK_THAT(fail, Catch::Contains("failures=\"3\""));  // a layer, end to end, the verdict
  CHECK_THAT(fail,
             Catch::Contains("layer &lt;b&gt; at L=128 is the furthest over its budget: measured "
                                   "error 0.3 &gt; budget 0.1"));
  CHECK_THAT(fail, Catch::Contains("output error above 0.2 in 9 of 100 trials"));
  CHECK_THAT(fail, !Catch::Contains("<b>"));
}

TEST_CASE("report: Markdown and HTML carry the verdict, the tables and the charts", "[report]") {
  const std::string md = scprec::report::markdown_report(result(false), kProvenance);
  CHECK_THAT(md, Catch::Contains("**Not signed off: failed: layer <b> is over**"));
  CHECK_THAT(md, Catch::Contains("| layer | L | measured | hoeffding | map (budget) | status |"));
  CHECK_THAT(md, Catch::Contains("| fc1 | 128 | 0.05 | 0.4: loose by 8.0x (8.0-8.0x) | 0.1: "));
  CHECK_THAT(md, Catch::Contains("| exact integer | 87.50% (1750/2000) |"));
  CHECK_THAT(md, Catch::Contains("top-1 differs from the exact integer network's on 2 of 100"));
  CHECK_THAT(md, Catch::Contains("held-out rows 847-999 of 1000"));
  CHECK_THAT(md, Catch::Contains("| RTL network | 85.00% (170/200) |"));
  const std::string html = scprec::report::html_report(result(false), kProvenance);
  CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>"));
  CHECK_THAT(html, Catch::Contains("class=\"verdict fail\""));
  CHECK_THAT(html, Catch::Contains("failed: layer &lt;b&gt; is over"));
  CHECK_THAT(html, Catch::Contains("<svg") && Catch::Contains("bernstein bound") &&
                       Catch::Contains("budget at L=128") && Catch::Contains("RTL, whole network"));
  CHECK_THAT(html, Catch::Contains("class=\"violated\""));
  CHECK_THAT(html, !Catch::Contains("src=") && !Catch::Contains("<script"));
}

TEST_CASE("report: a failed simulation is an error, not a failed check, and blames no layer",
          "[report]") {
  auto r = result(false);
  r.judgement.problems = {"job top[0..9] timed out after 60 s (log: sim/jobs/x/job.log)"};
  const std::string junit = scprec::report::junit_xml(r, kProvenance);
  CHECK_THAT(junit, Catch::Contains("errors=\"3\""));  // end to end, bit-exactness, verdict
  CHECK_THAT(junit, !Catch::Contains("<failure message=\"output error above"));
  CHECK_THAT(junit, Catch::Contains("<error message=\"simulation failed: job top[0..9] timed out"));
  const std::string md = scprec::report::markdown_report(r, kProvenance);
  CHECK_THAT(md, Catch::Contains("| bit-exact | UNKNOWN: 1 simulation(s) failed, see below |"));
  CHECK_THAT(md, Catch::Contains("## Simulation failures\n\n- job top[0..9] timed out"));
  r.accuracy->rtl_problems = {"job top[0..199] exited with 139"};
  CHECK_THAT(scprec::report::markdown_report(r, kProvenance),
             Catch::Contains("| RTL network | unavailable: job top[0..199] exited with 139 |"));
  CHECK_THAT(scprec::report::html_report(r, kProvenance),
             Catch::Contains("Simulation failures") && !Catch::Contains(">RTL<"));
}

TEST_CASE("report: JUnit stays well-formed UTF-8 XML whatever an error message quotes",
          "[report]") {
  // An invalid byte, a lone continuation byte, an overlong '/', a UTF-16 surrogate, control
  // characters XML forbids, and characters it allows.
  const std::string message =
      "map \xff\x80 field \xC0\xAF \xED\xA0\x80 bell\x07 nul" + std::string(1, '\0') +
      " tab\t é ✓ <&>";
  const std::string junit = scprec::report::junit_error_xml(message, kProvenance);
  CHECK_THAT(junit, Catch::Contains("map \xEF\xBF\xBD\xEF\xBF\xBD field \xEF\xBF\xBD\xEF\xBF\xBD"));
  CHECK_THAT(junit, Catch::Contains("bell\xEF\xBF\xBD nul\xEF\xBF\xBD tab\t é ✓ &lt;&amp;&gt;"));
  for (const char c : junit) {
    const auto byte = static_cast<unsigned char>(c);
    CHECK((byte >= 0x20 || c == '\n' || c == '\t'));
    CHECK((byte != 0xFF && byte != 0xC0));
  }
}
