#include "record/file_digest.h"

#include <fstream>
#include <memory>

namespace rb::record {

std::optional<std::string> sha256_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return sha256_hex(text);
}

}  // namespace rb::record
