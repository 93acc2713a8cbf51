// Integration tests of the closed loop and sign-off on the bundled example (label `sim`): a map
// that is too short fails sign-off with exit 1 and a JUnit failure naming the layer; a generous
// map passes; a simulation that fails is an error (exit 3), not a failed check; a verify
// interrupted after its first RTL measurement, rerun, reuses the finished simulations and ends
// with the same map as an uninterrupted run; the sign-off a verify report names as its rerun
// reads the very map verify wrote and signs it off. Fewer trials and a looser confidence than
// the defaults keep the runs short.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "../example_map.hpp"
#include "../fixture_path.hpp"
#include "../run_command.hpp"
#include "commands.hpp"
#include "scprec/cosim/process.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/model_io.hpp"
#include "scprec/io/precision_map_io.hpp"
#include "scprec/io/sha256.hpp"

using scprec::test::example_file;

namespace {

using Run = scprec::test::CommandRun;
constexpr auto run = scprec::test::run_command;

std::string work(const std::string& name) {
  return std::string(SCPREC_TEST_WORK_DIR) + "/loop_" + name;
}

// The example's model (`model`: its .npz, or model.onnx, its ONNX twin) and data, the shared build
// cache, and a ledger of sign-off attempts
// (`ledger`, or one of this test process's own), so that no test's attempt count depends on
// another's.
std::vector<std::string> example(std::vector<std::string> args, std::string ledger = "",
                                 const std::string& model = "model.npz") {
  if (ledger.empty()) {
    ledger =
        std::string(SCPREC_TEST_WORK_DIR) + "/attempts-" + std::to_string(::getpid()) + ".json";
  }
  args.insert(args.begin() + 1, {"--model", example_file(model), "--data", example_file("data.npz"),
                                 "--cache", SCPREC_TEST_CACHE_DIR, "--attempts", ledger});
  return args;
}

constexpr auto map_with_length = scprec::test::example_map_with_length;

std::vector<std::size_t> lengths(const std::string& map_path) {
  std::vector<std::size_t> out;
  for (const auto& layer : scprec::io::read_precision_map(map_path).layers)
    out.push_back(layer.length);
  return out;
}

// The value of JUnit property `name` in `junit`, its XML entities decoded.
std::string property(const std::string& junit, const std::string& name) {
  const std::string start = "<property name=\"" + name + "\" value=\"";
  const std::size_t from = junit.find(start);
  if (from == std::string::npos) return "";
  const std::size_t begin = from + start.size();
  std::string value = junit.substr(begin, junit.find("\"/>", begin) - begin);
  for (const auto& [entity, text] : std::vector<std::pair<std::string, std::string>>{
           {"&apos;", "'"}, {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}}) {
    for (std::size_t at = value.find(entity); at != std::string::npos;
         at = value.find(entity, at + 1)) {
      value.replace(at, entity.size(), text);
    }
  }
  return value;
}

// A one-line "cd DIR && scprec ..." command split into its arguments by bash itself, without
// "scprec".
std::vector<std::string> shell_split(const std::string& command) {
  const std::size_t at = command.find(" && scprec ");
  REQUIRE(at != std::string::npos);
  const auto split = scprec::cosim::run_process(
      {"bash", "-c", command.substr(0, at) + " && printf '%s\\0' " + command.substr(at + 11)}, {});
  REQUIRE(split.succeeded());
  std::vector<std::string> words;
  for (std::size_t begin = 0, end; (end = split.output.find('\0', begin)) != std::string::npos;
       begin = end + 1) {
    words.push_back(split.output.substr(begin, end - begin));
  }
  return words;
}

}  // namespace

TEST_CASE("loop: a map that is too short fails sign-off naming the layer", "[.sim][loop]") {
  const std::string dir = work("too_short");
  const Run r = run(example({"signoff", "--map", map_with_length(dir, 8), "--trials", "40",
                             "--accuracy-images", "10", "-q", "--out", dir}));
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  CHECK_THAT(r.out, Catch::Contains("NOT SIGNED OFF"));
  const std::string junit = scprec::io::read_file(dir + "/junit.xml");
  CHECK_THAT(junit, Catch::Contains("<failure message=\"the output error misses its target, and "
                                    "layer fc"));
  CHECK_THAT(junit, Catch::Contains("<failure message=\"output error above 0.3"));
  CHECK(scprec::io::read_file(dir + "/report.html").find("verdict fail") != std::string::npos);
}

