// Benchmark: throughput of the packed SC layer model against the per-bit reference, side by
// side in one run, on the bundled example's first layer (784 x 128), one thread.
//
// Throughput is counted in nominal synapse-bit operations: inputs x outputs x L per sample,
// the work a fully parallel SC layer does, whether or not the model skips zero inputs.
#include <cstdio>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "scprec/model/sc_layer.hpp"

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
  return 0;
}
