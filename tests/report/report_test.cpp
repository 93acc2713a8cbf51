// Tests for the report writers on a constructed result: JUnit structure and failures, Markdown
// tables, HTML with inline SVG charts and escaping, and the reproduction properties every report
// carries, with rerun commands that a shell splits back into the argv they came from.
#include "scprec/report/report.hpp"

#include <catch2/catch.hpp>

#include "scprec/core/version.hpp"
#include "scprec/cosim/process.hpp"

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
  e.upper_bound = signed_off ? 0.03 : 0.15;
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
  auto r = result(false);
  r.steps.push_back({{128, 128}, true, false, 0.25, 0.03, 2, 100, "tuning", "assigned"});
  r.steps.push_back({{64, 128}, false, false, 0.3, 0.1, 7, 100, "tuning", "fc1 at 64: not chosen"});
  const std::string md = scprec::report::markdown_report(r, kProvenance);
  CHECK_THAT(md, Catch::Contains("**Not signed off: failed: layer <b> is over**"));
  CHECK_THAT(md, Catch::Contains("| layer | L | measured | hoeffding | map (budget) | status |"));
  CHECK_THAT(md, Catch::Contains("| fc1 | 128 | 0.05 | 0.4: loose by 8.0x (8.0-8.0x) | 0.1: "));
  CHECK_THAT(md, Catch::Contains("| exact integer | 87.50% (1750/2000) |"));
  CHECK_THAT(md, Catch::Contains("top-1 differs from the exact integer network's on 2 of 100"));
  CHECK_THAT(md, Catch::Contains("held-out rows 847-999 of 1000"));
  CHECK_THAT(md, Catch::Contains("| RTL network | 85.00% (170/200) |"));
  // Each step shows the flips, which often decide, beside the error.
  CHECK_THAT(md, Catch::Contains("| 2 | 64/128 | software model | tuning | 0.3 | 0.1000 | 7/100 | "
                                 "fc1 at 64: not chosen |"));
  const std::string html = scprec::report::html_report(r, kProvenance);
  CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>"));
  CHECK_THAT(html, Catch::Contains("class=\"verdict fail\""));
  CHECK_THAT(html, Catch::Contains("failed: layer &lt;b&gt; is over"));
  CHECK_THAT(html, Catch::Contains("<svg") && Catch::Contains("bernstein bound") &&
                       Catch::Contains("budget at L=128") && Catch::Contains("RTL, whole network"));
  CHECK_THAT(html, Catch::Contains("class=\"violated\""));
  CHECK_THAT(html, Catch::Contains("<td>7/100</td><td>fc1 at 64: not chosen</td>"));
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

namespace {

// A provenance as the CLI fills it, with paths that need quoting and XML escaping.
scprec::report::Provenance full_provenance() {
  scprec::report::Provenance p{"verify", "in put/m.npz", "d<&>.npz"};
  p.argv = {"scprec", "verify", "--model", "in put/m.npz", "--data", "d<&>.npz", "--out", "it's"};
  p.working_directory = "/home/a b";
  p.signoff = {"scprec", "signoff", "--map", "it's/map.json", "--out", "it's-signoff"};
  p.map_path = "it's/map.json";
  p.model_sha256 = std::string(64, 'a');
  p.network_hash = std::string(64, 'b');
  p.data_sha256 = std::string(64, 'c');
  p.map_sha256 = std::string(64, 'd');
  p.tools = {"Verilator 5.006", "2.3.4", "unavailable", "Icarus Verilog version 11.0"};
  p.simulator = "verilator";
  p.executor = "slurm";
  return p;
}

std::string value_of(const scprec::report::Properties& properties, const std::string& name) {
  for (const auto& [key, value] : properties) {
    if (key == name) return value;
  }
  return "(missing)";
}

}  // namespace

