// The closed loop: assign, generate RTL, co-simulate, measure, refine until the map is signed
// off (or provably cannot be); and sign-off of a given map without refinement.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "scprec/assign/assigner.hpp"
#include "scprec/core/logger.hpp"
#include "scprec/cosim/executor.hpp"
#include "scprec/cosim/simulate.hpp"
#include "scprec/io/model_io.hpp"
#include "scprec/loop/judgement.hpp"
#include "scprec/model/precision_map.hpp"

namespace scprec::loop {

struct VerifyConfig {
  /// Method, target error, confidence, lengths, generator, seed: as `scprec assign`. The
  /// default method here is sensitivity.
  assign::AssignConfig assign = [] {
    assign::AssignConfig config;
    config.method = assign::Method::kSensitivity;
    return config;
  }();
  model::QuantConfig quant;           ///< bits and encoding of the assigned map
  double alpha = 0.05;                ///< significance of the acceptance test
  std::size_t trials = 0;             ///< calibration trials; 0: acceptance_trials(delta, alpha)
  std::size_t max_steps = 12;         ///< refinement steps (screenings and RTL runs together)
  std::size_t accuracy_images = 200;  ///< test images the RTL network classifies at the end
  assign::Bound cross_check_bound = assign::Bound::kBernstein;  ///< the bound curve reported
  cosim::SimulateConfig simulation;  ///< work directory, cache, jobs, timeouts
};

/// One step of the loop.
struct Step {
  std::vector<std::size_t> lengths;
  bool rtl = false;          ///< measured on the RTL (else screened on the software model)
  bool pass = false;         ///< the end-to-end test passed
  double quantile = 0.0;     ///< output-error quantile at the confidence
  double upper_bound = 0.0;  ///< exceedance upper bound
  std::string action;        ///< what the loop did with it
};

/// Per layer, error against length for the report's plots.
struct LayerCurve {
  std::vector<std::size_t> lengths;
  std::vector<double> software;  ///< measured quantile, this layer alone in SC (bit-exact model)
  std::vector<double> bound;     ///< the cross-check bound's prediction
};

struct Accuracy {
  std::size_t rtl_correct = 0, rtl_images = 0;            ///< the RTL top, test split
  std::size_t software_correct = 0, software_images = 0;  ///< software SC, whole test split
  std::size_t float_correct = 0, float_images = 0;        ///< float network, whole test split
  bool rtl_bit_exact = true;              ///< the test images' RTL run matched the software model
  std::string rtl_difference;             ///< if not, what differed first
  std::vector<std::string> rtl_problems;  ///< its simulations that failed (rtl_correct is partial)
};

struct VerifyResult {
  model::PrecisionMap map;  ///< the final map, with measured errors and statuses
  Judgement judgement;      ///< of the final map, on the RTL
  bool signed_off = false;
  std::string verdict;  ///< one line: signed off, or what failed and where
  std::vector<Step> steps;
  std::size_t trials = 0;
  std::string acceptance_trials;  ///< which calibration rows the final judgement measured
  double alpha = 0.05;
  std::vector<LayerCurve> curves;
  std::string bound_name;  ///< the cross-check bound
  std::optional<Accuracy> accuracy;
};

/// The closed loop. Starts from assign_lengths (or from `start`, when given, without
/// refinement: a sign-off). Each state is measured on the RTL (network top, bit-exact checked)
/// over `trials` calibration inputs and judged; a failing map lengthens the layer most over its
/// budget until the bit-exact software model passes, then the RTL confirms; a passing map tries
/// halving layers with slack, most slack first, screened on the software model and kept only if
/// the RTL confirms. Stops when signed off, when a layer at max_length still fails
/// (infeasible), or after max_steps. Throws Error for bad input or a tool failure.
VerifyResult verify(const model::Network& network, const io::Dataset& calibration,
                    const io::Dataset& test, const std::optional<model::PrecisionMap>& start,
                    const std::string& model_hash, const VerifyConfig& config,
                    cosim::Executor& executor, Logger& logger);

}  // namespace scprec::loop
