// Tests for reading ONNX models: graphs PyTorch's exporter wrote (tests/fixtures/onnx, from
// make_fixtures.py) against PyTorch's own logits and their state_dict twins, graphs edited here
// as the operator definitions allow, and a refusal naming the node for everything else.
#include "scprec/io/onnx_model.hpp"

#include <onnx/onnx_pb.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "../fixture_path.hpp"
#include "../fuzz_inputs.hpp"
#include "../temp_dir.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/model_io.hpp"
#include "scprec/io/npz.hpp"

namespace {

using scprec::io::parse_onnx_model;
using scprec::io::read_model;
using scprec::model::Activation;
using scprec::model::Network;

std::string onnx_fixture(const std::string& name) {
  return std::string(SCPREC_SOURCE_DIR) + "/tests/fixtures/onnx/" + name;
}

std::string conv_fixture(const std::string& name) {
  return std::string(SCPREC_SOURCE_DIR) + "/tests/fixtures/conv/" + name;
}

onnx::ModelProto load(const std::string& name) {
  onnx::ModelProto model;
  REQUIRE(model.ParseFromString(scprec::io::read_file(onnx_fixture(name))));
  return model;
}

Network parse(const onnx::ModelProto& model) {
  return parse_onnx_model(model.SerializeAsString(), "edited.onnx");
}

// Reading must fail with bad input, the field naming `field` and the problem saying `problem`.
void check_refused(const std::function<void()>& read, const std::string& field,
                   const std::string& problem) {
  try {
    read();
    FAIL("no error");
  } catch (const scprec::Error& e) {
    INFO(e.what());
    CHECK(e.kind() == scprec::ErrorKind::kBadInput);
    CHECK_THAT(e.field(), Catch::Contains(field));
    CHECK_THAT(e.problem(), Catch::Contains(problem));
    CHECK(!e.remedy().empty());
  }
}

void check_refused(const onnx::ModelProto& model, const std::string& field,
                   const std::string& problem) {
  check_refused([&] { parse(model); }, field, problem);
}

onnx::NodeProto& node_of(onnx::ModelProto& model, const std::string& op, int which = 0) {
  for (onnx::NodeProto& node : *model.mutable_graph()->mutable_node()) {
    if (node.op_type() == op && which-- == 0) return node;
  }
  FAIL("no " << op << " node");
  throw;
}

onnx::TensorProto& initializer(onnx::ModelProto& model, const std::string& name) {
  for (onnx::TensorProto& tensor : *model.mutable_graph()->mutable_initializer()) {
    if (tensor.name() == name) return tensor;
  }
  FAIL("no initializer " << name);
  throw;
}

onnx::AttributeProto& attribute(onnx::NodeProto& node, const std::string& name) {
  for (onnx::AttributeProto& a : *node.mutable_attribute()) {
    if (a.name() == name) return a;
  }
  onnx::AttributeProto& a = *node.add_attribute();
  a.set_name(name);
  return a;
}

void check_same(const Network& a, const Network& b, double tolerance = 0.0) {
  REQUIRE(a.layers().size() == b.layers().size());
  for (std::size_t l = 0; l < a.layers().size(); ++l) {
    INFO("layer " << l);
    CHECK(a.layers()[l].name == b.layers()[l].name);
    CHECK(a.layers()[l].activation == b.layers()[l].activation);
    REQUIRE(a.layers()[l].weight.rows() == b.layers()[l].weight.rows());
    REQUIRE(a.layers()[l].weight.cols() == b.layers()[l].weight.cols());
    CHECK((a.layers()[l].weight - b.layers()[l].weight).cwiseAbs().maxCoeff() <= tolerance);
    CHECK((a.layers()[l].bias - b.layers()[l].bias).cwiseAbs().maxCoeff() <= tolerance);
  }
}

}  // namespace

