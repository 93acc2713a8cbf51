// The precision map: which bitstream length, generator and seed each layer runs at in SC, the
// quantization that fixes the layer's integers, and what was predicted and measured.
// It lives in model (not assign) so that io can read and write it and rtl can consume it with
// every dependency pointing down the component table.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scprec/core/lanes.hpp"
#include "scprec/model/network.hpp"
#include "scprec/model/quantize.hpp"
#include "scprec/model/sc_layer.hpp"

namespace scprec::model {

/// The schema id written into every precision map; readers reject other ids.
inline constexpr const char* kPrecisionMapSchema = "scprec.precision-map/1";

/// The seed of layer `index` for a map's base seed: base + index.
constexpr std::uint64_t layer_seed(std::uint64_t base, std::size_t index) {
  return base + static_cast<std::uint64_t>(index);
}

/// Where a layer stands.
enum class LayerStatus {
  kAssigned,  ///< length chosen from predictions, not yet measured on RTL
  kPassed,    ///< measured error within target
  kFailed,    ///< measured error above target
};
std::string to_string(LayerStatus status);
/// Parses "assigned", "passed", "failed"; throws Error (kBadInput) naming `field` otherwise.
LayerStatus parse_layer_status(const std::string& text, const std::string& field);

/// One layer's row: the C++ form of the LayerPrecision of Python SC toolkits.
struct LayerPrecision {
  std::size_t index = 0;
  std::string name;
  std::size_t inputs = 0;     ///< a conv layer's: its window
  std::size_t outputs = 0;    ///< a conv layer's: its channels
  std::size_t positions = 1;  ///< a conv layer's output positions, each run for L cycles
  std::size_t length = 0;     ///< bitstream length L, a power of two
  /// The layer's lane generator; the map's generator_width and the layer's seed complete it.
  core::GeneratorKind generator = core::GeneratorKind::kLfsr;
  std::uint64_t seed = 0;  ///< the layer's generator seed (layer_seed(base, index))
  std::string method;      ///< how the length was chosen: a bound, "sensitivity", "uniform"
  /// Predicted error of this layer's outputs at `length`: max over neurons of |SC - exact|,
  /// as a fraction of the layer's full scale, at the map's confidence (union over the layer's
  /// neurons and the network's layers).
  double predicted_error = 0.0;
  /// Predicted share of the network's output error, as a fraction of the output's full scale.
  double contribution = 0.0;
  /// Gain from this layer's output error to the network's output error (both real units).
  double gain = 0.0;
  /// Sensitivity score: output error at L = 1 under 1/sqrt(L) scaling (0 if not analysed).
  double sensitivity = 0.0;
  std::optional<double> measured_error;  ///< same units as predicted_error, once measured
  LayerStatus status = LayerStatus::kAssigned;
};

/// What the map was asked to achieve.
struct PrecisionTargets {
  std::optional<double> error;          ///< relative output error target, if any
  /// The most often the SC network's top-1 class may differ from the exact integer network's
  /// (a rate per input, tested like the error's exceedance rate), if any.
  std::optional<double> max_flip_rate;
  /// Per input, the output error over that input's own logit range (largest minus smallest exact
  /// logit), within this with the map's confidence, if any.
  std::optional<double> range_error;
  double confidence = 0.95;             ///< probability per input that the error is within target
  std::optional<std::uint64_t> budget;  ///< total cycle budget, if any
  std::string cost = "cycles";          ///< what was minimised: "cycles" or "synapse-cycles"
  std::string composition = "rss";      ///< how layer contributions combine: "rss" or "union"
};

/// A half-open range of rows of a data split: [begin, begin + count).
struct RowRange {
  std::size_t begin = 0;
  std::size_t count = 0;
  std::size_t end() const { return begin + count; }
  bool empty() const { return count == 0; }
  bool overlaps(const RowRange& other) const {
    return !empty() && !other.empty() && begin < other.end() && other.begin < end();
  }
  bool operator==(const RowRange& other) const {
    return begin == other.begin && count == other.count;
  }
  /// "rows 694-846", or "no rows".
  std::string text() const;
};

/// Which calibration rows chose the map, so that a sign-off can use only rows that chose
/// nothing. Rows index the calibration split of the data whose hash is `data_hash`.
struct MapProvenance {
  std::string data_hash;      ///< io::dataset_hash of that split; "" when no data chose the map
  std::size_t data_rows = 0;  ///< its row count
  RowRange calibration;       ///< rows that fixed the scales, sensitivities and bounds
  RowRange tuning;            ///< rows the closed loop's decisions were taken on
  /// The held-out rows a sign-off judged the map on, and the attempt that was on them.
  std::optional<RowRange> signoff;
  std::size_t signoff_attempt = 0;
  /// The rows that chose the map: calibration and tuning (not the sign-off rows).
  std::size_t chosen_end() const { return std::max(calibration.end(), tuning.end()); }
};

struct PrecisionMap {
  std::string model_hash;  ///< io::network_hash of the model
  QuantConfig quant;
  std::vector<double> activation_scales;  ///< hidden layers' output scales (quantize_with_scales)
  int generator_width = 32;               ///< every layer's LFSR width or Sobol precision
  std::uint64_t seed = 42;  ///< base seed; layer l uses layer_seed(seed, l)
  PrecisionTargets targets;
  std::string method;              ///< the assignment method
  std::string gain;                ///< "analytic" or "empirical" (or "" for sensitivity)
  double output_full_scale = 0.0;  ///< the real value that relative output errors divide
  double predicted_output_error = 0.0;
  std::vector<LayerPrecision> layers;
  /// Which rows chose the map; nullopt when unknown (a map written by an older scprec or by
  /// hand), which a sign-off treats as every row having chosen it.
  std::optional<MapProvenance> provenance;

