// SHA-256 through OpenSSL's EVP interface.
#include "scprec/io/sha256.hpp"

#include <openssl/evp.h>

#include <fstream>

#include "scprec/core/error.hpp"

namespace scprec::io {

struct Sha256::State {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  ~State() { EVP_MD_CTX_free(context); }
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  SCPREC_ASSERT(
      state_->context != nullptr && EVP_DigestInit_ex(state_->context, EVP_sha256(), nullptr) == 1,
      "SHA-256 is available");
}

Sha256::~Sha256() = default;

void Sha256::add(const void* data, std::size_t size) {
  EVP_DigestUpdate(state_->context, data, size);
}

void Sha256::add_text(std::string_view text) {
  add(text.data(), text.size());
  const char terminator = '\0';
  add(&terminator, 1);
}

std::string Sha256::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(state_->context, digest, &length);
  static const char kHex[] = "0123456789abcdef";
  std::string text;
  for (unsigned int k = 0; k < length; ++k) {
    text += kHex[digest[k] >> 4];
    text += kHex[digest[k] & 15];
  }
  return text;
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 hash;
  hash.add(bytes.data(), bytes.size());
  return hash.hex();
}

std::string file_sha256(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw_bad_input(path, "", "cannot be opened", "Check the path and its permissions");
  Sha256 hash;
  std::string buffer(std::size_t{1} << 16, '\0');
  while (file.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) ||
         file.gcount() > 0) {
    hash.add(buffer.data(), static_cast<std::size_t>(file.gcount()));
  }
  if (file.bad()) throw_bad_input(path, "", "cannot be read", "Check the file and its disk");
  return hash.hex();
}

}  // namespace scprec::io
