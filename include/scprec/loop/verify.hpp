// The closed loop: assign, generate RTL, co-simulate, measure, refine until the map is signed
// off (or provably cannot be); and sign-off of a given map without refinement.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scprec/assign/assigner.hpp"
#include "scprec/core/logger.hpp"
#include "scprec/cosim/executor.hpp"
#include "scprec/cosim/simulate.hpp"
#include "scprec/io/model_io.hpp"
#include "scprec/loop/judgement.hpp"
#include "scprec/loop/refine.hpp"
#include "scprec/model/precision_map.hpp"

namespace scprec::loop {

/// The RTL the held-out judgement (the verdict) and the accuracy run measure: the fixed-length
/// RTL of the final map, which is what ships (one more build), or the adjustable-length build
/// the tuning measurements ran on, set to the map's lengths.
enum class SignoffRtl { kFixed, kAdjustable };
std::string to_string(SignoffRtl rtl);
/// "fixed" or "adjustable"; throws Error (kBadInput) naming `field` otherwise.
SignoffRtl parse_signoff_rtl(const std::string& text, const std::string& field);

struct VerifyConfig {
  /// Method, target error, confidence, lengths, generator, seed: as `scprec assign`. The
  /// default method here is sensitivity.
  assign::AssignConfig assign = [] {
    assign::AssignConfig config;
    config.method = assign::Method::kSensitivity;
    return config;
  }();
  model::QuantConfig quant;  ///< bits, encoding and scale rule of the assigned map
  /// The scale quantiles the first map chooses among on the calibration rows
  /// (assign::choose_scale_rule); empty: quant.scale_quantile alone.
  std::vector<double> scale_quantiles;
  double alpha = 0.05;                ///< significance of the acceptance tests
  std::optional<double> max_flip_rate;  ///< top-1 flips allowed per input, if tested
  std::optional<double> range_error;    ///< output error over each input's logit range, if tested
  std::size_t trials = 0;  ///< rows per tuning or sign-off measurement; 0: acceptance_trials
  /// Refinement steps (screenings and RTL runs together). A lengthening screens every layer
  /// that can grow, so a network of k layers spends k of them per lengthening.
  std::size_t max_steps = 24;
  std::size_t accuracy_images = 200;  ///< test images the RTL network classifies at the end
  /// The bounds whose curves the report plots; the cross-check table has every bound that
  /// models the layer's lanes (assign::LayerBounds::applies).
  std::vector<assign::Bound> plotted_bounds = {assign::Bound::kHoeffding};
  /// The ledger of sign-off attempts (attempts.hpp): the held-out test runs at
  /// attempt_alpha(alpha, attempt). "": none, every attempt counts as the first.
  std::string attempts_ledger;
  /// Work directory, cache, jobs, timeouts. Its rtl.adjustable_max_length is set per
  /// measurement: every tuning measurement runs on one adjustable-length build (L at most
  /// adjustable_max_length(), so that a refinement of any number of steps costs one build), the
  /// held-out judgement on the RTL signoff_rtl names.
  cosim::SimulateConfig simulation;
  SignoffRtl signoff_rtl = SignoffRtl::kFixed;
  /// Reruns the failing trials (failing_trials) of the held-out measurement one at a time
  /// with FST waves (VerifyResult::waves).
  bool trace_failing = false;
};

/// The waves of one failing trial of the held-out measurement.
struct Wave {
  std::size_t row = 0;  ///< its calibration-data row
  std::string path;     ///< the FST in the simulation's job folder
};

/// Per layer, error against length for the report's plots.
struct LayerCurve {
  std::vector<std::size_t> lengths;
  std::vector<double> software;  ///< measured quantile, this layer alone in SC (bit-exact model)
  /// Per plotted bound, its prediction at each length.
  std::vector<std::pair<std::string, std::vector<double>>> bounds;
};

/// An accuracy drop, reference minus SC, on the same images, with a simultaneous
/// (1 - alpha) interval from Clopper-Pearson bounds on the two kinds of disagreement.
struct AccuracyDrop {
  std::size_t images = 0;
  std::size_t only_reference = 0;            ///< images the reference gets right and SC wrong
  std::size_t only_sc = 0;                   ///< images SC gets right and the reference wrong
  double drop = 0.0, low = 0.0, high = 0.0;  ///< fractions of the images
};
AccuracyDrop accuracy_drop(const std::vector<bool>& reference_correct,
                           const std::vector<bool>& sc_correct, double alpha);

struct Accuracy {
  std::size_t rtl_correct = 0, rtl_images = 0;            ///< the RTL top, test split
  std::size_t software_correct = 0, software_images = 0;  ///< software SC, whole test split
  std::size_t float_correct = 0, float_images = 0;        ///< float network, whole test split
  std::size_t integer_correct = 0;        ///< the exact integer network, whole test split
  AccuracyDrop vs_float, vs_integer;      ///< software SC's drop (bit-exact with the RTL)
  bool rtl_bit_exact = true;              ///< the test images' RTL run matched the software model
  std::string rtl_difference;             ///< if not, what differed first
  std::vector<std::string> rtl_problems;  ///< its simulations that failed (rtl_correct is partial)
};

/// Which rows decided what, and what population the verdict covers.
struct RowUse {
  std::string data_hash;  ///< io::dataset_hash of the calibration split
  std::size_t rows = 0;
  model::RowRange calibration;  ///< verify: rows that fixed scales and predictions
  model::RowRange tuning;       ///< verify: rows the loop decided on
  model::RowRange signoff;      ///< the held-out rows the verdict was measured on
  std::string problem;          ///< why no held-out verdict was possible (then not signed off)
  std::string note;             ///< what a reader must know about the rows
  std::size_t attempt = 1;      ///< the attempt on these held-out rows
  double alpha = 0.05;          ///< the significance the held-out tests ran at
};

struct VerifyResult {
  model::PrecisionMap map;  ///< the final map, with measured errors and statuses
  /// What the reported judgement and the accuracy run measured: "the fixed-length RTL of the
  /// map" or "the adjustable-length RTL (L at most 1024) set to the map's lengths" (the
  /// held-out judgement's RTL, or the adjustable build when no held-out judgement was made).
  std::string rtl;
  Judgement judgement;      ///< of the final map, on the RTL, held-out rows when there are any
  bool signed_off = false;
  std::string verdict;  ///< one line: signed off, or what failed and where
  std::vector<Step> steps;
  std::size_t trials = 0;
  RowUse rows;
  double alpha = 0.05;
  std::vector<LayerCurve> curves;
  std::optional<Accuracy> accuracy;
  /// The calibration rows of the held-out measurement's failing trials (failing_trials), when
  /// that measurement completed; with trace_failing, the waves of those rerun.
  std::vector<std::size_t> failing_rows;
  std::vector<Wave> waves;
};

/// The largest length of the adjustable-length build a verify or sign-off of `map` measures
/// on: rtl::max_length_for(map, config.assign.max_length), the longest length its refinement
/// may try (or the map's longest if longer). A sign-off takes assign's default --max-length,
/// so it shares the build of a verify run with that default.
std::size_t adjustable_max_length(const VerifyConfig& config, const model::PrecisionMap& map);

/// The closed loop. Splits the calibration rows (plan_splits); assigns the first map on the
/// calibration rows (or starts from `start`, a sign-off, judged only on the rows its provenance
/// leaves held out: held_out_rows); refines it on the tuning rows (refine); confirms the final
/// map once on the held-out rows at the attempt's significance; classifies the test split for
/// accuracy; and cross-checks every bound. Throws Error for bad input or a tool failure.
VerifyResult verify(const model::Network& network, const io::Dataset& calibration,
                    const io::Dataset& test, const std::optional<model::PrecisionMap>& start,
                    const std::string& model_hash, const VerifyConfig& config,
                    cosim::Executor& executor, Logger& logger);

}  // namespace scprec::loop
