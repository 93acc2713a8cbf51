// The shifted-net model of Sobol lanes. Points and thresholds are in units of 2^-B (S = 2^B
// per axis); L = 2^m.
//
// Range. The first L points of dimensions 1 and 2 form a (0, m, 2)-net, and a digital shift
// keeps that: every elementary box of area 2^-m holds exactly one point. The pairs a synapse
// counts form a box (AND: [0, x) x [0, v)) or two (XNOR: that and [x, S) x [v, S)). Cut a box's
// first side into aligned dyadic pieces. A piece of width 2^-k with k <= m holds 2^(m-k)
// points, one in each stratum of height 2^-(m-k), so its count in the second side, of length
// J, is floor(u) or floor(u) + 1 with u = J 2^(m-k): an error of -frac(u) or 1 - frac(u) (the
// other side is anchored at 0 or at S, so only one of its strata is cut). The
// pieces narrower than 2^-m lie in at most two cells of width 2^-m, each holding one point:
// count 0 or 1 against an expectation u < 1. Summing gives an interval that holds whatever the
// shift; cutting along the other side gives another, and e lies in both.
//
// Variance. With the shift sigma uniform, E[n] = L |box| and E[n^2] = sum over pairs (t, t') of
// P(p_t + sigma and p_t' + sigma both count) = L sum over d in P of phi(d), since the point set
// P is a group under XOR (a digital net), where phi(d) = P(sigma and sigma + d both count)
// factors into the two independent axes through H(c, d) = |[0, c) and ([0, c) XOR d)|.
#include "scprec/assign/net_bounds.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "scprec/core/error.hpp"
#include "scprec/core/parallel.hpp"
#include "scprec/core/sobol.hpp"

