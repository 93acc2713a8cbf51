// Tests for the Verilog generator: golden files of a tiny network, determinism, ROM images
// that hold exactly the quantized integers and the software model's lane starts, design.json's
// scales and requantizers, and errors.
#include "scprec/rtl/generator.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "../fixture_path.hpp"
#include "scprec/core/error.hpp"
#include "scprec/core/lanes.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/model_io.hpp"

using scprec::rtl::RtlDesign;

namespace {

struct Tiny {
  scprec::model::Network network =
      scprec::io::read_model(scprec::test::npz_fixture("tiny_model.npz"));
  scprec::model::QuantizedNetwork quantized =
      scprec::model::quantize(network,
                              scprec::io::read_dataset(scprec::test::npz_fixture("data_ok.npz"),
                                                       scprec::io::Split::kCalibration)
                                  .x,
                              {});
  scprec::model::PrecisionMap map;

  explicit Tiny(scprec::core::GeneratorKind kind = scprec::core::GeneratorKind::kLfsr)
      : map(scprec::model::manual_map(quantized, scprec::io::network_hash(network), {16, 32}, kind,
                                      16, 7)) {}
};

const std::string& file_of(const RtlDesign& design, const std::string& name) {
  for (const auto& file : design.files) {
    if (file.name == name) return file.content;
  }
  FAIL("no generated file " << name);
  throw std::logic_error("unreachable");
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) {
    if (line.rfind("//", 0) != 0) lines.push_back(line);  // $readmemh skips comments too
  }
  return lines;
}

// Bit `bit` of a hex word written most significant digit first.
unsigned hex_bit(const std::string& word, std::size_t bit) {
  const char digit = word[word.size() - 1 - bit / 4];
  const unsigned value = std::isdigit(digit) ? digit - '0' : digit - 'a' + 10;
  return (value >> (bit % 4)) & 1U;
}

std::uint64_t hex_field(const std::string& word, std::size_t offset, int width) {
  std::uint64_t value = 0;
  for (int b = 0; b < width; ++b) value |= std::uint64_t{hex_bit(word, offset + b)} << b;
  return value;
}

}  // namespace

// Every generated file of `design` equals its golden file in tests/golden/`name`/ (rewritten
// instead when SCPREC_UPDATE_GOLDEN is set: scripts/update-golden).
void check_golden(const RtlDesign& design, const std::string& name) {
  const bool update = std::getenv("SCPREC_UPDATE_GOLDEN") != nullptr;
  const std::string directory = std::string(SCPREC_SOURCE_DIR) + "/tests/golden/" + name + "/";
  for (const auto& file : design.files) {
    if (file.name.rfind("sc_", 0) == 0) continue;  // the hand-written library, not generated
    INFO(file.name);
    if (update) {
      scprec::io::write_file_atomically(directory + file.name, file.content);
      continue;
    }
    CHECK(file.content == scprec::io::read_file(directory + file.name));
  }
}

TEST_CASE("rtl: the generated Verilog of a tiny network matches the golden files",
          "[rtl][golden]") {
  // Refresh with scripts/update-golden after a deliberate change to the generator.
  const Tiny tiny;
  check_golden(scprec::rtl::generate_rtl(tiny.quantized, tiny.map, {}), "rtl_tiny");
}

// tests/fixtures/conv/cnn_a: a padded conv with max pooling, then a strided conv padded in rows
// only with average pooling, then a dense layer; a map at 16/32/16 on LFSR lanes.
struct TinyCnn {
  std::string fixtures = std::string(SCPREC_SOURCE_DIR) + "/tests/fixtures/conv/";
  scprec::model::Network network =
      scprec::io::read_model(fixtures + "cnn_a.npz", fixtures + "cnn_a.manifest.json");
  scprec::model::QuantizedNetwork quantized =
      scprec::model::quantize(network,
                              scprec::io::read_dataset(fixtures + "cnn_a_data4d.npz",
                                                       scprec::io::Split::kCalibration, network)
                                  .x,
                              {});
  scprec::model::PrecisionMap map =
      scprec::model::manual_map(quantized, scprec::io::network_hash(network), {16, 32, 16},
                                scprec::core::GeneratorKind::kLfsr, 16, 7);
};

