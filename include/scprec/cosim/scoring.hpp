// The errors a co-simulation measures, from what a DUT produced in one trial.
#pragma once

#include <cstdint>
#include <vector>

#include "scprec/cosim/reference.hpp"
#include "scprec/model/precision_map.hpp"

namespace scprec::cosim {

/// Layer l's relative error in one trial, from its counters (a conv layer's at every position,
/// one position after the other): max over neurons and positions of |SC estimate - exact dot
/// product of the same inputs|, over the layer's full scale.
double layer_error(std::size_t l, const std::vector<std::int64_t>& positive,
                   const std::vector<std::int64_t>& negative, std::size_t trial,
                   const model::QuantizedNetwork& quantized, const model::PrecisionMap& map,
                   const SoftwareRun& software, const std::vector<double>& full_scales);

/// The relative output error of one trial's logits: max over outputs of |logit - exact
/// integer logit|, over the output's full scale.
double output_error(const std::vector<std::int64_t>& logits, std::size_t trial,
                    const model::QuantizedNetwork& quantized, const SoftwareRun& software,
                    const std::vector<double>& full_scales);

/// The output error of one trial's logits relative to that input's own logit range: max over
/// outputs of |logit - exact integer logit| over (largest - smallest exact integer logit). An
/// error on an input whose exact logits are all equal is infinite.
double range_error(const std::vector<std::int64_t>& logits, std::size_t trial,
                   const SoftwareRun& software);

/// The class logits pick: the index of the largest, the first of equal maxima (as
/// model::count_correct).
std::size_t top1(const std::vector<std::int64_t>& logits);

/// Whether one trial's logits pick another class than the exact integer network's (the top-1,
/// a tie going to the lowest index, as model::count_correct).
bool top1_flipped(const std::vector<std::int64_t>& logits, std::size_t trial,
                  const SoftwareRun& software);

}  // namespace scprec::cosim
