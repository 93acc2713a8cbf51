// libFuzzer target: the .npz archive reader (read_npz_bytes) and the .npy parser (parse_npy).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "scprec/io/npz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  // Archives reach the zip layer; bare .npy bytes (and the entries libFuzzer mutates out of
  // archives) reach the header parser and decoder directly.
  scprec::fuzz::expect_result_or_error([&] { scprec::io::read_npz_bytes(bytes, "fuzz.npz"); });
  scprec::fuzz::expect_result_or_error([&] { scprec::io::parse_npy(bytes, "fuzz.npy"); });
  return 0;
}
