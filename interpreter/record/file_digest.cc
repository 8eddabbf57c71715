#include "record/file_digest.h"

#include <memory>

#include "base/file_read.h"

namespace rb::record {

std::optional<std::string> sha256_of_file(const std::string& path) {
  std::optional<std::string> text = read_regular_file(path, size_t{1} << 30, nullptr);
  if (!text) return std::nullopt;
  return sha256_hex(*text);
}

}  // namespace rb::record