  /// Sum of the layers' lengths: the cycles one input takes through the network.
  std::uint64_t total_cycles() const;  ///< sum of positions x length
  /// The layers' generators: their common kind ("lfsr", "sobol", "shared-lfsr"), or "mixed".
  std::string generator_kind() const;
  /// The layers' generators for people: the common kind, or each layer's ("sobol/sobol/lfsr").
  std::string generators_text() const;
  /// The layers' lengths for people: "64/128/128".
  std::string lengths_text() const;
  /// The arithmetic for people: "8-bit sign-magnitude", with the activation scale rule when it
  /// is not the maximum ("..., activation scales at the 0.99 quantile of the positive
  /// activations").
  std::string arithmetic_text() const;
  /// How layer l runs in SC under this map.
  ScLayerConfig layer_config(std::size_t l) const;
  /// Every layer's SC config, for ScNetworkModel.
  std::vector<std::optional<ScLayerConfig>> sc_configs() const;
};

/// Throws Error (kBadInput) naming the map field if the map does not fit the network: layer
/// count, names, shapes, or (when `model_hash` is not empty) the hash differ; the map's
/// quantization (bits, activation_scales) cannot quantize this network
/// ("quantization.activation_scales", the problem naming the layer); or a layer's SC settings
/// fail model::validate ("layers[l].length", "generator.width"). `where` names the map file in
/// every error. Every command that reads a map with its model calls this before using it.
void check_map_matches(const PrecisionMap& map, const Network& network,
                       const std::string& model_hash, const std::string& where);

/// A map with the given lengths and no predictions (method "manual"), for `quantized` with
/// `model_hash`: generator `kind` at `width` bits, layer seeds from `seed`. For hand-made maps,
/// benchmarks and tests; `scprec assign` makes the predicted kind.
PrecisionMap manual_map(const QuantizedNetwork& quantized, const std::string& model_hash,
                        const std::vector<std::size_t>& lengths,
                        core::GeneratorKind kind = core::GeneratorKind::kLfsr, int width = 32,
                        std::uint64_t seed = 42);

/// The quantized network a map describes (quantize_with_scales with the map's settings).
QuantizedNetwork quantize_for_map(const Network& network, const PrecisionMap& map);

}  // namespace scprec::model
