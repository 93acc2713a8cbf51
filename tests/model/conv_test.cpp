// Tests for conv layers and pooling in the float model: PyTorch's logits on committed networks
// (tests/fixtures/conv), a naive convolution on random geometries, exact pooling of codes, and
// refusals of geometry that does not fit.
#include "scprec/model/conv.hpp"

#include <catch2/catch.hpp>
#include <random>

#include "../test_seed.hpp"
#include "random_conv.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/model_io.hpp"
#include "scprec/io/npz.hpp"
#include "scprec/model/network.hpp"
#include "scprec/model/sc_layer.hpp"
#include "scprec/model/sc_network.hpp"

using scprec::model::Activation;
using scprec::model::ConvGeometry;
using scprec::model::Layer;
using scprec::model::MapShape;
using scprec::model::Network;
using scprec::model::PoolKind;
using scprec::test::random_conv;

namespace {

std::string conv_fixture(const std::string& name) {
  return std::string(SCPREC_SOURCE_DIR) + "/tests/fixtures/conv/" + name;
}

Eigen::MatrixXd matrix(const scprec::io::NpyArray& array) {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  return Eigen::Map<const RowMajor>(array.values.data(), static_cast<Eigen::Index>(array.shape[0]),
                                    static_cast<Eigen::Index>(array.shape[1]));
}

// The obviously correct convolution of one sample's map: loops over every output channel,
// position and window element, reading the input by its (channel, row, column).
std::vector<double> naive_conv(const Layer& layer, const std::vector<double>& input) {
  const ConvGeometry& g = *layer.conv;
  std::vector<double> out;
  for (std::size_t o = 0; o < layer.outputs(); ++o) {
    for (std::size_t y = 0; y < g.out_height(); ++y) {
      for (std::size_t x = 0; x < g.out_width(); ++x) {
        double sum = layer.bias(static_cast<Eigen::Index>(o));
        for (std::size_t c = 0; c < g.input.channels; ++c) {
          for (std::size_t i = 0; i < g.kernel_h; ++i) {
            for (std::size_t j = 0; j < g.kernel_w; ++j) {
              const long row = static_cast<long>(y * g.stride_h + i) - static_cast<long>(g.pad_h);
              const long col = static_cast<long>(x * g.stride_w + j) - static_cast<long>(g.pad_w);
              if (row < 0 || col < 0 || row >= static_cast<long>(g.input.height) ||
                  col >= static_cast<long>(g.input.width)) {
                continue;
              }
              const double value =
                  input[(c * g.input.height + static_cast<std::size_t>(row)) * g.input.width +
                        static_cast<std::size_t>(col)];
              sum +=
                  layer.weight(static_cast<Eigen::Index>(o),
                               static_cast<Eigen::Index>((c * g.kernel_h + i) * g.kernel_w + j)) *
                  value;
            }
          }
        }
        out.push_back(layer.activation == Activation::kRelu ? std::max(sum, 0.0) : sum);
      }
    }
  }
  return out;
}

// The obviously correct pooling: every pooled value from its window's loops.
std::vector<double> naive_pool(const std::vector<double>& map, const MapShape& shape, PoolKind kind,
                               std::size_t size) {
  if (kind == PoolKind::kNone) return map;
  std::vector<double> out;
  for (std::size_t c = 0; c < shape.channels; ++c) {
    for (std::size_t y = 0; y + size <= shape.height; y += size) {
      for (std::size_t x = 0; x + size <= shape.width; x += size) {
        double best = -1e300;
        double sum = 0.0;
        for (std::size_t i = 0; i < size; ++i) {
          for (std::size_t j = 0; j < size; ++j) {
            const double v = map[(c * shape.height + y + i) * shape.width + x + j];
            best = std::max(best, v);
            sum += v;
          }
        }
        out.push_back(kind == PoolKind::kMax ? best : sum / static_cast<double>(size * size));
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("model: conv networks from a state_dict and manifest give PyTorch's logits", "[model]") {
  const std::string name = GENERATE(as<std::string>{}, "cnn_a", "cnn_b");
  INFO(name);
  const Network network =
      scprec::io::read_model(conv_fixture(name + ".npz"), conv_fixture(name + ".manifest.json"));
  const auto arrays = scprec::io::read_npz(conv_fixture(name + "_expected.npz"));
  REQUIRE(arrays.size() == 2);
  const Eigen::MatrixXd got = network.forward(matrix(arrays[0]));
  const Eigen::MatrixXd want = matrix(arrays[1]);
  REQUIRE(got.rows() == want.rows());
  REQUIRE(got.cols() == want.cols());
  CHECK((got - want).cwiseAbs().maxCoeff() <= 1e-12 * std::max(1.0, want.cwiseAbs().maxCoeff()));
}

TEST_CASE("model: a conv layer computes the naive convolution on random geometries", "[model]") {
  const std::uint64_t seed = scprec::test::test_seed(20261203);
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 200; ++trial) {
    INFO("trial " << trial);
    const MapShape input{std::uniform_int_distribution<std::size_t>(1, 3)(rng),
                         std::uniform_int_distribution<std::size_t>(1, 9)(rng),
                         std::uniform_int_distribution<std::size_t>(1, 9)(rng)};
    Layer first = random_conv(rng, input, "c1");
    Layer second = random_conv(rng, first.pooled_shape(), "c2");
    Layer last;
    last.name = "fc";
    last.weight =
        Eigen::MatrixXd::Random(3, static_cast<Eigen::Index>(second.pooled_shape().size()));
    last.bias = Eigen::VectorXd::Random(3);
    last.activation = Activation::kIdentity;
    const Network network({first, second, last});
    Eigen::MatrixXd x =
        (Eigen::MatrixXd::Random(2, static_cast<Eigen::Index>(input.size())).array() + 1.0) / 2.0;
    const std::vector<Eigen::MatrixXd> outputs = network.forward_layers(x);
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      const Eigen::RowVectorXd row = x.row(r);
      std::vector<double> map(row.data(), row.data() + row.size());
      for (std::size_t l = 0; l < 2; ++l) {
        const Layer& layer = network.layers()[l];
        const std::vector<double> conv = naive_conv(layer, map);
        const Eigen::RowVectorXd got = outputs[l].row(r);
        REQUIRE(conv.size() == static_cast<std::size_t>(got.size()));
        for (std::size_t k = 0; k < conv.size(); ++k) {
          CHECK(got(static_cast<Eigen::Index>(k)) == Approx(conv[k]).margin(1e-12));
        }
        map = naive_pool(conv, layer.output_shape(), layer.pool.kind, layer.pool.size);
        REQUIRE(map.size() == layer.pooled_shape().size());
      }
      const Eigen::VectorXd logits =
          last.weight *
              Eigen::Map<const Eigen::VectorXd>(map.data(), static_cast<Eigen::Index>(map.size())) +
          last.bias;
      CHECK((network.forward(x).row(r).transpose() - logits).cwiseAbs().maxCoeff() < 1e-12);
    }
  }
}

TEST_CASE("model: pooling codes takes the maximum or the mean rounded half up", "[model]") {
  // One channel, 3 x 5: pooling by 2 keeps rows 0-1 and columns 0-3.
  const std::vector<std::uint16_t> map = {1, 2, 9, 0, 7,  //
                                          4, 3, 0, 0, 7,  //
                                          8, 8, 8, 8, 8};
  const MapShape shape{1, 3, 5};
  CHECK(scprec::model::pool_codes(map, shape, {PoolKind::kMax, 2}) ==
        std::vector<std::uint16_t>{4, 9});
  // (1 + 2 + 4 + 3 + 2) / 4 = 3 (10 / 4 = 2.5 rounds up); (9 + 0 + 0 + 0 + 2) / 4 = 2 (9 / 4).
  CHECK(scprec::model::pool_codes(map, shape, {PoolKind::kAverage, 2}) ==
        std::vector<std::uint16_t>{3, 2});
  CHECK(scprec::model::pool_codes(map, shape, {PoolKind::kNone, 1}) == map);
}

TEST_CASE("model: conv geometry that does not fit is refused naming the layer", "[model]") {
  Layer conv;
  conv.name = "conv1";
  conv.conv = ConvGeometry{MapShape{2, 4, 4}, 3, 3, 1, 1, 0, 0};
  conv.weight = Eigen::MatrixXd::Ones(2, 18);
  conv.bias = Eigen::VectorXd::Zero(2);
  Layer fc;
  fc.name = "fc";
  fc.weight = Eigen::MatrixXd::Ones(2, 8);  // 2 channels x 2 x 2
  fc.bias = Eigen::VectorXd::Zero(2);
  fc.activation = Activation::kIdentity;
  CHECK_NOTHROW(Network({conv, fc}));

  auto refused = [&](Layer first, Layer second, const std::string& problem) {
    // The layer at fault: the first, but for the two refusals that concern the second.
    const std::string culprit = first.name;
    const std::string other = second.name;
    try {
      Network({std::move(first), std::move(second)});
      FAIL("no error");
    } catch (const scprec::Error& e) {
      CHECK(e.kind() == scprec::ErrorKind::kBadInput);
      CHECK_THAT(e.problem(), Catch::Contains(problem));
      INFO(e.what());
      CHECK((e.field() == culprit || e.field() == other));
    }
  };
  Layer big_kernel = conv;
  big_kernel.conv->kernel_h = 5;
  big_kernel.weight = Eigen::MatrixXd::Ones(2, 30);
  refused(big_kernel, fc, "larger than its padded input map");
  Layer wrong_window = conv;
  wrong_window.weight = Eigen::MatrixXd::Ones(2, 9);
  refused(wrong_window, fc, "reads 18");
  Layer big_pool = conv;
  big_pool.pool = {PoolKind::kMax, 3};
  refused(big_pool, fc, "pools 3x3 windows");
  Layer pooled_dense = fc;
  pooled_dense.pool = {PoolKind::kMax, 2};
  refused(conv, pooled_dense, "dense layer with pooling");
  Layer last_conv = conv;
  last_conv.conv->input = MapShape{2, 1, 1};
  last_conv.conv->kernel_h = last_conv.conv->kernel_w = 1;
  last_conv.weight = Eigen::MatrixXd::Ones(2, 2);
  Layer first_fc = fc;
  first_fc.weight = Eigen::MatrixXd::Ones(2, 3);
  first_fc.activation = Activation::kRelu;
  refused(first_fc, last_conv, "the last layer gives the logits");
}

namespace {

// Layer l's window at output position (y, x), gathered by its own loops (not window_indices).
scprec::model::Codes naive_window(const scprec::model::QuantLayer& layer,
                                  const scprec::model::Codes& map, std::size_t y, std::size_t x) {
  const ConvGeometry& g = *layer.conv;
  scprec::model::Codes window;
  for (std::size_t c = 0; c < g.input.channels; ++c) {
    for (std::size_t i = 0; i < g.kernel_h; ++i) {
      for (std::size_t j = 0; j < g.kernel_w; ++j) {
        const long row = static_cast<long>(y * g.stride_h + i) - static_cast<long>(g.pad_h);
        const long col = static_cast<long>(x * g.stride_w + j) - static_cast<long>(g.pad_w);
        const bool inside = row >= 0 && col >= 0 && row < static_cast<long>(g.input.height) &&
                            col < static_cast<long>(g.input.width);
        window.push_back(
            inside ? map[(c * g.input.height + static_cast<std::size_t>(row)) * g.input.width +
                         static_cast<std::size_t>(col)]
                   : 0);
      }
    }
  }
  return window;
}

}  // namespace

// The SC network on conv layers: every window through the per-bit reference of the dense layer
// (its lanes restarting at every position), codes laid out by channel and pooled in integers.
TEST_CASE("model: the SC model of a conv network is the per-bit dense reference at every window",
          "[model][sc]") {
  const std::uint64_t seed = scprec::test::test_seed(77);
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 12; ++trial) {
    INFO("trial " << trial);
    const MapShape input{std::uniform_int_distribution<std::size_t>(1, 2)(rng),
                         std::uniform_int_distribution<std::size_t>(2, 6)(rng),
                         std::uniform_int_distribution<std::size_t>(2, 6)(rng)};
    Layer first = random_conv(rng, input, "c1");
    first.activation = Activation::kRelu;
    Layer last;
    last.name = "fc";
    last.weight =
        Eigen::MatrixXd::Random(2, static_cast<Eigen::Index>(first.pooled_shape().size()));
    last.bias = Eigen::VectorXd::Random(2);
    last.activation = Activation::kIdentity;
    const Network network({first, last});
    const Eigen::MatrixXd x =
        (Eigen::MatrixXd::Random(4, static_cast<Eigen::Index>(input.size())).array() + 1.0) / 2.0;
    scprec::model::QuantConfig quant;
    quant.bits = 5;
    quant.encoding =
        trial % 2 == 0 ? scprec::core::Encoding::kSignMagnitude : scprec::core::Encoding::kBipolar;
    const scprec::model::QuantizedNetwork q = scprec::model::quantize(network, x, quant);
    std::vector<std::optional<scprec::model::ScLayerConfig>> configs(2);
    for (std::size_t l = 0; l < 2; ++l) {
      scprec::model::ScLayerConfig c;
      c.length = 32;
      c.generator.kind =
          trial % 3 == 0 ? scprec::core::GeneratorKind::kSobol : scprec::core::GeneratorKind::kLfsr;
      c.generator.width = 16;
      c.generator.seed = 5 + l;
      configs[l] = c;
    }
    const scprec::model::ScNetworkModel model(q, configs);
    const scprec::model::Codes codes = q.quantize_input(x.row(0).eval().data());
    const scprec::model::NetworkRun run = model.run(codes);

    // The reference: conv layer by its own loops, windows through sc_layer_reference.
    const scprec::model::QuantLayer& conv = q.layers[0];
    const ConvGeometry& g = *conv.conv;
    std::vector<std::uint16_t> map(conv.outputs * g.positions());
    for (std::size_t y = 0; y < g.out_height(); ++y) {
      for (std::size_t xx = 0; xx < g.out_width(); ++xx) {
        const scprec::model::Codes window = naive_window(conv, codes, y, xx);
        const auto counts = scprec::model::sc_layer_reference(conv, quant, *configs[0], window);
        const auto dot = scprec::model::sc_dot(conv, quant, 32, counts);
        const auto out = scprec::model::finish_layer(conv, quant, dot);
        for (std::size_t c = 0; c < conv.outputs; ++c) {
          map[(c * g.out_height() + y) * g.out_width() + xx] = out.codes[c];
        }
      }
    }
    std::vector<double> as_double(map.begin(), map.end());
    const std::vector<double> pooled = naive_pool(
        as_double, {conv.outputs, g.out_height(), g.out_width()}, conv.pool.kind, conv.pool.size);
    REQUIRE(run.layer_inputs.size() == 2);
    REQUIRE(run.layer_inputs[1].size() == pooled.size());
    for (std::size_t k = 0; k < pooled.size(); ++k) {
      // Average pooling of codes rounds half up; the float mean of the same codes is exact.
      const double want =
          conv.pool.kind == PoolKind::kAverage ? std::floor(pooled[k] + 0.5) : pooled[k];
      CHECK(run.layer_inputs[1][k] == want);
    }
    const auto counts =
        scprec::model::sc_layer_reference(q.layers[1], quant, *configs[1], run.layer_inputs[1]);
    const auto out = scprec::model::finish_layer(
        q.layers[1], quant, scprec::model::sc_dot(q.layers[1], quant, 32, counts));
    CHECK(run.logits == out.accumulators);
  }
}
