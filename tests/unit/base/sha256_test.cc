#include <catch2/catch.hpp>

#include <string>

#include "base/sha256.h"

using namespace rb;

TEST_CASE("sha256_hex gives the standard digests") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("Sha256 fed in pieces gives the digest of the whole") {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "step " + std::to_string(i) + " {\"a\":\"b\"}\n";
  for (size_t piece : {size_t{1}, size_t{63}, size_t{64}, size_t{65}, size_t{4096}}) {
    Sha256 h;
    for (size_t at = 0; at < text.size(); at += piece)
      h.update(std::string_view(text).substr(at, piece));
    h.update("");
    INFO("pieces of " << piece);
    CHECK(h.hex() == sha256_hex(text));
  }
}
