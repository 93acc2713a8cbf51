// Tests for the .npy/.npz reader against fixtures written by numpy
// (tests/fixtures/npz/make_fixtures.py): every dtype, both orders, both byte orders, stored and
// deflated archives, and every way a file can be broken.
#include "scprec/io/npz.hpp"

#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <map>

#include "../fixture_path.hpp"
#include "../fuzz_inputs.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/files.hpp"

using scprec::io::DType;
using scprec::io::NpyArray;

namespace {

struct Formula {
  DType dtype;
  std::vector<std::size_t> shape;
  double scale;
  double offset;
};

// Element k (C order) is k * scale + offset, cast to the dtype; as in make_fixtures.py.
const std::map<std::string, Formula> kFormulas = {
    {"f4_c", {DType::kFloat32, {3, 4}, 0.25, -1.5}},
    {"f8_f", {DType::kFloat64, {2, 3, 4}, 0.5, -3.0}},
    {"f8_be", {DType::kFloat64, {5}, 1.25, 0.0}},
    {"f4_be_f", {DType::kFloat32, {2, 3}, 0.75, 1.0}},
    {"i1", {DType::kInt8, {6}, 20, -60}},
    {"i2", {DType::kInt16, {2, 2}, 1000, -2000}},
    {"i4_f", {DType::kInt32, {3, 2}, 100000, -100000}},
    {"i8", {DType::kInt64, {4}, std::ldexp(1.0, 40), -std::ldexp(1.0, 41)}},
    {"u1", {DType::kUint8, {4}, 60, 0}},
    {"u2", {DType::kUint16, {3}, 30000, 0}},
    {"u4", {DType::kUint32, {2}, 4e9, 0}},
    {"u8", {DType::kUint64, {2}, std::ldexp(1.0, 50), 0}},
};

void check_archive(const std::string& file) {
  const std::vector<NpyArray> arrays = scprec::io::read_npz(scprec::test::npz_fixture(file));
  REQUIRE(arrays.size() == kFormulas.size() + 3);
  // Archive order is np.savez's keyword order.
  CHECK(arrays.front().name == "f4_c");
  CHECK(arrays.back().name == "empty");
  for (const NpyArray& array : arrays) {
    INFO(file << ":" << array.name);
    const auto found = kFormulas.find(array.name);
    if (found != kFormulas.end()) {
      const Formula& f = found->second;
      CHECK(array.dtype == f.dtype);
      CHECK(array.shape == f.shape);
      for (std::size_t k = 0; k < array.values.size(); ++k) {
        REQUIRE(array.values[k] == static_cast<double>(k) * f.scale + f.offset);
      }
    } else if (array.name == "b1") {
      CHECK(array.dtype == DType::kBool);
      CHECK(array.values == std::vector<double>{1, 0, 1, 0, 1});
    } else if (array.name == "scalar") {
      CHECK(array.shape.empty());
      CHECK(array.values == std::vector<double>{3.5});
    } else {
      CHECK(array.name == "empty");
      CHECK(array.shape == std::vector<std::size_t>{0, 3});
      CHECK(array.values.empty());
    }
  }
}

void check_rejected(const std::string& file, const std::string& message) {
  INFO(file);
  const std::string path = scprec::test::npz_fixture(file);
  try {
    scprec::io::read_npz(path);
    FAIL("no error for " << file);
  } catch (const scprec::Error& e) {
    CHECK(e.kind() == scprec::ErrorKind::kBadInput);
    CHECK_THAT(e.what(), Catch::StartsWith(path) && Catch::Contains(message));
  }
}

}  // namespace

TEST_CASE("io: np.savez archives read back exactly", "[io][npz]") {
  check_archive("arrays.npz");
}

TEST_CASE("io: np.savez_compressed archives read back exactly", "[io][npz]") {
  check_archive("arrays_compressed.npz");
}

TEST_CASE("io: broken and unsupported archives are rejected naming the file", "[io][npz]") {
  check_rejected("missing.npz", "cannot open");
  check_rejected("truncated.npz", "not a readable .npz archive");
  check_rejected("not_zip.npz", "not a readable .npz archive");
  check_rejected("bad_crc.npz", "corrupt");
  check_rejected("complex.npz", "unsupported dtype '<c16'");
  check_rejected("strings.npz", "unsupported dtype '<U3'");
  check_rejected("structured.npz", "structured arrays");
  check_rejected("big_int.npz", "exceeds 2^53");
  check_rejected("not_npy_entry.npz", "not a .npy array");
}

namespace {

// A version 1.0 .npy file with this header dict and no data.
std::string npy_with_header(const std::string& header) {
  std::string npy = std::string("\x93NUMPY\x01\x00", 8);
  npy += static_cast<char>(header.size());
  npy += '\0';
  return npy + header;
}

}  // namespace

TEST_CASE("io: malformed .npy bytes give clear errors", "[io][npz]") {
  const std::string npy =
      npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }");
  CHECK_THROWS_WITH(scprec::io::parse_npy(npy + std::string(16, '\0'), "t.npy"),
                    Catch::Contains("truncated data") && Catch::Contains("needs 32 bytes"));
  CHECK(scprec::io::parse_npy(npy + std::string(32, '\0'), "t.npy").values.size() == 4);
  CHECK_THROWS_WITH(scprec::io::parse_npy("PK\x03\x04 not npy", "t.npy"),
                    Catch::Contains("bad magic"));
  std::string bad_header = npy;
  bad_header.replace(10, 9, "{'descr' ");
  CHECK_THROWS_WITH(scprec::io::parse_npy(bad_header + std::string(32, '\0'), "t.npy"),
                    Catch::Contains("malformed .npy header"));
}

