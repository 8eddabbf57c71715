#pragma once
// A problem found in a runbook or its inputs, kept apart from how it is rendered
// (see diagnostic_renderer.h). Checks collect every diagnostic of a file rather than stop at the
// first one.
#include <string>
#include <vector>

#include "base/location.h"

namespace rb {

enum class Severity { kError, kWarning, kNote };

struct Diagnostic {
  Severity severity = Severity::kError;
  Location location;
  int length = 1;                 // columns to underline at `location`
  std::string message;            // what is wrong, one line, no trailing period
  std::string hint;               // what to do about it; may be empty
  std::vector<Diagnostic> notes;  // related places (e.g. the first definition of a duplicate)
};

// An ordered collection of diagnostics.
class Diagnostics {
 public:
  Diagnostic& error(Location where, std::string message, std::string hint = {}, int length = 1);
  Diagnostic& warning(Location where, std::string message, std::string hint = {}, int length = 1);
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  void append(const Diagnostics& other);

  bool has_errors() const;
  size_t error_count() const;
  size_t warning_count() const;
  bool empty() const { return items_.empty(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  // Orders by file, line, column, keeping insertion order among equals.
  void sort();
  // Keeps a file alive as long as these diagnostics, since locations point into it.
  void retain(SourceFilePtr file) { files_.push_back(std::move(file)); }

 private:
  std::vector<Diagnostic> items_;
  std::vector<SourceFilePtr> files_;
};

}  // namespace rb
