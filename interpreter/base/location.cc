#include "base/location.h"

namespace rb {

std::string Location::str() const {
  if (file == nullptr) return "";
  std::string out = file->path();
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  return out;
}

}  // namespace rb