TEST_CASE("io: shapes and sizes too large to count are rejected, not overflowed", "[io][npz]") {
  // A .npy with this dtype and shape and 64 bytes of data.
  const auto npy = [](const std::string& descr, const std::string& shape) {
    return scprec::io::parse_npy(npy_with_header("{'descr': '" + descr +
                                                 "', 'fortran_order': False, 'shape': " + shape +
                                                 ", }") +
                                     std::string(64, '\0'),
                                 "t.npy");
  };
  // 2^61 * 4 elements wraps a 64-bit count to 0; each dimension alone fits.
  CHECK_THROWS_WITH(npy("<f8", "(2305843009213693952, 4)"),
                    Catch::Contains("t.npy") && Catch::Contains("truncated data") &&
                        Catch::Contains("the file has 64"));
  CHECK_THROWS_WITH(npy("<f8", "(99999999999999999999999, 4)"),
                    Catch::Contains("shape dimension '99999999999999999999999'"));
  CHECK_THROWS_WITH(npy("<f99999999999999999999", "(4,)"),
                    Catch::Contains("unsupported dtype '<f99999999999999999999'"));
  // A zero dimension makes an empty array, whatever the other dimensions say.
  CHECK(npy("<f8", "(99999999999, 0)").values.empty());
  // A byte order numpy never writes: not guessed at.
  for (const char* descr : {"!f8", "?f8", "xf8", "ff8"}) {
    INFO(descr);
    CHECK_THROWS_WITH(npy(descr, "(4,)"), Catch::Contains("unsupported dtype '" +
                                                          std::string(descr) + "'"));
  }
  CHECK(npy("=f8", "(4,)").values.size() == 4);
  CHECK(npy(">f8", "(4,)").values.size() == 4);
}

namespace {

// A version 2.0 .npy of shape (4,) float64 whose header dict is padded with blanks to `length`.
std::string npy_v2_with_header_length(std::size_t length) {
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }";
  header.resize(length - 1, ' ');
  header += '\n';
  std::string npy = std::string("\x93NUMPY\x02\x00", 8);
  for (int b = 0; b < 4; ++b) npy += static_cast<char>((length >> (8 * b)) & 0xFF);
  return npy + header + std::string(32, '\0');
}

std::string shape_of_ones(std::size_t dimensions) {
  std::string shape = "(";
  for (std::size_t d = 0; d < dimensions; ++d) shape += "1, ";
  return shape + ")";
}

}  // namespace

TEST_CASE("io: .npy headers past 64 KiB and shapes past 32 dimensions are refused", "[io][npz]") {
  const std::size_t cap = scprec::io::kMaxNpyHeaderBytes;
  CHECK(scprec::io::parse_npy(npy_v2_with_header_length(cap), "t.npy").values.size() == 4);
  CHECK_THROWS_WITH(scprec::io::parse_npy(npy_v2_with_header_length(cap + 1), "t.npy"),
                    Catch::Contains("t.npy") && Catch::Contains("header is 65536 bytes") &&
                        Catch::Contains("write the array with numpy"));
  const auto with_dimensions = [](std::size_t dimensions) {
    const std::string header =
        "{'descr': '<f8', 'fortran_order': True, 'shape': " + shape_of_ones(dimensions) + ", }";
    return scprec::io::parse_npy(npy_with_header(header) + std::string(8, '\0'), "t.npy");
  };
  CHECK(with_dimensions(32).shape.size() == 32);
  CHECK_THROWS_WITH(with_dimensions(33), Catch::Contains("more than 32 dimensions"));
}

namespace {

// The peak resident memory of this process so far, in KiB.
long peak_memory_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

TEST_CASE("io: archive entries whose size disagrees with their header are refused", "[io][npz]") {
  // (make_limit_fixtures.py) 8 bytes past the shape's data; a directory claiming 4 GiB.
  check_rejected("size_mismatch.npz",
                 "declares 40 data bytes, but the header's shape and dtype need 32");
  check_rejected("size_lie.npz", "need 32");
  // libzip reads only seekable files, so a device that never ends is refused before any read.
  CHECK_THROWS_WITH(scprec::io::read_npz("/dev/zero"),
                    Catch::StartsWith("/dev/zero") && Catch::Contains("not a readable .npz"));
  // Header and directory agree on 512 MiB that the stream does not hold: refused as truncated
  // without the 512 MiB ever being allocated.
  const long before = peak_memory_kib();
  check_rejected("short_data.npz", "corrupt or truncated entry");
  CHECK(peak_memory_kib() - before < 64 * 1024);
}

TEST_CASE("io: every committed fuzz input of the npz reader is read or refused", "[io][npz]") {
  const std::vector<std::string> inputs = scprec::test::fuzz_inputs("npz");
  REQUIRE(!inputs.empty());
  for (const std::string& input : inputs) {
    INFO(input);
    const std::string bytes = scprec::io::read_file(input);
    for (const bool as_archive : {true, false}) {
      try {
        if (as_archive) {
          scprec::io::read_npz_bytes(bytes, input);
        } else {
          scprec::io::parse_npy(bytes, input);
        }
      } catch (const scprec::Error& e) {
        CHECK(e.kind() == scprec::ErrorKind::kBadInput);
      }
    }
  }
}