TEST_CASE("report: the reproduction properties name versions, inputs, hashes, seeds and reruns",
          "[report]") {
  auto r = result(true);
  r.map.seed = 7;
  for (auto& layer : r.map.layers) layer.generator = scprec::core::GeneratorKind::kSobol;
  r.map.generator_width = 16;
  const auto properties = scprec::report::reproduction_properties(r, full_provenance());
  CHECK(value_of(properties, "scprec.version") == scprec::kVersion);
  CHECK(value_of(properties, "scprec.compiler") == scprec::kCompiler);
  CHECK(value_of(properties, "verilator.version") == "Verilator 5.006");
  CHECK(value_of(properties, "systemc.version") == "2.3.4");
  CHECK(value_of(properties, "simulation.compiler") == "unavailable");
  CHECK(value_of(properties, "simulator") == "verilator");
  CHECK(value_of(properties, "executor") == "slurm");
  CHECK(value_of(properties, "icarus.version") == "(missing)");  // the backend that did not run
  CHECK(value_of(properties, "command_line") ==
        "scprec verify --model 'in put/m.npz' --data 'd<&>.npz' --out 'it'\\''s'");
  CHECK(value_of(properties, "model.sha256") == std::string(64, 'a'));
  CHECK(value_of(properties, "model.network_hash") == std::string(64, 'b'));
  CHECK(value_of(properties, "data.sha256") == std::string(64, 'c'));
  CHECK(value_of(properties, "map.path") == "it's/map.json");
  CHECK(value_of(properties, "map.sha256") == std::string(64, 'd'));
  CHECK(value_of(properties, "map.seed") == "7");
  CHECK(value_of(properties, "map.generator") == "sobol (16-bit)");
  CHECK(value_of(properties, "rerun") ==
        "cd '/home/a b' && " + value_of(properties, "command_line"));
  CHECK(value_of(properties, "rerun.signoff") ==
        "cd '/home/a b' && scprec signoff --map 'it'\\''s/map.json' --out 'it'\\''s-signoff'");
  // On Icarus, its version instead of Verilator's and SystemC's.
  auto icarus = full_provenance();
  icarus.simulator = "icarus";
  const auto on_icarus = scprec::report::reproduction_properties(r, icarus);
  CHECK(value_of(on_icarus, "icarus.version") == "Icarus Verilog version 11.0");
  CHECK(value_of(on_icarus, "verilator.version") == "(missing)");
  // Nothing was given for these, so they are left out rather than shown empty.
  CHECK(value_of(properties, "manifest.path") == "(missing)");
  CHECK(value_of(properties, "manifest.sha256") == "(missing)");
}

TEST_CASE("report: Markdown, HTML and JUnit each render the reproduction properties, escaped",
          "[report]") {
  auto provenance = full_provenance();
  provenance.map_path = "a|b`c\nd";
  const std::string md = scprec::report::markdown_report(result(true), provenance);
  CHECK_THAT(md, Catch::Contains("\n## Reproduce\n\n| | |\n|---|---|\n| scprec.version | `"));
  CHECK_THAT(md, Catch::Contains("| data.sha256 | `" + std::string(64, 'c') + "` |"));
  CHECK_THAT(md, Catch::Contains("| map.path | ``a\\|b`c\\nd`` |"));
  const std::string html = scprec::report::html_report(result(true), provenance);
  CHECK_THAT(html, Catch::Contains("<h2>Reproduce</h2>"));
  CHECK_THAT(html,
             Catch::Contains("<tr><th>data.path</th><td><code>d&lt;&amp;&gt;.npz</code></td>"));
  const std::string junit = scprec::report::junit_xml(result(true), provenance);
  CHECK_THAT(junit, Catch::Contains("errors=\"0\">\n    <properties>\n      <property "));
  CHECK_THAT(junit, Catch::Contains("</properties>\n    <testcase "));
  CHECK_THAT(junit, Catch::Contains("<property name=\"data.path\" value=\"d&lt;&amp;&gt;.npz\"/>"));
  CHECK_THAT(junit, Catch::Contains("<property name=\"map.path\" value=\"a|b`c&#10;d\"/>"));
  CHECK_THAT(junit, Catch::Contains("<property name=\"rerun\" value=\"cd &apos;/home/a b&apos; "
                                    "&amp;&amp; scprec verify --model &apos;in put/m.npz&apos;"));
}

