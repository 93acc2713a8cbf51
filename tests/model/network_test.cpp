// Tests for dense networks and the float forward pass.
#include "scprec/model/network.hpp"

#include <catch2/catch.hpp>

#include "scprec/core/error.hpp"

using scprec::model::Activation;
using scprec::model::Layer;
using scprec::model::Network;

namespace {

Layer layer(const std::string& name, Eigen::MatrixXd weight, Eigen::VectorXd bias,
            Activation activation) {
  return Layer{name, std::move(weight), std::move(bias), activation, {}, {}};
}

}  // namespace

TEST_CASE("model: the float forward pass applies weights, bias and ReLU per layer", "[model]") {
  Eigen::MatrixXd w1(2, 2);
  w1 << 1.0, -1.0, 0.5, 2.0;
  Eigen::MatrixXd w2(1, 2);
  w2 << 3.0, 1.0;
  const Network network({layer("a", w1, Eigen::Vector2d(0.0, -1.0), Activation::kRelu),
                         layer("b", w2, Eigen::VectorXd::Constant(1, 0.5), Activation::kIdentity)});
  Eigen::MatrixXd x(2, 2);
  x << 1.0, 2.0,  // a: (-1, 3.5) -> relu (0, 3.5) -> b: 3.5 + 0.5
      0.5, 0.0;   // a: (0.5, -0.75) -> relu (0.5, 0) -> b: 1.5 + 0.5
  const Eigen::MatrixXd out = network.forward(x);
  CHECK(out(0, 0) == Approx(4.0));
  CHECK(out(1, 0) == Approx(2.0));
  CHECK(network.forward_layers(x)[0](0, 0) == 0.0);
}

TEST_CASE("model: networks reject shapes that do not chain and non-finite values", "[model]") {
  const Eigen::MatrixXd w(2, 3);
  CHECK_THROWS_WITH(
      Network({layer("a", Eigen::MatrixXd::Ones(2, 3), Eigen::Vector2d::Zero(), Activation::kRelu),
               layer("b", Eigen::MatrixXd::Ones(1, 4), Eigen::VectorXd::Zero(1),
                     Activation::kIdentity)}),
      Catch::Contains("takes 4 inputs but layer a gives 2"));
  CHECK_THROWS_WITH(Network({layer("a", Eigen::MatrixXd::Ones(2, 3), Eigen::Vector3d::Zero(),
                                   Activation::kRelu)}),
                    Catch::Contains("bias has 3 elements for 2 outputs"));
  Eigen::MatrixXd nan = Eigen::MatrixXd::Ones(2, 3);
  nan(1, 1) = std::nan("");
  CHECK_THROWS_WITH(Network({layer("a", nan, Eigen::Vector2d::Zero(), Activation::kRelu)}),
                    Catch::Contains("NaN"));
  CHECK_THROWS_AS(Network({}), scprec::Error);
}

TEST_CASE("model: argmax takes the lowest index on ties and accuracy counts matches", "[model]") {
  Eigen::MatrixXd logits(3, 3);
  logits << 1, 3, 3,  //
      5, 0, 5,        //
      0, 0, 1;
  CHECK(scprec::model::argmax(logits.row(0)) == 1);
  CHECK(scprec::model::argmax(logits.row(1)) == 0);
  CHECK(scprec::model::count_correct(logits, {1, 2, 2}) == 2);
}
