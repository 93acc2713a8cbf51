// Tests for loading models and data sets: the good files, and a clear error naming the file and
// the array for each kind of bad one.
#include "scprec/io/model_io.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>

#include "../fixture_path.hpp"
#include "../fuzz_inputs.hpp"
#include "../temp_dir.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/npz.hpp"

using scprec::io::Split;
using scprec::test::npz_fixture;

namespace {

// Loading `file` must fail with bad input in that file, at exactly `array` (the error's field,
// "" for the archive as a whole), with `message` in the problem.
template <typename Load>
void check_rejected(Load load, const std::string& file, const std::string& array,
                    const std::string& message) {
  INFO(file);
  try {
    load(npz_fixture(file));
    FAIL("no error for " << file);
  } catch (const scprec::Error& e) {
    CHECK(e.kind() == scprec::ErrorKind::kBadInput);
    CHECK(e.where() == npz_fixture(file));
    CHECK(e.field() == array);
    CHECK_THAT(e.problem(), Catch::Contains(message));
  }
}

void model_rejected(const std::string& file, const std::string& array, const std::string& message) {
  check_rejected([](const std::string& path) { return scprec::io::read_model(path); }, file, array,
                 message);
}

void data_rejected(const std::string& file, const std::string& array, const std::string& message) {
  check_rejected(
      [](const std::string& path) {
        return scprec::io::read_dataset(path, Split::kCalibration, 4, 2);
      },
      file, array, message);
}

}  // namespace

TEST_CASE("io: a state_dict model loads in archive order with ReLU between layers", "[io]") {
  const scprec::model::Network network = scprec::io::read_model(npz_fixture("tiny_model.npz"));
  REQUIRE(network.layers().size() == 2);
  const auto& fc1 = network.layers()[0];
  CHECK(fc1.name == "fc1");
  CHECK(fc1.weight.rows() == 3);
  CHECK(fc1.weight.cols() == 4);
  CHECK(fc1.weight(1, 2) == static_cast<float>(6 * 0.1 - 0.5));  // C-order index 6
  CHECK(fc1.bias(2) == static_cast<float>(2 * 0.1 - 0.1));
  CHECK(fc1.activation == scprec::model::Activation::kRelu);
  CHECK(network.layers()[1].activation == scprec::model::Activation::kIdentity);
  const auto no_bias = scprec::io::read_model(npz_fixture("model_no_bias.npz"));
  CHECK(no_bias.layers()[1].bias.isZero());
}

TEST_CASE("io: a manifest sets the activations", "[io]") {
  const auto network =
      scprec::io::read_model(npz_fixture("tiny_model.npz"), npz_fixture("tiny_manifest.json"));
  CHECK(network.layers()[1].activation == scprec::model::Activation::kIdentity);
  try {
    scprec::io::read_model(npz_fixture("tiny_model.npz"), npz_fixture("manifest_count.json"));
    FAIL("no error");
  } catch (const scprec::Error& e) {
    CHECK(e.where() == npz_fixture("manifest_count.json"));
    CHECK(e.field() == "activations");
    CHECK_THAT(e.problem(), Catch::Contains("has 3 entries for 2 layers"));
  }
}

