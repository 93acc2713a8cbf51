// Tests for precision-map JSON: round trips, and invalid maps rejected with the field named.
#include "scprec/io/precision_map_io.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../fixture_path.hpp"
#include "../fuzz_inputs.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/model_io.hpp"
#include "../temp_dir.hpp"

using scprec::model::PrecisionMap;

namespace {

PrecisionMap sample_map() {
  PrecisionMap map;
  map.model_hash = std::string(64, 'a');
  map.quant = {8, scprec::core::Encoding::kBipolar, 0.999};
  map.activation_scales = {0.0123456789012345678};
  map.generator_width = 20;
  map.seed = 18446744073709551615ULL;
  map.targets.error = 0.02;
  map.targets.confidence = 0.99;
  map.targets.max_flip_rate = 0.05;
  map.provenance = scprec::model::MapProvenance{std::string(64, 'd'), 1000, {0, 694},
                                                {694, 153},        {{847, 153}}, 2};
  map.method = "binomial";
  map.gain = "empirical";
  map.output_full_scale = 17.25;
  map.predicted_output_error = 0.0187;
  for (std::size_t l = 0; l < 2; ++l) {
    scprec::model::LayerPrecision row;
    row.index = l;
    row.name = l == 0 ? "fc1" : "fc2";
    row.inputs = l == 0 ? 4 : 3;
    row.outputs = l == 0 ? 3 : 2;
    row.length = 128 << l;
    row.generator = scprec::core::GeneratorKind::kSobol;
    row.seed = scprec::model::layer_seed(map.seed, l);  // wraps to 0 for layer 1
    row.method = "binomial";
    row.predicted_error = 0.1 / 3;
    row.contribution = 0.0093;
    row.gain = 1.5;
    row.sensitivity = 0.25;
    if (l == 1) {
      row.measured_error = 0.004;
      row.status = scprec::model::LayerStatus::kPassed;
    }
    map.layers.push_back(row);
  }
  return map;
}

// The sample map's JSON with one edit applied.
std::string edited(const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json json = nlohmann::json::parse(scprec::io::precision_map_json(sample_map()));
  edit(json);
  return json.dump();
}

void check_rejected(const std::string& text, const std::string& field, const std::string& problem) {
  INFO(field);
  try {
    scprec::io::parse_precision_map(text, "map.json");
    FAIL("no error");
  } catch (const scprec::Error& e) {
    CHECK(e.kind() == scprec::ErrorKind::kBadInput);
    CHECK(e.field() == field);
    CHECK_THAT(e.what(), Catch::StartsWith("map.json: " + field) && Catch::Contains(problem));
  }
}

}  // namespace

TEST_CASE("io: precision maps round-trip exactly through JSON", "[io][map]") {
  const PrecisionMap map = sample_map();
  const std::string text = scprec::io::precision_map_json(map);
  const PrecisionMap back = scprec::io::parse_precision_map(text, "map.json");
  CHECK(scprec::io::precision_map_json(back) == text);
  CHECK(back.activation_scales[0] == map.activation_scales[0]);
  CHECK(back.quant.scale_quantile == 0.999);
  CHECK(back.seed == map.seed);
  CHECK(back.layers[1].measured_error == 0.004);
  CHECK_FALSE(back.layers[0].measured_error.has_value());
  CHECK(back.total_cycles() == 384);
  CHECK(nlohmann::json::parse(text)["schema"] == "scprec.precision-map/1");
  REQUIRE(back.provenance.has_value());
  CHECK(back.provenance->tuning == scprec::model::RowRange{694, 153});
  CHECK(back.provenance->signoff == scprec::model::RowRange{847, 153});
  CHECK(back.provenance->signoff_attempt == 2);
  CHECK(back.targets.max_flip_rate == 0.05);

  const scprec::test::TempDir dir("map-round-trip");
  const std::string path = dir.file("nested/map.json");
  scprec::io::write_precision_map(map, path);
  CHECK(scprec::io::precision_map_json(scprec::io::read_precision_map(path)) == text);
}