TEST_CASE("rtl: the generated Verilog of a tiny CNN matches the golden files", "[rtl][golden]") {
  const TinyCnn cnn;
  scprec::rtl::RtlConfig config;
  config.inputs_per_cycle = 4;  // pads the last chunks
  const RtlDesign design = scprec::rtl::generate_rtl(cnn.quantized, cnn.map, config);
  REQUIRE(design.layers[0].is_conv);
  CHECK(design.layers[0].positions == 81);  // 9x9, padded by 1, 3x3 kernel
  check_golden(design, "rtl_tiny_cnn");
}

TEST_CASE("rtl: identical inputs give byte-identical files", "[rtl]") {
  const Tiny tiny;
  const RtlDesign first = scprec::rtl::generate_rtl(tiny.quantized, tiny.map, {});
  const RtlDesign second = scprec::rtl::generate_rtl(Tiny().quantized, Tiny().map, {});
  REQUIRE(first.files.size() == second.files.size());
  for (std::size_t f = 0; f < first.files.size(); ++f) {
    CHECK(first.files[f].name == second.files[f].name);
    CHECK(first.files[f].content == second.files[f].content);
  }
  CHECK(first.sources.back() == "scprec_top.v");
}

TEST_CASE("rtl: ROM images hold the quantized weights, biases and the model's lane starts",
          "[rtl]") {
  const auto kind =
      GENERATE(scprec::core::GeneratorKind::kLfsr, scprec::core::GeneratorKind::kSobol,
               scprec::core::GeneratorKind::kSharedLfsr);
  const std::size_t chunk = GENERATE(1, 3, 4);
  const Tiny tiny(kind);
  scprec::rtl::RtlConfig config;
  config.inputs_per_cycle = chunk;
  const RtlDesign design = scprec::rtl::generate_rtl(tiny.quantized, tiny.map, config);
  const auto& layer = tiny.quantized.layers[0];
  const auto& d = design.layers[0];
  INFO(to_string(kind) << ", " << chunk << " inputs per cycle");
  CHECK(d.inputs_per_cycle == chunk);
  CHECK(d.chunks == (4 + chunk - 1) / chunk);
  CHECK(d.latency == d.chunks * (16 + 1) + 3 + 1);
  const auto weights = lines_of(file_of(design, "fc1_weights.hex"));
  REQUIRE(weights.size() == d.chunks);
  for (std::size_t i = 0; i < layer.inputs; ++i) {
    for (std::size_t j = 0; j < layer.outputs; ++j) {
      const std::size_t offset = (j * chunk + i % chunk) * 9;
      const std::string& word = weights[i / chunk];
      CHECK(hex_field(word, offset, 8) == layer.weight_threshold(j, i, tiny.quantized.config));
      CHECK(hex_field(word, offset + 8, 1) == (layer.weight_code(j, i) < 0 ? 1U : 0U));
    }
  }
  const auto biases = lines_of(file_of(design, "fc1_biases.hex"));
  REQUIRE(biases.size() == layer.outputs);
  const scprec::core::LaneSequencer lanes(
      scprec::model::lane_spec(tiny.map.layer_config(0), layer, tiny.quantized.config));
  const auto lane_words = lines_of(file_of(design, "fc1_lanes.hex"));
  // LFSR lanes: 16-bit states; Sobol and shared-LFSR lanes: the top 8 bits of their shifts.
  const bool shifted = kind != scprec::core::GeneratorKind::kLfsr;
  const int lane_bits = shifted ? 8 : 16;
  for (std::size_t i = 0; i < layer.inputs; ++i) {
    for (auto role : {scprec::core::StreamRole::kActivation, scprec::core::StreamRole::kWeight}) {
      const std::size_t slot = static_cast<std::size_t>(role) * chunk + i % chunk;
      const std::uint32_t start = lanes.starts()[scprec::core::lane_index(lanes.spec(), role, i)];
      CHECK(hex_field(lane_words[i / chunk], slot * lane_bits, lane_bits) ==
            (shifted ? start >> 8 : start));
    }
  }
}

