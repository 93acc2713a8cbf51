// .npy parsing and .npz reading. The .npy format (numpy NEP 1): the magic "\x93NUMPY", a
// version, a little-endian header length (2 bytes in version 1, 4 in versions 2 and 3), a Python
// dict literal with 'descr', 'fortran_order' and 'shape', then the raw data. A .npz is a zip
// archive of .npy files (stored or deflated), read here with libzip.
//
// Limits, so that no file can make the reader allocate without bound: a header is at most
// kMaxNpyHeaderBytes and a shape at most kMaxNpyDimensions long; the data a shape needs is
// counted against the bytes present (never multiplied out first). Inside a .npz an entry's
// header is read first, and the entry is refused unless its declared uncompressed size is
// exactly what the header's shape and dtype need; its data is then read in chunks, so memory
// grows only with the bytes the decompressor really produces.
#include "scprec/io/npz.hpp"

#include <zip.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>

#include "scprec/core/error.hpp"
#include "scprec/core/text.hpp"

namespace scprec::io {
namespace {

constexpr double kLargestExactInteger = 9007199254740992.0;  // 2^53

[[noreturn]] void fail(const std::string& where, const std::string& problem,
                       const std::string& remedy) {
  throw_bad_input(where, "", problem, remedy);
}

const std::string kRewrite = "Write the array with numpy's np.save / np.savez";

// A decimal number from a .npy header: digits only, fitting in a size_t; nullopt otherwise.
std::optional<std::size_t> header_number(const std::string& digits) {
  std::size_t value = 0;
  const char* end = digits.data() + digits.size();
  const auto [stop, status] = std::from_chars(digits.data(), end, value);
  if (digits.empty() || status != std::errc() || stop != end) return std::nullopt;
  return value;
}

// A tiny reader for the Python literal in a .npy header.
class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& where) : text_(text), where_(where) {}