TEST_CASE("io: invalid precision maps are rejected naming the field", "[io][map]") {
  check_rejected("{not json", "", "not valid JSON");
  check_rejected(edited([](auto& j) { j["schema"] = "scprec.precision-map/0"; }), "schema",
                 "expected 'scprec.precision-map/1'");
  check_rejected(edited([](auto& j) { j["layers"][1]["length"] = 100; }), "layers[1].length",
                 "not a power of two");
  check_rejected(edited([](auto& j) { j["layers"][0].erase("seed"); }), "layers[0].seed",
                 "is missing");
  check_rejected(edited([](auto& j) { j["layers"][0]["status"] = "maybe"; }), "layers[0].status",
                 "unknown status 'maybe'");
  check_rejected(edited([](auto& j) { j["layers"][1]["index"] = 0; }), "layers[1].index",
                 "does not match");
  check_rejected(edited([](auto& j) { j["quantization"]["encoding"] = "unipolar"; }),
                 "quantization.encoding", "unknown encoding");
  check_rejected(edited([](auto& j) { j["quantization"]["activation_scales"].push_back(1.0); }),
                 "quantization.activation_scales", "2 entries, but the map's 2 layers take 1");
  // A row removed: the scales are what disagree, said in terms of the map's layers.
  check_rejected(edited([](auto& j) { j["layers"].erase(1); }), "quantization.activation_scales",
                 "1 entries, but the map's 1 layers take 0 (one per layer but the last)");
  check_rejected(edited([](auto& j) { j["generator"]["width"] = 40; }), "generator.width",
                 "outside [4, 32]");
  check_rejected(edited([](auto& j) { j["targets"]["confidence"] = 1.5; }), "targets.confidence",
                 "outside (0, 1)");
  check_rejected(edited([](auto& j) { j["layers"][0]["gain"] = "high"; }), "layers[0].gain",
                 "is not a number");
  check_rejected(edited([](auto& j) { j["layers"] = nlohmann::json::array(); }), "layers",
                 "non-empty list");
  check_rejected(edited([](auto& j) { j["layers"][1]["outputs"] = 0; }), "layers[1].inputs",
                 "a layer needs inputs and outputs");
  check_rejected(edited([](auto& j) { j["layers"][0]["inputs"] = 0; }), "layers[0].inputs",
                 "a layer needs inputs and outputs");
  check_rejected(edited([](auto& j) { j["provenance"]["tuning_rows"]["count"] = 400; }),
                 "provenance.tuning_rows", "reaches past the data's 1000 rows");
  check_rejected(edited([](auto& j) { j["targets"]["max_flip_rate"] = 1.5; }),
                 "targets.max_flip_rate", "is not below 1");
  check_rejected(edited([](auto& j) { j["quantization"]["scale_quantile"] = 0; }),
                 "quantization.scale_quantile", "is outside (0, 1]");
}

