// Text helpers shared by the report writers: XML-safe escaping.
//
// escape() decodes UTF-8 by the rules of RFC 3629 (no overlong forms, no surrogates, nothing
// above U+10FFFF) and keeps only the characters of XML 1.0's Char production.
#include "text.hpp"

#include <algorithm>
#include <cstdint>

namespace scprec::report {
namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at text[i], with its code point in `code`; 0 if invalid.
std::size_t utf8_sequence(const std::string& text, std::size_t i, std::uint32_t& code) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  std::uint32_t minimum = 0;
  if (lead < 0x80) {
    code = lead;
    return 1;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, code = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code = lead & 0x07, minimum = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

// XML 1.0's Char production.
bool xml_char(std::uint32_t code) {
  return code == 0x9 || code == 0xA || code == 0xD || (code >= 0x20 && code <= 0xD7FF) ||
         (code >= 0xE000 && code <= 0xFFFD) || code >= 0x10000;
}

}  // namespace

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t code = 0;
    const std::size_t length = utf8_sequence(text, i, code);
    if (length == 0 || !xml_char(code)) {
      out += kReplacement;
      i += length == 0 ? 1 : length;
      continue;
    }
    switch (code) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.append(text, i, length);
    }
    i += length;
  }
  return out;
}

namespace {
constexpr const char* kMapCheck = "map (budget)";
}  // namespace

std::vector<std::string> check_names(const loop::Judgement& j) {
  // Every layer lists its bounds in one order; a bound a layer lacks goes in after the bound
  // that precedes it in a layer that has it.
  std::vector<std::string> names;
  for (const loop::LayerVerdict& v : j.layers) {
    auto after = names.begin();
    for (const loop::BoundCheck& b : v.bounds) {
      const auto at = std::find(names.begin(), names.end(), b.bound);
      after = at != names.end() ? at + 1 : names.insert(after, b.bound) + 1;
    }
  }
  names.push_back(kMapCheck);
  return names;
}

std::vector<const loop::PredictionCheck*> layer_checks(const loop::LayerVerdict& v,
                                                       const std::vector<std::string>& names) {
  std::vector<const loop::PredictionCheck*> checks;
  for (const std::string& name : names) {
    const auto bound = std::find_if(v.bounds.begin(), v.bounds.end(),
                                    [&](const loop::BoundCheck& b) { return b.bound == name; });
    checks.push_back(name == kMapCheck         ? &v.prediction
                     : bound != v.bounds.end() ? &bound->check
                                               : nullptr);
  }
  return checks;
}

std::string rows_text(const loop::RowUse& rows) {
  std::string text =
      fmt::format("calibration {}, tuning {}, held-out {} of {} calibration rows",
                  rows.calibration.text(), rows.tuning.text(), rows.signoff.text(), rows.rows);
  if (!rows.signoff.empty()) {
    text += fmt::format(" (attempt {} on them, alpha {:g})", rows.attempt, rows.alpha);
  }
  if (!rows.problem.empty()) text += "; " + rows.problem;
  if (!rows.note.empty()) text += "; " + rows.note;
  return text;
}

std::string population_text(const loop::VerifyResult& result) {
  const model::PrecisionMap& map = result.map;
  return fmt::format(
      "The acceptance tests' guarantee covers inputs drawn like the calibration rows "
      "(calibration inputs hash {}), run through {} (bit-exact with the software model) "
      "with these fixed seeds ({} lanes, {}-bit, base seed {}); not other inputs, seeds or "
      "hardware.",
      result.rows.data_hash.substr(0, 16), result.rtl.empty() ? "this RTL" : result.rtl,
      map.generators_text(), map.generator_width, map.seed);
}

std::string flips_text(const loop::EndToEndVerdict& e) {
  const loop::RateTest& f = e.flips;
  if (f.trials == 0) return "not measured";
  return fmt::format(
      "top-1 differs from the exact integer network's on {} of {} trials ({:.2f}%, {:.0f}% "
      "interval {:.2f}-{:.2f}%){}",
      f.events, f.trials, 100 * f.rate, 100 * (1 - 2 * e.alpha), 100 * f.lower, 100 * f.upper,
      f.limit ? fmt::format("; allowed {:g}%: {}", 100 * *f.limit, f.pass() ? "pass" : "fail")
              : "; no limit set");
}

std::string range_text(const loop::EndToEndVerdict& e) {
  const loop::RateTest& r = e.range;
  if (r.trials == 0) return "not measured";
  std::string text = fmt::format("output error over the input's own logit range: quantile {:.4g} "
                                 "at {:g}",
                                 e.range_quantile, 1 - e.delta);
  if (r.limit) {
    text += fmt::format("; {} of {} trials above the target, bound {:.4f} (allowed {:g}): {}",
                        r.events, r.trials, r.upper, *r.limit, r.pass() ? "pass" : "fail");
  }
  return text;
}

std::string drop_text(const loop::AccuracyDrop& d, double alpha) {
  return fmt::format("{:+.2f} points ({:.0f}% interval {:+.2f} to {:+.2f})", -100 * d.drop,
                     100 * (1 - alpha), -100 * d.high, -100 * d.low);
}

}  // namespace scprec::report