TEST_CASE("io: ONNX models from torch.onnx.export give PyTorch's logits", "[io]") {
  const auto [file, expected] = GENERATE(table<std::string, std::string>({
      {"mlp_op9.onnx", "mlp"},
      {"mlp_op17.onnx", "mlp"},
      {"mlp_dynamic_batch.onnx", "mlp"},
      {"mlp_pass_op9.onnx", "mlp"},
      {"mlp_pass_op17.onnx", "mlp"},
      {"seq_bn_op9.onnx", "seq_bn"},
      {"seq_bn_op17.onnx", "seq_bn"},
      {"matmul_op9.onnx", "matmul"},
      {"matmul_op17.onnx", "matmul"},
      {"reshape_op9.onnx", "reshape"},
      {"reshape_op17.onnx", "reshape"},
      {"mlp64_op9.onnx", "mlp64"},
      {"mlp64_op17.onnx", "mlp64"},
      {"mlp16_op17.onnx", "mlp16"},
      {"cnn_bn_op9.onnx", "cnn_bn"},
      {"cnn_bn_op17.onnx", "cnn_bn"},
      {"../conv/cnn_a.onnx", "../conv/cnn_a"},
      {"../conv/cnn_b.onnx", "../conv/cnn_b"},
  }));
  INFO(file);
  const Network network = scprec::io::read_onnx_model(onnx_fixture(file));
  const std::vector<scprec::io::NpyArray> arrays =
      scprec::io::read_npz(onnx_fixture(expected + "_expected.npz"));
  REQUIRE(arrays.size() == 2);
  const scprec::io::NpyArray& x = arrays[0];
  const scprec::io::NpyArray& logits = arrays[1];
  REQUIRE(x.name == "x");
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::MatrixXd inputs =
      Eigen::Map<const RowMajor>(x.values.data(), static_cast<Eigen::Index>(x.shape[0]),
                                 static_cast<Eigen::Index>(x.shape[1]));
  const Eigen::MatrixXd want =
      Eigen::Map<const RowMajor>(logits.values.data(), static_cast<Eigen::Index>(logits.shape[0]),
                                 static_cast<Eigen::Index>(logits.shape[1]));
  const Eigen::MatrixXd got = network.forward(inputs);
  REQUIRE(got.rows() == want.rows());
  REQUIRE(got.cols() == want.cols());
  // PyTorch computed in float32 (float64 for mlp64): within 1e-5 of the largest logit.
  const double scale = std::max(1.0, want.cwiseAbs().maxCoeff());
  CHECK((got - want).cwiseAbs().maxCoeff() <= 1e-5 * scale);
}

TEST_CASE("io: an ONNX model and its state_dict twin are one network with one hash", "[io]") {
  const auto [onnx_file, npz_file,
              manifest] = GENERATE(table<std::string, std::string, std::string>({
      {onnx_fixture("mlp_op9.onnx"), onnx_fixture("mlp_state.npz"), ""},
      {onnx_fixture("mlp_op17.onnx"), onnx_fixture("mlp_state.npz"), ""},
      {onnx_fixture("mlp_pass_op17.onnx"), onnx_fixture("mlp_state.npz"), ""},
      {onnx_fixture("tiny_model.onnx"), scprec::test::npz_fixture("tiny_model.npz"), ""},
      {scprec::test::example_file("model.onnx"), scprec::test::example_file("model.npz"), ""},
      {conv_fixture("cnn_a.onnx"), conv_fixture("cnn_a.npz"), conv_fixture("cnn_a.manifest.json")},
      {conv_fixture("cnn_b.onnx"), conv_fixture("cnn_b.npz"), conv_fixture("cnn_b.manifest.json")},
  }));
  INFO(onnx_file);
  const Network from_onnx = read_model(onnx_file);
  const Network from_npz = read_model(npz_file, manifest);
  check_same(from_onnx, from_npz);
  CHECK(from_onnx.layers().back().activation == Activation::kIdentity);
  CHECK(scprec::io::network_hash(from_onnx) == scprec::io::network_hash(from_npz));
}