TEST_CASE("io: layers on different generators round-trip as a mixed map", "[io][map]") {
  PrecisionMap map = sample_map();
  map.layers[1].generator = scprec::core::GeneratorKind::kLfsr;
  const std::string text = scprec::io::precision_map_json(map);
  const nlohmann::json json = nlohmann::json::parse(text);
  CHECK(json["generator"]["kind"] == "mixed");
  CHECK(json["layers"][0]["generator"] == "sobol");
  CHECK(json["layers"][1]["generator"] == "lfsr");
  const PrecisionMap back = scprec::io::parse_precision_map(text, "map.json");
  CHECK(back.layers[0].generator == scprec::core::GeneratorKind::kSobol);
  CHECK(back.layers[1].generator == scprec::core::GeneratorKind::kLfsr);
  CHECK(back.generators_text() == "sobol/lfsr");
  CHECK(back.layer_config(1).generator.kind == scprec::core::GeneratorKind::kLfsr);
  CHECK(scprec::io::precision_map_json(back) == text);
  CHECK(sample_map().generator_kind() == "sobol");
  CHECK(sample_map().generators_text() == "sobol");

  // All three kinds, one of them shared LFSR, and a map of shared-LFSR lanes alone.
  PrecisionMap three = map;
  three.layers.push_back(three.layers.back());
  three.layers.back().index = 2;
  three.layers.back().name = "fc3";
  three.layers.back().generator = scprec::core::GeneratorKind::kSharedLfsr;
  three.layers.back().seed = scprec::model::layer_seed(three.seed, 2);
  three.activation_scales.push_back(three.activation_scales.back());
  const PrecisionMap three_back =
      scprec::io::parse_precision_map(scprec::io::precision_map_json(three), "map.json");
  CHECK(three_back.generators_text() == "sobol/lfsr/shared-lfsr");
  CHECK(three_back.layer_config(2).generator.kind == scprec::core::GeneratorKind::kSharedLfsr);
  PrecisionMap shared = sample_map();
  for (auto& layer : shared.layers) layer.generator = scprec::core::GeneratorKind::kSharedLfsr;
  const std::string shared_text = scprec::io::precision_map_json(shared);
  CHECK(nlohmann::json::parse(shared_text)["generator"]["kind"] == "shared-lfsr");
  CHECK(scprec::io::parse_precision_map(shared_text, "map.json").generator_kind() == "shared-lfsr");

  // A map from before per-layer generators: every row runs at generator.kind.
  const PrecisionMap old = scprec::io::parse_precision_map(edited([](auto& j) {
                                                             for (auto& row : j["layers"]) {
                                                               row.erase("generator");
                                                             }
                                                           }),
                                                           "old.json");
  CHECK(old.layers[1].generator == scprec::core::GeneratorKind::kSobol);

  check_rejected(edited([](auto& j) { j["generator"]["kind"] = "maybe"; }), "generator.kind",
                 "is 'maybe'");
  check_rejected(edited([](auto& j) { j["layers"][1]["generator"] = "lfsr"; }),
                 "layers[1].generator", "is lfsr but generator.kind is sobol");
  check_rejected(edited([](auto& j) { j["layers"][0]["generator"] = "halton"; }),
                 "layers[0].generator", "halton");
  check_rejected(edited([](auto& j) {
                   j["generator"]["kind"] = "mixed";
                   j["layers"][1].erase("generator");
                 }),
                 "layers[1].generator", "is missing");
}

TEST_CASE("io: a conv layer's positions round-trip and count in the total cycles", "[io][map]") {
  PrecisionMap map = sample_map();
  const std::string dense = scprec::io::precision_map_json(map);
  CHECK(dense.find("positions") == std::string::npos);  // dense maps read and write as before
  const std::uint64_t dense_cycles = map.total_cycles();
  map.layers[0].positions = 576;
  const std::string text = scprec::io::precision_map_json(map);
  const PrecisionMap back = scprec::io::parse_precision_map(text, "map.json");
  CHECK(back.layers[0].positions == 576);
  CHECK(back.layers[1].positions == 1);
  CHECK(back.total_cycles() == dense_cycles + 575 * map.layers[0].length);
  CHECK(scprec::io::precision_map_json(back) == text);
  nlohmann::json json = nlohmann::json::parse(text);
  json["layers"][0]["positions"] = 0;
  CHECK_THROWS_WITH(scprec::io::parse_precision_map(json.dump(), "map.json"),
                    Catch::Contains("layers[0].positions"));
}

TEST_CASE("io: a map from before provenance and flip targets reads as unknown provenance",
          "[io][map]") {
  const PrecisionMap map = scprec::io::parse_precision_map(edited([](auto& j) {
                                                             j.erase("provenance");
                                                             j["targets"].erase("max_flip_rate");
                                                           }),
                                                           "old.json");
  CHECK_FALSE(map.provenance.has_value());
  CHECK_FALSE(map.targets.max_flip_rate.has_value());
  // Nor a scale rule: its scales were the maximum.
  const PrecisionMap no_rule = scprec::io::parse_precision_map(
      edited([](auto& j) { j["quantization"].erase("scale_quantile"); }), "old.json");
  CHECK(no_rule.quant.scale_quantile == 1.0);
}

