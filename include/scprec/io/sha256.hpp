// SHA-256 digests, for content hashes (models, build caches).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace scprec::io {

/// An incremental SHA-256 (OpenSSL's implementation).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  /// Adds bytes.
  void add(const void* data, std::size_t size);
  /// Adds a string's bytes followed by a 0 byte, so that ("ab", "c") and ("a", "bc") differ.
  void add_text(std::string_view text);
  /// The digest as 64 lowercase hex digits; the hash cannot be used afterwards.
  std::string hex();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// The SHA-256 of `bytes` as 64 lowercase hex digits (no terminator added, unlike add_text):
/// what `sha256sum` prints for a file holding them.
std::string sha256_hex(std::string_view bytes);

/// The SHA-256 of the file's contents, read in pieces, as `sha256sum` prints it. Throws Error
/// (kBadInput) naming the path if it cannot be opened or read.
std::string file_sha256(const std::string& path);

}  // namespace scprec::io