// The rows in "rows 3, 17" after `marker` in `text`, up to the end of the line or a period.
std::set<std::size_t> rows_after(const std::string& text, const std::string& marker) {
  std::set<std::size_t> rows;
  const std::size_t at = text.find(marker);
  if (at == std::string::npos) return rows;
  std::size_t end = text.find_first_of(".\n", at + marker.size());
  std::istringstream in(text.substr(at + marker.size(), end - at - marker.size()));
  std::string word;
  while (in >> word) rows.insert(std::stoul(word));
  return rows;
}

TEST_CASE("loop: a too-short map's failing held-out trials are rerun with FST waves",
          "[.sim][loop]") {
  const std::string dir = work("too_short_waves");
  const Run r =
      run(example({"signoff", "--map", map_with_length(dir, 8), "--trials", "12",
                   "--accuracy-images", "10", "--rerun-failing", "--trace", "-q", "--out", dir}));
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  const std::string md = scprec::io::read_file(dir + "/report.md");
  std::string failing = md.substr(md.find("Failing trials"));
  failing = failing.substr(0, failing.find('\n'));
  std::replace(failing.begin(), failing.end(), ',', ' ');
  const std::set<std::size_t> rows = rows_after(failing, "rows ");
  REQUIRE(!rows.empty());
  std::string waves = property(scprec::io::read_file(dir + "/junit.xml"), "waves");
  std::replace(waves.begin(), waves.end(), ',', ' ');
  CHECK(rows_after(waves, "for rows ") == rows);
  // Held-out rows only: the last 12 of the calibration split's 1000.
  CHECK(property(scprec::io::read_file(dir + "/junit.xml"), "rows.held_out") == "rows 988-999");
  CHECK(*rows.begin() >= 988);
  CHECK(*rows.rbegin() <= 999);
  std::set<std::size_t> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/waves")) {
    const std::string name = entry.path().filename().string();
    REQUIRE(name.rfind("trial-", 0) == 0);
    REQUIRE(name.size() > 10);
    REQUIRE(name.substr(name.size() - 4) == ".fst");
    files.insert(std::stoul(name.substr(6, name.size() - 10)));
    // An FST starts with its header block: tag 0 (FST_BL_HDR), then the section length 329.
    const std::string bytes = scprec::io::read_file(entry.path().string());
    REQUIRE(bytes.size() > 330);
    CHECK(bytes[0] == '\0');
    std::uint64_t length = 0;
    for (int k = 1; k <= 8; ++k) length = length << 8 | static_cast<unsigned char>(bytes[k]);
    CHECK(length == 329);
  }
  CHECK(files == rows);
  // A sign-off without the flags publishes no waves.
  const Run again = run(example({"signoff", "--map", dir + "/map.json", "--trials", "12",
                                 "--accuracy-images", "10", "-q", "--out", dir}));
  CHECK(again.code == 1);
  CHECK(!std::filesystem::exists(dir + "/waves"));
}

TEST_CASE("loop: sign-off's --trace needs --rerun-failing and the other way round", "[loop]") {
  for (const char* flag : {"--trace", "--rerun-failing"}) {
    const Run r =
        run(example({"signoff", "--map", work("no_map.json"), flag, "--out", work("trace_alone")}));
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--rerun-failing and --trace go together"));
  }
}

TEST_CASE("loop: sign-off refuses a map without an error target", "[loop]") {
  const std::string path = work("budget_only") + "/map.json";
  REQUIRE(run({"assign", "--model", example_file("model.npz"), "--data", example_file("data.npz"),
               "--method", "bernstein", "--gain", "analytic", "--budget", "600", "-q", "-o", path})
              .code == 0);
  const Run r = run(example({"signoff", "--map", path, "--out", work("budget_only")}));
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("targets.error") && Catch::Contains("--target-error"));
}