namespace scprec::assign {
namespace {

// |[0, code) and ([0, code) XOR d)|: [0, code) is one aligned block per set bit s of code,
// [code with bits s and below cleared, + 2^s); XOR by d maps an aligned block to an aligned
// block of the same size, and two aligned blocks are nested or disjoint.
double overlap(std::uint32_t code, std::uint32_t d, int bits) {
  double total = 0.0;
  for (int s = bits - 1; s >= 0; --s) {
    if (((code >> s) & 1U) == 0) continue;
    const std::uint32_t start = code & ~((2U << s) - 1U);
    const std::uint32_t moved = (start ^ d) & ~((1U << s) - 1U);
    for (int r = bits - 1; r >= 0; --r) {
      if (((code >> r) & 1U) == 0) continue;
      const std::uint32_t other = code & ~((2U << r) - 1U);
      const int wide = std::max(s, r);
      if ((moved >> wide) == (other >> wide)) total += std::ldexp(1.0, std::min(s, r));
    }
  }
  return total;
}

// H(code, d) for every point's coordinate d.
std::vector<double> overlaps(std::uint32_t code, const std::vector<std::uint32_t>& coords,
                             int bits) {
  std::vector<double> h;
  h.reserve(coords.size());
  for (std::uint32_t d : coords) h.push_back(overlap(code, d, bits));
  return h;
}

struct Range {
  double low = 0.0;
  double high = 0.0;
};

// The error range of the count of a (0, m, 2)-net's points in [begin, end) x J, |J| = span,
// cut along the first side. J must be anchored at 0 or at S: a piece's count in it is then
// floor(u) or floor(u) + 1 (an interval inside could cut two strata).
Range strip_range(std::uint32_t begin, std::uint32_t end, std::uint32_t span, int m, int bits) {
  Range r;
  const auto add = [&r](double u) {
    const double f = u - std::floor(u);
    if (f <= 0.0) return;
    r.low -= f;
    r.high += 1.0 - f;
  };
  // Units of the pieces narrower than 2^-m in each cell of width 2^-m that holds them.
  std::uint32_t residual_cell[2] = {0, 0};
  std::uint64_t residual[2] = {0, 0};
  int cells = 0;
  for (std::uint32_t pos = begin; pos < end;) {
    int s = 0;
    while (s < bits && (pos & ((2U << s) - 1U)) == 0 && pos + (2U << s) <= end) ++s;
    const int k = bits - s;  // the piece is [pos, pos + 2^s), of width 2^-k
    if (k <= m) {
      add(std::ldexp(static_cast<double>(span), m - k - bits));
    } else {
      const std::uint32_t cell = pos >> (bits - m);
      if (cells == 0 || residual_cell[cells - 1] != cell) {
        SCPREC_ASSERT(cells < 2, "an interval's narrow pieces lie in at most two cells");
        residual_cell[cells++] = cell;
      }
      residual[cells - 1] += std::uint64_t{1} << s;
    }
    pos += 1U << s;
  }
  for (int c = 0; c < cells; ++c) {
    add(std::ldexp(static_cast<double>(residual[c] * span), m - 2 * bits));
  }
  return r;
}

// The error range of the count in [a0, a1) x [b0, b1): the tighter of the two cuts.
Range box_range(std::uint32_t a0, std::uint32_t a1, std::uint32_t b0, std::uint32_t b1, int m,
                int bits) {
  const Range across = strip_range(a0, a1, b1 - b0, m, bits);
  const Range down = strip_range(b0, b1, a1 - a0, m, bits);
  return {std::max(across.low, down.low), std::min(across.high, down.high)};
}

int log2_exact(std::size_t length) {
  int m = 0;
  while ((std::size_t{1} << m) < length) ++m;
  return m;
}

// The term of thresholds (x, v), given their overlaps with every point.
SynapseTerm term_of(const NetPoints& p, core::Encoding encoding, std::uint32_t x, std::uint32_t v,
                    const std::vector<double>& hx, const std::vector<double>& hv) {
  const std::uint32_t top = 1U << p.bits;
  const int m = log2_exact(p.length);
  const double s = top;
  const double dx = x;
  const double dv = v;
  const double l = static_cast<double>(p.length);
  double pairs = 0.0;  // sum over d in P of phi(d), times S^2
  double mean = 0.0;   // E[n] times S^2 / L
  Range range = box_range(0, x, 0, v, m, p.bits);
  if (encoding == core::Encoding::kSignMagnitude) {
    for (std::size_t t = 0; t < p.length; ++t) pairs += hx[t] * hv[t];
    mean = dx * dv;
  } else {
    for (std::size_t t = 0; t < p.length; ++t) {
      pairs += hx[t] * hv[t] + 2.0 * (dx - hx[t]) * (dv - hv[t]) +
               (s - 2.0 * dx + hx[t]) * (s - 2.0 * dv + hv[t]);
    }
    mean = dx * dv + (s - dx) * (s - dv);
    const Range upper = box_range(x, top, v, top, m, p.bits);
    range.low += upper.low;
    range.high += upper.high;
  }
  const double expected = l * mean / (s * s);
  const double variance = l * pairs / (s * s) - expected * expected;
  return {range.low, range.high, std::max(0.0, variance)};
}

}  // namespace

bool net_model_covers(int bits, std::size_t length) {
  return bits >= 1 && bits <= kMaxNetBits && length >= 1 &&
         length <= (std::uint64_t{1} << (32 - 2 * bits));
}

NetPoints net_points(int bits, int width, std::size_t length) {
  if (!net_model_covers(bits, length)) {
    throw_bad_input("", "bits",
                    fmt::format("the shifted-net model of Sobol lanes covers comparators of at "
                                "most {} bits and 4^bits x L <= 2^32, not {} bits at L = {}",
                                kMaxNetBits, bits, length),
                    "Quantize to fewer bits or shorten L, or use --method sensitivity, which "
                    "measures");
  }
  if (width < bits || width > 32) {
    throw_bad_input("", "generator width",
                    fmt::format("{} is outside [{}, 32]", width, bits),
                    "Give a Sobol precision of at least the comparator bits");
  }
  if ((length & (length - 1)) != 0 || length > (std::size_t{1} << width)) {
    throw_bad_input("", "length",
                    fmt::format("{} is not a power of two at most 2^{}", length, width),
                    "Sobol lanes run a power-of-two length within their precision");
  }
  NetPoints p;
  p.bits = bits;
  p.length = length;
  core::SobolSequence activation(1, width);
  core::SobolSequence weight(2, width);
  for (std::size_t t = 0; t < length; ++t) {
    p.activation.push_back(activation.value() >> (width - bits));
    p.weight.push_back(weight.value() >> (width - bits));
    activation.step();
    weight.step();
  }
  return p;
}

SynapseTerm synapse_term(const NetPoints& points, core::Encoding encoding, std::uint32_t activation,
                         std::uint32_t weight) {
  return term_of(points, encoding, activation, weight,
                 overlaps(activation, points.activation, points.bits),
                 overlaps(weight, points.weight, points.bits));
}

NetTermTable::NetTermTable(const model::QuantLayer& layer, const model::QuantConfig& quant,
                           int width, std::size_t length, const std::vector<model::Codes>& inputs,
                           unsigned threads)
    : inputs_(layer.inputs),
      bipolar_(quant.encoding == core::Encoding::kBipolar),
      top_(std::size_t{1} << quant.bits),
      threshold_(layer.outputs * layer.inputs) {
  const NetPoints points = net_points(quant.bits, width, length);
  // The thresholds that occur, and their overlaps with the points.
  std::vector<char> weight_used(top_, 0);
  std::vector<char> activation_used(top_, 0);
  for (std::size_t j = 0; j < layer.outputs; ++j) {
    for (std::size_t i = 0; i < layer.inputs; ++i) {
      const std::uint32_t v = layer.weight_threshold(j, i, quant);
      threshold_[j * layer.inputs + i] = v;
      weight_used[v] = 1;
    }
  }
  for (const model::Codes& input : inputs) {
    SCPREC_ASSERT(input.size() == layer.inputs, "one code per layer input");
    for (std::uint16_t x : input) activation_used[x] = 1;
  }
  std::vector<std::uint32_t> activation_codes;
  std::vector<std::uint32_t> weight_codes;
  for (std::uint32_t c = 0; c < top_; ++c) {
    if (activation_used[c] != 0) activation_codes.push_back(c);
    if (weight_used[c] != 0) weight_codes.push_back(c);
  }
  std::vector<std::vector<double>> hv(top_);
  core::parallel_for(weight_codes.size(), threads, [&](std::size_t k) {
    hv[weight_codes[k]] = overlaps(weight_codes[k], points.weight, points.bits);
  });
  // Every occurring pair's term, one activation threshold per task.
  terms_.resize(top_ * top_);
  core::parallel_for(activation_codes.size(), threads, [&](std::size_t k) {
    const std::uint32_t x = activation_codes[k];
    const std::vector<double> hx = overlaps(x, points.activation, points.bits);
    for (std::uint32_t v : weight_codes) {
      terms_[x * top_ + v] = term_of(points, quant.encoding, x, v, hx, hv[v]);
    }
  });
}

DeviationTerms NetTermTable::neuron_terms(std::size_t neuron, const model::Codes& input) const {
  SCPREC_ASSERT(input.size() == inputs_, "one code per layer input");
  const std::uint32_t* row = threshold_.data() + neuron * inputs_;
  DeviationTerms sum;
  for (std::size_t i = 0; i < inputs_; ++i) {
    if (!bipolar_ && (input[i] == 0 || row[i] == 0)) continue;
    const SynapseTerm& t = terms_[input[i] * top_ + row[i]];
    const double width = t.high - t.low;
    sum.squared_ranges += width * width;
    sum.variance += t.variance;
    sum.largest = std::max({sum.largest, -t.low, t.high});
  }
  return sum;
}

std::vector<DeviationTerms> net_envelopes(const model::QuantLayer& layer,
                                          const model::QuantConfig& quant, int width,
                                          std::size_t length,
                                          const std::vector<model::Codes>& inputs,
                                          unsigned threads) {
  const NetTermTable table(layer, quant, width, length, inputs, threads);
  std::vector<DeviationTerms> envelopes(layer.outputs);
  core::parallel_for(layer.outputs, threads, [&](std::size_t j) {
    DeviationTerms& envelope = envelopes[j];
    for (const model::Codes& input : inputs) {
      const DeviationTerms sum = table.neuron_terms(j, input);
      envelope.squared_ranges = std::max(envelope.squared_ranges, sum.squared_ranges);
      envelope.variance = std::max(envelope.variance, sum.variance);
      envelope.largest = std::max(envelope.largest, sum.largest);
    }
  });
  return envelopes;
}

}  // namespace scprec::assign