TEST_CASE("rtl: design.json carries the scales and requantizers the software model uses", "[rtl]") {
  // The software model of a map (cosim's reference) is quantize_for_map; the RTL's integers are
  // the wrapper's REQUANT_MULT and REQUANT_SHIFT. design.json must state both exactly.
  const auto encoding =
      GENERATE(scprec::core::Encoding::kSignMagnitude, scprec::core::Encoding::kBipolar);
  const scprec::model::Network network =
      scprec::io::read_model(scprec::test::npz_fixture("tiny_model.npz"));
  const scprec::model::QuantizedNetwork quantized =
      scprec::model::quantize(network,
                              scprec::io::read_dataset(scprec::test::npz_fixture("data_ok.npz"),
                                                       scprec::io::Split::kCalibration)
                                  .x,
                              {8, encoding});
  const auto map =
      scprec::model::manual_map(quantized, scprec::io::network_hash(network), {16, 32});
  const scprec::model::QuantizedNetwork model = scprec::model::quantize_for_map(network, map);
  const RtlDesign design = scprec::rtl::generate_rtl(model, map, {});
  const auto json = nlohmann::json::parse(file_of(design, "design.json"));
  REQUIRE(json["layers"].size() == model.layers.size());
  INFO(to_string(encoding));
  for (std::size_t l = 0; l < model.layers.size(); ++l) {
    const scprec::model::QuantLayer& layer = model.layers[l];
    const auto& entry = json["layers"][l];
    INFO("layer " << layer.name);
    // Exactly equal: JSON numbers round-trip the doubles.
    CHECK(entry["input_scale"].get<double>() == layer.input_scale);
    CHECK(entry["weight_scale"].get<double>() == layer.weight_scale);
    CHECK(entry["weight_scale"].get<double>() == quantized.layers[l].weight_scale);
    const std::string& wrapper = file_of(design, design.layers[l].module + ".v");
    std::smatch mult;
    std::smatch shift;
    REQUIRE(std::regex_search(wrapper, mult, std::regex(R"(REQUANT_MULT = 15'd(\d+);)")));
    REQUIRE(std::regex_search(wrapper, shift, std::regex(R"(REQUANT_SHIFT = (\d+);)")));
    if (layer.is_output) {
      CHECK(entry["requantizer"].is_null());
      continue;
    }
    const std::int64_t m = entry["requantizer"]["multiplier"].get<std::int64_t>();
    const int s = entry["requantizer"]["shift"].get<int>();
    CHECK(m == layer.requant.multiplier);
    CHECK(s == layer.requant.shift);
    CHECK(m == std::stoll(mult[1]));
    CHECK(s == std::stoi(shift[1]));
    // docs/sc-arithmetic.md, section 1: m / 2^s is the ratio a_in s_w / a_out to the nearest
    // 2^-s, with m in [2^14, 2^15) for ratios in [2^-48, 2^14 - 1/4).
    const double ratio = layer.weight_scale * layer.input_scale / layer.output_scale;
    CHECK(m >= (std::int64_t{1} << 14));
    CHECK(m < (std::int64_t{1} << 15));
    CHECK(std::fabs(static_cast<double>(m) - std::ldexp(ratio, s)) <= 0.5);
    CHECK(json["layers"][l + 1]["input_scale"].get<double>() == layer.output_scale);
  }
}

TEST_CASE("rtl: inputs per cycle follow the comparator budget", "[rtl]") {
  CHECK(scprec::rtl::auto_inputs_per_cycle(784, 128) == 16);
  CHECK(scprec::rtl::auto_inputs_per_cycle(128, 64) == 32);
  CHECK(scprec::rtl::auto_inputs_per_cycle(64, 10) == 64);
  CHECK(scprec::rtl::auto_inputs_per_cycle(10, 5000) == 1);
}

TEST_CASE("rtl: settings a layer cannot take are rejected naming the layer", "[rtl]") {
  Tiny tiny;
  tiny.map.layers[1].length = 48;
  CHECK_THROWS_WITH(scprec::rtl::generate_rtl(tiny.quantized, tiny.map, {}),
                    Catch::Contains("fc2.length") && Catch::Contains("power of two"));
}

