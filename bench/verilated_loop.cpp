// A bare Verilated C++ loop around one generated layer: the baseline the SystemC testbench's
// overhead is measured against (bench/cosim_speed.cpp). Drives the trials of a stimulus file
// (the co-simulation format) and prints "cycles seconds".
// Build: verilator --cc --prefix Vdut ... --exe verilated_loop.cpp -CFLAGS -DINPUT_BITS=B
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "Vdut.h"
#include "verilated.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s stimulus.txt\n", argv[0]);
    return 2;
  }
  std::ifstream stimulus(argv[1]);
  std::string magic;
  int version = 0;
  std::size_t trials = 0;
  std::size_t inputs = 0;
  stimulus >> magic >> version >> trials >> inputs;
  std::vector<std::vector<std::uint32_t>> codes(trials, std::vector<std::uint32_t>(inputs));
  for (auto& trial : codes) {
    for (auto& code : trial) stimulus >> code;
  }
  Vdut dut;
  const auto tick = [&] {
    dut.clk = 0;
    dut.eval();
    dut.clk = 1;
    dut.eval();
  };
  dut.rst_n = 0;
  for (int k = 0; k < 3; ++k) tick();
  dut.rst_n = 1;
  std::uint64_t cycles = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const auto& trial : codes) {
    std::memset(&dut.x_in, 0, sizeof dut.x_in);
    for (std::size_t i = 0; i < trial.size(); ++i) {
      for (int b = 0; b < INPUT_BITS; ++b) {
        const std::size_t bit = i * INPUT_BITS + static_cast<std::size_t>(b);
        if ((trial[i] >> b) & 1U) dut.x_in[bit / 32] |= 1U << (bit % 32);
      }
    }
    dut.start = 1;
    tick();
    dut.start = 0;
    ++cycles;
    while (!dut.done) {
      tick();
      ++cycles;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%llu %.6f\n", static_cast<unsigned long long>(cycles), seconds);
  return 0;
}