TEST_CASE("loop: a generous map passes sign-off", "[.sim][loop]") {
  const std::string dir = work("generous");
  const Run r = run(example({"signoff", "--map", map_with_length(dir, 512), "--trials", "40",
                             "--accuracy-images", "10", "-q", "--out", dir}));
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("SIGNED OFF") && Catch::Contains("bit-exact"));
  const std::string junit = scprec::io::read_file(dir + "/junit.xml");
  CHECK_THAT(junit, Catch::Contains("failures=\"0\""));
  CHECK(scprec::io::read_file(dir + "/report.md").find("| RTL network |") != std::string::npos);
  // The map is named by the hash of the file it read; the rerun is this command again.
  CHECK(property(junit, "map.sha256") == scprec::io::file_sha256(dir + "/map.json"));
  CHECK_THAT(property(junit, "verilator.version"), Catch::StartsWith("Verilator"));
  CHECK_THAT(property(junit, "rerun"), Catch::Contains(" && scprec signoff --model "));
  CHECK_THAT(scprec::io::read_file(dir + "/report.md"), Catch::Contains("| rerun | `cd "));
}

// On the example's ONNX twin: verify and signoff read it as they read the .npz.
TEST_CASE("loop: the sign-off a verify report names reads the map verify wrote and signs it off",
          "[.sim][loop]") {
  const std::string dir = work("rerun_signoff");
  const Run verified = run(example({"verify", "--target-error", "0.3", "--confidence", "0.75",
                                    "--trials", "40", "--max-flip-rate", "0", "--min-length", "512",
                                    "--accuracy-images", "10", "-q", "--out", dir},
                                   "", "model.onnx"));
  INFO(verified.out << verified.err);
  REQUIRE(verified.code == 0);
  const std::string junit = scprec::io::read_file(dir + "/junit.xml");
  CHECK(property(junit, "map.sha256") == scprec::io::file_sha256(dir + "/map.json"));
  std::vector<std::string> args = shell_split(property(junit, "rerun.signoff"));
  REQUIRE(args.size() > 2);
  CHECK(args.back() == dir + "-signoff");
  const Run signed_off = run(args);
  INFO(signed_off.out << signed_off.err);
  CHECK(signed_off.code == 0);
  const std::string signoff_junit = scprec::io::read_file(dir + "-signoff/junit.xml");
  CHECK(property(signoff_junit, "map.sha256") == property(junit, "map.sha256"));
  CHECK(property(signoff_junit, "model.sha256") == property(junit, "model.sha256"));
  CHECK(property(junit, "model.path") == example_file("model.onnx"));
  CHECK(property(junit, "model.sha256") == scprec::io::file_sha256(example_file("model.onnx")));
  CHECK(property(junit, "model.network_hash") ==
        scprec::io::network_hash(scprec::io::read_model(example_file("model.npz"))));
}

TEST_CASE("loop: a simulation that fails is an error that blames no layer, exit 3",
          "[.sim][loop]") {
  const std::string dir = work("timed_out");
  // Every simulation job is killed at its timeout, long before it can finish.
  const Run r = run(example({"signoff", "--map", map_with_length(dir, 512), "--trials", "40",
                             "--accuracy-images", "10", "--timeout", "0.01", "-q", "--out", dir}));
  INFO(r.out << r.err);
  CHECK(r.code == 3);
  CHECK_THAT(r.out, Catch::Contains("NOT SIGNED OFF: a simulation failed") &&
                        Catch::Contains("timed out") && Catch::Contains("job.log"));
  const std::string junit = scprec::io::read_file(dir + "/junit.xml");
  CHECK_THAT(junit, Catch::Contains("errors=\"3\"") &&
                        Catch::Contains("<error message=\"simulation failed: job top"));
  CHECK_THAT(junit, !Catch::Contains("<failure"));
}

namespace {

// Simulators in a build cache: one sim-<key> folder each.
std::size_t simulators_in(const std::string& cache) {
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(cache)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && name.rfind("sim-", 0) == 0) ++count;
  }
  return count;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++count;
  return count;
}

}  // namespace

