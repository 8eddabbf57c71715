#include "base/diagnostic.h"

#include <algorithm>

namespace rb {

Diagnostic& Diagnostics::error(Location where, std::string message, std::string hint, int length) {
  items_.push_back(
      Diagnostic{Severity::kError, where, length, std::move(message), std::move(hint), {}});
  return items_.back();
}

Diagnostic& Diagnostics::warning(Location where, std::string message, std::string hint,
                                 int length) {
  items_.push_back(
      Diagnostic{Severity::kWarning, where, length, std::move(message), std::move(hint), {}});
  return items_.back();
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
  files_.insert(files_.end(), other.files_.begin(), other.files_.end());
}

bool Diagnostics::has_errors() const {
  return error_count() > 0;
}

size_t Diagnostics::error_count() const {
  return std::count_if(items_.begin(), items_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

size_t Diagnostics::warning_count() const {
  return std::count_if(items_.begin(), items_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::kWarning; });
}

void Diagnostics::sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    const std::string pa = a.location.file ? a.location.file->path() : std::string();
    const std::string pb = b.location.file ? b.location.file->path() : std::string();
    if (pa != pb) return pa < pb;
    if (a.location.line != b.location.line) return a.location.line < b.location.line;
    return a.location.column < b.location.column;
  });
}

}  // namespace rb