TEST_CASE("io: numbers JSON cannot hold are bad input, not a crash", "[io][map]") {
  std::string text = scprec::io::precision_map_json(sample_map());
  const std::string scale = "\"output_full_scale\": 17.25";
  REQUIRE(text.find(scale) != std::string::npos);
  text.replace(text.find(scale), scale.size(), "\"output_full_scale\": 1e400");
  check_rejected(text, "", "not valid JSON");
}

TEST_CASE("io: map integers are range-checked before they are narrowed", "[io][map]") {
  // 2^32 + 8 and 2^32 + 20 would wrap to the valid 8 and 20 in an int.
  check_rejected(edited([](auto& j) { j["quantization"]["bits"] = 4294967304ULL; }),
                 "quantization.bits", "is 4294967304, outside [2, 12]");
  check_rejected(edited([](auto& j) { j["generator"]["width"] = 4294967316ULL; }),
                 "generator.width", "is 4294967316, outside [4, 32]");
}

TEST_CASE("io: a map's cost is one the assigner writes", "[io][map]") {
  check_rejected(edited([](auto& j) { j["targets"]["cost"] = "bananas"; }), "targets.cost",
                 "is 'bananas'");
  const std::string text = edited([](auto& j) { j["targets"]["cost"] = "synapse-cycles"; });
  CHECK(scprec::io::parse_precision_map(text, "map.json").targets.cost == "synapse-cycles");
}

TEST_CASE("io: each layer's seed follows the generator's base seed", "[io][map]") {
  check_rejected(edited([](auto& j) { j["layers"][1]["seed"] = 8; }), "layers[1].seed",
                 "is 8 but generator.seed 18446744073709551615 gives layer 1 the seed 0");
  check_rejected(edited([](auto& j) { j["generator"]["seed"] = 7; }), "layers[0].seed",
                 "gives layer 0 the seed 7");
}

TEST_CASE("io: a map is checked against the model it is used with", "[io][map]") {
  const auto network = scprec::io::read_model(scprec::test::npz_fixture("tiny_model.npz"));
  const std::string hash = scprec::io::network_hash(network);
  PrecisionMap map = sample_map();
  map.model_hash = hash;
  CHECK_NOTHROW(scprec::model::check_map_matches(map, network, hash, "map.json"));
  map.model_hash = std::string(64, 'b');
  CHECK_THROWS_WITH(scprec::model::check_map_matches(map, network, hash, "map.json"),
                    Catch::Contains("model.sha256") && Catch::Contains("assign a new map"));
  map.model_hash = hash;
  map.layers[1].name = "head";
  CHECK_THROWS_WITH(scprec::model::check_map_matches(map, network, hash, "map.json"),
                    Catch::Contains("layers[1]") && Catch::Contains("is head (3 -> 2)"));
  map.layers.pop_back();
  CHECK_THROWS_WITH(scprec::model::check_map_matches(map, network, "", "map.json"),
                    Catch::Contains("1 layers but the model has 2"));
}

namespace {

// check_map_matches on the tiny model must reject `map` in map.json at `field`.
void check_mismatch(const PrecisionMap& map, const std::string& field, const std::string& problem) {
  const auto network = scprec::io::read_model(scprec::test::npz_fixture("tiny_model.npz"));
  INFO(field);
  try {
    scprec::model::check_map_matches(map, network, "", "map.json");
    FAIL("no error");
  } catch (const scprec::Error& e) {
    CHECK(e.kind() == scprec::ErrorKind::kBadInput);
    CHECK(e.where() == "map.json");
    CHECK(e.field() == field);
    CHECK_THAT(e.problem(), Catch::Contains(problem));
  }
}

}  // namespace

