#include "base/text_origin.h"

namespace rb {

Location TextOrigin::locate(size_t offset) const {
  size_t at = offset_ + offset;
  if (per_byte_.empty()) {
    if (!start_.known()) return start_;
    return start_.shifted(static_cast<int>(at));
  }
  if (at < per_byte_.size()) return per_byte_[at];
  // Past the end (e.g. "unexpected end of expression"): just after the last byte.
  Location last = per_byte_.back();
  return last.shifted(static_cast<int>(at - per_byte_.size() + 1));
}

TextOrigin TextOrigin::sub(size_t offset) const {
  TextOrigin out = *this;
  out.offset_ += offset;
  return out;
}

}  // namespace rb
