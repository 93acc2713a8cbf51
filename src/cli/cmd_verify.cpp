// `scprec verify`, `scprec signoff` and `scprec demo`: the closed loop, sign-off of a given
// map, and the closed loop on the bundled example. Each publishes DIR/rtl/, DIR/report.md,
// DIR/report.html and DIR/junit.xml (verify and demo DIR/map.json too) as one set
// (io::OutputDir), prints a per-layer table and the verdict, and exits 0 when signed off, 1
// when not, 3 when a simulation failed. The reports say what reproduces the verdict: the command
// line, the inputs and their hashes, the tools' versions, and commands that rerun it.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <filesystem>
#include <ostream>

#include "cli_parse.hpp"
#include "commands.hpp"
#include "model_options.hpp"
#include "run_options.hpp"
#include "run_outputs.hpp"
#include "scprec/core/error.hpp"
#include "scprec/cosim/build.hpp"
#include "scprec/cosim/simulate.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/output_dir.hpp"
#include "scprec/io/precision_map_io.hpp"
#include "scprec/io/sha256.hpp"
#include "scprec/loop/verify.hpp"
#include "scprec/report/report.hpp"
#include "scprec/rtl/generator.hpp"
#include "stream_logger.hpp"

namespace scprec::cli {
namespace {

// verify's and demo's default targets, which the bundled example meets: the output error within
// 0.2 of full scale, and the top-1 class as the exact integer network's on all but 10% of inputs.
// The flip limit is what keeps accuracy: the error target alone signs off a map 1.8 points less
// accurate than the integer network, both together one 0.9 points less accurate (README).
constexpr double kDefaultTarget = 0.2;
constexpr double kDefaultMaxFlipRate = 0.1;

struct LoopOptions {
  ModelOptions model;
  double signoff_target = std::nan("");      // signoff: overrides the map's error target
  double signoff_confidence = std::nan("");  // signoff: overrides the map's confidence
  double max_flip_rate = std::nan("");       // signoff: overrides the map's
  double range_error = std::nan("");         // signoff: overrides the map's
  std::string cross_check = "hoeffding";
  std::string method = "sensitivity";
  std::string map_path;  // signoff
  std::string out;
  unsigned jobs = 2;
  RunOptions run;
  bool quiet = false;
  bool rerun_failing = false;  // signoff: with trace, FST waves of the failing held-out trials
  bool trace = false;
  std::string signoff_rtl = "fixed";
  loop::VerifyConfig config;
};

void add_loop_options(CLI::App& app, LoopOptions& o, bool with_targets) {
  app.add_option("--alpha", o.config.alpha, "significance of the acceptance test")
      ->check(check::kFraction)
      ->capture_default_str();
  app.add_option("--trials", o.config.trials,
                 "calibration trials per measurement (0: what the acceptance test needs)")
      ->check(check::kCount)
      ->capture_default_str();
  app.add_option("--accuracy-images", o.config.accuracy_images,
                 "test images the RTL network classifies")
      ->check(check::kCount)
      ->capture_default_str();
  app.add_option("--jobs", o.jobs, "worker processes and parallel builds")
      ->check(check::kCount)
      ->capture_default_str();
  app.add_option("--cache", o.config.simulation.build.cache_dir,
                 "build cache (default $SCPREC_CACHE or ~/.cache/scprec)");
  app.add_option("--timeout", o.config.simulation.timeout_seconds, "seconds per simulation job")
      ->check(check::kPositive)
      ->capture_default_str();
  app.add_flag("-q,--quiet", o.quiet, "no progress output");
  add_run_options(app, o.run, "a folder beside --out, .NAME.scprec/work");
  app.add_option("--signoff-rtl", o.signoff_rtl,
                 "the RTL the held-out verdict and the accuracy run measure: fixed (the map's "
                 "fixed-length RTL, what ships) or adjustable (the adjustable-length build the "
                 "tuning measurements use, saving a build)")
      ->capture_default_str();
  app.add_option(
      "--attempts", o.config.attempts_ledger,
      "ledger of sign-off attempts on held-out rows (default: CACHE/signoff-attempts.json)");
  app.add_option("--cross-check", o.cross_check,
                 "bounds the plots show, comma-separated (the table has every bound that models "
                 "each layer's lanes)")
      ->capture_default_str();
  app.add_option("--max-flip-rate", o.max_flip_rate,
                 with_targets ? "most often the top-1 class may differ from the exact integer "
                                "network's (default 0.1; 0: no limit)"
                              : "top-1 flip rate limit (default: the map's; 0: none)")
      ->check(check::kFractionOrZero);
  app.add_option("--target-range-error", o.range_error,
                 with_targets ? "output error target as a fraction of each input's own logit "
                                "range (default: not tested, reported)"
                              : "range error target (default: the map's)")
      ->check(check::kPositive);
  if (!with_targets) {
    app.add_option("--target-error", o.signoff_target, "output error target (default: the map's)")
        ->check(check::kPositive);
    app.add_option("--confidence", o.signoff_confidence, "confidence (default: the map's)")
        ->check(check::kFraction);
    return;
  }
  app.add_option("--method", o.method, "hoeffding, chebyshev, bernstein, binomial or sensitivity")
      ->capture_default_str();
  app.add_option("--target-error", o.config.assign.target_error,
                 "output error target, a fraction of the output's full scale")
      ->check(check::kPositive)
      ->capture_default_str();
  app.add_option("--confidence", o.config.assign.confidence,
                 "probability per input that the error is within target")
      ->check(check::kFraction)
      ->capture_default_str();
  app.add_option("--min-length", o.config.assign.min_length, "shortest length")
      ->check(check::kCount)
      ->capture_default_str();
  app.add_option("--max-length", o.config.assign.max_length, "longest length")
      ->check(check::kCount)
      ->capture_default_str();
  app.add_option("--max-steps", o.config.max_steps, "refinement steps")
      ->check(check::kCount)
      ->capture_default_str();
  add_quantization_options(app, o.model, DesignChoice::kSearched);
  add_generator_options(app, o.model, DesignChoice::kSearched);
}

std::vector<assign::Bound> parse_bounds(const std::string& text) {
  std::vector<assign::Bound> bounds;
  for (const std::string& item : split_list(text)) {
    bounds.push_back(assign::parse_bound(item, "--cross-check"));
  }
  return bounds;
}

void print_result(const loop::VerifyResult& result, std::ostream& out) {
  out << fmt::format("{:<8} {:>6} {:>10} {:>10}  {:<26} {:>10}  {}\n", "layer", "L", "measured",
                     "predicted", "cross-check", "hoeffding", "cross-check");
  for (const loop::LayerVerdict& v : result.judgement.layers) {
    const loop::PredictionCheck& hoeffding = v.bounds.front().check;  // Hoeffding first
    out << fmt::format("{:<8} {:>6} {:>10.4g} {:>10.4g}  {:<26} {:>10.4g}  {}\n", v.name, v.length,
                       v.measured, v.prediction.predicted, v.prediction.describe(),
                       hoeffding.predicted, hoeffding.describe());
  }
  const loop::EndToEndVerdict& e = result.judgement.end_to_end;
  out << fmt::format(
      "end to end: {} of {} trials above {:g}, exceedance bound {:.4f} (allowed "
      "{:g}); {}\n",
      e.exceedances, e.trials, e.target, e.upper_bound, e.delta,
      !result.judgement.problems.empty() ? "RTL bit-exactness unknown (simulations failed)"
      : result.judgement.bit_exact       ? "RTL bit-exact with the software model"
                                         : "RTL NOT bit-exact");
  for (const std::string& problem : result.judgement.problems) out << "  " << problem << "\n";
  out << "per input: " << report::range_text(e) << "\n";
  out << "agreement: " << report::flips_text(e) << "\n";
  if (result.accuracy) {
    const loop::Accuracy& a = *result.accuracy;
    const auto percent = [](std::size_t k, std::size_t n) {
      return 100.0 * static_cast<double>(k) / static_cast<double>(std::max<std::size_t>(1, n));
    };
    out << fmt::format(
        "accuracy on {} test images: float {:.2f}%, integer {:.2f}%, SC {:.2f}% (vs integer {}; "
        "vs float {}); RTL {}\n",
        a.software_images, percent(a.float_correct, a.float_images),
        percent(a.integer_correct, a.software_images),
        percent(a.software_correct, a.software_images),
        report::drop_text(a.vs_integer, result.alpha), report::drop_text(a.vs_float, result.alpha),
        a.rtl_problems.empty() ? fmt::format("{:.2f}% on the first {}",
                                             percent(a.rtl_correct, a.rtl_images), a.rtl_images)
                               : "unavailable (simulations failed)");
  }
  out << "rows: " << report::rows_text(result.rows) << "\n";
  out << "measured on: " << result.rtl << "\n";
  out << (result.signed_off ? "SIGNED OFF: " : "NOT SIGNED OFF: ") << result.verdict << "\n";
}

// A run's command line and working directory. The program is named `scprec`: commands receive
// their arguments without it (run_cli), and a rerun runs the scprec on PATH, whose version the
// reports give.
report::Provenance invocation(const std::string& command, const std::vector<std::string>& args,
                              const std::string& model, const std::string& data) {
  report::Provenance provenance{command, model, data};
  provenance.argv = {"scprec", command};
  provenance.argv.insert(provenance.argv.end(), args.begin(), args.end());
  std::error_code ec;
  provenance.working_directory = std::filesystem::current_path(ec).string();
  return provenance;
}

// DIR as given, without trailing slashes, to name files in it and folders beside it.
std::string out_folder(const LoopOptions& o) {
  std::string out = o.out;
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

// A sign-off of the map verify writes to DIR/map.json: the same inputs and acceptance settings
// (the targets, confidence and seeds are the map's), published beside DIR, not over it.
std::vector<std::string> signoff_of_written_map(const LoopOptions& o) {
  const std::string out = out_folder(o);
  std::vector<std::string> argv = {"scprec", "signoff", "--model", o.model.model};
  if (!o.model.manifest.empty()) argv.insert(argv.end(), {"--manifest", o.model.manifest});
  argv.insert(argv.end(),
              {"--data", o.model.data, "--map", out + "/map.json", "--alpha",
               fmt::format("{}", o.config.alpha), "--trials", std::to_string(o.config.trials),
               "--accuracy-images", std::to_string(o.config.accuracy_images), "--timeout",
               fmt::format("{}", o.config.simulation.timeout_seconds)});
  if (!o.config.simulation.build.cache_dir.empty()) {
    argv.insert(argv.end(), {"--cache", o.config.simulation.build.cache_dir});
  }
  if (o.config.signoff_rtl != loop::SignoffRtl::kFixed) {
    argv.insert(argv.end(), {"--signoff-rtl", loop::to_string(o.config.signoff_rtl)});
  }
  argv.insert(argv.end(), {"--out", out + "-signoff"});
  return argv;
}

// What the CLI knows of a run before it reads anything: its command line, where it runs, its
// inputs. The hashes and tool versions come later (add_input_hashes, run_loop), and verify's
// map when it is written (run_loop_to_verdict).
report::Provenance run_provenance(const LoopOptions& o, bool refine, const std::string& command,
                                  const std::vector<std::string>& args) {
  report::Provenance provenance = invocation(command, args, o.model.model, o.model.data);
  provenance.manifest_path = o.model.manifest;
  if (!refine) provenance.map_path = o.map_path;
  return provenance;
}

// The SHA-256 of each input file, read just after the run has read it, and the network's hash.
void add_input_hashes(const LoopOptions& o, const std::string& network_hash,
                      report::Provenance& provenance) {
  provenance.model_sha256 = io::file_sha256(o.model.model);
  provenance.network_hash = network_hash;
  if (!o.model.manifest.empty()) provenance.manifest_sha256 = io::file_sha256(o.model.manifest);
  provenance.data_sha256 = io::file_sha256(o.model.data);
}

// What verify and signoff publish in DIR; signoff keeps the map it may have been given there.
// `sim` is where job folders lived before the state folder held them.
io::OutputSetSpec output_set(const LoopOptions& o, bool refine) {
  io::OutputSetSpec spec{o.out, {"rtl", "report.md", "report.html", "junit.xml"}, {}, {"sim"}};
  (refine ? spec.written : spec.kept).push_back("map.json");
  if (!refine) spec.written.push_back("waves");  // a sign-off without --trace drops old waves
  return spec;
}

int run_loop_to_verdict(LoopOptions& o, bool refine, report::Provenance& provenance,
                        io::OutputDir& dir, std::ostream& out, std::ostream& err) {
  o.config.simulation.build.jobs = o.jobs;
  o.config.simulation.simulator = o.run.simulator;
  o.config.simulation.trials_per_job = o.run.trials_per_job;
  o.config.simulation.work_dir = o.run.work.empty() ? dir.work() : o.run.work;
  o.config.assign.method = assign::parse_method(o.method, "--method");
  o.config.assign.analysis.seed = o.model.seed;
  o.config.assign.generators = generator_kinds(o.model, o.config.assign.method);
  o.config.assign.analysis.generator_width = o.model.generator_width;
  o.config.assign.analysis.threads = o.model.threads;
  o.config.quant = quant_config(o.model);
  o.config.scale_quantiles = scale_quantiles(o.model);
  const model::Network network = io::read_model(o.model.model, o.model.manifest);
  const io::Dataset calibration = io::read_dataset(o.model.data, io::Split::kCalibration, network);
  // Without a test split the report has no accuracy section.
  const io::Dataset test =
      io::read_dataset_if_present(o.model.data, io::Split::kTest, network).value_or(io::Dataset{});
  const std::string hash = io::network_hash(network);
  add_input_hashes(o, hash, provenance);
  std::optional<model::PrecisionMap> start;
  if (!refine) {
    // Hashed as read: the bytes parsed are the bytes the report names.
    const std::string map_text =
        io::read_file_capped(o.map_path, io::kMaxPrecisionMapBytes, "precision map");
    provenance.map_sha256 = io::sha256_hex(map_text);
    start = io::parse_precision_map(map_text, o.map_path);
    model::check_map_matches(*start, network, hash, o.map_path);
    if (!std::isnan(o.signoff_target)) {
      o.config.assign.target_error = o.signoff_target;
    } else if (start->targets.error) {
      o.config.assign.target_error = *start->targets.error;
    } else {
      throw_bad_input(o.map_path, "targets.error",
                      "the map has no output-error target (it was assigned under a budget)",
                      "Give one with --target-error");
    }
    o.config.assign.confidence =
        std::isnan(o.signoff_confidence) ? start->targets.confidence : o.signoff_confidence;
    o.config.max_flip_rate = start->targets.max_flip_rate;
    o.config.range_error = start->targets.range_error;
  }
  if (!std::isnan(o.max_flip_rate)) {
    o.config.max_flip_rate =
        o.max_flip_rate > 0.0 ? std::optional<double>(o.max_flip_rate) : std::nullopt;
  }
  if (!std::isnan(o.range_error)) o.config.range_error = o.range_error;
  o.config.plotted_bounds = parse_bounds(o.cross_check);
  o.config.signoff_rtl = loop::parse_signoff_rtl(o.signoff_rtl, "--signoff-rtl");
  if (o.config.attempts_ledger.empty()) {
    const std::string& cache = o.config.simulation.build.cache_dir;
    o.config.attempts_ledger =
        (cache.empty() ? cosim::default_cache_dir() : cache) + "/signoff-attempts.json";
  }
  StreamLogger logger(err, o.quiet ? LogLevel::kWarning : LogLevel::kInfo);
  const std::unique_ptr<cosim::Executor> executor = make_executor(o.run, o.jobs);
  const loop::VerifyResult result =
      loop::verify(network, calibration, test, start, hash, o.config, *executor, logger);

  // The set is staged whole, then published at once; signoff carries the map it was given over
  // unchanged. The reports carry the measurements, and the hash of the map as written.
  const std::string staging = dir.staging();
  const model::QuantizedNetwork quantized = model::quantize_for_map(network, result.map);
  cosim::write_design(rtl::generate_rtl(quantized, result.map, {}), staging + "/rtl");
  if (refine) {
    const std::string map_json = io::precision_map_json(result.map);
    io::write_file_atomically(staging + "/map.json", map_json);
    provenance.map_path = out_folder(o) + "/map.json";
    provenance.map_sha256 = io::sha256_hex(map_json);
    provenance.signoff = signoff_of_written_map(o);
  }
  for (const loop::Wave& wave : result.waves) {
    std::filesystem::create_directories(staging + "/waves");
    std::filesystem::copy_file(wave.path, fmt::format("{}/waves/trial-{}.fst", staging, wave.row),
                               std::filesystem::copy_options::overwrite_existing);
  }
  io::write_file_atomically(staging + "/report.md", report::markdown_report(result, provenance));
  io::write_file_atomically(staging + "/report.html", report::html_report(result, provenance));
  io::write_file_atomically(staging + "/junit.xml", report::junit_xml(result, provenance));
  dir.publish();
  print_result(result, out);
  out << "wrote " << (refine ? o.out + "/map.json, " : "")
      << fmt::format("{0}/rtl/, {0}/report.md, {0}/report.html, {0}/junit.xml{1}\n", o.out,
                     result.waves.empty() ? "" : fmt::format(", {}/waves/", o.out));
  if (!result.judgement.problems.empty()) return kExitEnvironment;
  return result.signed_off ? kExitOk : kExitCheckFailed;
}

std::vector<io::NamedPath> loop_inputs(const LoopOptions& o) {
  std::vector<io::NamedPath> inputs = model_inputs(o.model);
  inputs.push_back({"--map", o.map_path});
  return inputs;
}

// Refuses, before any work, outputs that would overwrite an input: an input inside DIR is
// swapped away with the previous set unless the set keeps it; so would a build cache there be.
void refuse_overwriting_inputs(const LoopOptions& o, const io::OutputSetSpec& spec) {
  std::vector<io::NamedPath> inside = loop_inputs(o);
  inside.push_back({"--cache", o.config.simulation.build.cache_dir});
  io::refuse_overwriting_inputs(inside, spec, "--out");
}

// The outputs are published as one set or not at all. The first thing a run does, under the
// folder's lock, is mark the previous verdict superseded, so that a run that stops, by an error
// or a kill, never leaves an earlier pass for CI to read; a run that stops with an error writes
// that error into DIR/junit.xml (run_outputs.hpp). The rest of the previous set stays intact.
int run_loop(LoopOptions& o, bool refine, const std::string& command,
             const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  report::Provenance provenance = run_provenance(o, refine, command, args);
  std::optional<io::OutputDir> dir;
  try {
    const io::OutputSetSpec spec = output_set(o, refine);
    refuse_overwriting_inputs(o, spec);
    dir.emplace(spec);
    supersede_previous(*dir, provenance);
    provenance.tools = cosim::probe_tool_versions();  // once per run, for every report
    provenance.simulator = o.run.simulator;
    provenance.executor = o.run.executor;
    return run_loop_to_verdict(o, refine, provenance, *dir, out, err);
  } catch (const std::exception& e) {
    record_run_error(o.out, dir ? &*dir : nullptr, e.what(), provenance, loop_inputs(o));
    throw;
  }
}

// Arguments that do not parse stop the run too: CI must not read the last run's pass.
int usage_error(const std::vector<std::string>& args, const std::string& command,
                const std::string& default_out, const std::string& problem) {
  const std::string out = raw_option(args, "--out").value_or(default_out);
  const auto input = [&](const char* name) { return raw_option(args, name).value_or(""); };
  if (!out.empty()) {
    record_run_error(out, nullptr, "usage error: " + problem,
                     invocation(command, args, input("--model"), input("--data")),
                     {{"--model", input("--model")},
                      {"--manifest", input("--manifest")},
                      {"--data", input("--data")},
                      {"--map", input("--map")}});
  }
  return kExitBadInput;
}

}  // namespace

int run_verify(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  LoopOptions o;
  o.config.assign.target_error = kDefaultTarget;
  o.max_flip_rate = kDefaultMaxFlipRate;
  CLI::App app(
      "The closed loop: assigns lengths, generates the RTL, co-simulates it, measures the error "
      "it really makes, and refines until the map is signed off. Writes DIR/{map.json, rtl/, "
      "report.md, report.html, junit.xml}. Exit 0 signed off, 1 not, 3 a simulation failed.",
      "verify");
  add_model_options(app, o.model);
  add_loop_options(app, o, true);
  app.add_option("--out", o.out, "output directory")->required();
  std::string problem;
  if (const auto code = parse_args(app, args, out, err, &problem)) {
    return *code == 0 ? 0 : usage_error(args, "verify", "", problem);
  }
  return run_loop(o, true, "verify", args, out, err);
}

int run_signoff(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  LoopOptions o;
  CLI::App app(
      "Signs a precision map off without changing it: co-simulates its RTL, measures, judges "
      "against the map's targets. Writes DIR/{rtl/, report.md, report.html, junit.xml}, never "
      "the map. Exit 0 pass, 1 fail, 3 a simulation failed.",
      "signoff");
  add_model_options(app, o.model);
  app.add_option("--map", o.map_path, "the precision map to sign off")->required();
  add_loop_options(app, o, false);
  app.add_option("--out", o.out, "output directory")->required();
  app.add_flag("--rerun-failing", o.rerun_failing,
               "with --trace: rerun the failing held-out trials one at a time");
  app.add_flag("--trace", o.trace,
               "with --rerun-failing: write their waves to DIR/waves/trial-ROW.fst");
  std::string problem;
  if (const auto code = parse_args(app, args, out, err, &problem)) {
    return *code == 0 ? 0 : usage_error(args, "signoff", "", problem);
  }
  if (o.rerun_failing != o.trace) {
    problem =
        "--rerun-failing and --trace go together: give both to write FST waves of the "
        "failing held-out trials to DIR/waves/";
    err << "scprec signoff: error: " << problem << "\n"
        << "Run 'scprec signoff --help' for the options.\n";
    return usage_error(args, "signoff", "", problem);
  }
  o.config.trace_failing = o.rerun_failing && o.trace;
  return run_loop(o, false, "signoff", args, out, err);
}

namespace {

// The directory `--example` names: the name of a bundled example (a folder of examples/ with a
// model.npz), whatever the working directory holds (a demo's --out may be called fashion_cnn),
// or else a directory with a model.npz. "" if it is neither.
std::string example_directory(const std::string& example) {
  namespace fs = std::filesystem;
  const std::string bundled = std::string(SCPREC_SOURCE_DIR) + "/examples/" + example;
  if (example.find('/') == std::string::npos && fs::exists(bundled + "/model.npz")) return bundled;
  if (fs::exists(example + "/model.npz")) return example;
  return "";
}

}  // namespace

int run_demo(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  LoopOptions o;
  std::string example = "fashion_mlp";
  o.out = "demo";
  o.config.assign.target_error = kDefaultTarget;
  o.max_flip_rate = kDefaultMaxFlipRate;
  // The demo measures everything on the one adjustable-length build, which CI shows equivalent
  // to the fixed-length RTL; `signoff --map DIR/map.json` (--signoff-rtl fixed, its default)
  // measures the fixed RTL it writes to DIR/rtl/.
  o.signoff_rtl = loop::to_string(loop::SignoffRtl::kAdjustable);
  CLI::App app(
      "`scprec verify` on the bundled Fashion-MNIST example with its defaults: sensitivity "
      "method choosing LFSR or Sobol lanes per layer and the activation scale rule, output "
      "error <= 0.2 of full scale at 95% confidence, top-1 flips against the integer network "
      "at most 10%, every measurement on one adjustable-length build.",
      "demo");
  app.add_option("--example", example,
                 "a bundled example (fashion_mlp, fashion_cnn) or an example's directory, "
                 "which holds model.npz, data.npz and, for a conv network, manifest.json")
      ->capture_default_str();
  app.add_option("--out", o.out, "output directory")->capture_default_str();
  add_loop_options(app, o, true);
  std::string problem;
  if (const auto code = parse_args(app, args, out, err, &problem)) {
    return *code == 0 ? 0 : usage_error(args, "demo", o.out, problem);
  }
  const std::string directory = example_directory(example);
  if (directory.empty()) {
    problem = "--example: '" + example +
              "' is neither a bundled example (fashion_mlp, fashion_cnn) nor a directory with a "
              "model.npz";
    err << "scprec demo: error: " << problem << "\n";
    return usage_error(args, "demo", o.out, problem);
  }
  o.model.model = directory + "/model.npz";
  if (std::filesystem::exists(directory + "/manifest.json"))
    o.model.manifest = directory + "/manifest.json";
  o.model.data = directory + "/data.npz";
  return run_loop(o, true, "demo", args, out, err);
}

}  // namespace scprec::cli