TEST_CASE("rtl: layer names that would make the same Verilog names are rejected", "[rtl]") {
  Tiny tiny;
  for (const char* name : {"FC1", "Fc1"}) {
    tiny.quantized.layers[1].name = name;
    INFO(name);
    CHECK_THROWS_WITH(scprec::rtl::generate_rtl(tiny.quantized, tiny.map, {}),
                      Catch::Contains("clashes with layer 'fc1'"));
  }
  tiny.quantized.layers[0].name = "a.b";
  tiny.quantized.layers[1].name = "a_b";
  CHECK_THROWS_WITH(scprec::rtl::generate_rtl(tiny.quantized, tiny.map, {}),
                    Catch::Contains("clashes with layer 'a.b'"));
  tiny.quantized.layers[1].name = "Top";
  CHECK_THROWS_WITH(scprec::rtl::generate_rtl(tiny.quantized, tiny.map, {}),
                    Catch::Contains("clashes with the network top"));
  tiny.quantized.layers[1].name = "a_b_";  // differs in more than case and punctuation
  CHECK_NOTHROW(scprec::rtl::generate_rtl(tiny.quantized, tiny.map, {}));
}

TEST_CASE("rtl: a layer named like a conv layer's position strobe is rejected", "[rtl]") {
  TinyCnn cnn;  // conv1's strobe in the top is conv1_position_done
  cnn.quantized.layers[1].name = "conv1_position";
  CHECK_THROWS_WITH(scprec::rtl::generate_rtl(cnn.quantized, cnn.map, {}),
                    Catch::Contains("conv1_position_done clashes with layer 'conv1'"));
  cnn.quantized.layers[1].name = "conv1_positions";
  CHECK_NOTHROW(scprec::rtl::generate_rtl(cnn.quantized, cnn.map, {}));
}

TEST_CASE("rtl: counters and the output accumulator are exactly as wide as their largest value",
          "[rtl]") {
  // A sign-magnitude output layer's accumulator holds count << (2B - log2 L) plus the bias, for
  // count up to L * inputs: it must hold the largest, with its sign, and no more. The bias of
  // neuron 1 is chosen so that the width without it would be one bit short.
  const int bits = 8;
  for (const auto& [inputs, length, bias] :
       {std::tuple<std::size_t, std::size_t, std::int64_t>{4, 64, -325125},
        {4, 64, 0},
        {3, 16, 1},
        {784, 1024, 5'000'000},
        {10, 256, 262143}}) {
    scprec::model::QuantizedNetwork network;
    network.config = {bits, scprec::core::Encoding::kSignMagnitude};
    scprec::model::QuantLayer layer;
    layer.name = "out";
    layer.inputs = inputs;
    layer.outputs = 3;
    layer.weight.assign(inputs * 3, 255);
    layer.bias = {0, bias, 7};
    layer.activation = scprec::model::Activation::kIdentity;
    layer.is_output = true;
    network.layers.push_back(layer);
    const auto map = scprec::model::manual_map(network, "hash", {length});
    const auto design = scprec::rtl::generate_rtl(network, map, {}).layers.at(0);
    int log2_length = 0;
    while ((std::size_t{1} << log2_length) < length) ++log2_length;
    const std::uint64_t count = length * inputs;
    const std::uint64_t largest_bias =
        static_cast<std::uint64_t>(std::max<std::int64_t>(std::llabs(bias), 7));
    const std::uint64_t largest = (count << (2 * bits - log2_length)) + largest_bias;
    INFO(inputs << " inputs at L = " << length << ", bias " << bias << ": largest " << largest);
    CHECK((std::uint64_t{1} << (design.result_bits - 1)) > largest);   // fits, with a sign bit
    CHECK((std::uint64_t{1} << (design.result_bits - 2)) <= largest);  // no bit to spare
    CHECK((std::uint64_t{1} << design.counter_bits) > count);
    CHECK((std::uint64_t{1} << (design.counter_bits - 1)) <= count);
  }
}

