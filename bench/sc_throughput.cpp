// Benchmark: throughput of the packed SC layer model against the per-bit reference, side by
// side in one run, on the bundled MLP's first layer (784 x 128) and on the bundled CNN's two
// conv layers (examples/fashion_cnn, on the same images), one thread.
//
// Throughput is counted in nominal synapse-bit operations: inputs x outputs x L per window
// (a dense layer's one input; a conv layer's window at each of its positions), the work a
// fully parallel SC layer does, whether or not the model skips zero inputs.
#include <cstdio>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "scprec/model/sc_layer.hpp"
#include "scprec/model/sc_network.hpp"

namespace {

using scprec::bench::Clock;
using scprec::bench::median;
using scprec::bench::seconds_since;

struct Measurement {
  double fast_rate;
  double reference_rate;
  double setup_seconds;
};

Measurement measure(const scprec::model::QuantLayer& layer, const scprec::model::QuantConfig& quant,
                    const std::vector<scprec::model::Codes>& inputs, std::size_t length,
                    int repeats, std::size_t reference_samples) {
  scprec::model::ScLayerConfig config;
  config.length = length;
  const auto setup_start = Clock::now();
  const scprec::model::ScLayerModel model(layer, quant, config);
  const double setup = seconds_since(setup_start);
  const double work_per_sample =
      static_cast<double>(layer.inputs * layer.outputs) * static_cast<double>(length);

  std::vector<double> fast_times;
  std::uint64_t checksum = 0;
  for (int r = 0; r < repeats; ++r) {
    const auto start = Clock::now();
    for (const auto& input : inputs) checksum += model.run(input).positive[0];
    fast_times.push_back(seconds_since(start));
  }
  std::vector<double> reference_times;
  for (int r = 0; r < repeats; ++r) {
    const auto start = Clock::now();
    for (std::size_t s = 0; s < reference_samples; ++s) {
      const auto counts = scprec::model::sc_layer_reference(layer, quant, config, inputs[s]);
      if (r == 0 && !(counts == model.run(inputs[s]))) {
        std::fprintf(stderr, "MISMATCH between fast model and reference at L=%zu\n", length);
        std::exit(1);
      }
    }
    reference_times.push_back(seconds_since(start));
  }
  std::fprintf(stderr, "(checksum %llu)\n", static_cast<unsigned long long>(checksum));
  return {work_per_sample * static_cast<double>(inputs.size()) / median(fast_times),
          work_per_sample * static_cast<double>(reference_samples) / median(reference_times),
          setup};
}

// The windows layer l of `quantized` reads for the first `samples` rows of `x`: one per sample
// for a dense layer, one per position and sample for a conv layer.
std::vector<scprec::model::Codes> layer_windows(const scprec::model::QuantizedNetwork& quantized,
                                                std::size_t l, const Eigen::MatrixXd& x,
                                                std::size_t samples) {
  std::vector<scprec::model::Codes> windows;
  const scprec::model::QuantLayer& layer = quantized.layers[l];
  for (std::size_t s = 0; s < samples; ++s) {
    const Eigen::VectorXd row = x.row(static_cast<Eigen::Index>(s)).transpose();
    const auto run = scprec::model::binary_forward(quantized, quantized.quantize_input(row.data()));
    if (!layer.conv) {
      windows.push_back(run.layer_inputs[l]);
      continue;
    }
    for (auto& window : scprec::model::gather_windows(layer, run.layer_inputs[l])) {
      windows.push_back(std::move(window));
    }
  }
  return windows;
}

// The CNN's conv layers against the MLP's fc1 at L = 256, side by side.
void conv_table(const scprec::bench::Example& mlp, const std::string& cnn_dir, int repeats) {
  const scprec::model::Network cnn = scprec::io::read_model(cnn_dir + "/model.onnx");
  const scprec::model::QuantizedNetwork quantized =
      scprec::model::quantize(cnn, mlp.calibration.x, {});
  const std::size_t length = 256;
  std::printf(
      "\nConv layers (%s) against the dense fc1, L = %zu, synapse-bits per window:\n\n"
      "| layer | inputs x outputs x positions | windows | packed model (synapse-bits/s) | "
      "per-bit reference (synapse-bits/s) | ratio | rate / dense fc1's |\n"
      "|---|---|---|---|---|---|---|\n",
      cnn_dir.c_str(), length);
  const auto dense_inputs = layer_windows(mlp.quantized, 0, mlp.test.x, 50);
  const Measurement dense =
      measure(mlp.quantized.layers[0], mlp.quantized.config, dense_inputs, length, repeats, 2);
  std::printf("| fc1 (MLP) | 784 x 128 x 1 | %zu | %.3g | %.3g | %.0fx | 1 |\n",
              dense_inputs.size(), dense.fast_rate, dense.reference_rate,
              dense.fast_rate / dense.reference_rate);
  for (std::size_t l = 0; l < 2; ++l) {
    const scprec::model::QuantLayer& layer = quantized.layers[l];
    const std::size_t images = l == 0 ? 5 : 20;
    const auto windows = layer_windows(quantized, l, mlp.test.x, images);
    const Measurement m = measure(layer, quantized.config, windows, length, repeats, 20);
    std::printf("| %s | %zu x %zu x %zu | %zu | %.3g | %.3g | %.0fx | %.2f |\n", layer.name.c_str(),
                layer.inputs, layer.outputs, layer.positions(), windows.size(), m.fast_rate,
                m.reference_rate, m.fast_rate / m.reference_rate, m.fast_rate / dense.fast_rate);
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = 5;
  const std::size_t samples = 200;
  const std::size_t reference_samples = 2;

  const scprec::bench::Example example =
      scprec::bench::load_example(scprec::bench::example_dir(argc, argv));
  const auto& quantized = example.quantized;
  const auto& test = example.test;
  const auto& layer = quantized.layers[0];
  std::vector<scprec::model::Codes> inputs;
  std::size_t nonzero = 0;
  for (std::size_t s = 0; s < samples; ++s) {
    const Eigen::VectorXd x = test.x.row(static_cast<Eigen::Index>(s)).transpose();
    inputs.push_back(quantized.quantize_input(x.data()));
    nonzero += static_cast<std::size_t>(
        std::count_if(inputs.back().begin(), inputs.back().end(), [](auto c) { return c != 0; }));
  }
  std::printf(
      "layer %s: %zu x %zu, %zu test samples (%.0f%% of input codes nonzero), "
      "median of %d runs, one thread\n\n",
      layer.name.c_str(), layer.inputs, layer.outputs, samples,
      100.0 * static_cast<double>(nonzero) / static_cast<double>(samples * layer.inputs), repeats);
  std::printf(
      "| L | packed model (synapse-bits/s) | per-bit reference (synapse-bits/s) | "
      "ratio | packed setup (s) |\n|---|---|---|---|---|\n");
  for (std::size_t length : {256, 1024}) {
    const Measurement m =
        measure(layer, quantized.config, inputs, length, repeats, reference_samples);
    std::printf("| %zu | %.3g | %.3g | %.0fx | %.3f |\n", length, m.fast_rate, m.reference_rate,
                m.fast_rate / m.reference_rate, m.setup_seconds);
    std::fflush(stdout);
  }
  conv_table(example, argc > 2 ? argv[2] : "examples/fashion_cnn", repeats);
  return 0;
}
