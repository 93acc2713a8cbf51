// libFuzzer target: the ONNX model reader (io::parse_onnx_model) on a model's bytes in memory.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "scprec/io/onnx_model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  scprec::fuzz::expect_result_or_error([&] { scprec::io::parse_onnx_model(bytes, "fuzz.onnx"); });
  return 0;
}