TEST_CASE(
    "loop: every tuning measurement runs on one adjustable build, the verdict on the fixed RTL "
    "or on the adjustable build when asked",
    "[.sim][loop]") {
  const std::string dir = work("one_build");
  const std::string cache = dir + "-cache";
  std::filesystem::remove_all(cache);
  // verify's defaults on the example: 32/32/32 fails on the RTL, 64/64/64 passes.
  std::vector<std::string> args = example({"verify", "--accuracy-images", "10", "--out", dir});
  args[std::find(args.begin(), args.end(), "--cache") - args.begin() + 1] = cache;
  const Run verified = run(args);
  INFO(verified.out << verified.err);
  REQUIRE(verified.code == 0);
  CHECK(occurrences(verified.err, "on the adjustable-length RTL (L at most 1024)") >= 2);
  // Two simulators: the adjustable top for every tuning measurement, the map's fixed top for the
  // held-out verdict and the accuracy run.
  CHECK(simulators_in(cache) == 2);
  CHECK_THAT(verified.out, Catch::Contains("measured on: the fixed-length RTL of the map"));
  CHECK_THAT(scprec::io::read_file(dir + "/report.md"),
             Catch::Contains("| measured on | the fixed-length RTL of the map |"));

  // A sign-off of its map on the adjustable build builds nothing, and says what it measured.
  const Run adjustable =
      run({"signoff", "--model", example_file("model.npz"), "--data", example_file("data.npz"),
           "--map", dir + "/map.json", "--cache", cache, "--attempts", dir + "-attempts.json",
           "--accuracy-images", "10", "--signoff-rtl", "adjustable", "--out", dir + "-adjustable"});
  INFO(adjustable.out << adjustable.err);
  CHECK(adjustable.code == 0);
  CHECK(occurrences(adjustable.err, "built in") == 0);
  CHECK(simulators_in(cache) == 2);
  const std::string junit = scprec::io::read_file(dir + "-adjustable/junit.xml");
  CHECK(property(junit, "rtl.measured") ==
        "the adjustable-length RTL (L at most 1024) set to the map's lengths");
  CHECK_THAT(scprec::io::read_file(dir + "-adjustable/report.html"),
             Catch::Contains("<th>measured on</th><td>the adjustable-length RTL"));
}

TEST_CASE("loop: --signoff-rtl takes fixed or adjustable", "[loop]") {
  const Run r = run(example({"verify", "--signoff-rtl", "both", "--out", work("signoff_rtl")}));
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--signoff-rtl") && Catch::Contains("'both'"));
}

TEST_CASE("loop: fewer trials than any sign-off needs are refused", "[loop]") {
  const Run r = run(example({"verify", "--trials", "58", "--out", work("few_trials")}));
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("58 trials can never sign off") &&
                        Catch::Contains("Use at least 59 trials"));
  // CI reading DIR/junit.xml sees the run's error, not an earlier run's verdict.
  CHECK_THAT(scprec::io::read_file(work("few_trials") + "/junit.xml"),
             Catch::Contains("errors=\"1\"") && Catch::Contains("58 trials can never sign off"));
}

TEST_CASE("loop: a rerun after an interrupted verify reuses finished work and gives the same map",
          "[.sim][loop]") {
  const std::vector<std::string> settings = {"--target-error", "0.3", "--confidence",      "0.75",
                                             "--trials",       "40",  "--accuracy-images", "10"};
  const auto verify = [&](const std::string& dir, std::vector<std::string> extra) {
    std::vector<std::string> args = {"verify"};
    args.insert(args.end(), settings.begin(), settings.end());
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--out", dir});
    return run(example(args));
  };
  const std::string interrupted = work("interrupted");
  // Stopped after its first RTL measurement, as a killed run would be.
  verify(interrupted, {"--max-steps", "1"});
  const Run resumed = verify(interrupted, {});
  INFO(resumed.out << resumed.err);
  // The resumed run's first RTL measurement is the interrupted run's: every job is reused.
  const std::size_t first_jobs = resumed.err.find("jobs to run");
  REQUIRE(first_jobs != std::string::npos);
  const std::size_t line = resumed.err.rfind('\n', first_jobs) + 1;
  CHECK_THAT(resumed.err.substr(line, first_jobs - line), Catch::EndsWith("simulate: 0 "));
  const Run fresh = verify(work("uninterrupted"), {});
  REQUIRE(fresh.code == resumed.code);
  CHECK(lengths(interrupted + "/map.json") == lengths(work("uninterrupted") + "/map.json"));
}

