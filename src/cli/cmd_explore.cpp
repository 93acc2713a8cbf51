// `scprec explore`: the design space on the software model, its Pareto frontier and charts.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <optional>
#include <ostream>

#include "cli_parse.hpp"
#include "commands.hpp"
#include "model_options.hpp"
#include "scprec/assign/explore.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/output_dir.hpp"
#include "scprec/io/precision_map_io.hpp"
#include "scprec/loop/acceptance.hpp"
#include "scprec/loop/design_area.hpp"
#include "scprec/loop/splits.hpp"
#include "scprec/report/explore.hpp"
#include "stream_logger.hpp"

namespace scprec::cli {

int run_explore(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  ModelOptions o;
  std::string lengths = "32,64,128,256,512,1024";
  std::optional<std::uint64_t> max_cycles;
  std::string split_name = "test";
  std::string map_path;
  std::string directory;
  bool synthesize = false;
  cosim::SynthesisConfig synthesis;
  bool quiet = false;
  CLI::App app(
      "Runs every combination of per-layer generator and length, at every activation scale "
      "rule, on the bit-exact software model, and writes the Pareto frontier of accuracy "
      "against cycles (pareto.md), charts (accuracy.svg, flips.svg) and every point "
      "(explore.json); with --synth, the frontier's Yosys area (area.svg). Scales are "
      "calibrated on the rows `scprec assign` uses.",
      "explore");
  add_model_options(app, o);
  app.add_option("--lengths", lengths,
                 "each layer's candidate lengths, comma-separated (the uniform baselines run at "
                 "every one, whatever --max-cycles)")
      ->capture_default_str();
  app.add_option("--max-cycles", max_cycles,
                 "leave out points whose lengths sum above this (default: the most that keeps "
                 "at most 200 points per scale rule; 0: no limit)")
      ->check(check::kCount);
  app.add_option("--split", split_name,
                 "rows the points are measured on: test, or calibration (only the rows `assign` "
                 "uses, never verify's tuning and held-out rows)")
      ->capture_default_str();
  app.add_option("--map", map_path, "a precision map to mark, measured on the same rows");
  add_quantization_options(app, o, DesignChoice::kSearched);
  add_generator_options(app, o, DesignChoice::kSearched);
  app.add_flag("--synth", synthesize,
               "also synthesise the frontier points with Yosys (minutes: each layer choice "
               "once) and chart accuracy against area x latency");
  app.add_option("--jobs", synthesis.jobs, "layers synthesised at once")
      ->check(check::kCount)
      ->capture_default_str();
  app.add_option("-o,--output", directory, "output directory")->required();
  app.add_flag("-q,--quiet", quiet, "no progress output");
  if (const auto code = parse_args(app, args, out, err)) return *code;

  io::refuse_overwriting_inputs(
      {{"--model", o.model}, {"--manifest", o.manifest}, {"--data", o.data}, {"--map", map_path}},
      {{"-o", directory}});  // the folder is replaced whole
  assign::ExploreConfig config;
  config.quant = quant_config(o);
  config.scale_quantiles = scale_quantiles(o);
  config.generators = generator_kinds(o, assign::Method::kSensitivity);
  config.lengths = parse_lengths(lengths);

  config.generator_width = o.generator_width;
  config.seed = o.seed;
  config.threads = o.threads;
  const LoadedModel loaded = load_model(o);
  config.max_cycles = max_cycles
                          ? *max_cycles
                          : assign::max_cycles_for(assign::layer_positions(loaded.network), config);
  std::optional<model::PrecisionMap> map;
  if (!map_path.empty()) {
    map = io::read_precision_map(map_path);
    model::check_map_matches(*map, loaded.network, loaded.hash, map_path);
  }
  const io::Split split = io::parse_split(split_name, "--split");
  io::Dataset data = io::read_dataset(o.data, split, loaded.network);
  if (data.labels.empty()) {
    throw_bad_input(o.data, "--split",
                    "the " + io::to_string(split) +
                        " split has no labels, so accuracy cannot "
                        "be measured",
                    "Give a data file with labels for it");
  }
  // The scales come from the rows `assign` calibrates on at its default confidence, so that a
  // point's map is the one assign would write at its lengths.
  const model::RowRange rows =
      loop::assignment_rows(loaded.calibration.size(), loop::acceptance_trials(0.05, 0.05));
  const Eigen::MatrixXd calibration =
      loaded.calibration.x.topRows(static_cast<Eigen::Index>(rows.count));
  std::string rows_text =
      fmt::format("the {} rows of the {} split", data.size(), io::to_string(split));
  if (split == io::Split::kCalibration) {
    // Only those rows: the rest are verify's tuning and held-out rows, which a choice made from
    // this table must not have seen.
    data.x = calibration;
    data.labels.resize(rows.count);
    rows_text = fmt::format("calibration rows 0-{} (the rows `assign` uses)", rows.count - 1);
  }

  // Refused before any work when DIR holds what scprec did not write, or another run has it.
  io::OutputDir output(
      {directory, {"pareto.md", "accuracy.svg", "flips.svg", "area.svg", "explore.json"}, {}, {}});
  StreamLogger logger(err, quiet ? LogLevel::kWarning : LogLevel::kInfo);
  const auto start = std::chrono::steady_clock::now();
  const assign::Exploration exploration = assign::explore_design_space(
      loaded.network, calibration, data.x, data.labels, config, logger);
  report::ExploreContext context;
  context.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  context.rows_text = rows_text;
  if (map) {
    context.map_point = assign::measure_map(loaded.network, *map, data.x, data.labels, o.threads);
    context.map_path = map_path;
  }
  if (synthesize) {
    std::vector<std::size_t> frontier;
    std::vector<assign::DesignPoint> points;
    for (std::size_t i = 0; i < exploration.points.size(); ++i) {
      if (!exploration.points[i].frontier) continue;
      frontier.push_back(i);
      points.push_back(exploration.points[i]);
    }
    const std::vector<loop::DesignArea> areas = loop::design_areas(
        loaded.network, calibration, points, config, output.work() + "/synth", synthesis, logger);
    for (std::size_t k = 0; k < frontier.size(); ++k) {
      context.areas[frontier[k]] = {areas[k].cells, areas[k].flip_flops, areas[k].rtl_cycles};
    }
    io::write_file_atomically(output.staging() + "/area.svg",
                              report::explore_area_svg(exploration, context));
  }
  const std::string markdown = report::explore_markdown(exploration, context);
  io::write_file_atomically(output.staging() + "/pareto.md", markdown);
  io::write_file_atomically(output.staging() + "/accuracy.svg",
                            report::explore_accuracy_svg(exploration, context));
  io::write_file_atomically(output.staging() + "/flips.svg",
                            report::explore_flips_svg(exploration, context));
  io::write_file_atomically(output.staging() + "/explore.json",
                            report::explore_json(exploration, context));
  output.publish();
  const std::size_t frontier_start = markdown.find("## Pareto frontier");
  out << markdown.substr(frontier_start,
                         markdown.find("\n## ", frontier_start + 1) - frontier_start);
  out << fmt::format("wrote {0}/pareto.md, {0}/accuracy.svg, {0}/flips.svg, {1}{0}/explore.json\n",
                     directory, synthesize ? directory + "/area.svg, " : "");
  return kExitOk;
}

}  // namespace scprec::cli