TEST_CASE("io: a model file is read by its content, whatever its extension", "[io]") {
  const scprec::test::TempDir dir("onnx_dispatch");
  const std::string onnx_as_npz = (dir.path() / "model.npz").string();
  const std::string npz_as_onnx = (dir.path() / "model.onnx").string();
  std::filesystem::copy_file(onnx_fixture("tiny_model.onnx"), onnx_as_npz);
  std::filesystem::copy_file(scprec::test::npz_fixture("tiny_model.npz"), npz_as_onnx);
  check_same(read_model(onnx_as_npz), read_model(npz_as_onnx));

  // A manifest describes an .npz's activations; an ONNX graph has its own.
  check_refused([&] { read_model(onnx_as_npz, scprec::test::npz_fixture("manifest_count.json")); },
                "--manifest", "not one");
  // Neither format.
  const std::string text = (dir.path() / "notes.txt").string();
  scprec::io::write_file_atomically(text, "fc1.weight = [[1, 2], [3, 4]]\n");
  check_refused([&] { read_model(text); }, "", "neither an ONNX model nor an .npz archive");
  const std::string empty = (dir.path() / "empty.onnx").string();
  scprec::io::write_file_atomically(empty, "");
  check_refused([&] { read_model(empty); }, "", "neither an ONNX model nor an .npz archive");
}

TEST_CASE("io: ONNX graphs scprec cannot build are refused naming the node and why", "[io]") {
  const auto [file, field, problem] = GENERATE(table<std::string, std::string, std::string>({
      {"refuse_conv_groups.onnx", "node '/0/Conv' (Conv)", "one group"},
      {"refuse_pool_overlap.onnx", "node '/2/MaxPool' (MaxPool)", "stride = kernel"},
      {"refuse_global_pool.onnx", "node '/2/GlobalAveragePool' (GlobalAveragePool)",
       "not an operator scprec builds"},
      {"refuse_skip.onnx", "node '/Add' (Add)", "branches"},
      {"refuse_sigmoid.onnx", "node '/1/Sigmoid' (Sigmoid)", "not an operator scprec builds"},
      {"refuse_softmax.onnx", "node '/3/Softmax' (Softmax)", "probabilities"},
      {"refuse_view.onnx", "node '/Shape' (Shape)", "shape of 'x' at run time"},
      {"refuse_dynamic_features.onnx", "input 'x'", "axis 1 ('features') has no fixed size"},
      {"refuse_training.onnx", "(BatchNormalization)", "training mode"},
      {"refuse_opset8.onnx", "opset_import", "opset 8"},
      {"refuse_external.onnx", "node '/fc1/Gemm' (Gemm)", "external data file"},
  }));
  INFO(file);
  check_refused([&] { read_model(onnx_fixture(file)); }, field, problem);
  try {
    read_model(onnx_fixture(file));
  } catch (const scprec::Error& e) {
    CHECK(e.where() == onnx_fixture(file));
  }
}

TEST_CASE("io: edited ONNX graphs are read by the operators' definitions", "[io]") {
  const Network base = parse(load("mlp_op17.onnx"));

  SECTION("Gemm's alpha scales the weights and beta the bias") {
    onnx::ModelProto model = load("mlp_op17.onnx");
    attribute(node_of(model, "Gemm"), "alpha").set_f(2.0f);
    attribute(node_of(model, "Gemm"), "beta").set_f(0.5f);
    const Network edited = parse(model);
    CHECK((edited.layers()[0].weight - 2.0 * base.layers()[0].weight).norm() == 0.0);
    CHECK((edited.layers()[0].bias - 0.5 * base.layers()[0].bias).norm() == 0.0);
  }
  SECTION("transB = 0 takes B as (in, out)") {
    onnx::ModelProto model = load("mlp_op17.onnx");
    onnx::TensorProto& b = initializer(model, "fc2.weight");
    const Eigen::MatrixXd w = base.layers()[1].weight;  // (6, 8)
    b.clear_raw_data();
    b.clear_dims();
    b.add_dims(8);
    b.add_dims(6);
    for (Eigen::Index i = 0; i < 8; ++i) {
      for (Eigen::Index o = 0; o < 6; ++o) b.add_float_data(static_cast<float>(w(o, i)));
    }
    attribute(node_of(model, "Gemm", 1), "transB").set_i(0);
    check_same(parse(model), base);
  }
  SECTION("float16 weights in int32_data are read as in raw_data") {
    const Network raw = parse(load("mlp16_op17.onnx"));
    onnx::ModelProto model = load("mlp16_op17.onnx");
    for (onnx::TensorProto& tensor : *model.mutable_graph()->mutable_initializer()) {
      const std::string bytes = tensor.raw_data();
      tensor.clear_raw_data();
      for (std::size_t k = 0; k + 1 < bytes.size(); k += 2) {
        tensor.add_int32_data(static_cast<unsigned char>(bytes[k]) |
                              static_cast<unsigned char>(bytes[k + 1]) << 8);
      }
    }
    check_same(parse(model), raw);
  }
  SECTION("an Add with its constant first is the same bias") {
    onnx::ModelProto model = load("matmul_op17.onnx");
    const Network matmul = parse(model);
    onnx::NodeProto& add = node_of(model, "Add");
    add.mutable_input()->SwapElements(0, 1);
    check_same(parse(model), matmul);
    CHECK(matmul.layers()[0].name == "w1");  // no scope in "/MatMul": the weight's name
  }
  SECTION("a second Relu changes nothing") {
    onnx::ModelProto model = load("mlp_op17.onnx");
    onnx::NodeProto relu = node_of(model, "Relu");
    relu.set_name("/again/Relu");
    relu.set_input(0, relu.output(0));
    relu.set_output(0, "relu_again");
    node_of(model, "Gemm", 1).set_input(0, "relu_again");
    *model.mutable_graph()->add_node() = relu;
    check_same(parse(model), base);
  }
}

