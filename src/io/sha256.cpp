// SHA-256 through OpenSSL's EVP interface.
#include "scprec/io/sha256.hpp"

#include <openssl/evp.h>

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

}  // namespace scprec::io