TEST_CASE("io: a manifest that does not fit the weights is refused naming its field", "[io]") {
  const std::string conv = std::string(SCPREC_SOURCE_DIR) + "/tests/fixtures/conv/cnn_a.npz";
  const scprec::test::TempDir dir("manifests");
  const auto [json, field, problem] = GENERATE(table<std::string, std::string, std::string>({
      {R"({"layers": [{}, {}, {}]})", "input_shape", "input shape is not given"},
      {R"({"input_shape": [2, 9, 9], "layers": [{}, {}, {}]})", "layers[0]",
       "reads 1 channels, but its input map is (2, 9, 9)"},
      {R"({"input_shape": [1, 9, 9], "layers": [{"name": "conv2"}, {}, {}]})", "layers[0].name",
       "is 'conv2', but layer 0"},
      {R"({"input_shape": [1, 9, 9], "layers": [{"kind": "linear"}, {}, {}]})", "layers[0].kind",
       "is linear, but conv1.weight has shape (3, 1, 3, 3)"},
      {R"({"input_shape": [1, 9, 9], "layers": [{}, {}, {"pool": {"kind": "max"}}]})",
       "layers[2].pool", "pools a linear layer"},
      {R"({"input_shape": [1, 9, 9], "layers": [{"strides": 2}, {}, {}]})", "layers[0].strides",
       "is not a layer field"},
      {R"({"input_shape": [1, 9, 9], "layers": [{"padding": [1, 2, 3]}, {}, {}]})",
       "layers[0].padding", "has 3 entries"},
      {R"({"input_shape": [1, 9, 9], "layers": [{"pool": {"kind": "min"}}, {}, {}]})",
       "layers[0].pool.kind", "is \"min\""},
      {R"({"input_shape": [1, 9], "layers": [{}, {}, {}]})", "input_shape",
       "is not [channels, height, width]"},
      {R"({"input_shape": [1, 9, 9], "layers": [{}, {}]})", "layers", "has 2 entries for 3 layers"},
      {R"({"activations": ["relu", "relu", "identity"], "layers": [{}, {}, {}]})", "layers",
       "both lists given"},
      // Valid JSON whose geometry the network refuses: conv2's map after pooling is too small.
      {R"({"input_shape": [1, 9, 9], "layers": [{"pool": {"kind": "max", "size": 4}}, {}, {}]})",
       "layers[1] (conv2)", "larger than its padded input map"},
      {R"({"input_shape": [1, 9, 9], "layers": [{"padding": 3}, {}, {}]})", "layers[0] (conv1)",
       "as much as its 3x3 kernel"},
      {R"({"input_shape": [1, 4096, 8192], "layers": [{}, {}, {}]})", "layers[0] (conv1)",
       "more than 2^24"},
      {R"({"input_shape": [1, 9, 9], "layers": [{}, {}, {"stride": 2}]})", "layers[2]",
       "gives a linear layer a stride or padding"},
      {R"({"input_shape": [1, 9, 9], "layers": [{"pool": {"kind": "max", "size": 300}}, {}, {}]})",
       "layers[0].pool.size", "is not a whole number in [2, 256]"},
  }));
  INFO(json);
  const std::string manifest = (dir.path() / "manifest.json").string();
  scprec::io::write_file_atomically(manifest, json);
  try {
    scprec::io::read_model(conv, manifest);
    FAIL("no error");
  } catch (const scprec::Error& e) {
    INFO(e.what());
    CHECK(e.kind() == scprec::ErrorKind::kBadInput);
    CHECK(e.field() == field);
    CHECK_THAT(e.problem(), Catch::Contains(problem));
  }
}

TEST_CASE("io: data may hold each sample as a C x H x W map", "[io]") {
  const std::string conv = std::string(SCPREC_SOURCE_DIR) + "/tests/fixtures/conv/";
  const auto maps = scprec::io::read_dataset(conv + "cnn_a_data4d.npz", Split::kCalibration, 81, 5);
  const auto flat = scprec::io::read_npz(conv + "cnn_a_expected.npz");
  REQUIRE(flat[0].shape == std::vector<std::size_t>{6, 81});
  REQUIRE(maps.x.rows() == 6);
  REQUIRE(maps.x.cols() == 81);
  for (Eigen::Index r = 0; r < 6; ++r) {
    for (Eigen::Index c = 0; c < 81; ++c) {
      CHECK(maps.x(r, c) == flat[0].values[static_cast<std::size_t>(r * 81 + c)]);
    }
  }
  CHECK(maps.labels.size() == 6);

  // For a network whose first layer is a conv layer, the maps must be its input's (C, H, W).
  const auto network = scprec::io::read_model(conv + "cnn_a.npz", conv + "cnn_a.manifest.json");
  CHECK(scprec::io::read_dataset(conv + "cnn_a_data4d.npz", Split::kCalibration, network).size() ==
        6);
  try {
    scprec::io::read_dataset(conv + "cnn_a_data_nhwc.npz", Split::kCalibration, network);
    FAIL("no error");
  } catch (const scprec::Error& e) {
    CHECK(e.field() == "x");
    CHECK_THAT(e.problem(), Catch::Contains("has shape (6, 9, 9, 1), but the model reads (C, H, W) "
                                            "maps (1, 9, 9)"));
  }
}

TEST_CASE("io: bad models are rejected naming the file and the array", "[io]") {
  model_rejected("model_nan.npz", "fc2.weight", "NaN");
  model_rejected("model_unchained.npz", "fc2", "takes 5 inputs but layer fc1 gives 3");
  model_rejected("model_extra.npz", "bn.running_mean", "neither a '.weight' nor a '.bias'");
  model_rejected("model_bias_shape.npz", "fc1", "bias has 4 elements for 3 outputs");
  model_rejected("model_weight_rank.npz", "fc1.weight", "expected (out, in)");
  model_rejected("model_orphan_bias.npz", "fc2.bias", "no matching 'fc2.weight'");
  model_rejected("truncated.npz", "", "not a readable .npz archive");
}