TEST_CASE("loop: exactly the minimum number of trials is accepted", "[loop]") {
  // 59 trials can sign off at delta = alpha = 0.05: the check lets them through, and the run
  // stops only because the tiny data has fewer calibration rows than that.
  const Run r = run({"verify", "--model", scprec::test::npz_fixture("tiny_model.npz"), "--data",
                     scprec::test::npz_fixture("data_ok.npz"), "--trials", "59", "-q", "--out",
                     work("minimum_trials")});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, !Catch::Contains("can never sign off") &&
                        Catch::Contains("5 calibration rows cannot hold the 100 rows a map is "
                                        "assigned from and the 59 a tuning measurement needs"));
}

TEST_CASE(
    "loop: a sign-off judges only rows that chose nothing, counts its attempts, and says "
    "when it cannot",
    "[.sim][loop]") {
  // The map was assigned on calibration rows 0-953 (confidence 0.75 reserves 2 x 23 rows).
  const std::string dir = work("held_out");
  const std::string map = map_with_length(dir, 512);
  const std::string ledger = dir + "/attempts.json";
  std::filesystem::remove(ledger);  // a rerun of this test starts counting again
  const auto signoff = [&](const std::string& map_path, const std::string& trials,
                           const std::string& out) {
    return run(example({"signoff", "--map", map_path, "--trials", trials, "--accuracy-images", "10",
                        "-q", "--out", out},
                       ledger));
  };
  const Run first = signoff(map, "40", work("held_out_1"));
  INFO(first.out << first.err);
  CHECK(first.code == 0);
  CHECK_THAT(first.out, Catch::Contains("held-out rows 960-999 of 1000 calibration rows (attempt "
                                        "1 on them, alpha 0.05)"));
  CHECK_THAT(scprec::io::read_file(work("held_out_1") + "/junit.xml"),
             Catch::Contains("<property name=\"rows.held_out\" value=\"rows 960-999\"/>"));

  // Another map on the same rows is a second attempt, tested at half the alpha; the first map
  // again is a rerun of attempt 1.
  auto shorter = scprec::io::read_precision_map(map);
  for (auto& layer : shorter.layers) layer.length = 256;
  scprec::io::write_precision_map(shorter, dir + "/shorter.json");
  const Run second = signoff(dir + "/shorter.json", "40", work("held_out_2"));
  INFO(second.out << second.err);
  CHECK_THAT(second.out, Catch::Contains("(attempt 2 on them, alpha 0.025)"));
  CHECK_THAT(signoff(map, "40", work("held_out_3")).out,
             Catch::Contains("(attempt 1 on them, alpha 0.05)"));

  // More trials than the 46 rows after the calibration rows: never the calibration rows.
  const Run too_few = signoff(map, "59", work("held_out_4"));
  INFO(too_few.out << too_few.err);
  CHECK(too_few.code == 1);
  CHECK_THAT(too_few.out, Catch::Contains("NOT SIGNED OFF: too few held-out rows (need 59, have "
                                          "46)"));
  CHECK_THAT(scprec::io::read_file(work("held_out_4") + "/junit.xml"),
             Catch::Contains("<failure message=\"not signed off: too few held-out rows"));

  // A map that does not say which rows chose it signs off on none.
  auto json = nlohmann::json::parse(scprec::io::read_file(map));
  json.erase("provenance");
  scprec::io::write_file_atomically(dir + "/unknown.json", json.dump());
  const Run unknown = signoff(dir + "/unknown.json", "40", work("held_out_5"));
  CHECK(unknown.code == 1);
  CHECK_THAT(unknown.out, Catch::Contains("does not record which calibration rows chose it"));
}
