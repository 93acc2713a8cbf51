// Lane generators. LFSR lanes are one m-sequence read at 2N evenly spaced phases: lane g starts
// g * floor((2^w - 1) / 2N) shifts after the base state, computed by jumping ahead with the
// shift matrix raised to that power, so that over a run of L cycles (L * bits shifts) no two
// lanes share random bits when L * bits <= spacing. Each cycle a lane shifts `bits` times, so
// consecutive random numbers are disjoint chunks of the sequence. Sobol lanes share the two
// Gray-code Sobol dimensions (activations: 1, weights: 2) and differ by a random digital shift,
// which keeps each lane's (0, m, 2)-net property (Owen 1995, "random digital shift").
// Shared-LFSR lanes read two LFSRs half a period apart, one per role, each lane XORing its own
// shift into its register's numbers: the lanes cost no registers of their own.
#include "scprec/core/lanes.hpp"

#include <string>

#include "scprec/core/enum_names.hpp"
#include "scprec/core/error.hpp"
#include "scprec/core/lfsr.hpp"
#include "scprec/core/sobol.hpp"

namespace scprec::core {
namespace {

std::uint32_t top_bits(std::uint64_t word, int width) {
  return static_cast<std::uint32_t>(word >> (64 - width));
}

std::uint32_t lfsr_base_state(const LaneSpec& spec) {
  const std::uint32_t base = top_bits(mix64(spec.generator.seed), spec.generator.width);
  return base == 0 ? 1U : base;
}

int sobol_dimension(StreamRole role) {
  return role == StreamRole::kActivation ? 1 : 2;
}

}  // namespace

constexpr EnumName<GeneratorKind> kGeneratorNames[] = {{GeneratorKind::kLfsr, "lfsr"},
                                                       {GeneratorKind::kSobol, "sobol"},
                                                       {GeneratorKind::kSharedLfsr, "shared-lfsr"}};

std::string to_string(GeneratorKind kind) {
  return enum_name(kGeneratorNames, kind);
}

GeneratorKind parse_generator_kind(const std::string& text, const std::string& field) {
  return parse_enum_name(kGeneratorNames, text, "generator", field);
}

void validate(const LaneSpec& spec) {
  const int width = spec.generator.width;
  if (spec.bits < 1 || spec.bits > 16) {
    throw_bad_input("", "bits",
                    "comparator precision " + std::to_string(spec.bits) + " is outside [1, 16]",
                    "Quantize to between 1 and 16 bits");
  }
  const int min_width = spec.bits > kMinLfsrWidth ? spec.bits : kMinLfsrWidth;
  if (width < min_width || width > kMaxLfsrWidth) {
    throw_bad_input("", "generator width",
                    "width " + std::to_string(width) + " is outside [" + std::to_string(min_width) +
                        ", 32] for " + std::to_string(spec.bits) + "-bit comparators",
                    "Choose a generator width of at least the comparator precision");
  }
  if (spec.inputs == 0) {
    throw_bad_input("", "inputs", "a layer needs at least one input", "Check the model's shapes");
  }
  if (spec.generator.kind == GeneratorKind::kLfsr && lfsr_lane_spacing(spec) == 0) {
    throw_bad_input("", "generator width",
                    "a " + std::to_string(width) + "-bit LFSR has fewer states than the " +
                        std::to_string(2 * spec.inputs) + " lanes of this layer",
                    "Use a wider LFSR");
  }
}

std::uint64_t mix64(std::uint64_t x) {
  std::uint64_t z = x + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t lfsr_lane_spacing(const LaneSpec& spec) {
  const std::uint64_t period = low_bits_mask(spec.generator.width);
  return period / (2 * static_cast<std::uint64_t>(spec.inputs));
}

std::uint32_t lfsr_lane_seed(const LaneSpec& spec, StreamRole role, std::size_t input) {
  const std::uint64_t shifts = lfsr_lane_spacing(spec) * lane_index(spec, role, input);
  const Gf2Matrix jump = lfsr_shift_matrix(spec.generator.width).power(shifts);
  return static_cast<std::uint32_t>(jump.apply(lfsr_base_state(spec)));
}

std::uint32_t lane_shift(const LaneSpec& spec, StreamRole role, std::size_t input) {
  return top_bits(mix64(mix64(spec.generator.seed) + lane_index(spec, role, input)),
                  spec.generator.width);
}

std::uint32_t shared_lfsr_start(const LaneSpec& spec, StreamRole role) {
  const std::uint32_t base = lfsr_base_state(spec);
  if (role == StreamRole::kActivation) return base;
  const int width = spec.generator.width;
  return static_cast<std::uint32_t>(
      lfsr_shift_matrix(width).power(low_bits_mask(width) / 2).apply(base));
}

bool lanes_disjoint(const LaneSpec& spec, std::size_t length) {
  const std::uint64_t bits_read =
      static_cast<std::uint64_t>(length) * static_cast<std::uint64_t>(spec.bits);
  switch (spec.generator.kind) {
    case GeneratorKind::kSobol:
      return true;
    case GeneratorKind::kSharedLfsr:
      return bits_read <= low_bits_mask(spec.generator.width) / 2;
    case GeneratorKind::kLfsr:
      break;
  }
  return bits_read <= lfsr_lane_spacing(spec);
}

LaneGenerator::LaneGenerator(const LaneSpec& spec, StreamRole role, std::size_t input)
    : bits_(spec.bits) {
  validate(spec);
  SCPREC_ASSERT(input < spec.inputs, "lane input index out of range");
  const int width = spec.generator.width;
  switch (spec.generator.kind) {
    case GeneratorKind::kLfsr:
      lfsr_.emplace(width, lfsr_lane_seed(spec, role, input));
      break;
    case GeneratorKind::kSobol:
      sobol_.emplace(sobol_dimension(role), width);
      shift_ = lane_shift(spec, role, input);
      break;
    case GeneratorKind::kSharedLfsr:
      lfsr_.emplace(width, shared_lfsr_start(spec, role));
      shift_ = lane_shift(spec, role, input) >> (width - bits_);
      break;
  }
}

std::uint32_t LaneGenerator::value() const {
  const std::uint32_t bits_mask = (std::uint32_t{1} << bits_) - 1;
  if (lfsr_) return (~lfsr_->state() & bits_mask) ^ shift_;
  return ((sobol_->value() ^ shift_) >> (sobol_->width() - bits_)) & bits_mask;
}

void LaneGenerator::step() {
  if (lfsr_) {
    for (int k = 0; k < bits_; ++k) lfsr_->step();
  } else {
    sobol_->step();
  }
}

LaneSequencer::LaneSequencer(const LaneSpec& spec) : spec_(spec) {
  validate(spec_);
  const int width = spec_.generator.width;
  starts_.resize(2 * spec_.inputs);
  if (spec_.generator.kind == GeneratorKind::kSobol) {
    for (StreamRole role : {StreamRole::kActivation, StreamRole::kWeight}) {
      for (std::size_t input = 0; input < spec_.inputs; ++input) {
        starts_[lane_index(spec_, role, input)] = lane_shift(spec_, role, input);
      }
    }
    return;
  }
  const Gf2Matrix shift = lfsr_shift_matrix(width);
  leap_.emplace(shift.power(static_cast<std::uint64_t>(spec_.bits)));
  if (spec_.generator.kind == GeneratorKind::kSharedLfsr) {
    for (StreamRole role : {StreamRole::kActivation, StreamRole::kWeight}) {
      registers_[static_cast<int>(role)] = shared_lfsr_start(spec_, role);
      for (std::size_t input = 0; input < spec_.inputs; ++input) {
        starts_[lane_index(spec_, role, input)] = lane_shift(spec_, role, input);
      }
    }
    return;
  }
  const Gf2Matrix spacing = shift.power(lfsr_lane_spacing(spec_));
  std::uint32_t state = lfsr_base_state(spec_);
  for (std::uint32_t& start : starts_) {
    start = state;
    state = static_cast<std::uint32_t>(spacing.apply(state));
  }
}

void LaneSequencer::fill(StreamRole role, std::size_t input, std::size_t length,
                         std::uint16_t* out) const {
  SCPREC_ASSERT(input < spec_.inputs, "lane input index out of range");
  const std::uint32_t start = starts_[lane_index(spec_, role, input)];
  const std::uint32_t bits_mask = (std::uint32_t{1} << spec_.bits) - 1;
  const int width = spec_.generator.width;
  if (spec_.generator.kind == GeneratorKind::kLfsr) {
    std::uint32_t state = start;
    for (std::size_t t = 0; t < length; ++t) {
      out[t] = static_cast<std::uint16_t>(~state & bits_mask);
      state = leap_->apply(state);
    }
    return;
  }
  if (spec_.generator.kind == GeneratorKind::kSharedLfsr) {
    const std::uint32_t shift = start >> (width - spec_.bits);
    std::uint32_t state = registers_[static_cast<int>(role)];
    for (std::size_t t = 0; t < length; ++t) {
      out[t] = static_cast<std::uint16_t>((~state & bits_mask) ^ shift);
      state = leap_->apply(state);
    }
    return;
  }
  SobolSequence sequence(sobol_dimension(role), width);
  for (std::size_t t = 0; t < length; ++t) {
    out[t] = static_cast<std::uint16_t>(((sequence.value() ^ start) >> (width - spec_.bits)) &
                                        bits_mask);
    sequence.step();
  }
}

}  // namespace scprec::core
