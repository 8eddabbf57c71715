#pragma once
// SHA-256 as lowercase hex: of a runbook file (resume notices a change), of a plan's canonical
// content (the digest a run can be held to), of a lock key.
#include <cstdint>
#include <string>
#include <string_view>

namespace rb {

std::string sha256_hex(std::string_view data);

// The same, fed in pieces: the hash of everything given to update() in order, so a large text
// (a plan's canonical content) need not be held whole to be hashed.
class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  std::string hex();  // ends the hash: call once

 private:
  alignas(8) unsigned char ctx_[128];  // an OpenSSL SHA256_CTX (not included here)
};

}  // namespace rb
