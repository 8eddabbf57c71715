#include "base/text_origin.h"

namespace rb {

Location TextOrigin::locate(size_t offset) const {
  size_t at = offset_ + offset;
  if (!per_byte_) {
    if (!start_.known()) return start_;
    return start_.shifted(static_cast<int>(at));
  }
  const std::vector<Location>& where = *per_byte_;
  if (at < where.size()) return where[at];
  // Past the end (e.g. "unexpected end of expression"): just after the last byte.
  return where.back().shifted(static_cast<int>(at - where.size() + 1));
}

TextOrigin TextOrigin::sub(size_t offset) const {
  TextOrigin out = *this;
  out.offset_ += offset;
  return out;
}

}  // namespace rb