  void expect(char c) {
    skip_spaces();
    if (pos_ >= text_.size() || text_[pos_] != c) {
      fail(where_, std::string("malformed .npy header, expected '") + c + "' in: " + text_,
           kRewrite);
    }
    ++pos_;
  }
  bool accept(char c) {
    skip_spaces();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  char peek() {
    skip_spaces();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  std::string quoted() {
    skip_spaces();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) {
      fail(where_, "malformed .npy header, expected a quoted string in: " + text_, kRewrite);
    }
    const char quote = text_[pos_++];
    const std::size_t end = text_.find(quote, pos_);
    if (end == std::string::npos) fail(where_, "malformed .npy header: " + text_, kRewrite);
    std::string value = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return value;
  }
  std::string word() {
    skip_spaces();
    const std::size_t begin = pos_;
    while (pos_ < text_.size() && std::isalnum(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    return text_.substr(begin, pos_ - begin);
  }

 private:
  void skip_spaces() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  const std::string& text_;
  const std::string& where_;
  std::size_t pos_ = 0;
};

struct Header {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::size_t> shape;
};

Header parse_header(const std::string& text, const std::string& where) {
  HeaderParser parser(text, where);
  Header header;
  bool seen_descr = false;
  bool seen_shape = false;
  parser.expect('{');
  while (!parser.accept('}')) {
    const std::string key = parser.quoted();
    parser.expect(':');
    if (key == "descr") {
      if (parser.peek() != '\'' && parser.peek() != '"') {
        fail(where, "structured arrays (record dtypes) are not supported",
             "Save each field as its own plain array");
      }
      header.descr = parser.quoted();
      seen_descr = true;
    } else if (key == "fortran_order") {
      const std::string value = parser.word();
      if (value != "True" && value != "False") {
        fail(where, "malformed .npy header, fortran_order is '" + value + "'", kRewrite);
      }
      header.fortran_order = value == "True";
    } else if (key == "shape") {
      parser.expect('(');
      while (!parser.accept(')')) {
        const std::string dim = parser.word();
        const std::optional<std::size_t> size = header_number(dim);
        if (!size) {
          fail(where, "malformed .npy header, shape dimension '" + dim + "' is not a usable number",
               kRewrite);
        }
        if (header.shape.size() == kMaxNpyDimensions) {
          fail(where,
               "the shape has more than " + std::to_string(kMaxNpyDimensions) + " dimensions",
               "numpy arrays have at most 32 dimensions; write the array with numpy");
        }
        header.shape.push_back(*size);
        parser.accept(',');
      }
      seen_shape = true;
    } else {
      fail(where, "malformed .npy header, unknown key '" + key + "'", kRewrite);
    }
    parser.accept(',');
  }
  if (!seen_descr || !seen_shape) {
    fail(where, "malformed .npy header, 'descr' or 'shape' missing: " + text, kRewrite);
  }
  return header;
}

struct TypeInfo {
  DType dtype;
  std::size_t size;
  bool big_endian;
};

TypeInfo parse_descr(const std::string& descr, const std::string& where) {
  if (descr.size() < 3) fail(where, "unsupported dtype '" + descr + "'", kRewrite);
  const char order = descr[0];
  const char kind = descr[1];
  const std::string size_text = descr.substr(2);
  const std::optional<std::size_t> parsed = header_number(size_text);
  if ((order != '<' && order != '>' && order != '|' && order != '=') || !parsed) {
    fail(where, "unsupported dtype '" + descr + "'", kRewrite);
  }
  const std::size_t size = *parsed;
  TypeInfo info{DType::kFloat64, size, order == '>'};
  const std::string remedy =
      "Convert it to float32, float64, an integer type or bool before saving, e.g. "
      "a.astype(np.float32)";
  if (kind == 'f' && size == 4) {
    info.dtype = DType::kFloat32;
  } else if (kind == 'f' && size == 8) {
    info.dtype = DType::kFloat64;
  } else if (kind == 'b' && size == 1) {
    info.dtype = DType::kBool;
  } else if (kind == 'i' && (size == 1 || size == 2 || size == 4 || size == 8)) {
    info.dtype = size == 1   ? DType::kInt8
                 : size == 2 ? DType::kInt16
                 : size == 4 ? DType::kInt32
                             : DType::kInt64;
  } else if (kind == 'u' && (size == 1 || size == 2 || size == 4 || size == 8)) {
    info.dtype = size == 1   ? DType::kUint8
                 : size == 2 ? DType::kUint16
                 : size == 4 ? DType::kUint32
                             : DType::kUint64;
  } else {
    fail(where, "unsupported dtype '" + descr + "'", remedy);
  }
  return info;
}

template <typename T>
T load(const unsigned char* bytes, bool swap) {
  unsigned char buffer[sizeof(T)];
  std::memcpy(buffer, bytes, sizeof(T));
  if (swap) std::reverse(buffer, buffer + sizeof(T));
  T value;
  std::memcpy(&value, buffer, sizeof(T));
  return value;
}

double decode(const unsigned char* bytes, const TypeInfo& type, const std::string& where) {
  const bool swap = type.big_endian;  // scprec runs on little-endian hosts
  double value = 0.0;
  switch (type.dtype) {
    case DType::kBool:
      return bytes[0] != 0 ? 1.0 : 0.0;
    case DType::kInt8:
      return load<std::int8_t>(bytes, swap);
    case DType::kInt16:
      return load<std::int16_t>(bytes, swap);
    case DType::kInt32:
      return load<std::int32_t>(bytes, swap);
    case DType::kUint8:
      return load<std::uint8_t>(bytes, swap);
    case DType::kUint16:
      return load<std::uint16_t>(bytes, swap);
    case DType::kUint32:
      return load<std::uint32_t>(bytes, swap);
    case DType::kFloat32:
      return load<float>(bytes, swap);
    case DType::kFloat64:
      return load<double>(bytes, swap);
    case DType::kInt64:
      value = static_cast<double>(load<std::int64_t>(bytes, swap));
      break;
    case DType::kUint64:
      value = static_cast<double>(load<std::uint64_t>(bytes, swap));
      break;
  }
  if (std::fabs(value) > kLargestExactInteger) {
    fail(where, "an integer exceeds 2^53 and cannot be held exactly",
         "Use values of at most 2^53 in magnitude");
  }
  return value;
}

// Decodes `count` elements stored in Fortran (column-major) order into C (row-major) order,
// walking the source in order and carrying the destination's multi-index along.
void decode_fortran(const unsigned char* first, const TypeInfo& type,
                    const std::vector<std::size_t>& shape, const std::string& where,
                    std::vector<double>& out) {
  const std::size_t dims = shape.size();
  std::vector<std::size_t> c_stride(dims, 1);
  for (std::size_t d = dims; d-- > 1;) c_stride[d - 1] = c_stride[d] * shape[d];
  std::vector<std::size_t> index(dims, 0);
  for (std::size_t k = 0; k < out.size(); ++k) {
    std::size_t destination = 0;
    for (std::size_t d = 0; d < dims; ++d) destination += index[d] * c_stride[d];
    out[destination] = decode(first + k * type.size, type, where);
    for (std::size_t d = 0; d < dims && ++index[d] == shape[d]; ++d) {
      if (d + 1 < dims) index[d] = 0;
    }
  }
}

// Where a .npy's header dict starts, and where its data starts, read from its first 12 bytes
// (10 for version 1): the magic, the version and the header length.
struct NpyPrefix {
  std::size_t header_start;
  std::size_t data_start;
};

NpyPrefix npy_prefix(const std::string& bytes, const std::string& where) {
  static const char kMagic[] = "\x93NUMPY";
  if (bytes.size() < 10 || bytes.compare(0, 6, kMagic, 6) != 0) {
    fail(where, "not a .npy array (bad magic bytes)", kRewrite);
  }
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const int major = data[6];
  std::size_t header_length = 0;
  std::size_t header_start = 0;
  if (major == 1) {
    header_length = data[8] | (std::size_t{data[9]} << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) fail(where, "truncated .npy header", kRewrite);
    header_length = data[8] | (std::size_t{data[9]} << 8) | (std::size_t{data[10]} << 16) |
                    (std::size_t{data[11]} << 24);
    header_start = 12;
  } else {
    fail(where, ".npy format version " + std::to_string(major) + " is not supported", kRewrite);
  }
  if (header_length > kMaxNpyHeaderBytes) {
    fail(where,
         "the .npy header is " + std::to_string(header_length) + " bytes, more than the " +
             std::to_string(kMaxNpyHeaderBytes) + " scprec reads",
         "numpy writes headers of a few hundred bytes; write the array with numpy");
  }
  return {header_start, header_start + header_length};
}

// The bytes that the data of `shape` needs at `item_size` bytes per element, counted so that no
// shape can overflow: nullopt when the element count alone exceeds `available` (so the data
// cannot be there) or the byte count exceeds size_t.
std::optional<std::size_t> data_bytes(const std::vector<std::size_t>& shape, std::size_t item_size,
                                      std::size_t available) {
  if (std::find(shape.begin(), shape.end(), 0) != shape.end()) return 0;
  std::size_t count = 1;
  for (const std::size_t dim : shape) {
    if (count > available / dim) return std::nullopt;
    count *= dim;
  }
  if (count > std::numeric_limits<std::size_t>::max() / item_size) return std::nullopt;
  return count * item_size;
}

std::string zip_problem(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

struct ZipCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

}  // namespace

std::string to_string(DType dtype) {
  switch (dtype) {
    case DType::kBool:
      return "bool";
    case DType::kInt8:
      return "int8";
    case DType::kInt16:
      return "int16";
    case DType::kInt32:
      return "int32";
    case DType::kInt64:
      return "int64";
    case DType::kUint8:
      return "uint8";
    case DType::kUint16:
      return "uint16";
    case DType::kUint32:
      return "uint32";
    case DType::kUint64:
      return "uint64";
    case DType::kFloat32:
      return "float32";
    case DType::kFloat64:
      return "float64";
  }
  return "unknown";
}

bool NpyArray::is_integer() const {
  return dtype != DType::kFloat32 && dtype != DType::kFloat64;
}

std::string NpyArray::shape_text() const {
  std::string text = "(";
  for (std::size_t d = 0; d < shape.size(); ++d) {
    text += std::to_string(shape[d]);
    if (d + 1 < shape.size() || shape.size() == 1) text += shape.size() == 1 ? "," : ", ";
  }
  return text + ")";
}

NpyArray parse_npy(const std::string& bytes, const std::string& where) {
  const NpyPrefix prefix = npy_prefix(bytes, where);
  const std::size_t data_start = prefix.data_start;
  if (data_start > bytes.size()) fail(where, "truncated .npy header", kRewrite);
  const Header header =
      parse_header(bytes.substr(prefix.header_start, data_start - prefix.header_start), where);
  const TypeInfo type = parse_descr(header.descr, where);

  NpyArray array;
  array.dtype = type.dtype;
  array.shape = header.shape;
  const std::size_t available = bytes.size() - data_start;
  const std::optional<std::size_t> needed = data_bytes(header.shape, type.size, available);
  if (!needed || *needed > available) {
    const std::string needs = needed ? std::to_string(*needed) + " bytes" : "more than that";
    fail(where,
         "truncated data: shape " + array.shape_text() + " needs " + needs + ", the file has " +
             std::to_string(available),
         "The file was cut short; write it again");
  }
  const std::size_t count = *needed / type.size;
  array.values.resize(count);
  const unsigned char* first = reinterpret_cast<const unsigned char*>(bytes.data()) + data_start;
  if (header.fortran_order) {
    decode_fortran(first, type, header.shape, where, array.values);
  } else {
    for (std::size_t k = 0; k < count; ++k)
      array.values[k] = decode(first + k * type.size, type, where);
  }
  return array;
}

namespace {

// Appends up to `count` more bytes of an entry to `bytes`, a chunk at a time, so that the string
// grows only as the decompressor delivers data. Throws Error if the entry ends early or is
// corrupt.
void read_entry_bytes(zip_file_t* file, std::size_t count, std::string& bytes,
                      const std::string& where) {
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  const std::size_t end = bytes.size() + count;
  while (bytes.size() < end) {
    const std::size_t old_size = bytes.size();
    bytes.resize(old_size + std::min(kChunk, end - old_size));
    const zip_int64_t got = zip_fread(file, bytes.data() + old_size, bytes.size() - old_size);
    if (got <= 0) {
      fail(where,
           std::string("corrupt or truncated entry (") +
               (got < 0 ? zip_file_strerror(file) : "it ends early") + ")",
           "Write the file again");
    }
    bytes.resize(old_size + static_cast<std::size_t>(got));
  }
}

// An entry's bytes, refused unless its declared size is what its .npy header needs.
std::string read_entry(zip_file_t* file, zip_uint64_t size, const std::string& where) {
  std::string bytes;
  read_entry_bytes(file, static_cast<std::size_t>(std::min<zip_uint64_t>(size, 12)), bytes, where);
  const NpyPrefix prefix = npy_prefix(bytes, where);
  if (prefix.data_start > size) fail(where, "truncated .npy header", kRewrite);
  if (prefix.data_start > bytes.size()) {
    read_entry_bytes(file, prefix.data_start - bytes.size(), bytes, where);
  }
  const Header header = parse_header(
      bytes.substr(prefix.header_start, prefix.data_start - prefix.header_start), where);
  const TypeInfo type = parse_descr(header.descr, where);
  const zip_uint64_t data_size = size - prefix.data_start;
  const std::optional<std::size_t> needed = data_bytes(header.shape, type.size, data_size);
  if (!needed || *needed != data_size) {
    fail(where,
         "the archive declares " + std::to_string(data_size) +
             " data bytes, but the header's shape and dtype need " +
             (needed ? std::to_string(*needed) : "more"),
         "The archive is corrupt or not written by np.savez; write it again");
  }
  read_entry_bytes(file, static_cast<std::size_t>(size) - bytes.size(), bytes, where);
  // libzip checks the CRC only when a read reaches the end of the entry, so read once more:
  // a clean end returns 0, a CRC mismatch -1.
  char past_end = 0;
  if (zip_fread(file, &past_end, 1) != 0) {
    fail(where, std::string("corrupt or truncated entry (") + zip_file_strerror(file) + ")",
         "Write the file again");
  }
  return bytes;
}

// Every array of an open archive; `where` names it in errors.
std::vector<NpyArray> read_archive(zip_t* archive, const std::string& where_archive) {
  const zip_int64_t entries = zip_get_num_entries(archive, 0);
  std::vector<NpyArray> arrays;
  for (zip_int64_t index = 0; index < entries; ++index) {
    const auto entry = static_cast<zip_uint64_t>(index);
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive, entry, 0, &stat) != 0 || (stat.valid & ZIP_STAT_NAME) == 0 ||
        (stat.valid & ZIP_STAT_SIZE) == 0) {
      fail(where_archive, "cannot read archive entry " + std::to_string(index),
           "Write the file again");
    }
    std::string name = stat.name;
    const std::string where = where_archive + ":" + name;
    if (!core::ends_with(name, ".npy")) {
      fail(where, "entry is not a .npy array", "A .npz archive holds only .npy files");
    }
    name.resize(name.size() - 4);
    std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(archive, entry, 0));
    if (!file) {
      fail(where, std::string("cannot open entry (") + zip_strerror(archive) + ")",
           "Write the file again");
    }
    NpyArray array = parse_npy(read_entry(file.get(), stat.size, where), where);
    array.name = name;
    arrays.push_back(std::move(array));
  }
  return arrays;
}

[[noreturn]] void fail_open(const std::string& where, int error_code) {
  if (error_code == ZIP_ER_NOENT || error_code == ZIP_ER_OPEN) {
    fail(where, "cannot open the file (" + zip_problem(error_code) + ")",
         "Check the path and the file's permissions");
  }
  fail(where, "not a readable .npz archive (" + zip_problem(error_code) + ")",
       "The file may be truncated or not made by np.savez; write it again");
}

}  // namespace

std::vector<NpyArray> read_npz(const std::string& path) {
  int error_code = 0;
  std::unique_ptr<zip_t, ZipCloser> archive(
      zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &error_code));
  if (!archive) fail_open(path, error_code);
  return read_archive(archive.get(), path);
}

std::vector<NpyArray> read_npz_bytes(const std::string& bytes, const std::string& where) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) {
    zip_error_fini(&error);
    throw Error(ErrorKind::kEnvironment, where, "", "cannot wrap the archive's bytes",
                "Free some memory and try again");
  }
  std::unique_ptr<zip_t, ZipCloser> archive(
      zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
  const int error_code = zip_error_code_zip(&error);
  zip_error_fini(&error);
  if (!archive) {
    zip_source_free(source);
    fail_open(where, error_code);
  }
  return read_archive(archive.get(), where);
}

}  // namespace scprec::io
