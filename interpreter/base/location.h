#pragma once
// Where something came from: a file, a 1-based line and a 1-based column.
#include <string>

#include "base/source_file.h"

namespace rb {

struct Location {
  const SourceFile* file = nullptr;  // owned by whoever holds the SourceFilePtr (the model)
  int line = 0;                      // 1-based; 0 = unknown
  int column = 0;                    // 1-based; 0 = unknown

  bool known() const { return file != nullptr && line > 0; }
  // "path:line:col", or "path" / "" when less is known.
  std::string str() const;
  Location shifted(int columns) const { return Location{file, line, column + columns}; }
};

}  // namespace rb