TEST_CASE("io: malformed ONNX graphs are refused naming the node", "[io]") {
  onnx::ModelProto model = load("mlp_op17.onnx");
  onnx::GraphProto& graph = *model.mutable_graph();

  SECTION("an opset beyond 17") {
    model.mutable_opset_import(0)->set_version(18);
    check_refused(model, "opset_import", "opset 18");
  }
  SECTION("an operator of another domain") {
    node_of(model, "Relu").set_domain("com.microsoft");
    check_refused(model, "node '/Relu' (Relu)", "com.microsoft");
  }
  SECTION("a second output") {
    *graph.add_output() = graph.output(0);
    graph.mutable_output(1)->set_name("/Relu_output_0");
    check_refused(model, "graph outputs", "2 outputs");
  }
  SECTION("a node off the path") {
    onnx::NodeProto& extra = *graph.add_node();
    extra.set_op_type("Relu");
    extra.set_name("/unused/Relu");
    extra.add_input("fc1.bias");
    extra.add_output("unused");
    check_refused(model, "node '/unused/Relu' (Relu)", "not on the path");
  }
  SECTION("a cycle") {
    node_of(model, "Relu").set_output(0, "x");
    check_refused(model, "node '/fc1/Gemm' (Gemm)", "cycle");
  }
  SECTION("a Relu before any layer") {
    onnx::NodeProto relu = node_of(model, "Relu");
    relu.set_name("/first/Relu");
    relu.set_input(0, "x");
    relu.set_output(0, "x_relu");
    node_of(model, "Gemm").set_input(0, "x_relu");
    *graph.add_node() = relu;
    check_refused(model, "node '/first/Relu' (Relu)", "before the first Gemm");
  }
  SECTION("Gemm with transA") {
    attribute(node_of(model, "Gemm"), "transA").set_i(1);
    check_refused(model, "node '/fc1/Gemm' (Gemm)", "transA");
  }
  SECTION("a bias that fits no output count") {
    initializer(model, "fc1.bias").set_dims(0, 4);
    initializer(model, "fc1.bias").mutable_raw_data()->resize(16);
    check_refused(model, "node '/fc1/Gemm' (Gemm)", "shape (4,) for 8 outputs");
  }
  SECTION("raw data of the wrong size") {
    initializer(model, "fc2.weight").mutable_raw_data()->resize(10);
    check_refused(model, "node '/fc2/Gemm' (Gemm)", "10 bytes for its shape (6, 8)");
  }
  SECTION("weights of an integer type") {
    initializer(model, "fc3.weight").set_data_type(onnx::TensorProto::INT8);
    check_refused(model, "node '/fc3/Gemm' (Gemm)", "INT8");
  }
  SECTION("a negative or enormous dimension") {
    const auto [dim, problem] = GENERATE(table<std::int64_t, std::string>(
        {{-4, "has the shape"}, {std::int64_t{1} << 40, "past 2^26 values"}}));
    initializer(model, "fc3.weight").set_dims(0, dim);
    check_refused(model, "node '/fc3/Gemm' (Gemm)", problem);
  }
  SECTION("weights that do not chain") {
    onnx::TensorProto& w = initializer(model, "fc2.weight");
    w.set_dims(1, 4);
    w.mutable_raw_data()->resize(6 * 4 * 4);
    check_refused(model, "node '/fc2/Gemm' (Gemm)", "4 inputs, but its data has 8 features");
  }
  SECTION("two layers of one name") {
    // Named after its node when the exporter made up the weight's name.
    initializer(model, "fc2.weight").set_name("onnx::Gemm_7");
    node_of(model, "Gemm", 1).set_input(1, "onnx::Gemm_7");
    node_of(model, "Gemm", 1).set_name("/fc1/Gemm");
    check_refused(model, "node '/fc1/Gemm' (Gemm)", "a second layer named 'fc1'");
  }
  SECTION("two data inputs") {
    *graph.add_input() = graph.input(0);
    graph.mutable_input(1)->set_name("y");
    check_refused(model, "graph inputs", "2 data inputs");
  }
  SECTION("a graph without layers") {
    graph.clear_node();
    graph.mutable_output(0)->set_name("x");
    check_refused(model, "", "no Gemm, MatMul or Conv");
  }
  SECTION("a BatchNormalization after the Relu cannot fold") {
    onnx::ModelProto bn = load("seq_bn_op17.onnx");
    onnx::NodeProto& norm = node_of(bn, "BatchNormalization");
    onnx::NodeProto& relu = node_of(bn, "Relu");
    // Gemm -> Relu -> BatchNormalization -> Gemm
    const std::string gemm_out = norm.input(0);
    const std::string relu_out = relu.output(0);
    const std::string norm_out = norm.output(0);
    relu.set_input(0, gemm_out);
    relu.set_output(0, norm_out + "_relu");
    norm.set_input(0, norm_out + "_relu");
    norm.set_output(0, relu_out);
    check_refused(bn, "(BatchNormalization)", "follows no Gemm, MatMul or Conv directly");
  }
}

