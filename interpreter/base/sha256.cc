#include "base/sha256.h"

// The low-level SHA-256 functions, not EVP (nor the one-shot SHA256(), which calls EVP in
// OpenSSL 3): linked statically, EVP brings OpenSSL's provider machinery, 5 MB of libcrypto,
// into the binary. OpenSSL 3 marks them deprecated, not removed.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

namespace rb {
namespace {

SHA256_CTX* context(unsigned char* storage) {
  return reinterpret_cast<SHA256_CTX*>(storage);
}

}  // namespace

Sha256::Sha256() {
  static_assert(sizeof(SHA256_CTX) <= sizeof(ctx_) && alignof(SHA256_CTX) <= 8);
  SHA256_Init(context(ctx_));
}

void Sha256::update(std::string_view data) {
  if (!data.empty()) SHA256_Update(context(ctx_), data.data(), data.size());
}

std::string Sha256::hex() {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_Final(digest, context(ctx_));
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.hex();
}

}  // namespace rb
