// Tests for precision-map JSON: round trips, and invalid maps rejected with the field named.
#include "scprec/io/precision_map_io.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../fixture_path.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/model_io.hpp"

using scprec::model::PrecisionMap;

namespace {

PrecisionMap sample_map() {
  PrecisionMap map;
  map.model_hash = std::string(64, 'a');
  map.quant = {8, scprec::core::Encoding::kBipolar};
  map.activation_scales = {0.0123456789012345678};
  map.generator = scprec::core::GeneratorKind::kSobol;
  map.generator_width = 20;
  map.seed = 18446744073709551615ULL;
  map.targets.error = 0.02;
  map.targets.confidence = 0.99;
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
    row.seed = 7 + l;
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
  CHECK(back.seed == map.seed);
  CHECK(back.layers[1].measured_error == 0.004);
  CHECK_FALSE(back.layers[0].measured_error.has_value());
  CHECK(back.total_cycles() == 384);
  CHECK(nlohmann::json::parse(text)["schema"] == "scprec.precision-map/1");

  const std::string path = "/tmp/scprec_map_test/nested/map.json";
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
                 "quantization.activation_scales", "2 entries for 1 hidden layers");
  check_rejected(edited([](auto& j) { j["generator"]["width"] = 40; }), "generator.width",
                 "outside [4, 32]");
  check_rejected(edited([](auto& j) { j["targets"]["confidence"] = 1.5; }), "targets.confidence",
                 "outside (0, 1)");
  check_rejected(edited([](auto& j) { j["layers"][0]["gain"] = "high"; }), "layers[0].gain",
                 "is not a number");
  check_rejected(edited([](auto& j) { j["layers"] = nlohmann::json::array(); }), "layers",
                 "non-empty list");
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

TEST_CASE("io: the network hash follows the weights, not the file", "[io][map]") {
  const auto tiny = scprec::io::read_model(scprec::test::npz_fixture("tiny_model.npz"));
  const auto again = scprec::io::read_model(scprec::test::npz_fixture("tiny_model.npz"));
  CHECK(scprec::io::network_hash(tiny) == scprec::io::network_hash(again));
  CHECK(scprec::io::network_hash(tiny).size() == 64);
  std::vector<scprec::model::DenseLayer> layers = tiny.layers();
  layers[1].weight(0, 0) += 1e-9;
  CHECK(scprec::io::network_hash(scprec::model::Network(layers)) != scprec::io::network_hash(tiny));
}

TEST_CASE("io: atomic writes replace the file whole and report failures", "[io]") {
  const std::string path = "/tmp/scprec_atomic_test.txt";
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
