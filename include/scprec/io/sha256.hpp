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

}  // namespace scprec::io
