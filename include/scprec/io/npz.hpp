// Reading numpy's .npy arrays and .npz archives (np.save, np.savez, np.savez_compressed).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace scprec::io {

/// The longest .npy header dict parse_npy reads. numpy writes a few hundred bytes, and version
/// 1.0 of the format cannot hold more than 64 KiB.
constexpr std::size_t kMaxNpyHeaderBytes = 65535;
/// The most dimensions a shape may have (numpy's own limit is 32).
constexpr std::size_t kMaxNpyDimensions = 32;

/// The element types scprec reads. Complex, string, object and structured dtypes are rejected.
enum class DType {
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUint8,
  kUint16,
  kUint32,
  kUint64,
  kFloat32,
  kFloat64
};

/// numpy's name of a dtype, e.g. "float32".
std::string to_string(DType dtype);

/// One array, its values converted to double and stored in C (row-major) order whatever the
/// file's order. Integers are exact: values beyond 2^53 in magnitude are rejected on reading.
struct NpyArray {
  std::string name;
  DType dtype = DType::kFloat64;
  std::vector<std::size_t> shape;  ///< empty for a 0-d array
  std::vector<double> values;

  bool is_integer() const;
  /// "(2, 3)" as numpy prints shapes.
  std::string shape_text() const;
};

/// Parses one .npy file's bytes (format versions 1, 2 and 3, either byte order, C or Fortran
/// order). `where` names it in errors, e.g. "model.npz:fc1.weight". Throws Error (kBadInput)
/// saying what is wrong: bad magic, malformed header, a header longer than kMaxNpyHeaderBytes
/// or a shape of more than kMaxNpyDimensions, unsupported dtype, too few data bytes. Allocates
/// at most 8 bytes of values per byte of `bytes`.
NpyArray parse_npy(const std::string& bytes, const std::string& where);

/// Reads every array of a .npz archive, in archive order (the order np.savez wrote them),
/// each named by its entry without ".npy". Throws Error (kBadInput) naming the file (and entry)
/// if the file is missing, not a zip archive, truncated or corrupt, or holds a bad array, or an
/// entry whose declared size differs from what its header's shape and dtype need. An entry's
/// data is read only as the archive delivers it, so a lying size cannot make it allocate more.
std::vector<NpyArray> read_npz(const std::string& path);

/// The same for an archive held in memory (what the fuzz targets feed); `where` names it in
/// errors.
std::vector<NpyArray> read_npz_bytes(const std::string& bytes, const std::string& where);

}  // namespace scprec::io