TEST_CASE("report: a run stopped without a result records the command line it ran", "[report]") {
  scprec::report::Provenance provenance{"signoff", "m.npz", ""};
  provenance.argv = {"scprec", "signoff", "--bad"};
  const std::string junit = scprec::report::junit_error_xml("usage error", provenance);
  CHECK_THAT(junit, Catch::Contains("<property name=\"command_line\" value=\"scprec signoff "
                                    "--bad\"/>"));
  CHECK_THAT(junit, Catch::Contains("<property name=\"rerun\" value=\"scprec signoff --bad\"/>"));
  CHECK_THAT(junit, !Catch::Contains("data.path") && !Catch::Contains("map.seed") &&
                        !Catch::Contains("verilator.version"));
}

TEST_CASE("report: shell_command quotes each word so that a shell splits it back", "[report]") {
  const std::vector<std::string> argv = {"scprec",     "--out=dir/x_1.2",
                                         "with space", "it's",
                                         "\"double\"", "$HOME",
                                         "`id`",       "a*b",
                                         "~",          "=x",
                                         "",           "back\\slash",
                                         "é ✓",        "semi;colon"};
  const std::string line = scprec::report::shell_command(argv);
  CHECK_THAT(line, Catch::StartsWith("scprec --out=dir/x_1.2 'with space' 'it'\\''s' "));
  CHECK_THAT(line, Catch::Contains(" '$HOME' '`id`' 'a*b' '~' '=x' '' "));
  std::string expected;
  for (const std::string& word : argv) expected += "[" + word + "]";
  // Control characters take $'...', which bash reads; everything else is POSIX sh as well.
  const std::string control = "new\nline\ttab\x01";
  CHECK(scprec::report::shell_command({control}) == "$'new\\nline\\ttab\\x01'");
  for (const char* shell : {"sh", "bash"}) {
    if (!scprec::cosim::program_available(shell)) continue;
    const auto run = scprec::cosim::run_process({shell, "-c", "printf '[%s]' " + line}, {});
    INFO(shell << ": " << line);
    CHECK(run.output == expected);
  }
  if (scprec::cosim::program_available("bash")) {
    const auto run = scprec::cosim::run_process(
        {"bash", "-c", "printf '[%s]' " + scprec::report::shell_command({control, "x"})}, {});
    CHECK(run.output == "[" + control + "][x]");
  }
}

TEST_CASE("report: a bound one layer's lanes do not take keeps its column, marked for that layer",
          "[report]") {
  auto r = result(true);
  // The second layer, on LFSR lanes, has a binomial check before Chebyshev's; the first, on
  // Sobol lanes, has none.
  scprec::loop::PredictionCheck binomial;
  binomial.predicted = 0.2;
  binomial.check = scprec::loop::CrossCheck::kHolds;
  for (auto& layer : r.judgement.layers) layer.bounds.push_back({"chebyshev", binomial});
  auto& lfsr = r.judgement.layers[1].bounds;
  lfsr.insert(lfsr.begin() + 1, {"binomial", binomial});
  const std::string md = scprec::report::markdown_report(r, kProvenance);
  CHECK_THAT(md, Catch::Contains(
                     "| layer | L | measured | hoeffding | binomial | chebyshev | map (budget) |"));
  CHECK_THAT(md, Catch::Contains("| fc1 | 128 | 0.05 | 0.4: ") &&
                     Catch::Contains(" | does not model these lanes | 0.2: "));
  const std::string html = scprec::report::html_report(r, kProvenance);
  CHECK_THAT(html, Catch::Contains("<th>binomial</th>") &&
                       Catch::Contains("<td>does not model these lanes</td>"));
  const std::string junit = scprec::report::junit_xml(r, kProvenance);
  CHECK_THAT(junit, Catch::Contains("binomial 0.2: holds;"));
}
