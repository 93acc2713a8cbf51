// Precision-map JSON. Writing uses nlohmann's ordered_json so the fields keep a fixed,
// readable order; reading walks the document with a small reader that knows the path of every
// value, so that each error names the exact field ("layers[1].length").
#include "scprec/io/precision_map_io.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "scprec/core/error.hpp"
#include "scprec/core/version.hpp"
#include "scprec/io/files.hpp"

namespace scprec::io {
namespace {

using Json = nlohmann::ordered_json;

template <typename T>
Json optional_json(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

// A JSON object with the path that leads to it, for errors that name the field.
class Reader {
 public:
  Reader(const Json& json, std::string path, const std::string& where)
      : json_(json), path_(std::move(path)), where_(where) {
    if (!json_.is_object()) fail("", "is not an object", "Restore the map's structure");
  }

  const Json& field(const std::string& key) const {
    const auto found = json_.find(key);
    if (found == json_.end()) fail(key, "is missing", "Every field of a precision map is required");
    return *found;
  }
  Reader object(const std::string& key) const { return Reader(field(key), name(key), where_); }
  std::string text(const std::string& key) const {
    const Json& value = field(key);
    if (!value.is_string()) fail(key, "is not a string", "");
    return value.get<std::string>();
  }
  double number(const std::string& key) const {
    const Json& value = field(key);
    if (!value.is_number()) fail(key, "is not a number", "");
    return value.get<double>();
  }
  double non_negative(const std::string& key) const {
    const double value = number(key);
    if (!(value >= 0.0) || !std::isfinite(value)) fail(key, "must be a finite number >= 0", "");
    return value;
  }
  std::uint64_t unsigned_integer(const std::string& key) const {
    const Json& value = field(key);
    if (!value.is_number_unsigned()) fail(key, "is not a non-negative integer", "");
    return value.get<std::uint64_t>();
  }
  // An integer in [low, high], range-checked before it is narrowed to int.
  int integer_in(const std::string& key, int low, int high) const {
    const std::uint64_t value = unsigned_integer(key);
    if (value < static_cast<std::uint64_t>(low) || value > static_cast<std::uint64_t>(high)) {
      fail(key,
           "is " + std::to_string(value) + ", outside [" + std::to_string(low) + ", " +
               std::to_string(high) + "]",
           "");
    }
    return static_cast<int>(value);
  }
  std::optional<double> optional_number(const std::string& key) const {
    if (field(key).is_null()) return std::nullopt;
    return non_negative(key);
  }
  bool has(const std::string& key) const { return json_.find(key) != json_.end(); }
  std::string name(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  [[noreturn]] void fail(const std::string& key, const std::string& problem,
                         const std::string& remedy) const {
    throw_bad_input(where_, key.empty() ? path_ : name(key), problem,
                    remedy.empty() ? "Fix the field or assign a new map" : remedy);
  }

 private:
  const Json& json_;
  std::string path_;
  const std::string& where_;
};

// Runs a parser from another component and re-raises its error at this field.
template <typename Parse>
auto parse_at(const Reader& reader, const std::string& key, Parse parse) {
  const std::string value = reader.text(key);
  try {
    return parse(value, reader.name(key));
  } catch (const Error& e) {
    reader.fail(key, e.problem(), e.remedy());
  }
}

bool is_power_of_two(std::uint64_t n) {
  return n != 0 && (n & (n - 1)) == 0;
}

// A row; `generator` is the map's generator.kind ("lfsr", "sobol", "shared-lfsr" or "mixed"),
// which rows of maps from before per-layer generators (no "generator" field) run at.
model::LayerPrecision parse_layer(const Reader& r, std::size_t position,
                                  const std::string& generator) {
  model::LayerPrecision layer;
  layer.index = r.unsigned_integer("index");
  if (layer.index != position) r.fail("index", "does not match the row's position", "");
  layer.name = r.text("name");
  layer.inputs = r.unsigned_integer("inputs");
  layer.outputs = r.unsigned_integer("outputs");
  if (layer.inputs == 0 || layer.outputs == 0)
    r.fail("inputs", "a layer needs inputs and outputs", "");
  if (r.has("positions")) {  // conv layers; a dense layer's row has none
    layer.positions = r.unsigned_integer("positions");
    if (layer.positions == 0) r.fail("positions", "is 0", "A conv layer has positions");
  }
  layer.length = r.unsigned_integer("length");
  if (!is_power_of_two(layer.length)) {
    r.fail("length", std::to_string(layer.length) + " is not a power of two",
           "Bitstream lengths must be powers of two");
  }
  if (r.has("generator")) {
    layer.generator = parse_at(r, "generator", core::parse_generator_kind);
    if (generator != "mixed" && core::to_string(layer.generator) != generator) {
      r.fail("generator",
             "is " + core::to_string(layer.generator) + " but generator.kind is " + generator,
             "Give generator.kind \"mixed\" when layers differ, or restore the map");
    }
  } else if (generator == "mixed") {
    r.fail("generator", "is missing, and generator.kind \"mixed\" does not say which it is",
           "Give every row a generator (lfsr, sobol or shared-lfsr)");
  } else {
    layer.generator = core::parse_generator_kind(generator, "generator.kind");  // checked
  }
  layer.seed = r.unsigned_integer("seed");
  layer.method = r.text("method");
  layer.predicted_error = r.non_negative("predicted_error");
  layer.contribution = r.non_negative("contribution");
  layer.gain = r.non_negative("gain");
  layer.sensitivity = r.non_negative("sensitivity");
  layer.measured_error = r.optional_number("measured_error");
  layer.status = parse_at(r, "status", model::parse_layer_status);
  return layer;
}

Json rows_json(const model::RowRange& rows) {
  return {{"begin", rows.begin}, {"count", rows.count}};
}

Json provenance_json(const std::optional<model::MapProvenance>& p) {
  if (!p) return nullptr;
  return {{"data", {{"sha256", p->data_hash}, {"rows", p->data_rows}}},
          {"calibration_rows", rows_json(p->calibration)},
          {"tuning_rows", rows_json(p->tuning)},
          {"signoff_rows", p->signoff ? rows_json(*p->signoff) : Json(nullptr)},
          {"signoff_attempt", p->signoff_attempt}};
}

model::RowRange parse_rows(const Reader& rows, std::size_t data_rows) {
  model::RowRange r{rows.unsigned_integer("begin"), rows.unsigned_integer("count")};
  if (r.begin > data_rows || r.count > data_rows - r.begin) {
    rows.fail("", "reaches past the data's " + std::to_string(data_rows) + " rows", "");
  }
  return r;
}

model::MapProvenance parse_provenance(const Reader& reader) {
  model::MapProvenance p;
  const Reader data = reader.object("data");
  p.data_hash = data.text("sha256");
  p.data_rows = data.unsigned_integer("rows");
  p.calibration = parse_rows(reader.object("calibration_rows"), p.data_rows);
  p.tuning = parse_rows(reader.object("tuning_rows"), p.data_rows);
  if (!reader.field("signoff_rows").is_null()) {
    p.signoff = parse_rows(reader.object("signoff_rows"), p.data_rows);
  }
  p.signoff_attempt = reader.unsigned_integer("signoff_attempt");
  return p;
}

}  // namespace

std::string precision_map_json(const model::PrecisionMap& map) {
  Json layers = Json::array();
  for (const model::LayerPrecision& layer : map.layers) {
    const std::size_t at = layers.size();
    layers.push_back(Json{{"index", layer.index},
                          {"name", layer.name},
                          {"inputs", layer.inputs},
                          {"outputs", layer.outputs},
                          {"length", layer.length},
                          {"generator", core::to_string(layer.generator)},
                          {"seed", layer.seed},
                          {"method", layer.method},
                          {"predicted_error", layer.predicted_error},
                          {"contribution", layer.contribution},
                          {"gain", layer.gain},
                          {"sensitivity", layer.sensitivity},
                          {"measured_error", optional_json(layer.measured_error)},
                          {"status", model::to_string(layer.status)}});
    // Only conv layers' rows carry positions, so dense maps read and write as before.
    if (layer.positions != 1) layers[at]["positions"] = layer.positions;
  }
  const Json json = {
      {"schema", model::kPrecisionMapSchema},
      {"scprec_version", kVersion},
      {"model", {{"sha256", map.model_hash}}},
      {"quantization",
       {{"bits", map.quant.bits},
        {"encoding", core::to_string(map.quant.encoding)},
        {"scale_quantile", map.quant.scale_quantile},
        {"activation_scales", map.activation_scales}}},
      {"generator",
       {{"kind", map.generator_kind()}, {"width", map.generator_width}, {"seed", map.seed}}},
      {"targets",
       {{"error", optional_json(map.targets.error)},
        {"max_flip_rate", optional_json(map.targets.max_flip_rate)},
        {"range_error", optional_json(map.targets.range_error)},
        {"confidence", map.targets.confidence},
        {"budget", optional_json(map.targets.budget)},
        {"cost", map.targets.cost},
        {"composition", map.targets.composition}}},
      {"method", map.method},
      {"gain", map.gain},
      {"output_full_scale", map.output_full_scale},
      {"predicted_output_error", map.predicted_output_error},
      {"total_cycles", map.total_cycles()},
      {"provenance", provenance_json(map.provenance)},
      {"layers", layers}};
  return json.dump(2) + "\n";
}

model::PrecisionMap parse_precision_map(const std::string& text, const std::string& where) {
  Json json;
  try {
    json = Json::parse(text);
  } catch (const Json::exception& e) {  // parse_error, and out_of_range for numbers like 1e400
    throw_bad_input(where, "", std::string("not valid JSON (") + e.what() + ")",
                    "Restore the file or assign a new map");
  }
  const Reader root(json, "", where);
  if (root.text("schema") != model::kPrecisionMapSchema) {
    root.fail("schema",
              "is '" + root.text("schema") + "', expected '" + model::kPrecisionMapSchema + "'",
              "This map was written by an incompatible scprec; assign a new one");
  }
  model::PrecisionMap map;
  map.model_hash = root.object("model").text("sha256");

  const Reader quant = root.object("quantization");
  map.quant.bits = quant.integer_in("bits", 2, 12);
  map.quant.encoding = parse_at(quant, "encoding", core::parse_encoding);
  // Maps from before the scale rule have no such field: their scales are the maximum.
  if (quant.has("scale_quantile")) {
    map.quant.scale_quantile = quant.number("scale_quantile");
    if (!(map.quant.scale_quantile > 0.0 && map.quant.scale_quantile <= 1.0)) {
      quant.fail("scale_quantile", "is outside (0, 1]", "");
    }
  }
  const Json& scales = quant.field("activation_scales");
  if (!scales.is_array()) quant.fail("activation_scales", "is not a list", "");
  for (std::size_t k = 0; k < scales.size(); ++k) {
    if (!scales[k].is_number() || !(scales[k].get<double>() > 0.0)) {
      quant.fail("activation_scales[" + std::to_string(k) + "]", "is not a positive number", "");
    }
    map.activation_scales.push_back(scales[k].get<double>());
  }

  const Reader generator = root.object("generator");
  // "mixed" when the layers' generators differ: each row then says its own.
  const std::string generator_kind = generator.text("kind");
  if (generator_kind != "mixed") {
    try {
      core::parse_generator_kind(generator_kind, "generator.kind");
    } catch (const Error&) {
      generator.fail("kind", "is '" + generator_kind + "'",
                     "Use lfsr, sobol, shared-lfsr or mixed");
    }
  }
  map.generator_width = generator.integer_in("width", 4, 32);
  map.seed = generator.unsigned_integer("seed");

  const Reader targets = root.object("targets");
  map.targets.error = targets.optional_number("error");
  // Maps from before flip-rate and range targets have no such fields: no target.
  if (targets.has("range_error")) map.targets.range_error = targets.optional_number("range_error");
  if (targets.has("max_flip_rate")) {
    map.targets.max_flip_rate = targets.optional_number("max_flip_rate");
    if (map.targets.max_flip_rate && !(*map.targets.max_flip_rate < 1.0)) {
      targets.fail("max_flip_rate", "is not below 1", "");
    }
  }
  map.targets.confidence = targets.number("confidence");
  if (!(map.targets.confidence > 0.0 && map.targets.confidence < 1.0)) {
    targets.fail("confidence", "is outside (0, 1)", "");
  }
  if (!targets.field("budget").is_null()) map.targets.budget = targets.unsigned_integer("budget");
  map.targets.cost = targets.text("cost");
  if (map.targets.cost != "cycles" && map.targets.cost != "synapse-cycles") {
    targets.fail("cost", "is '" + map.targets.cost + "'", "Use cycles or synapse-cycles");
  }
  map.targets.composition = targets.text("composition");
  if (map.targets.composition != "rss" && map.targets.composition != "union") {
    targets.fail("composition", "is '" + map.targets.composition + "'", "Use rss or union");
  }

  map.method = root.text("method");
  map.gain = root.text("gain");
  map.output_full_scale = root.non_negative("output_full_scale");
  map.predicted_output_error = root.non_negative("predicted_output_error");

  // Maps from before provenance have no such field: which rows chose them is unknown.
  if (root.has("provenance") && !root.field("provenance").is_null()) {
    map.provenance = parse_provenance(root.object("provenance"));
  }

  const Json& layers = root.field("layers");
  if (!layers.is_array() || layers.empty()) root.fail("layers", "is not a non-empty list", "");
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const Reader row(layers[l], "layers[" + std::to_string(l) + "]", where);
    map.layers.push_back(parse_layer(row, l, generator_kind));
    const std::uint64_t expected = model::layer_seed(map.seed, l);
    if (map.layers.back().seed != expected) {
      row.fail("seed",
               "is " + std::to_string(map.layers.back().seed) + " but generator.seed " +
                   std::to_string(map.seed) + " gives layer " + std::to_string(l) + " the seed " +
                   std::to_string(expected),
               "Layer seeds follow the base seed (base + index); restore the seed or assign a "
               "new map");
    }
  }
  if (map.activation_scales.size() + 1 != map.layers.size()) {
    quant.fail("activation_scales",
               "has " + std::to_string(map.activation_scales.size()) + " entries, but the map's " +
                   std::to_string(map.layers.size()) + " layers take " +
                   std::to_string(map.layers.size() - 1) + " (one per layer but the last)",
               "Restore the layers' rows and scales together, or assign a new map");
  }
  return map;
}

void write_precision_map(const model::PrecisionMap& map, const std::string& path) {
  write_file_atomically(path, precision_map_json(map));
}

model::PrecisionMap read_precision_map(const std::string& path) {
  return parse_precision_map(read_file_capped(path, kMaxPrecisionMapBytes, "precision map"), path);
}

}  // namespace scprec::io
