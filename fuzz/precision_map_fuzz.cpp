// libFuzzer target: the precision-map JSON reader, and that every map it accepts writes back
// into JSON that it accepts again.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz_check.hpp"
#include "scprec/io/precision_map_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  scprec::fuzz::expect_result_or_error([&] {
    const scprec::model::PrecisionMap map = scprec::io::parse_precision_map(text, "fuzz.json");
    const std::string written = scprec::io::precision_map_json(map);
    try {
      scprec::io::parse_precision_map(written, "rewritten.json");
    } catch (const scprec::Error& e) {
      std::fprintf(stderr, "fuzz: an accepted map does not read back: %s\n", e.what());
      std::abort();
    }
  });
  return 0;
}
