// `scprec assign` and `scprec analyze`: a precision map from bounds or measured sensitivity,
// and the sensitivity sweep on its own.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <optional>
#include <ostream>

#include "cli_parse.hpp"
#include "commands.hpp"
#include "model_options.hpp"
#include "scprec/assign/assigner.hpp"
#include "scprec/assign/scale_choice.hpp"
#include "scprec/assign/sensitivity.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/output_dir.hpp"
#include "scprec/io/precision_map_io.hpp"
#include "scprec/loop/acceptance.hpp"
#include "scprec/loop/splits.hpp"
#include "stream_logger.hpp"

namespace scprec::cli {
namespace {

// The significance the held-out rows are reserved for (verify's and signoff's --alpha default).
constexpr double kDefaultAlpha = 0.05;

void print_map(const model::PrecisionMap& map, std::ostream& out) {
  out << fmt::format("{:<10} {:>10} {:>6} {:>9} {:>12} {:>12} {:>8}\n", "layer", "shape", "L",
                     "generator", "layer error", "contribution", "gain");
  for (const model::LayerPrecision& layer : map.layers) {
    out << fmt::format("{:<10} {:>10} {:>6} {:>9} {:>12.4g} {:>12.4g} {:>8.3g}\n", layer.name,
                       fmt::format("{}x{}", layer.inputs, layer.outputs), layer.length,
                       core::to_string(layer.generator), layer.predicted_error, layer.contribution,
                       layer.gain);
  }
  // rss composes layers as independent errors, an estimate; union adds them, a bound.
  const bool rss = map.targets.composition == "rss";
  out << fmt::format("total {} cycles; predicted output error ({}) {:.4g} of full scale",
                     map.total_cycles(), rss ? "rss estimate" : "union bound",
                     map.predicted_output_error);
  if (map.targets.error) out << fmt::format(" (target {:g})", *map.targets.error);
  if (map.targets.budget) out << fmt::format(" (budget {} cycles)", *map.targets.budget);
  out << fmt::format(" at {:g}% confidence, method {}\n", 100 * map.targets.confidence, map.method);
  out << "arithmetic: " << map.arithmetic_text() << "\n";
}

// Refuses, before any work, an output that is a folder or would overwrite an input.
void refuse_bad_output(const ModelOptions& o, const std::string& output) {
  io::refuse_non_file_output(output, "-o");
  io::refuse_overwriting_inputs(model_inputs(o), {{"-o", output}});
}

}  // namespace

int run_assign(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  ModelOptions o;
  // Defaults that succeed on the bundled example: the sensitivity method measures, where the
  // bounds are conservative (Hoeffding's needs 512 cycles at target 0.2 there, on Sobol lanes,
  // where sensitivity needs 192).
  std::string method = "sensitivity";
  std::string cost = "cycles";
  std::string gain = "empirical";
  std::string composition = "rss";
  std::string output;
  bool quiet = false;
  assign::AssignConfig config;
  config.target_error = 0.2;
  std::optional<std::uint64_t> budget;
  CLI::App app(
      "Assigns a bitstream length to every layer and writes a precision map: the least total "
      "cost whose predicted output error meets --target-error, or with --budget the least "
      "predicted error within that many total cycles.",
      "assign");
  add_model_options(app, o);
  app.add_option("--method", method, "hoeffding, chebyshev, bernstein, binomial or sensitivity")
      ->capture_default_str();
  CLI::Option* target = app.add_option("--target-error", config.target_error,
                                       "output error target, a fraction of the output's full scale")
                            ->check(check::kPositive)
                            ->capture_default_str();
  app.add_option("--confidence", config.confidence,
                 "probability per input that the error is within target")
      ->check(check::kFraction)
      ->capture_default_str();
  app.add_option(
         "--budget", budget,
         "total cycle budget (sum of lengths, a conv layer's times its positions); replaces the "
         "target")
      ->check(check::kCount & check::kPositive)
      ->excludes(target);
  app.add_option("--min-length", config.min_length, "shortest length")
      ->check(check::kCount)
      ->capture_default_str();
  app.add_option("--max-length", config.max_length, "longest length")
      ->check(check::kCount)
      ->capture_default_str();
  app.add_option("--cost", cost, "what to minimise: cycles or synapse-cycles")
      ->capture_default_str();
  app.add_option("--gain", gain, "bound methods' error propagation: empirical or analytic")
      ->capture_default_str();
  app.add_option("--compose", composition,
                 "how layer errors combine: rss (statistical) or union (a bound)")
      ->capture_default_str();
  app.add_option("--trials", config.analysis.n_trials,
                 "calibration inputs measured (sensitivity, empirical gains)")
      ->check(check::kCount)
      ->capture_default_str();
  add_quantization_options(app, o, DesignChoice::kSearched);
  add_generator_options(app, o, DesignChoice::kSearched);
  app.add_option("-o,--output", output, "precision map to write")->required();
  app.add_flag("-q,--quiet", quiet, "no progress output");
  if (const auto code = parse_args(app, args, out, err)) return *code;

  refuse_bad_output(o, output);
  config.method = assign::parse_method(method, "--method");
  config.cost = assign::parse_cost_model(cost, "--cost");
  config.gain = assign::parse_gain_model(gain, "--gain");
  config.composition = assign::parse_composition(composition, "--compose");
  config.total_budget = budget;
  config.analysis.seed = o.seed;
  config.generators = generator_kinds(o, config.method);
  config.analysis.generator_width = o.generator_width;
  config.analysis.threads = o.threads;
  LoadedModel loaded = load_model(o);
  // The map is assigned on the first rows only; the rest stay held out for verify's tuning and
  // a sign-off (loop/splits.hpp), at the trials a sign-off at this confidence wants.
  const std::string data_hash = io::dataset_hash(loaded.calibration);
  const std::size_t data_rows = loaded.calibration.size();
  const model::RowRange rows = loop::assignment_rows(
      data_rows, loop::acceptance_trials(1.0 - config.confidence, kDefaultAlpha));
  const Eigen::MatrixXd assignment_rows =
      loaded.calibration.x.topRows(static_cast<Eigen::Index>(rows.count));
  StreamLogger logger(err, quiet ? LogLevel::kWarning : LogLevel::kInfo);
  model::PrecisionMap map =
      assign::choose_scale_rule(loaded.network, assignment_rows, loaded.quantized.config,
                                scale_quantiles(o), config, logger)
          .map;
  map.model_hash = loaded.hash;
  map.provenance = model::MapProvenance{data_hash, data_rows, rows, {}, std::nullopt, 0};
  io::write_precision_map(map, output);
  print_map(map, out);
  out << "wrote " << output << "\n";
  return kExitOk;
}

int run_analyze(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  ModelOptions o;
  assign::SensitivityConfig config;
  std::string lengths = "32,64,128,256,512,1024";
  std::string output;
  bool quiet = false;
  CLI::App app(
      "Measures, for each layer and length, the output error when only that layer runs in SC "
      "(bit-exact model, the others exact) over calibration inputs; writes the curves as JSON.",
      "analyze");
  add_model_options(app, o);
  app.add_option("--lengths", lengths, "comma-separated lengths")->capture_default_str();
  app.add_option("--trials", config.n_trials, "calibration inputs to run")
      ->check(check::kCount)
      ->capture_default_str();
  app.add_option("--quantile", config.quantile, "quantile level reported")
      ->check(check::kFraction)
      ->capture_default_str();
  add_quantization_options(app, o);
  add_generator_options(app, o);
  app.add_option("-o,--output", output, "sensitivity JSON to write")->required();
  app.add_flag("-q,--quiet", quiet, "no progress output");
  if (const auto code = parse_args(app, args, out, err)) return *code;

  refuse_bad_output(o, output);
  config.lengths = parse_lengths(lengths);
  config.seed = o.seed;
  config.generator = generator_kind(o);
  config.generator_width = o.generator_width;
  config.threads = o.threads;
  const LoadedModel loaded = load_model(o);
  StreamLogger logger(err, quiet ? LogLevel::kWarning : LogLevel::kInfo);
  const assign::SensitivityReport report = assign::analyze_sensitivity(
      loaded.network, loaded.quantized, loaded.calibration.x, config, logger);
  io::write_file_atomically(output, assign::sensitivity_json(report));

  out << fmt::format(
      "output error (q{:g}, fraction of full scale) with one layer in SC, "
      "{} trials; quantization floor vs float {:.4g}\n",
      100 * config.quantile, report.trials, report.integer_vs_float.quantile);
  out << fmt::format("{:<10}", "layer");
  for (std::size_t length : config.lengths)
    out << fmt::format(" {:>9}", "L=" + std::to_string(length));
  out << fmt::format(" {:>9}\n", "score");
  for (const assign::LayerSensitivity& layer : report.layers) {
    out << fmt::format("{:<10}", layer.name);
    for (const assign::SensitivityPoint& p : layer.points) {
      out << fmt::format(" {:>9.4g}", p.output_vs_integer.quantile);
    }
    out << fmt::format(" {:>9.4g}\n", layer.score);
  }
  out << "wrote " << output << "\n";
  return kExitOk;
}

}  // namespace scprec::cli