TEST_CASE("io: a map whose settings cannot run the model names the map field", "[io][map]") {
  PrecisionMap map = sample_map();
  map.activation_scales = {1e300};  // fc1's accumulator unit / 1e300 rounds to multiplier 0
  check_mismatch(map, "quantization.activation_scales", "layer fc1: cannot rescale");
  map.activation_scales = {1e-300};  // far beyond a 15-bit multiplier
  check_mismatch(map, "quantization.activation_scales", "layer fc1: cannot rescale");

  map = sample_map();
  map.layers[0].length = std::size_t{1} << 40;  // a power of two, but 8-bit bipolar stops at 2^15
  check_mismatch(map, "layers[0].length",
                 "length 1099511627776 is longer than 32768, the longest length (2^(2B-1)) for "
                 "8-bit bipolar");
  map = sample_map();
  map.layers[1].length = 100;
  check_mismatch(map, "layers[1].length", "length 100 is not a power of two");

  map = sample_map();
  map.generator_width = 7;  // a 7-bit Sobol sequence repeats before 256 (and is narrower than B)
  check_mismatch(map, "generator.width", "layer fc1");
}

TEST_CASE("io: the network hash follows the weights, not the file", "[io][map]") {
  const auto tiny = scprec::io::read_model(scprec::test::npz_fixture("tiny_model.npz"));
  const auto again = scprec::io::read_model(scprec::test::npz_fixture("tiny_model.npz"));
  CHECK(scprec::io::network_hash(tiny) == scprec::io::network_hash(again));
  CHECK(scprec::io::network_hash(tiny).size() == 64);
  std::vector<scprec::model::Layer> layers = tiny.layers();
  layers[1].weight(0, 0) += 1e-9;
  CHECK(scprec::io::network_hash(scprec::model::Network(layers)) != scprec::io::network_hash(tiny));
}

TEST_CASE("io: atomic writes replace the file whole and report failures", "[io]") {
  const scprec::test::TempDir dir("atomic-write");
  const std::string path = dir.file("atomic.txt");
  scprec::io::write_file_atomically(path, "first");
  scprec::io::write_file_atomically(path, "second");
  CHECK(scprec::io::read_file(path) == "second");
  try {
    scprec::io::write_file_atomically("/proc/scprec/cannot.txt", "x");
    FAIL("no error");
  } catch (const scprec::Error& e) {
    CHECK(e.kind() == scprec::ErrorKind::kEnvironment);
  }
}

TEST_CASE("io: a precision map file larger than 16 MiB is refused, /dev/zero at once",
          "[io][map]") {
  const scprec::test::TempDir dir("map-cap");
  const std::string json = scprec::io::precision_map_json(sample_map());
  const std::string path = dir.file("map.json");
  // Leading blanks are valid JSON, so only the size can make the padded map bad.
  std::ofstream(path) << std::string(scprec::io::kMaxPrecisionMapBytes - json.size(), ' ') << json;
  CHECK(scprec::io::read_precision_map(path).layers.size() == 2);
  std::ofstream(path) << std::string(scprec::io::kMaxPrecisionMapBytes + 1 - json.size(), ' ')
                      << json;
  for (const std::string& file : {path, std::string("/dev/zero")}) {
    INFO(file);
    const auto start = std::chrono::steady_clock::now();
    try {
      scprec::io::read_precision_map(file);
      FAIL("no error");
    } catch (const scprec::Error& e) {
      CHECK(e.kind() == scprec::ErrorKind::kBadInput);
      CHECK(e.where() == file);
      CHECK_THAT(e.problem(), Catch::Contains("larger than 16 MiB"));
    }
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  }
}

TEST_CASE("io: every committed fuzz input of the map reader is read or refused", "[io][map]") {
  const std::vector<std::string> inputs = scprec::test::fuzz_inputs("precision_map");
  REQUIRE(!inputs.empty());
  for (const std::string& input : inputs) {
    INFO(input);
    try {
      scprec::io::parse_precision_map(scprec::io::read_file(input), input);
    } catch (const scprec::Error& e) {
      CHECK(e.kind() == scprec::ErrorKind::kBadInput);
    }
  }
}