TEST_CASE("io: a data set loads both splits", "[io]") {
  const auto calibration =
      scprec::io::read_dataset(npz_fixture("data_ok.npz"), Split::kCalibration, 4, 2);
  CHECK(calibration.size() == 5);
  CHECK(calibration.x(1, 2) == (1 * 4 + 2) * 0.05);
  CHECK(calibration.labels == std::vector<int>{0, 1, 1, 0, 1});
  const auto test = scprec::io::read_dataset(npz_fixture("data_ok.npz"), Split::kTest, 4, 2);
  CHECK(test.size() == 3);
  CHECK(test.x(2, 3) == static_cast<float>(11 * 0.08 + 0.02));
  CHECK(test.labels == std::vector<int>{1, 0, 1});
  const auto unlabelled =
      scprec::io::read_dataset(npz_fixture("data_unlabelled.npz"), Split::kCalibration);
  CHECK(unlabelled.labels.empty());
}

TEST_CASE("io: bad data sets are rejected naming the file and the array", "[io]") {
  data_rejected("data_inf.npz", "x", "NaN or infinite values, first at (row 2, column 1)");
  data_rejected("data_range.npz", "x", "has the value 1.5 at (row 1, column 3), outside [0, 1]");
  data_rejected("data_label_range.npz", "y", "label 7 outside [0, 2)");
  data_rejected("data_float_labels.npz", "y", "expected integers");
  data_rejected("data_no_x.npz", "x", "not found");
  data_rejected("data_features.npz", "x", "has 3 features but the model takes 4");
  data_rejected("data_label_count.npz", "y", "for 5 samples");
  check_rejected(
      [](const std::string& path) { return scprec::io::read_dataset(path, Split::kTest); },
      "data_unlabelled.npz", "x_test", "array not found");
}

TEST_CASE("io: labels beyond an int are refused even without a class count", "[io]") {
  // (make_limit_fixtures.py) y[2] = 2^40: converting it to int was undefined behaviour.
  check_rejected(
      [](const std::string& path) { return scprec::io::read_dataset(path, Split::kCalibration); },
      "data_huge_label.npz", "y", "label 1099511627776 outside [0, 2147483648)");
  CHECK(scprec::io::read_dataset(npz_fixture("data_ok.npz"), Split::kCalibration).labels.size() ==
        5);
}

TEST_CASE("io: a manifest larger than 1 MiB is refused, /dev/zero at once", "[io]") {
  const scprec::test::TempDir dir("manifest-cap");
  const std::string json = R"({"activations": ["relu", "identity"]})";
  const std::string path = dir.file("manifest.json");
  std::ofstream(path) << std::string(scprec::io::kMaxManifestBytes - json.size(), ' ') << json;
  CHECK(scprec::io::read_model(npz_fixture("tiny_model.npz"), path).layers().size() == 2);
  std::ofstream(path) << std::string(scprec::io::kMaxManifestBytes + 1 - json.size(), ' ') << json;
  for (const std::string& file : {path, std::string("/dev/zero")}) {
    INFO(file);
    const auto start = std::chrono::steady_clock::now();
    try {
      scprec::io::read_model(npz_fixture("tiny_model.npz"), file);
      FAIL("no error");
    } catch (const scprec::Error& e) {
      CHECK(e.kind() == scprec::ErrorKind::kBadInput);
      CHECK(e.where() == file);
      CHECK_THAT(e.problem(), Catch::Contains("larger than 1 MiB") && Catch::Contains("manifest"));
    }
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  }
}

TEST_CASE("io: every committed fuzz input of the manifest reader is read or refused", "[io]") {
  const std::vector<std::string> inputs = scprec::test::fuzz_inputs("manifest");
  REQUIRE(!inputs.empty());
  for (const std::string& input : inputs) {
    const std::string text = scprec::io::read_file(input);
    for (std::size_t layers = 0; layers < 4; ++layers) {
      INFO(input << " for " << layers << " layers");
      try {
        scprec::io::parse_manifest(text, input, layers);
      } catch (const scprec::Error& e) {
        CHECK(e.kind() == scprec::ErrorKind::kBadInput);
      }
    }
  }
}