TEST_CASE("rtl: adjustable-length RTL is the same Verilog for every map of other lengths",
          "[rtl]") {
  Tiny tiny(scprec::core::GeneratorKind::kSobol);
  scprec::rtl::RtlConfig config;
  config.adjustable_max_length = 1024;
  const RtlDesign first = scprec::rtl::generate_rtl(tiny.quantized, tiny.map, config);
  scprec::model::PrecisionMap other = tiny.map;
  other.layers[0].length = 1024;
  other.layers[1].length = 1;
  const RtlDesign second = scprec::rtl::generate_rtl(tiny.quantized, other, config);
  // The Verilog sources (what a simulator's build key holds) are identical; design.json and the
  // ROM images' comment lines name the lengths.
  REQUIRE(first.sources == second.sources);
  for (const std::string& source : first.sources) {
    INFO(source);
    CHECK(file_of(first, source) == file_of(second, source));
  }
  CHECK(file_of(first, "design.json") != file_of(second, "design.json"));
  // Widths for the largest length, latency at the map's, and the top's length ports.
  const auto& d = first.layers[0];
  CHECK(d.length == 16);
  CHECK(d.max_length == 1024);
  CHECK(d.log2_bits == 4);      // holds log2 1024 = 10
  CHECK(d.counter_bits == 13);  // 1024 x 4 inputs
  CHECK(d.latency == d.chunks * 17 + d.outputs + 1);
  CHECK(d.max_latency == d.chunks * 1025 + d.outputs + 1);
  CHECK(first.top_max_latency == first.layers[0].max_latency + first.layers[1].max_latency);
  const std::string& top = file_of(first, "scprec_top.v");
  CHECK(top.find("input wire [FC1_LOG2_BITS-1:0] fc1_log2_length,") != std::string::npos);
  CHECK(top.find(".log2_length(fc2_log2_length)") != std::string::npos);
  CHECK(file_of(first, "scprec_fc1.v").find(".ADJUSTABLE(1)") != std::string::npos);

  // The fixed-length design differs from it and ties the datapath's length port off.
  const RtlDesign fixed = scprec::rtl::generate_rtl(tiny.quantized, tiny.map, {});
  CHECK(file_of(fixed, "scprec_fc1.v").find(".log2_length(3'd0)") != std::string::npos);  // log2 16 = 4
  CHECK(file_of(fixed, "scprec_top.v").find("log2_length") == std::string::npos);
  CHECK(fixed.layers[0].counter_bits == 7);  // 16 x 4
  CHECK(fixed.top_max_latency == fixed.top_latency);
}

TEST_CASE("rtl: an adjustable largest length that cannot serve the map is refused", "[rtl]") {
  Tiny tiny(scprec::core::GeneratorKind::kSobol);  // 16-bit Sobol lanes, lengths 16 and 32
  scprec::rtl::RtlConfig config;
  const auto refused = [&](std::size_t max_length, const std::string& problem) {
    config.adjustable_max_length = max_length;
    INFO(max_length);
    CHECK_THROWS_WITH(scprec::rtl::generate_rtl(tiny.quantized, tiny.map, config),
                      Catch::Contains(problem));
  };
  refused(48, "largest length 48 is not a power of two");
  refused(16, "fc2.length: length 32 is longer than the adjustable RTL's largest length, 16");
  refused(std::size_t{1} << 17, "65536");  // 8-bit sign-magnitude scales up to 2^16
  tiny.map.generator_width = 12;
  refused(8192, "12-bit Sobol sequence repeats before length 8192");
  config.adjustable_max_length = 32;
  CHECK_NOTHROW(scprec::rtl::generate_rtl(tiny.quantized, tiny.map, config));
  // The default largest length: the longest power of two up to the one wanted that every layer
  // can run, and never shorter than the map's lengths.
  CHECK(scprec::rtl::max_length_for(tiny.map, 16) == 32);
  CHECK(scprec::rtl::max_length_for(tiny.map, 1000) == 512);
  CHECK(scprec::rtl::max_length_for(tiny.map, 1 << 20) == 4096);  // 12-bit Sobol lanes
  tiny.map.layers[0].generator = tiny.map.layers[1].generator = scprec::core::GeneratorKind::kLfsr;
  CHECK(scprec::rtl::max_length_for(tiny.map, 1 << 20) == 65536);  // 8-bit sign-magnitude
}