TEST_CASE("io: every truncation of an ONNX model is refused or read, never a crash", "[io]") {
  const std::string bytes = scprec::io::read_file(onnx_fixture("mlp_op17.onnx"));
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    INFO("first " << size << " bytes");
    try {
      parse_onnx_model(bytes.substr(0, size), "cut.onnx");
    } catch (const scprec::Error& e) {
      CHECK(e.kind() == scprec::ErrorKind::kBadInput);
    }
  }
}

TEST_CASE("io: every committed fuzz input of the ONNX reader is read or refused", "[io]") {
  const std::vector<std::string> inputs = scprec::test::fuzz_inputs("onnx");
  REQUIRE(!inputs.empty());
  for (const std::string& input : inputs) {
    INFO(input);
    try {
      parse_onnx_model(scprec::io::read_file(input), input);
    } catch (const scprec::Error& e) {
      CHECK(e.kind() == scprec::ErrorKind::kBadInput);
    }
  }
}

TEST_CASE("io: ONNX attributes, flags and constants are read by their declared types", "[io]") {
  const Network base = parse(load("mlp_op17.onnx"));

  SECTION("an attribute of another type than the operator's is refused, not read as 0") {
    onnx::ModelProto model = load("mlp_op17.onnx");
    onnx::AttributeProto& alpha = attribute(node_of(model, "Gemm"), "alpha");
    alpha.set_type(onnx::AttributeProto::INT);
    alpha.set_i(2);
    check_refused(model, "node '/fc1/Gemm' (Gemm)", "attribute 'alpha' of type INT");
  }
  SECTION("Dropout's bool training_mode input: false reads, true is refused") {
    onnx::ModelProto model = load("mlp_pass_op17.onnx");
    onnx::TensorProto& flag = *model.mutable_graph()->add_initializer();
    flag.set_name("training");
    flag.set_data_type(onnx::TensorProto::BOOL);
    flag.add_int32_data(0);
    node_of(model, "Dropout").add_input("training");
    check_same(parse(model), base);
    initializer(model, "training").set_int32_data(0, 1);
    check_refused(model, "node '/drop/Dropout' (Dropout)", "training mode");
  }
  SECTION("weights held by a Constant node are named by its output") {
    onnx::ModelProto model = load("mlp_op17.onnx");
    onnx::NodeProto& constant = *model.mutable_graph()->add_node();
    constant.set_op_type("Constant");
    constant.set_name("/fc1/Constant");
    constant.add_output("fc1.weight");
    onnx::AttributeProto& value = *constant.add_attribute();
    value.set_name("value");
    value.set_type(onnx::AttributeProto::TENSOR);
    *value.mutable_t() = initializer(model, "fc1.weight");
    value.mutable_t()->set_name("inner");
    initializer(model, "fc1.weight").set_name("unused");
    check_same(parse(model), base);
  }
  SECTION("integer weights, a float shape and an integer input are refused") {
    onnx::ModelProto model = load("mlp_op17.onnx");
    initializer(model, "fc3.weight").set_data_type(onnx::TensorProto::INT64);
    check_refused(model, "node '/fc3/Gemm' (Gemm)", "data type INT64");
    onnx::ModelProto reshape = load("reshape_op17.onnx");
    for (onnx::NodeProto& node : *reshape.mutable_graph()->mutable_node()) {
      if (node.op_type() == "Constant") {
        node.mutable_attribute(0)->mutable_t()->set_data_type(onnx::TensorProto::DOUBLE);
      }
    }
    check_refused(reshape, "node '/Reshape' (Reshape)", "data type DOUBLE");
    onnx::ModelProto integers = load("mlp_op17.onnx");
    integers.mutable_graph()
        ->mutable_input(0)
        ->mutable_type()
        ->mutable_tensor_type()
        ->set_elem_type(onnx::TensorProto::INT64);
    check_refused(integers, "input 'x'", "not a float tensor");
  }
  SECTION("a weight computed at run time asks for constant folding") {
    onnx::ModelProto model = load("mlp_op17.onnx");
    onnx::NodeProto& transpose = *model.mutable_graph()->add_node();
    transpose.set_op_type("Transpose");
    transpose.set_name("/fc1/Transpose");
    transpose.add_input("fc1.weight");
    transpose.add_output("fc1.weight.T");
    node_of(model, "Gemm").set_input(1, "fc1.weight.T");
    try {
      parse(model);
      FAIL("no error");
    } catch (const scprec::Error& e) {
      CHECK(e.field() == "node '/fc1/Gemm' (Gemm)");
      CHECK_THAT(e.problem(), Catch::Contains("node '/fc1/Transpose' (Transpose) computes"));
      CHECK_THAT(e.remedy(), Catch::Contains("do_constant_folding=True"));
    }
  }
  SECTION("a node reading the data twice") {
    onnx::ModelProto model = load("mlp_op17.onnx");
    onnx::NodeProto& relu = node_of(model, "Relu");
    relu.set_op_type("Add");
    relu.add_input(relu.input(0));
    check_refused(model, "node '/Relu' (Add)", "twice");
  }
  SECTION("a model without an opset") {
    onnx::ModelProto model = load("mlp_op17.onnx");
    model.clear_opset_import();
    check_refused(model, "opset_import", "declares no ONNX opset");
  }
}

TEST_CASE("io: a model can be read from a pipe", "[io]") {
  const scprec::test::TempDir dir("onnx_pipe");
  const std::string fifo = (dir.path() / "model.fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const std::string bytes = scprec::io::read_file(onnx_fixture("tiny_model.onnx"));
  std::thread writer([&] {
    std::ofstream out(fifo, std::ios::binary);
    out << bytes;
  });
  const Network network = read_model(fifo);
  writer.join();
  check_same(network, read_model(scprec::test::npz_fixture("tiny_model.npz")));
}
