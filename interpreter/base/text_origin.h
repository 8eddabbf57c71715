#pragma once
// Maps byte offsets within a string taken from a runbook (a YAML scalar, after unquoting) back to
// file locations, so an error inside an expression points at the right line and column.
#include <cstddef>
#include <memory>
#include <vector>

#include "base/location.h"

namespace rb {

class TextOrigin {
 public:
  TextOrigin() = default;
  // The text lies on one line starting at `start`: offset i is column start.column + i.
  explicit TextOrigin(Location start) : start_(start) {}
  // One location per byte of the text (used for quoted and block scalars). Shared, not copied,
  // by sub(): every expression of a long template keeps an origin, so a copy each would make
  // memory quadratic in the template's size.
  TextOrigin(Location start, std::vector<Location> per_byte)
      : start_(start),
        per_byte_(per_byte.empty()
                      ? nullptr
                      : std::make_shared<const std::vector<Location>>(std::move(per_byte))) {}

  Location start() const { return start_; }
  Location locate(size_t offset) const;
  // The origin of text.substr(offset).
  TextOrigin sub(size_t offset) const;

 private:
  Location start_;
  std::shared_ptr<const std::vector<Location>> per_byte_;
  size_t offset_ = 0;
};

}  // namespace rb
