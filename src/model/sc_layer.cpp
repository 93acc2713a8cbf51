// The SC layer model, fast and reference.
//
// Fast form: a product's ones over L cycles is popcount(A_i AND W_ji) of the packed activation
// stream A_i and weight stream W_ji, so a neuron's counter is a sum of popcounts, 64 cycles per
// instruction. Weight streams do not depend on the input and are built once. Synapses are stored
// by input so that a zero input (whose stream is all zeros) is skipped whole. Bipolar XNOR counts
// use the same AND kernel through ones(a XNOR b) = L - ones(a) - ones(b) + 2 ones(a AND b).
#include "scprec/model/sc_layer.hpp"

#include <string>

#include "scprec/core/apc.hpp"
#include "scprec/core/error.hpp"
#include "scprec/core/sng.hpp"

namespace scprec::model {
namespace {

bool is_power_of_two(std::size_t n) {
  return n != 0 && (n & (n - 1)) == 0;
}

int log2_exact(std::size_t n) {
  return __builtin_ctzll(static_cast<unsigned long long>(n));
}

void check_input(const QuantLayer& layer, const QuantConfig& quant, const Codes& input) {
  SCPREC_ASSERT(input.size() == layer.inputs, "one code per layer input");
  for (std::uint16_t code : input) {
    SCPREC_ASSERT(code < (1U << quant.bits), "input code wider than the layer's precision");
  }
}

}  // namespace

std::size_t longest_length(const QuantConfig& quant) {
  // count * 2^(2B) / L must be an integer: 2^(2B) for sign-magnitude; the bipolar estimate
  // multiplies the count by 2^(2B-1) / L, one place less.
  const int exponent =
      quant.encoding == core::Encoding::kBipolar ? 2 * quant.bits - 1 : 2 * quant.bits;
  return std::size_t{1} << exponent;
}

std::string length_limit_problem(std::size_t length, const QuantConfig& quant) {
  const bool bipolar = quant.encoding == core::Encoding::kBipolar;
  return "length " + std::to_string(length) + " is longer than " +
         std::to_string(longest_length(quant)) + ", the longest length (2^(" +
         (bipolar ? "2B-1" : "2B") + ")) for " + std::to_string(quant.bits) + "-bit " +
         core::to_string(quant.encoding);
}

void validate(const ScLayerConfig& config, const QuantLayer& layer, const QuantConfig& quant) {
  if (!is_power_of_two(config.length)) {
    throw_bad_input("", layer.name + ".length",
                    "length " + std::to_string(config.length) + " is not a power of two",
                    "Bitstream lengths must be powers of two so that count / L is a shift");
  }
  const std::size_t longest = longest_length(quant);
  if (config.length > longest) {
    throw_bad_input("", layer.name + ".length", length_limit_problem(config.length, quant),
                    "Use a length of at most " + std::to_string(longest) + ", or more bits");
  }
  core::validate(lane_spec(config, layer, quant));
  if (config.generator.kind == core::GeneratorKind::kSobol &&
      log2_exact(config.length) > config.generator.width) {
    throw_bad_input("", layer.name + ".generator width",
                    "a " + std::to_string(config.generator.width) +
                        "-bit Sobol sequence repeats before length " +
                        std::to_string(config.length),
                    "Use a generator width of at least log2(length)");
  }
}

core::LaneSpec lane_spec(const ScLayerConfig& config, const QuantLayer& layer,
                         const QuantConfig& quant) {
  return core::LaneSpec{config.generator, quant.bits, layer.inputs};
}

std::vector<std::int64_t> sc_dot(const QuantLayer& layer, const QuantConfig& quant,
                                 std::size_t length, const ScCounts& counts) {
  const int bits = quant.bits;
  const int k = log2_exact(length);
  std::vector<std::int64_t> dot(layer.outputs);
  for (std::size_t j = 0; j < layer.outputs; ++j) {
    const auto positive = static_cast<std::int64_t>(counts.positive[j]);
    if (quant.encoding == core::Encoding::kSignMagnitude) {
      const auto negative = static_cast<std::int64_t>(counts.negative[j]);
      dot[j] = (positive - negative) * (std::int64_t{1} << (2 * bits - k));
    } else {
      std::int64_t weight_sum = 0;
      for (std::size_t i = 0; i < layer.inputs; ++i) weight_sum += layer.weight_code(j, i);
      dot[j] = positive * (std::int64_t{1} << (2 * bits - 1 - k)) -
               static_cast<std::int64_t>(layer.inputs) * (std::int64_t{1} << (2 * bits - 2)) +
               weight_sum * (std::int64_t{1} << (bits - 1));
    }
  }
  return dot;
}

ScLayerModel::ScLayerModel(const QuantLayer& layer, const QuantConfig& quant,
                           const ScLayerConfig& config)
    : inputs_(layer.inputs),
      outputs_(layer.outputs),
      length_(config.length),
      words_(core::words_for_length(config.length)),
      bits_(quant.bits),
      encoding_(quant.encoding) {
  validate(config, layer, quant);
  const core::LaneSequencer lanes(lane_spec(config, layer, quant));
  activation_random_.resize(inputs_ * length_);
  std::vector<std::uint16_t> weight_random(length_);
  const bool bipolar = encoding_ == core::Encoding::kBipolar;
  weight_ones_.assign(outputs_, 0);
  column_begin_.reserve(inputs_ + 1);
  for (std::size_t i = 0; i < inputs_; ++i) {
    lanes.fill(core::StreamRole::kActivation, i, length_, &activation_random_[i * length_]);
    lanes.fill(core::StreamRole::kWeight, i, length_, weight_random.data());
    column_begin_.push_back(synapse_counter_.size());
    for (std::size_t j = 0; j < outputs_; ++j) {
      const std::uint32_t threshold = layer.weight_threshold(j, i, quant);
      if (threshold == 0) continue;  // an all-zero stream: it never counts
      const std::size_t offset = synapse_streams_.size();
      synapse_streams_.resize(offset + words_);
      core::pack_comparator(weight_random.data(), length_, threshold, &synapse_streams_[offset]);
      const bool negative = !bipolar && layer.weight_code(j, i) < 0;
      synapse_counter_.push_back(static_cast<std::uint32_t>(2 * j + (negative ? 1 : 0)));
      if (bipolar) {
        for (std::size_t w = 0; w < words_; ++w) {
          weight_ones_[j] +=
              static_cast<std::uint64_t>(__builtin_popcountll(synapse_streams_[offset + w]));
        }
      }
    }
  }
  column_begin_.push_back(synapse_counter_.size());
}

ScCounts ScLayerModel::run(const Codes& input) const {
  SCPREC_ASSERT(input.size() == inputs_, "one code per layer input");
  for (std::uint16_t code : input) {
    SCPREC_ASSERT(code < (1U << bits_), "input code wider than the layer's precision");
  }
  // Scratch reused across calls on this thread: a conv layer runs once per position, and two
  // allocations per run cost as much as a small window's products.
  thread_local std::vector<std::uint64_t> raw;
  thread_local std::vector<std::uint64_t> stream;
  raw.assign(2 * outputs_, 0);
  stream.resize(words_);
  std::uint64_t activation_ones = 0;
  for (std::size_t i = 0; i < inputs_; ++i) {
    if (input[i] == 0) continue;  // an all-zero stream: no product ones
    core::pack_comparator(&activation_random_[i * length_], length_, input[i], stream.data());
    if (encoding_ == core::Encoding::kBipolar) {
      for (std::uint64_t word : stream) {
        activation_ones += static_cast<std::uint64_t>(__builtin_popcountll(word));
      }
    }
    for (std::size_t s = column_begin_[i]; s < column_begin_[i + 1]; ++s) {
      raw[synapse_counter_[s]] +=
          core::and_popcount(stream.data(), &synapse_streams_[s * words_], words_);
    }
  }
  ScCounts counts;
  counts.positive.resize(outputs_);
  counts.negative.assign(outputs_, 0);
  for (std::size_t j = 0; j < outputs_; ++j) {
    if (encoding_ == core::Encoding::kSignMagnitude) {
      counts.positive[j] = raw[2 * j];
      counts.negative[j] = raw[2 * j + 1];
    } else {
      counts.positive[j] = inputs_ * length_ - activation_ones - weight_ones_[j] + 2 * raw[2 * j];
    }
  }
  return counts;
}

ScCounts sc_layer_reference(const QuantLayer& layer, const QuantConfig& quant,
                            const ScLayerConfig& config, const Codes& input) {
  validate(config, layer, quant);
  check_input(layer, quant, input);
  const core::LaneSpec spec = lane_spec(config, layer, quant);
  std::vector<core::LaneGenerator> activation_lanes;
  std::vector<core::LaneGenerator> weight_lanes;
  for (std::size_t i = 0; i < layer.inputs; ++i) {
    activation_lanes.emplace_back(spec, core::StreamRole::kActivation, i);
    weight_lanes.emplace_back(spec, core::StreamRole::kWeight, i);
  }
  std::vector<core::ParallelCounter> positive(layer.outputs);
  std::vector<core::ParallelCounter> negative(layer.outputs);
  const bool bipolar = quant.encoding == core::Encoding::kBipolar;
  for (std::size_t t = 0; t < config.length; ++t) {
    for (std::size_t j = 0; j < layer.outputs; ++j) {
      std::uint64_t positive_ones = 0;
      std::uint64_t negative_ones = 0;
      for (std::size_t i = 0; i < layer.inputs; ++i) {
        const bool a = core::comparator_bit(activation_lanes[i].value(), input[i]);
        const bool b =
            core::comparator_bit(weight_lanes[i].value(), layer.weight_threshold(j, i, quant));
        if (bipolar) {
          positive_ones += (a == b) ? 1 : 0;
        } else if (a && b) {
          if (layer.weight_code(j, i) > 0) {
            ++positive_ones;
          } else {
            ++negative_ones;
          }
        }
      }
      positive[j].add_cycle(positive_ones);
      negative[j].add_cycle(negative_ones);
    }
    for (std::size_t i = 0; i < layer.inputs; ++i) {
      activation_lanes[i].step();
      weight_lanes[i].step();
    }
  }
  ScCounts counts;
  for (std::size_t j = 0; j < layer.outputs; ++j) {
    counts.positive.push_back(positive[j].total());
    counts.negative.push_back(negative[j].total());
  }
  return counts;
}

}  // namespace scprec::model
