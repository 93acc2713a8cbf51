// libFuzzer target: the manifest JSON reader (parse_manifest), for networks of 0 to 7 layers.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "scprec/io/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // Real manifests start with '{', so the layer count comes from the last byte instead.
  const std::size_t layers = size == 0 ? 2 : data[size - 1] % 8;
  scprec::fuzz::expect_result_or_error(
      [&] { scprec::io::parse_manifest(text, "fuzz.json", layers); });
  return 0;
}
